package sink_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
	"github.com/wirewatch/wirewatch/services/sink/internal/ledger"
)

// A webhook output whose delivery ledger is deleted under it goes on
// delivering, and its readiness check names the ledger.
func TestWebhookDeliversAfterItsLedgerIsDeleted(t *testing.T) {
	js := withStreams(t)
	var received atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
	}))
	t.Cleanup(srv.Close)
	ops := stage.NewOps()
	s := newSink(t, js, sink.Config{
		Outputs: []sink.OutputSpec{{Kind: sink.KindWebhook, Target: srv.URL}},
		Webhook: sink.WebhookConfig{Attempts: 1, Timeout: 5 * time.Second},
		Backoff: stage.Backoff{Base: 100 * time.Millisecond, Max: time.Second},
		Ops:     ops,
	})
	runSink(t, s)
	ctx := context.Background()
	waitFor(t, "the sink to be ready with its ledger checked", func() bool {
		passing, failing := ops.Readiness(ctx)
		return len(failing) == 0 && slices.ContainsFunc(passing, func(n string) bool { return strings.HasPrefix(n, "ledger ") })
	})
	publish(t, js, article(1, "en", events.RelationNew), "")
	waitFor(t, "the first article delivered", func() bool { return received.Load() == 1 })

	if err := js.DeleteKeyValue(ctx, ledger.Bucket); err != nil {
		t.Fatal(err)
	}
	publish(t, js, article(2, "en", events.RelationNew), "")
	waitFor(t, "the second article delivered", func() bool { return received.Load() == 2 })
	if st := s.Stats(); st.DeadLettered != 0 {
		t.Errorf("%d dead letters, want none", st.DeadLettered)
	}
	if _, err := js.KeyValue(ctx, ledger.Bucket); err != nil {
		t.Errorf("the ledger's bucket after a delivery: %v", err)
	}
	if _, failing := ops.Readiness(ctx); len(failing) != 0 {
		t.Errorf("not ready after the ledger came back: %v", failing)
	}
}
