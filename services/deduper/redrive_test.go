package deduper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// A decision the sink dead-lettered, re-driven by `wirewatch dlq replay`
// onto its subject, is a copy for the sink: the leader decides the next
// articles without rebuilding its clusters (its fence moves past the copy),
// and a standby folds in the decisions, not the copy.
func TestRedrivenDecisionIsNoDecision(t *testing.T) {
	js := startStreams(t)
	ctx := context.Background()
	publishArticles(t, js, series("alpha", 5)...)
	ops := stage.NewOps()
	startDeduper(t, js, deduper.Config{LeaseTTL: time.Second, Ops: ops})
	clustered(t, js, 5)

	st, err := js.Stream(ctx, events.StreamClustered)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := st.GetMsg(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	re := nats.NewMsg(orig.Subject)
	for k, v := range orig.Header {
		if !strings.HasPrefix(k, "Nats-Expected-") {
			re.Header[k] = v
		}
	}
	re.Header.Set(events.HeaderMsgID, "redrive-of-dl-1")
	re.Header.Set(events.HeaderRedriveOf, "dl-1")
	re.Data = orig.Data
	if _, err := js.PublishMsg(ctx, re); err != nil {
		t.Fatal(err)
	}

	publishArticles(t, js, series("beta", 3)...)
	all := clustered(t, js, 8)
	if len(all) != 8 {
		t.Fatalf("%d articles decided, want 8", len(all))
	}
	stg := []string{"stage", string(events.StageDeduper)}
	if n, _ := ops.Value(deduper.MetricReplayed, stg...); n != 0 {
		t.Errorf("the leader replayed %v decisions: it rebuilt its clusters over a re-driven copy", n)
	}

	standby := stage.NewOps()
	startDeduper(t, js, deduper.Config{LeaseTTL: time.Second, Ops: standby})
	waitFor(t, "the standby to follow to the stream's end", func() bool {
		seq, _ := standby.Value(deduper.MetricReplayedSeq, stg...)
		return seq == 9
	})
	if n, _ := standby.Value(deduper.MetricReplayed, stg...); n != 8 {
		t.Errorf("the standby folded in %v messages, want the 8 decisions and not the copy", n)
	}
}
