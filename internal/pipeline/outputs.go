package pipeline

import (
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/sink"
)

// sinkConfig is the sink's configuration for a run: the chosen outputs, the
// run's output directory for the default JSONL output, and the run's
// delivery tracking.
func (c Config) sinkConfig(onDelivered func(*events.ClusteredArticle, bool)) sink.Config {
	s := c.Sink
	s.OutDir = c.OutDir
	s.OnDelivered = onDelivered
	s.StreamReplicas = c.Streams.Replicas
	s.Ops = c.Ops
	return s
}
