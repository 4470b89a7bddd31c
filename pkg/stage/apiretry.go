package stage

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// On a replicated cluster a JetStream API call that creates or updates a
// stream can go unanswered: two replicas starting together, on different
// servers, both asking for a bucket that does not exist yet, sometimes both
// wait until their deadline while the stream is there a moment later
// (nats-server v2.15.2; measured with two clients creating one 3-replica
// bucket at once: 12 to 34 calls in 48 unanswered, the retry answered in
// milliseconds). These calls are idempotent, so trying again with a fresh
// deadline settles it.

// apiFirstWait and apiLastWait bound how long one attempt of
// RetryUnanswered waits for an answer: apiFirstWait at first, doubling up
// to apiLastWait.
const (
	apiFirstWait = time.Second
	apiLastWait  = 8 * time.Second
)

// RetryUnanswered calls op, which must be idempotent, until it succeeds,
// fails otherwise than by going unanswered, or ctx ends. Each call gets
// its own deadline within ctx.
func RetryUnanswered(ctx context.Context, op func(context.Context) error) error {
	wait := apiFirstWait
	for {
		actx, cancel := context.WithTimeout(ctx, wait)
		err := op(actx)
		cancel()
		if err == nil || ctx.Err() != nil || !unanswered(err) {
			return err
		}
		wait = min(2*wait, apiLastWait)
	}
}

func unanswered(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, jetstream.ErrNoStreamResponse)
}

// EnsureKeyValue creates the bucket cfg describes, or updates it to cfg,
// trying again while no server answers.
func EnsureKeyValue(ctx context.Context, js jetstream.JetStream, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	var kv jetstream.KeyValue
	err := RetryUnanswered(ctx, func(ctx context.Context) (err error) {
		kv, err = js.CreateOrUpdateKeyValue(ctx, cfg)
		return err
	})
	return kv, err
}
