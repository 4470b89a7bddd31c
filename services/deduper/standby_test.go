package deduper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

// A standby follows the leader's decisions while it waits, so that taking
// over replays only what the leader decided since it last looked: every
// stored decision is folded into its clusters once, not the whole window
// again at the moment the leader is gone.
func TestStandbyFollowsTheLeader(t *testing.T) {
	js := startStreams(t)
	first := article("/in/wire.txt", story)
	publishArticles(t, js, first)
	publishArticles(t, js, series("gamma", 20)...)
	a := startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	clustered(t, js, 21)

	ops := stage.NewOps()
	b := startDeduper(t, js, deduper.Config{LeaseTTL: time.Second, Ops: ops})
	stg := []string{"stage", string(events.StageDeduper)}
	replayed := func() (total, seq float64) {
		total, _ = ops.Value(deduper.MetricReplayed, stg...)
		seq, _ = ops.Value(deduper.MetricReplayedSeq, stg...)
		return total, seq
	}
	waitFor(t, "the standby to follow 21 decisions", func() bool { n, seq := replayed(); return n == 21 && seq == 21 })
	publishArticles(t, js, series("delta", 5)...)
	waitFor(t, "the standby to follow 5 more", func() bool { n, seq := replayed(); return n == 26 && seq == 26 })
	if got := b.svc.Stats().Acked; got != 0 {
		t.Fatalf("standby decided %d articles while the leader ran", got)
	}
	leading := func() float64 { v, _ := ops.Value(deduper.MetricLeading, stg...); return v }
	if v := leading(); v != 0 {
		t.Errorf("%s = %v on the standby, want 0", deduper.MetricLeading, v)
	}

	a.stop()
	dup := article("/in/dup.txt", strings.ToUpper(story))
	publishArticles(t, js, dup)
	all := clustered(t, js, 27)
	if got, want := all[dup.ID], all[first.ID]; got.ID != want.ID || got.Relation != events.RelationDuplicate || got.Version != 2 {
		t.Errorf("after the takeover: %s in %s v%d, want a duplicate in %s v2", got.Relation, got.ID, got.Version, want.ID)
	}
	if v := leading(); v != 1 {
		t.Errorf("%s = %v after the takeover, want 1", deduper.MetricLeading, v)
	}
	if n, _ := replayed(); n != 26 {
		t.Errorf("%v decisions replayed in all, want 26: the takeover replayed what the standby had followed", n)
	}
}

// The lease bucket deleted under a running deduper (by hand, or lost with
// the servers' storage) comes back: the deduper goes on clustering instead
// of waiting for a lease it can never take.
func TestLeaseBucketDeletedUnderTheLeader(t *testing.T) {
	js := startStreams(t)
	publishArticles(t, js, series("alpha", 5)...)
	startDeduper(t, js, deduper.Config{LeaseTTL: time.Second})
	clustered(t, js, 5)
	if err := js.DeleteKeyValue(context.Background(), deduper.LeaseBucket); err != nil {
		t.Fatal(err)
	}
	// The leader's next renewal finds the bucket gone and creates it.
	waitFor(t, "the lease bucket to come back", func() bool {
		_, err := js.KeyValue(context.Background(), deduper.LeaseBucket)
		return err == nil
	})
	time.Sleep(2 * time.Second) // a lease TTL and more, renewed or taken again
	publishArticles(t, js, series("beta", 5)...)
	clustered(t, js, 10)
}
