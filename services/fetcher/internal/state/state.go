// Package state keeps each feed's polling state in a JetStream KV bucket:
// its validators, when it is next due, its error streak and its counters. The
// state outlives the process and is shared by every fetcher replica, so a
// restart resumes the schedule and a feed polled by one replica is not polled
// again by another before it is due.
package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Bucket is the KV bucket of feed states, keyed by events.FeedID.
const Bucket = "WIREWATCH_FEEDS_STATE"

// Feed is the state of one feed.
type Feed struct {
	// URL names the feed (its id, its health subject, the seen keys of its
	// link-less items) for good, even after it moved.
	URL string `json:"url"`
	// Location is where the feed is fetched from since a permanent
	// redirect moved it; empty: URL.
	Location string `json:"location,omitempty"`
	// MovedTo is a permanent redirect seen on the last MovedSeen successful
	// polls in a row, not yet taken as the feed's location.
	MovedTo   string `json:"moved_to,omitempty"`
	MovedSeen int    `json:"moved_seen,omitempty"`
	Title     string `json:"title,omitempty"`
	// ETag and LastModified are the validators of the last full response.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// NextDue is when the feed should be polled next.
	NextDue time.Time `json:"next_due"`
	// RetryUntil is the end of the server's last Retry-After.
	RetryUntil  time.Time `json:"retry_until,omitzero"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastStatus  int       `json:"last_status,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	ErrorStreak int       `json:"error_streak,omitempty"`
	// TTL is the feed's own <ttl> (or syndication period).
	TTL time.Duration `json:"ttl,omitempty"`
	// ItemsPerDay is the feed's publishing rate, from its items' dates;
	// it decays while the feed is quiet (see LastItem).
	ItemsPerDay float64 `json:"items_per_day,omitempty"`
	// LastItem is the date of the newest dated item the feed has listed.
	LastItem    time.Time `json:"last_item,omitzero"`
	Polls       uint64    `json:"polls"`
	NotModified uint64    `json:"not_modified"`
	Errors      uint64    `json:"errors"`
	Items       uint64    `json:"items"`
}

// Fetch is the URL the feed is fetched from: its location, else its URL.
func (f Feed) Fetch() string {
	if f.Location != "" {
		return f.Location
	}
	return f.URL
}

// Health is the feed's health report.
func (f Feed) Health() *events.FeedHealth {
	h := &events.FeedHealth{
		Schema:      events.SchemaFeedHealth,
		ID:          events.FeedID(f.URL),
		FeedURL:     f.URL,
		Location:    f.Location,
		MovedTo:     f.MovedTo,
		MovedSeen:   f.MovedSeen,
		Title:       f.Title,
		Polls:       f.Polls,
		NotModified: f.NotModified,
		Errors:      f.Errors,
		ErrorStreak: f.ErrorStreak,
		LastError:   f.LastError,
		LastStatus:  f.LastStatus,
		Items:       f.Items,
		ItemsPerDay: f.ItemsPerDay,
		LastAttempt: f.LastAttempt.UTC(),
		NextPoll:    f.NextDue.UTC(),
	}
	if f.Polls > 0 {
		h.NotModifiedRatio = float64(f.NotModified) / float64(f.Polls)
	}
	if !f.LastSuccess.IsZero() {
		t := f.LastSuccess.UTC()
		h.LastSuccess = &t
	}
	return h
}

// Store reads and writes feed states.
type Store struct {
	kv jetstream.KeyValue
}

// Open creates the bucket if needed and returns the store.
func Open(ctx context.Context, js jetstream.JetStream, replicas int, log *zap.Logger) (*Store, error) {
	kv, err := stage.OpenKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "wirewatch fetcher: per-feed validators, schedule and health",
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	}, log)
	if err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", Bucket, err)
	}
	return &Store{kv: kv}, nil
}

// Get returns the state of the feed at url; a feed never polled has the
// zero state (due at once).
func (s *Store) Get(ctx context.Context, url string) (Feed, error) {
	id := events.FeedID(url)
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Feed{URL: url}, nil
	}
	if err != nil {
		return Feed{}, fmt.Errorf("reading state of %s: %w", url, err)
	}
	var f Feed
	if err := json.Unmarshal(e.Value(), &f); err != nil {
		// Start over rather than never poll the feed again.
		return Feed{URL: url}, nil
	}
	f.URL = url
	return f, nil
}

// Put stores the state of f.URL.
func (s *Store) Put(ctx context.Context, f Feed) error {
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encoding state of %s: %w", f.URL, err)
	}
	if _, err := s.kv.Put(ctx, events.FeedID(f.URL), data); err != nil {
		return fmt.Errorf("writing state of %s: %w", f.URL, err)
	}
	return nil
}

// List returns the state of every feed in the bucket, without creating it:
// none when it does not exist.
func List(ctx context.Context, js jetstream.JetStream) ([]Feed, error) {
	kv, err := js.KeyValue(ctx, Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening bucket %s: %w", Bucket, err)
	}
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing bucket %s: %w", Bucket, err)
	}
	var out []Feed
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading state %s: %w", k, err)
		}
		var f Feed
		if json.Unmarshal(e.Value(), &f) == nil && f.URL != "" {
			out = append(out, f)
		}
	}
	return out, nil
}
