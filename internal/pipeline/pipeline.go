// Package pipeline runs the whole wirewatch pipeline in one process: an
// embedded JetStream server (or a connection to an external one) and the
// fetcher, extractor, deduper and sink services, each reading its own durable
// consumer exactly as it would as a separate process.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
	"github.com/wirewatch/wirewatch/services/extractor"
	"github.com/wirewatch/wirewatch/services/fetcher"
	"github.com/wirewatch/wirewatch/services/sink"
)

// Config configures a pipeline run.
type Config struct {
	// Inputs are directories of article files (and feed files).
	Inputs []string
	// Feeds are feed URLs to poll; FeedsFile names a file listing more, one
	// a line, or OPML.
	Feeds     []string
	FeedsFile string
	// AllowPrivate lets the fetcher reach private and loopback addresses
	// (local feeds, tests).
	AllowPrivate bool
	// AllowHosts are hosts (host or host:port) the fetcher may reach on
	// private and loopback addresses while the guard stays on for others.
	AllowHosts []string
	// Ops, if set, takes every stage's metrics and readiness checks (the
	// run command serves them on --http-addr). Nil records nothing.
	Ops *stage.Ops
	// UserAgent is the fetcher's User-Agent. Empty: the fetcher's default.
	UserAgent string
	// OutDir is where the sink writes its JSONL files.
	OutDir string
	// DataDir holds the embedded server's store. Ignored with NATSURL.
	DataDir string
	// NATSURL connects to an external NATS server instead of embedding one.
	NATSURL string
	// NATSOptions are the options of the connection to NATSURL:
	// credentials, TLS (stage.NATSFlags.NATSOptions).
	NATSOptions []nats.Option
	// Listen makes the embedded server accept clients on host:port, so
	// that other programs can subscribe. Empty: in-process only.
	Listen string
	// Once ingests what the inputs hold, waits until every document has
	// reached the sink or a dead-letter stream, and returns. Otherwise the
	// inputs are watched until ctx ends.
	Once bool
	// Timeout bounds a Once run. Zero means 10 minutes.
	Timeout time.Duration
	// Stream options for the streams the run creates.
	Streams events.StreamOptions
	// Sink chooses the sink's outputs; Run sets its OutDir and OnDelivered.
	Sink sink.Config
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if len(c.Inputs) == 0 && len(c.Feeds) == 0 && c.FeedsFile == "" && c.Once {
		// A watching run with neither follows the fetcher's run-time feed
		// list (the WIREWATCH_FEEDS bucket).
		errs = append(errs, errors.New("no --input directory, --feed or --feeds"))
	}
	if c.OutDir == "" {
		errs = append(errs, errors.New("--out is empty"))
	}
	if c.NATSURL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("--data is empty"))
	}
	if err := c.sinkConfig(nil).Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.NATSURL != "" {
		if err := stage.CheckNATSURL(c.NATSURL); err != nil {
			errs = append(errs, fmt.Errorf("--nats: %w", err))
		}
	}
	if c.NATSURL != "" && c.Listen != "" {
		errs = append(errs, errors.New("--listen applies to the embedded server only, not with --nats"))
	}
	return errors.Join(errs...)
}

// Summary is what a run did.
type Summary struct {
	Documents   int     `json:"documents"`    // documents published by this run
	Known       int     `json:"known"`        // documents already ingested before
	Articles    int     `json:"articles"`     // documents delivered by the sink
	Clusters    int     `json:"clusters"`     // distinct clusters among them (watching: clusters they founded)
	DeadLetters int     `json:"dead_letters"` // documents dead-lettered
	Seconds     float64 `json:"seconds"`
}

func (s Summary) String() string {
	return fmt.Sprintf("documents %d (already known %d), articles %d, clusters %d, dead letters %d, %.2fs",
		s.Documents, s.Known, s.Articles, s.Clusters, s.DeadLetters, s.Seconds)
}

