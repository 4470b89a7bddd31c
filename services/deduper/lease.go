package deduper

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
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

func newLease(ctx context.Context, js jetstream.JetStream, key string, ttl time.Duration, replicas int) (*lease, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      LeaseBucket,
		Description: "wirewatch deduper leadership",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("creating lease bucket: %w", err)
	}
	host, _ := os.Hostname()
	id := host + "/" + strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)
	return &lease{kv: kv, key: key, id: []byte(id), ttl: ttl}, nil
}

// acquire waits until this replica holds the lease or ctx ends; it calls
// waiting, if not nil, when another replica holds it.
func (l *lease) acquire(ctx context.Context, waiting func()) error {
	for {
		rev, err := l.kv.Create(ctx, l.key, l.id)
		if err == nil {
			l.rev = rev
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return fmt.Errorf("acquiring lease %s: %w", l.key, err)
		}
		if waiting != nil {
			waiting()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(l.ttl / 4):
		}
	}
}

// hold renews the lease every ttl/3 until ctx ends or a renewal fails, then
// cancels lost. It returns when it stops renewing.
func (l *lease) hold(ctx context.Context, lost context.CancelFunc) {
	defer lost()
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			rctx, cancel := context.WithTimeout(ctx, l.ttl/3)
			rev, err := l.kv.Update(rctx, l.key, l.id, l.rev)
			cancel()
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				return
			}
			l.rev = rev
		}
	}
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
