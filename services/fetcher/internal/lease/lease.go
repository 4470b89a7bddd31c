// Package lease gives a fetcher replica the exclusive right to poll one feed
// for a while: a key per feed in a JetStream KV bucket with a TTL, taken with
// Create (which fails while another replica holds it), renewed while the poll
// runs, and deleted when it ends. A replica that dies leaves its leases to
// expire.
package lease

import (
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
// until release is called. held ends when release is called or when a
// renewal fails (the lease may then pass to another replica: the work under
// it should stop). It fails with ErrHeld when another replica holds the key.
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
		for {
			select {
			case <-stop:
				return
			case <-held.Done():
				return
			case <-t.C:
				rctx, cancel := context.WithTimeout(held, l.ttl/3)
				r, err := l.kv.Update(rctx, key, l.owner, rev)
				cancel()
				if err != nil {
					lost(fmt.Errorf("renewing lease %s: %w", key, err))
					return
				}
				rev = r
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
