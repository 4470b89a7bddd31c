package deduper_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

func TestMetricsCountDecisionsAndClusters(t *testing.T) {
	ctx, js := withThreeArticles(t)
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	ops := stage.NewOps()
	leader, err := deduper.New(js, deduper.Config{Ops: ops}, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, failing := ops.Readiness(ctx); failing["consumer deduper"] == "" {
		t.Errorf("before running: failing checks %v, want the consumer among them", failing)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- leader.Run(rctx) }()
	waitFor(t, "three articles", func() bool { return leader.Stats().Acked == 3 })

	// A second replica waits for the lease, and is ready to take over.
	standbyOps := stage.NewOps()
	standby, err := deduper.New(js, deduper.Config{Ops: standbyOps}, log)
	if err != nil {
		t.Fatal(err)
	}
	sctx, stopStandby := context.WithCancel(ctx)
	standbyDone := make(chan error, 1)
	go func() { standbyDone <- standby.Run(sctx) }()
	waitFor(t, "the standby replica ready", func() bool { _, f := standbyOps.Readiness(ctx); return len(f) == 0 })
	stopStandby()
	if err := <-standbyDone; err != nil {
		t.Errorf("standby: %v", err)
	}

	stg := string(events.StageDeduper)
	tests := []struct {
		name   string
		metric string
		labels []string
		want   float64
	}{
		{"new stories", deduper.MetricDecisions, []string{"stage", stg, "relation", "new", "rule", "new"}, 2},
		{"duplicates", deduper.MetricDecisions, []string{"stage", stg, "relation", "duplicate", "rule", "content_hash"}, 1},
		{"cluster sizes observed", deduper.MetricClusterSize, []string{"stage", stg}, 3},
		{"cluster sizes summed (1, 2, 1)", deduper.MetricClusterSize + "_sum", []string{"stage", stg}, 4},
		{"live clusters", deduper.MetricClusters, []string{"stage", stg}, 2},
		{"processed", stage.MetricProcessed, []string{"stage", stg}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := ops.Value(tt.metric, tt.labels...); !ok || got != tt.want {
				t.Errorf("%s%v = %v (present %v), want %v", tt.metric, tt.labels, got, ok, tt.want)
			}
		})
	}
	if _, failing := ops.Readiness(ctx); len(failing) != 0 {
		t.Errorf("leader running: failing checks %v, want none", failing)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
