package deduper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

// LeaseBucket is the KV bucket deduper replicas elect their leader in. Only
// the leader assigns clusters: assignment is sequential by nature, and one
// writer keeps every replica's index a replay of the same decisions.
const LeaseBucket = "WIREWATCH_DEDUPER_LEASE"

// lease is leadership held through a key that expires unless renewed.
type lease struct {
	kv  jetstream.KeyValue
	key string
	id  []byte
	ttl time.Duration
	rev uint64
}

func newLease(ctx context.Context, js jetstream.JetStream, key string, ttl time.Duration, replicas int, log *zap.Logger) (*lease, error) {
	kv, err := stage.OpenKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket:      LeaseBucket,
		Description: "wirewatch deduper leadership",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	}, log)
	if err != nil {
		return nil, fmt.Errorf("creating lease bucket: %w", err)
	}
	host, _ := os.Hostname()
	id := host + "/" + strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)
	return &lease{kv: kv, key: key, id: []byte(id), ttl: ttl}, nil
}

// acquire waits until this replica holds the lease or ctx ends; it calls
// waiting, if not nil, when another replica holds it. A key that holds this
// replica's own id (a creation whose reply was lost, or the lease of a term
// that just ended and was not released) is renewed and taken: no other
// replica has led since it was written. Other failures — a
// cluster electing a new stream leader, a server restarting — are retried
// with backoff and reported through failed, if not nil: a replica must not
// exit because the lease bucket was briefly unreachable.
func (l *lease) acquire(ctx context.Context, waiting func(), failed func(error)) error {
	backoff := 100 * time.Millisecond
	for {
		rev, err := l.kv.Create(ctx, l.key, l.id)
		if err == nil {
			l.rev = rev
			return nil
		}
		if errors.Is(err, jetstream.ErrKeyExists) && l.reclaimWithin(ctx) {
			return nil
		}
		wait := l.ttl / 4
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, jetstream.ErrKeyExists):
			backoff = 100 * time.Millisecond
			if waiting != nil {
				waiting()
			}
		default:
			if failed != nil {
				failed(fmt.Errorf("acquiring lease %s: %w", l.key, err))
			}
			wait = min(backoff, wait)
			backoff = min(2*backoff, l.ttl/4)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// hold renews the lease every ttl/3 until ctx ends, another replica takes
// it, or renewals have failed for two thirds of the ttl; then it cancels lost
// and returns. A single failed renewal (a node of the cluster going away) is
// retried at the next tick while the lease is still safely ours; a renewal
// refused for its revision is reclaimed when the key still holds this
// replica's id. A lease counts as renewed from when its renewal was sent.
func (l *lease) hold(ctx context.Context, lost context.CancelFunc) {
	defer lost()
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			sent := time.Now()
			rctx, cancel := context.WithTimeout(ctx, l.ttl/4)
			rev, err := l.kv.Update(rctx, l.key, l.id, l.rev)
			if errors.Is(err, jetstream.ErrKeyExists) && l.reclaim(rctx) {
				rev, err = l.rev, nil
			}
			cancel()
			switch {
			case err == nil:
				l.rev = rev
				renewed = sent
			case ctx.Err() != nil, errors.Is(err, jetstream.ErrKeyExists):
				return // stopping, or the key is no longer ours
			case time.Since(renewed) >= 2*l.ttl/3:
				return
			}
		}
	}
}

// reclaimWithin is reclaim within a quarter of the ttl.
func (l *lease) reclaimWithin(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, l.ttl/4)
	defer cancel()
	return l.reclaim(ctx)
}

// reclaim renews the lease after the key refused a write of this replica
// for its revision, when the key still holds this replica's id: a write
// whose reply was lost (it timed out while the server was slow or electing
// a leader) may have been stored all the same, moving the key to a
// revision this replica never heard of. Taking that for another replica's
// would give up a lease still held, and leave the key to expire before any
// replica could lead. It reports whether the lease is renewed; l.rev is
// then the new revision.
func (l *lease) reclaim(ctx context.Context) bool {
	e, err := l.kv.Get(ctx, l.key)
	if err != nil || !bytes.Equal(e.Value(), l.id) {
		return false
	}
	// Renewed now rather than trusted as it stands: the write found may be
	// the one before the last, and near its expiry.
	rev, err := l.kv.Update(ctx, l.key, l.id, e.Revision())
	if err != nil {
		return false
	}
	l.rev = rev
	return true
}

// release gives the lease up at once, so another replica need not wait for it
// to expire.
func (l *lease) release(ctx context.Context) {
	if l.rev == 0 {
		return
	}
	_ = l.kv.Delete(ctx, l.key, jetstream.LastRevision(l.rev))
	l.rev = 0
}
