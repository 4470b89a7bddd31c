package stage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

func TestTimeoutBoundsTheHandler(t *testing.T) {
	h := stage.Timeout(20 * time.Millisecond)(func(ctx context.Context, _ *stage.Delivery) ([]*nats.Msg, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	start := time.Now()
	_, err := h(context.Background(), &stage.Delivery{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("handler ran %v, want about 20ms", el)
	}
}

func TestRecoverMakesPanicPermanent(t *testing.T) {
	h := stage.Recover()(func(context.Context, *stage.Delivery) ([]*nats.Msg, error) { panic("boom") })
	_, err := h(context.Background(), &stage.Delivery{})
	var pe *stage.PermanentError
	if !errors.As(err, &pe) || pe.Reason != events.ReasonPanic {
		t.Errorf("err = %v, want a permanent error with reason panic", err)
	}
}

func TestChainOrder(t *testing.T) {
	var order []string
	mw := func(name string) stage.Middleware {
		return func(next stage.Handler) stage.Handler {
			return func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
				order = append(order, name)
				return next(ctx, d)
			}
		}
	}
	h := stage.Chain(func(context.Context, *stage.Delivery) ([]*nats.Msg, error) { return nil, nil }, mw("outer"), mw("inner"))
	h(context.Background(), &stage.Delivery{})
	if len(order) != 2 || order[0] != "outer" || order[1] != "inner" {
		t.Errorf("order = %v, want [outer inner]", order)
	}
}

func TestDeadLetterLeavesLargePayloadInItsStream(t *testing.T) {
	big := make([]byte, events.MaxDeadLetterPayload+1)
	d := &stage.Delivery{Subject: "news.raw.file", Header: nats.Header{}, Data: big, Stream: "NEWS_RAW", StreamSeq: 7, NumDelivered: 1}
	dl := stage.DeadLetterFor(events.StageExtractor, d, events.ReasonTooLarge, errors.New("too big"), time.Now())
	if dl.Payload != nil || !dl.PayloadTruncated || dl.PayloadSize != len(big) || dl.StreamSeq != 7 {
		t.Errorf("dead letter keeps %d payload bytes (truncated %v, size %d, seq %d); want none, true, %d, 7",
			len(dl.Payload), dl.PayloadTruncated, dl.PayloadSize, dl.StreamSeq, len(big))
	}
	if err := dl.Validate(); err != nil {
		t.Error(err)
	}
}
