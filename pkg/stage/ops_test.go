package stage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// scrape reads /metrics from base and returns its metric families.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("scraping: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// value returns the value of the metric name with exactly the given labels
// (a histogram's sample count), and whether it is there.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(want) {
			continue
		}
		for _, l := range m.GetLabel() {
			if want[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetricsCountWhatTheRunnerDid(t *testing.T) {
	js := setup(t)
	ops := stage.NewOps()
	srv := httptest.NewServer(ops.Handler())
	defer srv.Close()

	rawDoc(t, js, "first")
	rawDoc(t, js, "flaky")
	rawDoc(t, js, "slow")
	bad := nats.NewMsg(events.RawSubject(events.SourceFile))
	bad.Data = []byte("{not json")
	bad.Header.Set(events.HeaderMsgID, "bad-1")
	if _, err := js.PublishMsg(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	var failedOnce, sleptOnce atomic.Bool
	h := stage.Timeout(50 * time.Millisecond)(func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		var raw events.RawDocument
		if err := events.DecodeMsg(d.Header, d.Data, &raw); err != nil {
			return nil, err
		}
		if string(raw.Body) == "flaky" && failedOnce.CompareAndSwap(false, true) {
			return nil, errors.New("downstream unavailable")
		}
		if string(raw.Body) == "slow" && sleptOnce.CompareAndSwap(false, true) {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return echo(ctx, d)
	})
	r, stop := run(t, js, stage.Config{Ops: ops, SampleInterval: 50 * time.Millisecond}, h)
	waitFor(t, "all settled", func() bool { s := r.Stats(); return s.Acked == 3 && s.DeadLettered == 1 })

	stg := string(events.StageExtractor)
	tests := []struct {
		name   string
		metric string
		labels []string
		want   float64
	}{
		{"processed", stage.MetricProcessed, []string{"stage", stg}, 3},
		{"retried", stage.MetricFailed, []string{"stage", stg, "reason", stage.FailRetry}, 1},
		{"timed out", stage.MetricFailed, []string{"stage", stg, "reason", stage.FailTimeout}, 1},
		{"undecodable", stage.MetricFailed, []string{"stage", stg, "reason", events.ReasonDecode}, 1},
		{"dead-lettered", stage.MetricDeadLettered, []string{"stage", stg, "reason", events.ReasonDecode}, 1},
		{"redelivered", stage.MetricRedelivered, []string{"stage", stg}, 2},
		{"handlings timed", stage.MetricLatency, []string{"stage", stg}, 6},
	}
	fams := scrape(t, srv.URL)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := value(fams, tt.metric, tt.labels...)
			if !ok || got != tt.want {
				t.Errorf("%s%v = %v (present %v), want %v", tt.metric, tt.labels, got, ok, tt.want)
			}
		})
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	// The pending counts are sampled: wait for a sample taken after the
	// last acknowledgement.
	waitFor(t, "pending samples", func() bool {
		f := scrape(t, srv.URL)
		p, ok1 := value(f, stage.MetricPending, "stage", stg, "consumer", stg)
		a, ok2 := value(f, stage.MetricAckPending, "stage", stg, "consumer", stg)
		return ok1 && ok2 && p == 0 && a == 0
	})

	// More work moves the counters again.
	rawDoc(t, js, "third")
	waitFor(t, "another", func() bool { return r.Stats().Acked == 4 })
	if got, _ := value(scrape(t, srv.URL), stage.MetricProcessed, "stage", stg); got != 4 {
		t.Errorf("processed after another message = %v, want 4", got)
	}
	stop()
	if _, ok := value(scrape(t, srv.URL), stage.MetricPending, "stage", stg, "consumer", stg); ok {
		t.Error("a stopped runner still reports its consumer's pending count")
	}
}

func TestPendingCountsWaitingMessages(t *testing.T) {
	js := setup(t)
	ops := stage.NewOps()
	srv := httptest.NewServer(ops.Handler())
	defer srv.Close()
	release := make(chan struct{})
	h := func(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return echo(ctx, d)
	}
	for i := range 5 {
		rawDoc(t, js, fmt.Sprintf("doc-%d", i))
	}
	cc, _ := events.ConsumerConfig(events.StageExtractor, "")
	cc.MaxAckPending = 2
	_, stop := run(t, js, stage.Config{Ops: ops, Consumer: &cc, Concurrency: 2, Batch: 2, SampleInterval: 50 * time.Millisecond}, h)
	defer stop()
	stg := string(events.StageExtractor)
	waitFor(t, "a sample with work waiting", func() bool {
		f := scrape(t, srv.URL)
		p, _ := value(f, stage.MetricPending, "stage", stg, "consumer", stg)
		a, _ := value(f, stage.MetricAckPending, "stage", stg, "consumer", stg)
		return p == 3 && a == 2
	})
	close(release)
}

// readyz returns the status code and body of GET /readyz.
func readyz(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("/readyz body %q: %v", b, err)
	}
	return resp.StatusCode, body
}

