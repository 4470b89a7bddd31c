package stage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Publisher publishes to JetStream and waits for the stream's
// acknowledgement, retrying when no stream answered in time (a leader
// election, a reconnect). Every message it publishes carries a Nats-Msg-Id,
// so a retry never stores a second copy.
type Publisher struct {
	js       jetstream.JetStream
	timeout  time.Duration
	attempts int
}

// NewPublisher returns a publisher that waits up to timeout for each
// acknowledgement and tries each message up to attempts times.
func NewPublisher(js jetstream.JetStream, timeout time.Duration, attempts int) *Publisher {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if attempts <= 0 {
		attempts = 3
	}
	return &Publisher{js: js, timeout: timeout, attempts: attempts}
}

// ErrNoMsgID is returned for a message without a Nats-Msg-Id header.
var ErrNoMsgID = errors.New("stage: message has no Nats-Msg-Id")

// Publish stores m in its stream. dup reports that the stream already held a
// message with the same id, inside its duplicate window.
func (p *Publisher) Publish(ctx context.Context, m *nats.Msg) (dup bool, err error) {
	if m.Header.Get(events.HeaderMsgID) == "" {
		return false, fmt.Errorf("publishing to %s: %w", m.Subject, ErrNoMsgID)
	}
	for attempt := 1; ; attempt++ {
		pctx, cancel := context.WithTimeout(ctx, p.timeout)
		ack, err := p.js.PublishMsg(pctx, m)
		cancel()
		if err == nil {
			return ack.Duplicate, nil
		}
		if attempt >= p.attempts || !transient(err) || ctx.Err() != nil {
			return false, fmt.Errorf("publishing to %s: %w", m.Subject, err)
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("publishing to %s: %w", m.Subject, ctx.Err())
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}

// PublishAll publishes the messages in order and stops at the first error.
func (p *Publisher) PublishAll(ctx context.Context, msgs []*nats.Msg) error {
	for _, m := range msgs {
		if _, err := p.Publish(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func transient(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, nats.ErrNoResponders)
}

// EnsureStreams creates every wirewatch stream, or updates it to the
// configuration in pkg/events. It is safe to call from every service at
// start-up, at the same time, and tries again a call no server answered.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, opts events.StreamOptions) error {
	for _, cfg := range events.Streams(opts) {
		err := RetryUnanswered(ctx, func(ctx context.Context) error {
			_, err := js.CreateOrUpdateStream(ctx, cfg)
			return err
		})
		if err != nil {
			return fmt.Errorf("ensuring stream %s: %w", cfg.Name, err)
		}
	}
	return nil
}
