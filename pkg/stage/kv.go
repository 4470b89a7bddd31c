package stage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// KeyValue is a service's key-value bucket that comes back when it is gone.
// A bucket deleted under a running service (by an operator starting its
// state afresh, or lost with the servers' storage) answers every read and
// write as no server would, so a service holding the old handle would fail
// every call until restarted, though the restart only creates the bucket
// again. Each call of KeyValue that fails so looks at the bucket; when it is
// gone, creates it again, empty, with the configuration it was opened with,
// logs a warning, and makes the call once more.
//
// Watches and listings go to the embedded handle unchanged.
type KeyValue struct {
	jetstream.KeyValue
	js  jetstream.JetStream
	cfg jetstream.KeyValueConfig
	log *zap.Logger
}

// OpenKeyValue creates the bucket cfg describes, or updates it to cfg (see
// EnsureKeyValue), and returns it as a KeyValue. log takes the warning of a
// bucket created again; nil for none.
func OpenKeyValue(ctx context.Context, js jetstream.JetStream, cfg jetstream.KeyValueConfig, log *zap.Logger) (*KeyValue, error) {
	kv, err := EnsureKeyValue(ctx, js, cfg)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &KeyValue{KeyValue: kv, js: js, cfg: cfg, log: log}, nil
}

// restoreTimeout bounds Restore when its context has no earlier deadline.
const restoreTimeout = 10 * time.Second

// Restore creates the bucket again if it is gone, and reports whether it
// did. It is what every call does on a failure, and what a readiness check
// calls so that a service with nothing to do heals too.
func (b *KeyValue) Restore(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, restoreTimeout)
	defer cancel()
	_, err := b.KeyValue.Status(ctx)
	if err == nil || !(errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrBucketNotFound)) {
		return false, nil
	}
	for wait := storeWait; ; wait *= 2 {
		if _, err = EnsureKeyValue(ctx, b.js, b.cfg); err == nil || !storeBusy(err) || !sleep(ctx, wait) {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("bucket %s is gone, and creating it again failed: %w", b.cfg.Bucket, err)
	}
	b.log.Warn("a key-value bucket was gone and is created again, empty", zap.String("bucket", b.cfg.Bucket))
	return true, nil
}

// storeWait is how long Restore first waits to create a bucket again whose
// store the server has not done removing; it doubles each time.
const storeWait = 50 * time.Millisecond

// sleep waits d, and reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// storeBusy reports the error of a bucket created again just after it was
// deleted, while the server still removes the old store's files: it passes
// in moments (nats-server v2.15.2 answers "error creating store for
// stream", code 10049, now and then when a bucket is deleted and created
// again at once).
func storeBusy(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == 10049 && strings.Contains(apiErr.Description, "creating store")
}

// Check reports whether the bucket is there, creating it again if it is
// gone: a readiness check.
func (b *KeyValue) Check(ctx context.Context) error {
	if restored, err := b.Restore(ctx); err != nil || restored {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, restoreTimeout)
	defer cancel()
	if _, err := b.KeyValue.Status(ctx); err != nil {
		return fmt.Errorf("looking at bucket %s: %w", b.cfg.Bucket, err)
	}
	return nil
}

// bucketGone reports errors a call gets from a bucket that is not there: reads
// and writes of a deleted bucket find no stream to answer them, at once.
// A call that timed out or failed otherwise (a server failing over) is not
// looked into: that would only add a request to a struggling server.
func bucketGone(err error) bool {
	return errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, jetstream.ErrStreamNotFound) || errors.Is(err, jetstream.ErrBucketNotFound)
}

// again makes call, and once more if it failed because the bucket was gone
// and Restore created it again.
func again[T any](ctx context.Context, b *KeyValue, call func() (T, error)) (T, error) {
	v, err := call()
	if err == nil || !bucketGone(err) || ctx.Err() != nil {
		return v, err
	}
	if restored, rerr := b.Restore(ctx); rerr != nil {
		return v, errors.Join(err, rerr)
	} else if !restored {
		return v, err
	}
	return call()
}

// Get reads key's latest value.
func (b *KeyValue) Get(ctx context.Context, key string) (jetstream.KeyValueEntry, error) {
	return again(ctx, b, func() (jetstream.KeyValueEntry, error) { return b.KeyValue.Get(ctx, key) })
}

// GetRevision reads a revision of key.
func (b *KeyValue) GetRevision(ctx context.Context, key string, revision uint64) (jetstream.KeyValueEntry, error) {
	return again(ctx, b, func() (jetstream.KeyValueEntry, error) { return b.KeyValue.GetRevision(ctx, key, revision) })
}

// Put writes key.
func (b *KeyValue) Put(ctx context.Context, key string, value []byte) (uint64, error) {
	return again(ctx, b, func() (uint64, error) { return b.KeyValue.Put(ctx, key, value) })
}

// PutString writes key.
func (b *KeyValue) PutString(ctx context.Context, key string, value string) (uint64, error) {
	return again(ctx, b, func() (uint64, error) { return b.KeyValue.PutString(ctx, key, value) })
}

// Create writes key if it has no value.
func (b *KeyValue) Create(ctx context.Context, key string, value []byte, opts ...jetstream.KVCreateOpt) (uint64, error) {
	return again(ctx, b, func() (uint64, error) { return b.KeyValue.Create(ctx, key, value, opts...) })
}

// Update writes key over its revision.
func (b *KeyValue) Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	return again(ctx, b, func() (uint64, error) { return b.KeyValue.Update(ctx, key, value, revision) })
}

// Delete deletes key.
func (b *KeyValue) Delete(ctx context.Context, key string, opts ...jetstream.KVDeleteOpt) error {
	_, err := again(ctx, b, func() (struct{}, error) { return struct{}{}, b.KeyValue.Delete(ctx, key, opts...) })
	return err
}

// Purge deletes key and its history.
func (b *KeyValue) Purge(ctx context.Context, key string, opts ...jetstream.KVDeleteOpt) error {
	_, err := again(ctx, b, func() (struct{}, error) { return struct{}{}, b.KeyValue.Purge(ctx, key, opts...) })
	return err
}

// Keys lists the bucket's keys.
func (b *KeyValue) Keys(ctx context.Context, opts ...jetstream.WatchOpt) ([]string, error) {
	return again(ctx, b, func() ([]string, error) { return b.KeyValue.Keys(ctx, opts...) })
}

// History reads key's revisions.
func (b *KeyValue) History(ctx context.Context, key string, opts ...jetstream.WatchOpt) ([]jetstream.KeyValueEntry, error) {
	return again(ctx, b, func() ([]jetstream.KeyValueEntry, error) { return b.KeyValue.History(ctx, key, opts...) })
}
