// Package seen is the fetcher's registry of feed items it has handled, kept in
// a JetStream KV bucket whose entries expire after a TTL. Every fetcher
// replica and every restart reads the same registry, so an item is fetched
// and published once however many times its feed lists it.
package seen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Bucket is the KV bucket of the registry.
const Bucket = "WIREWATCH_SEEN"

// Entry is what the registry knows of an item.
type Entry struct {
	// Done reports the item handled: published, or dead-lettered for good.
	Done bool `json:"done"`
	// Doc is the id of the document published for it.
	Doc string `json:"doc,omitempty"`
	// Updated is the item's own updated time when it was handled: a later
	// one in the feed means a new revision worth fetching.
	Updated *time.Time `json:"updated,omitempty"`
	// ETag and LastModified are the validators of the article page
	// published, sent when a new revision of the item has it fetched again.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Attempts counts temporary failures while not Done.
	Attempts int `json:"attempts,omitempty"`
	// At is when the entry was written.
	At time.Time `json:"at"`
}

// Registry is the seen-registry.
type Registry struct {
	kv  jetstream.KeyValue
	ttl time.Duration
}

// Open creates the bucket (or updates its TTL) and returns the registry.
func Open(ctx context.Context, js jetstream.JetStream, ttl time.Duration, replicas int, log *zap.Logger) (*Registry, error) {
	kv, err := stage.OpenKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "wirewatch fetcher: feed items already handled",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	}, log)
	if err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", Bucket, err)
	}
	return &Registry{kv: kv, ttl: ttl}, nil
}

// TTL is how long an entry lives unless written again.
func (r *Registry) TTL() time.Duration { return r.ttl }

// URLKey is the key of an article by its URL (normalised as document ids
// are), so one article is one entry whichever feed lists it.
func URLKey(u string) string { return key("url", events.NormalizeURL(u)) }

// ItemKey is the key of an item without a link: its feed and its guid (or
// another stable trait).
func ItemKey(feedURL, id string) string { return key("item", events.NormalizeURL(feedURL), id) }

func key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "s" + hex.EncodeToString(h.Sum(nil))[:40]
}

// Get returns the entry of key, and false when there is none (never seen,
// or expired).
func (r *Registry) Get(ctx context.Context, key string) (Entry, bool, error) {
	kve, err := r.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("reading seen entry %s: %w", key, err)
	}
	var e Entry
	if err := json.Unmarshal(kve.Value(), &e); err != nil {
		// A corrupt entry is as good as none: the item is fetched again and
		// the stream's duplicate window and the sink keep it from doubling.
		return Entry{}, false, nil
	}
	return e, true, nil
}

// Put writes the entry of key, stamping it with now; writing it again
// restarts its TTL.
func (r *Registry) Put(ctx context.Context, key string, e Entry, now time.Time) error {
	e.At = now.UTC()
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding seen entry: %w", err)
	}
	if _, err := r.kv.Put(ctx, key, data); err != nil {
		return fmt.Errorf("writing seen entry %s: %w", key, err)
	}
	return nil
}

// Stale reports whether an entry is past half its life: an item still listed
// by its feed then has its entry written again, so that it does not expire
// while the feed keeps listing it.
func (r *Registry) Stale(e Entry, now time.Time) bool {
	return now.Sub(e.At) > r.ttl/2
}
