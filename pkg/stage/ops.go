package stage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Ops is what a service shows its operators: Prometheus metrics in a
// registry of its own, and the checks behind /readyz. A nil *Ops records
// nothing, so stages run without one (in tests, or inside `wirewatch run`)
// need no special case.
type Ops struct {
	reg *prometheus.Registry

	processed    *prometheus.CounterVec
	failed       *prometheus.CounterVec
	redelivered  *prometheus.CounterVec
	deadLettered *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	pending      *prometheus.GaugeVec
	ackPending   *prometheus.GaugeVec

	mu     sync.Mutex
	checks map[string]Check
	addr   net.Addr
}

// Check reports why a part of the service is not ready, or nil when it is.
// It must return quickly and honour ctx.
type Check func(ctx context.Context) error

// Metric names, for dashboards and alerts; docs/operations.md describes each.
const (
	MetricProcessed    = "wirewatch_messages_processed_total"
	MetricFailed       = "wirewatch_messages_failed_total"
	MetricRedelivered  = "wirewatch_messages_redelivered_total"
	MetricDeadLettered = "wirewatch_messages_dead_lettered_total"
	MetricLatency      = "wirewatch_handle_duration_seconds"
	MetricPending      = "wirewatch_consumer_pending_messages"
	MetricAckPending   = "wirewatch_consumer_ack_pending_messages"
)

// Failure reasons of retryable errors; a permanent error is counted under
// its dead-letter reason (decode, invalid, panic, max_deliveries, ...).
const (
	FailTimeout    = "timeout"     // the handler ran out of time
	FailPublish    = "publish"     // the outputs could not be published
	FailRetry      = "retry"       // any other retryable error
	FailDeadLetter = "dead_letter" // the dead letter itself could not be stored
)

// NewOps returns an Ops with the generic stage metrics and the Go runtime
// and process collectors registered in a new registry.
func NewOps() *Ops {
	o := &Ops{
		reg: prometheus.NewRegistry(),
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricProcessed, Help: "Messages handled successfully and acknowledged.",
		}, []string{"stage"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFailed, Help: "Failed handlings of a message, by reason: a dead-letter reason for permanent failures, timeout, publish, retry or dead_letter for retried ones.",
		}, []string{"stage", "reason"}),
		redelivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricRedelivered, Help: "Deliveries of a message that had been delivered before.",
		}, []string{"stage"}),
		deadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricDeadLettered, Help: "Messages dead-lettered on news.dlq.<stage>, by reason.",
		}, []string{"stage", "reason"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: MetricLatency, Help: "Time from receiving a message to settling it, publishing its outputs included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"stage"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: MetricPending, Help: "Messages in the stream not yet delivered to the stage's consumer, as last sampled.",
		}, []string{"stage", "consumer"}),
		ackPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: MetricAckPending, Help: "Messages delivered to the stage's consumer and not yet acknowledged, as last sampled.",
		}, []string{"stage", "consumer"}),
		checks: map[string]Check{},
	}
	o.reg.MustRegister(o.processed, o.failed, o.redelivered, o.deadLettered, o.latency, o.pending, o.ackPending,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return o
}

// Registerer is where a service registers its own metrics. On a nil Ops it
// is a registry nobody reads.
func (o *Ops) Registerer() prometheus.Registerer {
	if o == nil {
		return prometheus.NewRegistry()
	}
	return o.reg
}

// Gatherer reads the metrics, e.g. for a test.
func (o *Ops) Gatherer() prometheus.Gatherer {
	if o == nil {
		return prometheus.NewRegistry()
	}
	return o.reg
}

// Processed counts a message of stage s handled successfully.
func (o *Ops) Processed(s events.Stage) {
	if o != nil {
		o.processed.WithLabelValues(string(s)).Inc()
	}
}

// Failed counts a failed handling by reason.
func (o *Ops) Failed(s events.Stage, reason string) {
	if o != nil {
		o.failed.WithLabelValues(string(s), reason).Inc()
	}
}

// DeadLettered counts a message dead-lettered by reason.
func (o *Ops) DeadLettered(s events.Stage, reason string) {
	if o != nil {
		o.deadLettered.WithLabelValues(string(s), reason).Inc()
	}
}

// initStage makes the series of stage s that every runner has exist from
// the start, at zero, so rates and alerts see them before the first message.
func (o *Ops) initStage(s events.Stage) {
	if o != nil {
		o.processed.WithLabelValues(string(s))
		o.redelivered.WithLabelValues(string(s))
		o.latency.WithLabelValues(string(s))
	}
}

func (o *Ops) redelivery(s events.Stage) {
	if o != nil {
		o.redelivered.WithLabelValues(string(s)).Inc()
	}
}

func (o *Ops) observe(s events.Stage, d time.Duration) {
	if o != nil {
		o.latency.WithLabelValues(string(s)).Observe(d.Seconds())
	}
}

