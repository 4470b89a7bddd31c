package fetcher_test

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

func TestMetricsReportFeedHealth(t *testing.T) {
	js := setup(t)
	s := newSite(t)
	s.handle("/bad/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	good, bad := s.url("/feeds/rss.xml"), s.url("/bad/500")
	cfg := feedConfig(good, bad)
	ops := stage.NewOps()
	cfg.Ops = ops
	start := time.Now()
	runOnce(t, js, cfg)

	stg := string(events.StageFetcher)
	tests := []struct {
		name   string
		metric string
		feed   string
		want   float64
	}{
		{"good feed up", fetcher.MetricFeedUp, good, 1},
		{"bad feed down", fetcher.MetricFeedUp, bad, 0},
		{"good feed never failed", fetcher.MetricFeedFailures, good, 0},
		{"bad feed failed once", fetcher.MetricFeedFailures, bad, 1},
		{"good feed items", fetcher.MetricFeedItemsPublished, good, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := ops.Value(tt.metric, "stage", stg, "feed", tt.feed); !ok || got != tt.want {
				t.Errorf("%s{feed=%s} = %v (present %v), want %v", tt.metric, tt.feed, got, ok, tt.want)
			}
		})
	}
	if got, ok := ops.Value(fetcher.MetricFeedLastSuccess, "stage", stg, "feed", good); !ok || math.Abs(got-float64(start.Unix())) > 60 {
		t.Errorf("last success of the good feed = %v (present %v), want about %d", got, ok, start.Unix())
	}
	if _, ok := ops.Value(fetcher.MetricFeedLastSuccess, "stage", stg, "feed", bad); ok {
		t.Error("the feed that never succeeded has a last-success time")
	}
	if got, _ := ops.Value(stage.MetricProcessed, "stage", stg); got != 3 {
		t.Errorf("documents published = %v, want 3", got)
	}
	if _, failing := ops.Readiness(context.Background()); failing["fetcher"] == "" {
		t.Errorf("after the run: failing checks %v, want the fetcher stopped", failing)
	}
}
