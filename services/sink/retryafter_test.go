package sink_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
)

// A webhook's Retry-After sets when its article comes back only when it is
// longer than the stage backoff (operations.md: "after the stage backoff, or
// after the endpoint's longer Retry-After"): a short one must neither bring
// the article back sooner than the backoff, using up its deliveries, nor be
// ignored when it is the longer.
func TestWebhookRetryAfterDelaysByTheLongerOfItAndTheBackoff(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		delivered  uint64
		want       time.Duration
	}{
		{"short retry-after longer than the backoff", "3", 1, 3 * time.Second},
		{"short retry-after shorter than the backoff", "3", 5, 16 * time.Second},
		{"long retry-after longer than the backoff", "20", 2, 20 * time.Second},
		{"long retry-after shorter than the backoff", "20", 6, 32 * time.Second},
	}
	js := withStreams(t)
	var retryAfter atomic.Value
	retryAfter.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", retryAfter.Load().(string))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	ops := stage.NewOps()
	s := newSink(t, js, sink.Config{
		Outputs: []sink.OutputSpec{{Kind: sink.KindWebhook, Target: srv.URL}},
		Webhook: sink.WebhookConfig{Attempts: 1, Timeout: 5 * time.Second},
		Backoff: stage.Backoff{Base: time.Second, Max: time.Minute},
		Ops:     ops,
	})
	runSink(t, s)
	ctx := context.Background()
	waitFor(t, "the sink to be ready", func() bool {
		passing, failing := ops.Readiness(ctx)
		return len(passing) > 0 && len(failing) == 0
	})
	m, err := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), article(1, "en", events.RelationNew), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retryAfter.Store(tt.retryAfter)
			_, err := s.Handle(ctx, &stage.Delivery{Subject: m.Subject, Header: m.Header, Data: m.Data, NumDelivered: tt.delivered})
			var re *stage.RetryError
			if !errors.As(err, &re) || re.After != tt.want {
				t.Errorf("Handle error = %v, want a redelivery after %v", err, tt.want)
			}
		})
	}
}