func (o *Ops) consumerPending(s events.Stage, consumer string, pending, ackPending uint64) {
	if o != nil {
		o.pending.WithLabelValues(string(s), consumer).Set(float64(pending))
		o.ackPending.WithLabelValues(string(s), consumer).Set(float64(ackPending))
	}
}

func (o *Ops) forgetConsumer(s events.Stage, consumer string) {
	if o != nil {
		o.pending.DeleteLabelValues(string(s), consumer)
		o.ackPending.DeleteLabelValues(string(s), consumer)
	}
}

// AddCheck adds (or replaces) a readiness check under name.
func (o *Ops) AddCheck(name string, c Check) {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.checks[name] = c
	o.mu.Unlock()
}

// SetReady records the readiness of the part of the service called name:
// nil for ready, else why it is not.
func (o *Ops) SetReady(name string, err error) {
	o.AddCheck(name, func(context.Context) error { return err })
}

// RemoveCheck drops the check called name.
func (o *Ops) RemoveCheck(name string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	delete(o.checks, name)
	o.mu.Unlock()
}

// Readiness runs every check and returns the names of those that pass and
// the errors of those that fail.
func (o *Ops) Readiness(ctx context.Context) (passing []string, failing map[string]string) {
	failing = map[string]string{}
	if o == nil {
		return nil, failing
	}
	o.mu.Lock()
	checks := make(map[string]Check, len(o.checks))
	for n, c := range o.checks {
		checks[n] = c
	}
	o.mu.Unlock()
	passing = []string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for n, c := range checks {
		wg.Go(func() {
			err := c(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failing[n] = err.Error()
			} else {
				passing = append(passing, n)
			}
		})
	}
	wg.Wait()
	sort.Strings(passing)
	return passing, failing
}

// readyReport is the body of /readyz.
type readyReport struct {
	Status  string            `json:"status"`
	Failing map[string]string `json:"failing,omitempty"`
	Passing []string          `json:"passing"`
}

// Handler serves /healthz (the process is up), /readyz (every check passes:
// 200, else 503 with the failing checks in a JSON body) and /metrics.
func (o *Ops) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		passing, failing := o.Readiness(ctx)
		rep := readyReport{Status: "ready", Passing: passing}
		code := http.StatusOK
		if len(failing) > 0 {
			rep.Status, rep.Failing, code = "not ready", failing, http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(rep)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Gatherer(), promhttp.HandlerOpts{}))
	return mux
}

// Serve serves Handler on addr (":8080", "127.0.0.1:0") until the returned
// stop function is called. It returns once the address is bound.
func (o *Ops) Serve(addr string, log *zap.Logger) (stop func(ctx context.Context) error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening for /metrics and /readyz on %s: %w", addr, err)
	}
	if o != nil {
		o.mu.Lock()
		o.addr = ln.Addr()
		o.mu.Unlock()
	}
	srv := &http.Server{
		Handler:           o.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          zap.NewStdLog(log),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serving /metrics and /readyz", zap.Error(err))
		}
	}()
	return srv.Shutdown, nil
}

// Addr is the address Serve bound, or nil before Serve.
func (o *Ops) Addr() net.Addr {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.addr
}

// Register registers c with reg and returns it; when reg already holds an
// equal collector (a second service of the same kind in one process), it
// returns that one instead, so both count into the same series.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(fmt.Sprintf("stage: registering a metric: %v", err))
	}
	return c
}

// Value reads the current value of the metric name whose labels are exactly
// the given name/value pairs (for a histogram, its sample count; for a
// histogram's sum, name it with a _sum suffix). ok is false when there is no
// such series.
func (o *Ops) Value(name string, labels ...string) (v float64, ok bool) {
	fams, err := o.Gatherer().Gather()
	if err != nil {
		return 0, false
	}
	sum := false
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	for pass := 0; pass < 2; pass++ {
		for _, f := range fams {
			if f.GetName() != name {
				continue
			}
		next:
			for _, m := range f.GetMetric() {
				if len(m.GetLabel()) != len(want) {
					continue
				}
				for _, l := range m.GetLabel() {
					if v, ok := want[l.GetName()]; !ok || v != l.GetValue() {
						continue next
					}
				}
				switch {
				case m.Counter != nil:
					return m.Counter.GetValue(), true
				case m.Gauge != nil:
					return m.Gauge.GetValue(), true
				case m.Histogram != nil && sum:
					return m.Histogram.GetSampleSum(), true
				case m.Histogram != nil:
					return float64(m.Histogram.GetSampleCount()), true
				}
			}
		}
		base, isSum := strings.CutSuffix(name, "_sum")
		if !isSum || sum {
			break
		}
		name, sum = base, true
	}
	return 0, false
}
