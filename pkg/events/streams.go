package events

import (
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// StreamOptions tune the streams for a deployment. The zero value is the
// embedded single-node default.
type StreamOptions struct {
	// Replicas is the number of copies of each stream (1 or 3; 3 on a
	// JetStream cluster). Zero means 1.
	Replicas int
	// MaxAge bounds how long pipeline streams keep messages for replay.
	// Zero means DefaultMaxAge.
	MaxAge time.Duration
	// Duplicates is the window in which a second publish with the same
	// Nats-Msg-Id is dropped by the server. Zero means DefaultDuplicates.
	Duplicates time.Duration
	// MaxMsgSize is the largest message a stream accepts. Zero means
	// DefaultMaxMsgSize.
	MaxMsgSize int32
}

// Stream defaults.
const (
	DefaultMaxAge     = 7 * 24 * time.Hour
	DefaultDuplicates = 2 * time.Hour
	// DefaultMaxMsgSize leaves room for a RawDocument whose body is at the
	// fetcher's default cap (4 MiB) once base64 and the envelope are added.
	DefaultMaxMsgSize = 8 << 20
	// ClusterHistory is how many states of one cluster NEWS_CLUSTERS keeps;
	// the last is the current one.
	ClusterHistory = 16
	// FeedHealthHistory is how many health reports of one feed NEWS_FEEDS
	// keeps; the last is the current one.
	FeedHealthHistory = 16
)

func (o StreamOptions) withDefaults() StreamOptions {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.Duplicates <= 0 {
		o.Duplicates = DefaultDuplicates
	}
	if o.MaxMsgSize <= 0 {
		o.MaxMsgSize = DefaultMaxMsgSize
	}
	return o
}

// Streams returns the configuration of every wirewatch stream.
func Streams(opts StreamOptions) []jetstream.StreamConfig {
	o := opts.withDefaults()
	base := func(name, subjects, desc string, maxAge time.Duration) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:        name,
			Description: desc,
			Subjects:    []string{subjects},
			Retention:   jetstream.LimitsPolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    o.Replicas,
			MaxAge:      maxAge,
			MaxMsgSize:  o.MaxMsgSize,
			Duplicates:  o.Duplicates,
			Discard:     jetstream.DiscardOld,
		}
	}
	clusters := base(StreamClusters, SubjectClusterPrefix+">", "cluster state; the last message per subject is the current state", o.MaxAge)
	clusters.MaxMsgsPerSubject = ClusterHistory
	feeds := base(StreamFeeds, SubjectFeedPrefix+">", "feed health; the last message per subject is the current state", o.MaxAge)
	feeds.MaxMsgsPerSubject = FeedHealthHistory
	return []jetstream.StreamConfig{
		base(StreamRaw, SubjectRawPrefix+">", "fetched documents", o.MaxAge),
		base(StreamArticles, SubjectArticlePrefix+">", "extracted articles", o.MaxAge),
		base(StreamClustered, SubjectClusteredPrefix+">", "articles with their cluster assignment", o.MaxAge),
		clusters,
		feeds,
		base(StreamDLQ, SubjectDLQPrefix+">", "dead letters of every stage", 4*o.MaxAge),
	}
}

// Consumer defaults.
const (
	DefaultAckWait    = 30 * time.Second
	DefaultMaxDeliver = 6
)

// InputStream is the stream a stage consumes. The fetcher consumes none.
func InputStream(s Stage) (string, error) {
	switch s {
	case StageExtractor:
		return StreamRaw, nil
	case StageDeduper:
		return StreamArticles, nil
	case StageSink:
		return StreamClustered, nil
	}
	return "", fmt.Errorf("events: stage %q reads no stream", s)
}

// ConsumerConfig returns the durable pull consumer a stage reads its input
// with. durable names the consumer; empty means the stage name. Replicas
// reading the same durable share the work.
func ConsumerConfig(s Stage, durable string) (jetstream.ConsumerConfig, error) {
	stream, err := InputStream(s)
	if err != nil {
		return jetstream.ConsumerConfig{}, err
	}
	if durable == "" {
		durable = string(s)
	}
	filter := map[string]string{
		StreamRaw:       SubjectRawPrefix + ">",
		StreamArticles:  SubjectArticlePrefix + ">",
		StreamClustered: SubjectClusteredPrefix + ">",
	}[stream]
	maxAckPending := 256
	if s == StageDeduper {
		// The deduper assigns clusters in order; a small window keeps
		// redeliveries close to their original position.
		maxAckPending = 64
	}
	return jetstream.ConsumerConfig{
		Durable:       durable,
		Description:   fmt.Sprintf("wirewatch %s input", s),
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       DefaultAckWait,
		MaxDeliver:    DefaultMaxDeliver,
		FilterSubject: filter,
		MaxAckPending: maxAckPending,
		ReplayPolicy:  jetstream.ReplayInstantPolicy,
	}, nil
}
