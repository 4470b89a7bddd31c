package stage_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// An ordered runner handling eight messages at once publishes in the order
// the messages were delivered, though the later ones finish first; a
// message retried comes in its new place and holds nothing up.
func TestOrderedPublishesInDeliveryOrder(t *testing.T) {
	js := setup(t)
	const n = 40
	var want []string
	for i := range n {
		body := fmt.Sprintf("d%02d", i)
		rawDoc(t, js, body)
		if i != 5 {
			want = append(want, body)
		}
	}
	var failed atomic.Bool
	slowFirst := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		var raw events.RawDocument
		if err := events.DecodeMsg(d.Header, d.Data, &raw); err != nil {
			return nil, err
		}
		var i int
		fmt.Sscanf(string(raw.Body), "d%d", &i)
		if i == 5 && !failed.Swap(true) {
			return nil, fmt.Errorf("not yet")
		}
		time.Sleep(time.Duration((n-i)%8) * 3 * time.Millisecond)
		return echo(ctx, d)
	}
	r, stop := run(t, js, stage.Config{Concurrency: 8, Ordered: true}, slowFirst)
	waitFor(t, "every message", func() bool { return r.Stats().Acked == n })
	stop()

	got := bodies(t, js, events.StreamArticles, ">")
	if len(got) != n {
		t.Fatalf("%d outputs, want %d: %q", len(got), n, got)
	}
	retried := slices.Index(got, "d05")
	if rest := slices.Delete(slices.Clone(got), retried, retried+1); !slices.Equal(rest, want) {
		t.Errorf("outputs in the order %q, want %q with d05 where its retry came", got, want)
	}
	if retried < 5 {
		t.Errorf("the retried message was published at %d, before the messages delivered ahead of its retry", retried)
	}
}
