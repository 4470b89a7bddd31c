package sink

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Metric names of the sink; docs/operations.md describes each.
const (
	MetricDeliveries       = "wirewatch_sink_deliveries_total"
	MetricDeliveryFailures = "wirewatch_sink_delivery_failures_total"
)

// metrics are the sink's own Prometheus metrics, labelled by output (its
// kind and target, a webhook without credentials or query).
type metrics struct {
	deliveries *prometheus.CounterVec
	failures   *prometheus.CounterVec
}

func newMetrics(ops *stage.Ops) *metrics {
	reg := ops.Registerer()
	stageLabel := prometheus.Labels{"stage": string(events.StageSink)}
	return &metrics{
		deliveries: stage.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricDeliveries, ConstLabels: stageLabel,
			Help: "Articles written to an output (not counting those it already had or its filter left out).",
		}, []string{"output"})),
		failures: stage.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricDeliveryFailures, ConstLabels: stageLabel,
			Help: "Failed deliveries to an output, by kind: retry (the article comes back) or permanent (the output refused it).",
		}, []string{"output", "kind"})),
	}
}

func (m *metrics) delivered(output string, written bool, err error) {
	switch {
	case err != nil:
		kind := "retry"
		var pe *stage.PermanentError
		if errors.As(err, &pe) {
			kind = "permanent"
		}
		m.failures.WithLabelValues(output, kind).Inc()
	case written:
		m.deliveries.WithLabelValues(output).Inc()
	}
}
