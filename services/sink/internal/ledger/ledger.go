// Package ledger remembers which events an output has delivered, in a
// JetStream key-value bucket, for outputs that cannot tell by themselves (a
// webhook, a downstream stream, standard output): checked before delivering,
// written after, so a redelivered event is not delivered again, across
// restarts and by any replica.
package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Bucket is the key-value bucket every ledger lives in.
const Bucket = "WIREWATCH_SINK_LEDGER"

// opTimeout bounds one read or write of the bucket.
const opTimeout = 5 * time.Second

// Ledger is the record of one output's deliveries.
type Ledger struct {
	kv jetstream.KeyValue
	ns string
}

// Open opens the ledger of namespace ns (one token: letters, digits, '-',
// '_'), creating the bucket if needed. Entries expire after ttl.
func Open(ctx context.Context, js jetstream.JetStream, ns string, ttl time.Duration, replicas int) (*Ledger, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "wirewatch sink: events each output has delivered",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: opening bucket %s: %w", Bucket, err)
	}
	return &Ledger{kv: kv, ns: ns}, nil
}

func (l *Ledger) entry(key string) string {
	sum := sha256.Sum256([]byte(key))
	return l.ns + "." + hex.EncodeToString(sum[:16])
}

// Has reports whether key was marked delivered.
func (l *Ledger) Has(ctx context.Context, key string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	_, err := l.kv.Get(ctx, l.entry(key))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return false, nil
	}
	return false, fmt.Errorf("ledger: looking up %s: %w", key, err)
}

// Mark records key as delivered.
func (l *Ledger) Mark(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	if _, err := l.kv.Put(ctx, l.entry(key), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		return fmt.Errorf("ledger: marking %s: %w", key, err)
	}
	return nil
}