// Run runs the pipeline until ctx ends or, with Once, until the inputs are
// through. The services are stopped in order (fetcher first, sink last) and
// each drains what it holds.
func Run(ctx context.Context, cfg Config, log *zap.Logger) (Summary, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	nc, shutdown, err := connect(cfg, log)
	if err != nil {
		return Summary{}, err
	}
	defer shutdown()
	js, err := jetstream.New(nc)
	if err != nil {
		return Summary{}, fmt.Errorf("creating jetstream context: %w", err)
	}
	// A server that is not up yet is waited for, a minute at most, and no
	// longer than a --once run may take.
	wait := time.Minute
	if cfg.Once && cfg.Timeout > 0 {
		wait = min(wait, cfg.Timeout)
	}
	sctx, cancel := context.WithTimeout(ctx, wait)
	err = stage.EnsureStreams(sctx, js, cfg.Streams)
	cancel()
	if err != nil && !nc.IsConnected() {
		// Waited for a server that never answered: say so, rather than
		// only that a stream could not be made in time.
		return Summary{}, fmt.Errorf("nats at %s not reachable: %w", stage.ShownURL(cfg.NATSURL), err)
	}
	if err != nil {
		return Summary{}, err
	}

	// /readyz says, as a separate service's does, whether the server is
	// there and holds the pipeline's streams.
	var names []string
	for _, sc := range events.Streams(cfg.Streams) {
		names = append(names, sc.Name)
	}
	cfg.Ops.AddCheck("nats", stage.NATSCheck(nc))
	cfg.Ops.AddCheck("streams", stage.StreamsCheck(nc, js, names))

	tr := newCounter()
	if cfg.Once {
		tr = newTracker()
	}
	stopDLQ, err := watchDeadLetters(ctx, js, tr)
	if err != nil {
		return Summary{}, err
	}
	defer stopDLQ()

	ext, err := extractor.New(js, extractor.Config{Ops: cfg.Ops}, log)
	if err != nil {
		return Summary{}, err
	}
	ded, err := deduper.New(js, deduper.Config{StreamReplicas: cfg.Streams.Replicas, Ops: cfg.Ops}, log)
	if err != nil {
		return Summary{}, err
	}
	snk, err := sink.New(js, cfg.sinkConfig(tr.delivered), log)
	if err != nil {
		return Summary{}, err
	}
	fet, err := fetcher.New(js, fetcher.Config{
		Inputs: cfg.Inputs, Watch: !cfg.Once, OnPublished: tr.published, OnFailed: tr.fetchFailed,
		Feeds: cfg.Feeds, FeedsFile: cfg.FeedsFile, AllowPrivate: cfg.AllowPrivate, AllowHosts: cfg.AllowHosts, UserAgent: cfg.UserAgent,
		KVReplicas: cfg.Streams.Replicas, Ops: cfg.Ops,
	}, log)
	if err != nil {
		return Summary{}, err
	}

	// A stage that fails ends the run (fail cancels runCtx with its error):
	// the fetcher stops, and the wait for a --once run ends at once.
	runCtx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	stages := startStages(ctx, []service{{"sink", snk.Run}, {"deduper", ded.Run}, {"extractor", ext.Run}}, fail)

	runErr := fet.Run(runCtx)
	if runErr == nil && cfg.Once {
		tr.fetchDone()
		runErr = waitStages(runCtx, js, tr, pipelineStages, "the pipeline", cfg.Timeout)
		if errors.Is(runErr, context.Canceled) {
			runErr = nil // interrupted while waiting: stop as usual
		}
	}
	if err := stageFailure(ctx, runCtx); err != nil {
		runErr = err
	}
	if err := stopStages(stages); err != nil && runErr == nil {
		runErr = err
	}
	sum := tr.summary()
	sum.Seconds = time.Since(start).Seconds()
	return sum, runErr
}

// service is a stage to run: its name and its Run.
type service struct {
	name string
	run  func(context.Context) error
}

// runningStage is a started service.
type runningStage struct {
	name   string
	cancel context.CancelFunc
	done   chan error
}

// startStages starts the services in the order given, each under a context
// of its own that outlives ctx, so that shutdown can go stage by stage. A
// stage that stops before it is asked to (it could not start, or its
// consumer went away) calls fail with its error: the run must not go on
// without it.
func startStages(ctx context.Context, services []service, fail context.CancelCauseFunc) []runningStage {
	var out []runningStage
	for _, s := range services {
		sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan error, 1)
		go func() {
			err := s.run(sctx)
			if sctx.Err() == nil {
				if err == nil {
					err = errors.New("stopped by itself")
				}
				fail(fmt.Errorf("%s: %w", s.name, err))
			}
			done <- err
		}()
		out = append(out, runningStage{s.name, cancel, done})
	}
	return out
}

// stopStages stops the stages, the last started first, each after the one
// before it has drained what it held, and returns their errors. A stage
// stopped while still starting (a run with nothing new ends at once)
// reports the cancellation: not a failure.
func stopStages(stages []runningStage) error {
	var errs []error
	for i := len(stages) - 1; i >= 0; i-- {
		stages[i].cancel()
		if err := <-stages[i].done; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("%s: %w", stages[i].name, err))
		}
	}
	return errors.Join(errs...)
}

// stageFailure is the error of the stage that ended the run, if one did:
// runCtx, derived from ctx, was cancelled while ctx was not.
func stageFailure(ctx, runCtx context.Context) error {
	if ctx.Err() != nil || runCtx.Err() == nil {
		return nil
	}
	return context.Cause(runCtx)
}