func failing(body map[string]any) string {
	b, _ := json.Marshal(body["failing"])
	return string(b)
}

func TestReadyzFollowsTheConsumerAndTheConnection(t *testing.T) {
	s := natstest.Server(t)
	bound := make(chan string)
	proceed := make(chan struct{})
	svc := stage.Service{
		Name:    "extractor",
		Streams: []string{events.StreamRaw, events.StreamArticles, events.StreamDLQ},
		Run: func(ctx context.Context, env stage.Env) error {
			r, err := stage.New(env.JS, stage.Config{Stage: events.StageExtractor, Ops: env.Ops, DrainTimeout: time.Second}, echo, env.Log)
			if err != nil {
				return err
			}
			bound <- "http://" + env.Ops.Addr().String()
			<-proceed
			return r.Run(ctx)
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	args := []string{"--nats", s.ClientURL(), "--http-addr", "127.0.0.1:0", "--log-level", "error", "--shutdown-timeout", "1s"}
	go func() { done <- stage.RunService(ctx, svc, args, func(string) string { return "" }) }()
	var base string
	select {
	case base = <-bound:
	case err := <-done:
		t.Fatalf("RunService returned early: %v", err)
	}

	code, body := readyz(t, base)
	if code != http.StatusServiceUnavailable || !strings.Contains(failing(body), "consumer extractor") {
		t.Errorf("before the consumer is bound: /readyz = %d %v, want 503 naming the consumer", code, body)
	}
	close(proceed)
	waitFor(t, "ready", func() bool { c, _ := readyz(t, base); return c == http.StatusOK })
	_, body = readyz(t, base)
	if got := fmt.Sprint(body["passing"]); !strings.Contains(got, "nats") || !strings.Contains(got, "streams") {
		t.Errorf("passing checks = %s, want nats and streams among them", got)
	}

	s.Shutdown()
	s.WaitForShutdown()
	waitFor(t, "not ready", func() bool { c, _ := readyz(t, base); return c == http.StatusServiceUnavailable })
	if _, body := readyz(t, base); !strings.Contains(failing(body), "nats") {
		t.Errorf("after the server stopped: failing = %s, want nats", failing(body))
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with the server down = %v %v, want 200", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunService: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunService did not return after cancel")
	}
}

func TestWithoutCreateStreamsMissingStreamsAreNamed(t *testing.T) {
	s := natstest.Server(t)
	ran := false
	svc := stage.Service{
		Name:    "sink",
		Streams: []string{events.StreamClustered, events.StreamDLQ},
		Run:     func(context.Context, stage.Env) error { ran = true; return nil },
	}
	env := map[string]string{"WIREWATCH_NATS_URL": s.ClientURL(), "WIREWATCH_CREATE_STREAMS": "false", "WIREWATCH_HTTP_ADDR": "off"}
	err := stage.RunService(context.Background(), svc, []string{"--log-level", "error"}, func(k string) string { return env[k] })
	if !errors.Is(err, stage.ErrStreamMissing) || !strings.Contains(err.Error(), events.StreamClustered) || !strings.Contains(err.Error(), events.StreamDLQ) {
		t.Fatalf("err = %v, want ErrStreamMissing naming %s and %s", err, events.StreamClustered, events.StreamDLQ)
	}
	if ran {
		t.Error("the service ran without its streams")
	}

	// Once the streams exist the same service starts.
	_, js := natstest.Connect(t, s)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := stage.RunService(context.Background(), svc, []string{"--log-level", "error"}, func(k string) string { return env[k] }); err != nil || !ran {
		t.Errorf("with the streams: err = %v, ran = %v; want nil, true", err, ran)
	}
}
