package fetcher

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Metric names of the fetcher; docs/operations.md describes each. Every
// feed metric is labelled by the feed's URL, so there are as many series as
// feeds this replica polls.
const (
	MetricFeedUp             = "wirewatch_feed_up"
	MetricFeedFailures       = "wirewatch_feed_consecutive_failures"
	MetricFeedLastSuccess    = "wirewatch_feed_last_success_timestamp_seconds"
	MetricFeedItemsPublished = "wirewatch_feed_items_published_total"
)

// metrics are the fetcher's own Prometheus metrics.
type metrics struct {
	items *prometheus.CounterVec
}

func newMetrics(s *Service, ops *stage.Ops) *metrics {
	reg := ops.Registerer()
	stageLabel := prometheus.Labels{"stage": string(events.StageFetcher)}
	m := &metrics{
		items: stage.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFeedItemsPublished, ConstLabels: stageLabel,
			Help: "New feed items this fetcher published, by feed.",
		}, []string{"feed"})),
	}
	// Feed health is read from the pollers' last reports when scraped, so
	// a feed removed from the list leaves the metrics with it.
	stage.Register(reg, &feedCollector{stage: stageLabel}).add(s)
	return m
}

// feedCollector reports the health of every feed the fetchers sharing a
// registry polled; a feed two of them polled is reported as the one that
// polled it last saw it.
type feedCollector struct {
	stage prometheus.Labels

	mu       sync.Mutex
	services []*Service
}

func (c *feedCollector) add(s *Service) {
	c.mu.Lock()
	c.services = append(c.services, s)
	c.mu.Unlock()
}

func (c *feedCollector) descs() (up, failures, lastSuccess *prometheus.Desc) {
	return prometheus.NewDesc(MetricFeedUp, "1 when the feed's last poll succeeded (304 included), 0 when it failed.", []string{"feed"}, c.stage),
		prometheus.NewDesc(MetricFeedFailures, "Polls of the feed that failed since its last success.", []string{"feed"}, c.stage),
		prometheus.NewDesc(MetricFeedLastSuccess, "When the feed was last polled successfully, in Unix seconds; absent if never.", []string{"feed"}, c.stage)
}

// Describe implements prometheus.Collector.
func (c *feedCollector) Describe(ch chan<- *prometheus.Desc) {
	up, failures, last := c.descs()
	ch <- up
	ch <- failures
	ch <- last
}

// Collect implements prometheus.Collector.
func (c *feedCollector) Collect(ch chan<- prometheus.Metric) {
	up, failures, last := c.descs()
	latest := map[string]events.FeedHealth{}
	c.mu.Lock()
	services := append([]*Service(nil), c.services...)
	c.mu.Unlock()
	for _, s := range services {
		for _, h := range s.FeedHealth() {
			if prev, ok := latest[h.FeedURL]; !ok || h.LastAttempt.After(prev.LastAttempt) {
				latest[h.FeedURL] = h
			}
		}
	}
	for _, h := range latest {
		v := 0.0
		if h.ErrorStreak == 0 && h.Polls > 0 {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(up, prometheus.GaugeValue, v, h.FeedURL)
		ch <- prometheus.MustNewConstMetric(failures, prometheus.GaugeValue, float64(h.ErrorStreak), h.FeedURL)
		if h.LastSuccess != nil {
			ch <- prometheus.MustNewConstMetric(last, prometheus.GaugeValue, float64(h.LastSuccess.UnixNano())/1e9, h.FeedURL)
		}
	}
}
