package sink_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
)

// TestMetricsCountDeliveriesPerOutput delivers to a JSONL directory and a
// webhook that fails once, then accepts English articles and rejects German
// ones for good.
func TestMetricsCountDeliveriesPerOutput(t *testing.T) {
	js := withStreams(t)
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), `"language":"de"`):
			http.Error(w, "no German here", http.StatusUnprocessableEntity)
		case requests.Add(1) == 1:
			http.Error(w, "starting up", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	publish(t, js, article(1, "en", events.RelationNew), "")
	publish(t, js, article(2, "de", events.RelationNew), "")
	dir := t.TempDir()
	ops := stage.NewOps()
	s := newSink(t, js, sink.Config{
		Outputs: []sink.OutputSpec{{Kind: sink.KindJSONL, Target: dir}, {Kind: sink.KindWebhook, Target: srv.URL}},
		Webhook: sink.WebhookConfig{Attempts: 1},
		Backoff: stage.Backoff{Base: 10 * time.Millisecond, Max: 50 * time.Millisecond},
		Ops:     ops,
	})
	if err := runUntil(t, s, 15*time.Second, "1 acked and 1 dead-lettered", func(st stage.Stats) bool {
		return st.Acked >= 1 && st.DeadLettered >= 1
	}); err != nil {
		t.Fatal(err)
	}

	stg := string(events.StageSink)
	jsonlOut, hookOut := sink.KindJSONL+":"+dir, sink.KindWebhook+":"+srv.URL
	tests := []struct {
		name   string
		metric string
		labels []string
		want   float64
	}{
		{"written to files", sink.MetricDeliveries, []string{"stage", stg, "output", jsonlOut}, 2},
		{"accepted by the webhook", sink.MetricDeliveries, []string{"stage", stg, "output", hookOut}, 1},
		{"webhook failed once", sink.MetricDeliveryFailures, []string{"stage", stg, "output", hookOut, "kind", "retry"}, 1},
		{"webhook rejected", sink.MetricDeliveryFailures, []string{"stage", stg, "output", hookOut, "kind", "permanent"}, 1},
		{"processed", stage.MetricProcessed, []string{"stage", stg}, 1},
		{"dead-lettered", stage.MetricDeadLettered, []string{"stage", stg, "reason", sink.ReasonRejected}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := ops.Value(tt.metric, tt.labels...); !ok || got != tt.want {
				t.Errorf("%s%v = %v (present %v), want %v", tt.metric, tt.labels, got, ok, tt.want)
			}
		})
	}
	if _, ok := ops.Value(sink.MetricDeliveryFailures, "stage", stg, "output", jsonlOut, "kind", "retry"); ok {
		t.Error("the JSONL output, which never failed, has a failure series")
	}
}
