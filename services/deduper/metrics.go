package deduper

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Metric names of the deduper; docs/operations.md describes each.
const (
	MetricDecisions   = "wirewatch_dedup_decisions_total"
	MetricClusterSize = "wirewatch_dedup_cluster_size"
	MetricClusters    = "wirewatch_dedup_clusters"
	MetricMerges      = "wirewatch_dedup_merges_total"
	MetricSplits      = "wirewatch_dedup_splits_total"
	MetricSplitOut    = "wirewatch_dedup_split_members_total"
	MetricReplayed    = "wirewatch_dedup_replayed_total"
	MetricReplayedSeq = "wirewatch_dedup_replayed_sequence"
	MetricLeading     = "wirewatch_dedup_leading"
)

// metrics are the deduper's own Prometheus metrics.
type metrics struct {
	decisions   *prometheus.CounterVec
	clusterSize prometheus.Histogram
	clusters    prometheus.Gauge
	merges      *prometheus.CounterVec
	splits      prometheus.Counter
	splitOut    prometheus.Counter
	replayed    prometheus.Counter
	replayedSeq prometheus.Gauge
	leading     prometheus.Gauge
}

func newMetrics(ops *stage.Ops) *metrics {
	reg := ops.Registerer()
	stageLabel := prometheus.Labels{"stage": string(events.StageDeduper)}
	return &metrics{
		decisions: stage.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricDecisions, ConstLabels: stageLabel,
			Help: "Clustering decisions, by relation (new, duplicate, near_duplicate, rewrite) and the rule that decided.",
		}, []string{"relation", "rule"})),
		clusterSize: stage.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: MetricClusterSize, ConstLabels: stageLabel,
			Help:    "Members of the cluster an article joined (or started), after it joined.",
			Buckets: []float64{1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144},
		})),
		clusters: stage.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricClusters, ConstLabels: stageLabel,
			Help: "Clusters held in memory: those with an article inside the matching window.",
		})),
		merges: stage.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricMerges, ConstLabels: stageLabel,
			Help: "Clusters merged into another, by rule: bridge (an article surely tells both) or link (their members tell one story).",
		}, []string{"rule"})),
		splits: stage.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricSplits, ConstLabels: stageLabel,
			Help: "Groups of members that left a cluster for a new one, their members telling another story than the rest.",
		})),
		splitOut: stage.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricSplitOut, ConstLabels: stageLabel,
			Help: "Articles that left a cluster for a new one with a group (wirewatch_dedup_splits_total).",
		})),
		replayed: stage.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: MetricReplayed, ConstLabels: stageLabel,
			Help: "Stored decisions folded into this replica's clusters: at start, while it stands by, and when it takes over.",
		})),
		replayedSeq: stage.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricReplayedSeq, ConstLabels: stageLabel,
			Help: "The last sequence of the decisions stream this replica's clusters include; a standby's lag is the stream's last sequence less this.",
		})),
		leading: stage.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricLeading, ConstLabels: stageLabel,
			Help: "1 while this replica holds the lease and decides, 0 while it stands by. Every replica holds the clusters: count them on the leader, not summed.",
		})),
	}
}
