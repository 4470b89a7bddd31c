// Package lease gives a fetcher replica the exclusive right to poll one feed
// for a while: a key per feed in a JetStream KV bucket with a TTL, taken with
// Create (which fails while another replica holds it), renewed while the poll
// runs, and deleted when it ends. A replica that dies leaves its leases to
// expire.
package lease

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Bucket is the KV bucket of feed leases, keyed by events.FeedID.
const Bucket = "WIREWATCH_FEED_LEASES"

// ErrHeld means another replica holds the lease.
var ErrHeld = errors.New("lease: held by another replica")

// Leases takes leases for one replica.
type Leases struct {
	kv    jetstream.KeyValue
	ttl   time.Duration
	owner []byte
}

// Open creates the bucket (or updates its TTL) and returns the leases of the
// replica named owner.
func Open(ctx context.Context, js jetstream.JetStream, ttl time.Duration, replicas int, owner string, log *zap.Logger) (*Leases, error) {
	kv, err := stage.OpenKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "wirewatch fetcher: which replica is polling which feed",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	}, log)
	if err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", Bucket, err)
	}
	return &Leases{kv: kv, ttl: ttl, owner: []byte(owner)}, nil
}

// Hold takes the lease of key and keeps renewing it, every third of the TTL,
// until release is called. held ends when release is called, when the key
// holds another replica's name, or when renewals have failed for two thirds
// of the TTL (the lease may then pass to another replica: the work under it
// should stop); a single failed renewal (a server of the cluster going
// away) is tried again at the next tick. A renewal refused for its revision
// while the key still names this replica was stored though its reply was
// lost: the lease is renewed at the key's revision, not given up (given up,
// it could not be released either, and nobody could poll the feed until it
// expired). It fails with ErrHeld when another replica holds the key.
func (l *Leases) Hold(ctx context.Context, key string) (held context.Context, release func(), err error) {
	rev, err := l.kv.Create(ctx, key, l.owner)
	if taken(err) {
		return nil, nil, fmt.Errorf("taking lease %s: %w", key, ErrHeld)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("taking lease %s: %w", key, err)
	}
	held, lost := context.WithCancelCause(ctx)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(l.ttl / 3)
		defer t.Stop()
		renewed := time.Now()
		for {
			select {
			case <-stop:
				return
			case <-held.Done():
				return
			case <-t.C:
				sent := time.Now()
				rctx, cancel := context.WithTimeout(held, l.ttl/4)
				r, err := l.kv.Update(rctx, key, l.owner, rev)
				if taken(err) {
					r, err = l.reclaim(rctx, key)
				}
				cancel()
				switch {
				case err == nil:
					rev, renewed = r, sent
				case errors.Is(err, ErrHeld), time.Since(renewed) >= 2*l.ttl/3:
					lost(fmt.Errorf("renewing lease %s: %w", key, err))
					return
				}
			}
		}
	})
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(stop)
			wg.Wait()
			lost(context.Canceled)
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.ttl/3)
			defer cancel()
			// Only our own revision: a lease that expired and passed to
			// another replica is not ours to delete.
			_ = l.kv.Delete(dctx, key, jetstream.LastRevision(rev))
		})
	}
	return held, release, nil
}

// reclaim renews the lease of key after a write of it was refused for its
// revision, if the key still names this replica, and returns the new
// revision; ErrHeld if it names another.
func (l *Leases) reclaim(ctx context.Context, key string) (uint64, error) {
	e, err := l.kv.Get(ctx, key)
	if err != nil {
		return 0, fmt.Errorf("reading lease %s: %w", key, err)
	}
	if !bytes.Equal(e.Value(), l.owner) {
		return 0, ErrHeld
	}
	return l.kv.Update(ctx, key, l.owner, e.Revision())
}

// taken reports whether Create failed because the key is held. On a
// replicated bucket a key that was deleted (a released lease) and is taken
// by another replica while Create retries over the delete marker fails with
// the server's raw "wrong last sequence" (code 10164), which nats.go does
// not map to ErrKeyExists.
func taken(err error) bool {
	if errors.Is(err, jetstream.ErrKeyExists) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