// connect starts the embedded server, or connects to cfg.NATSURL. shutdown
// drains the connection and stops the server.
func connect(cfg Config, log *zap.Logger) (*nats.Conn, func(), error) {
	if cfg.NATSURL != "" {
		nc, err := stage.Connect(cfg.NATSURL, "wirewatch", log, cfg.NATSOptions...)
		if err != nil {
			return nil, nil, err
		}
		if !nc.IsConnected() {
			log.Warn("nats not reachable yet; waiting for it", zap.String("url", stage.ShownURL(cfg.NATSURL)))
		}
		return nc, func() { drain(nc) }, nil
	}
	srv, err := embedded.Start(embedded.Options{StoreDir: filepath.Join(cfg.DataDir, "jetstream"), Listen: cfg.Listen})
	if err != nil {
		return nil, nil, err
	}
	if cfg.Listen != "" {
		log.Info("embedded nats listening", zap.String("url", srv.ClientURL()))
	}
	nc, err := embedded.Connect(srv, "wirewatch")
	if err != nil {
		stopServer(srv)
		return nil, nil, err
	}
	return nc, func() { drain(nc); stopServer(srv) }, nil
}

func drain(nc *nats.Conn) {
	closed := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
	if err := nc.Drain(); err != nil {
		nc.Close()
		return
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		nc.Close()
	}
}

func stopServer(s *server.Server) {
	s.Shutdown()
	s.WaitForShutdown()
}

// watchDeadLetters tells the tracker about every dead letter stored from now on.
func watchDeadLetters(ctx context.Context, js jetstream.JetStream, tr *tracker) (func(), error) {
	c, err := js.OrderedConsumer(ctx, events.StreamDLQ, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("watching dead letters: %w", err)
	}
	cc, err := c.Consume(func(m jetstream.Msg) {
		var dl events.DeadLetter
		// The fetcher's own are counted as it reports them (fetchFailed).
		if err := events.DecodeMsg(m.Headers(), m.Data(), &dl); err == nil && dl.Stage != events.StageFetcher {
			tr.failed(dl.Document)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("watching dead letters: %w", err)
	}
	return cc.Stop, nil
}

// pipelineStages are the stages after the fetcher, in pipeline order.
var pipelineStages = []events.Stage{events.StageExtractor, events.StageDeduper, events.StageSink}

// tracker follows the documents of a run to their end. A run that watches
// its inputs never ends: its tracker only counts (counting), so that
// its memory does not grow with every document of a long run.
type tracker struct {
	mu        sync.Mutex
	expected  map[string]bool
	known     int
	clusterOf map[string]string
	dead      map[string]bool
	fetched   bool
	counting  bool
	counts    Summary // of a counting tracker
}

func newTracker() *tracker {
	return &tracker{expected: map[string]bool{}, clusterOf: map[string]string{}, dead: map[string]bool{}}
}

// newCounter returns a tracker that counts documents, articles and the
// clusters they founded, and keeps nothing per document.
func newCounter() *tracker { return &tracker{counting: true} }

func (t *tracker) published(docID string, duplicate bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case duplicate:
		t.known++
	case t.counting:
		t.counts.Documents++
	default:
		t.expected[docID] = true
	}
}

func (t *tracker) delivered(a *events.ClusteredArticle, _ bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counting {
		t.counts.Articles++
		if a.Cluster.Relation == events.RelationNew {
			t.counts.Clusters++
		}
		return
	}
	t.clusterOf[a.ID] = a.Cluster.ID
}

func (t *tracker) failed(docID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counting {
		t.counts.DeadLetters++
		return
	}
	t.dead[docID] = true
}

// fetchFailed records a document the fetcher could not read: part of the run,
// and dead from the start.
func (t *tracker) fetchFailed(docID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counting {
		t.counts.Documents++
		t.counts.DeadLetters++
		return
	}
	t.expected[docID] = true
	t.dead[docID] = true
}

func (t *tracker) fetchDone() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fetched = true
}

func (t *tracker) unfinished() int {
	n := 0
	for id := range t.expected {
		if _, ok := t.clusterOf[id]; !ok && !t.dead[id] {
			n++
		}
	}
	return n
}

func (t *tracker) complete() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fetched && t.unfinished() == 0
}

func (t *tracker) summary() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counting {
		s := t.counts
		s.Known = t.known
		return s
	}
	s := Summary{Documents: len(t.expected), Known: t.known}
	clusters := map[string]bool{}
	for id := range t.expected {
		if c, ok := t.clusterOf[id]; ok {
			s.Articles++
			clusters[c] = true
		} else if t.dead[id] {
			s.DeadLetters++
		}
	}
	s.Clusters = len(clusters)
	return s
}
