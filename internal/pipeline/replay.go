package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
	"github.com/wirewatch/wirewatch/services/extractor"
	"github.com/wirewatch/wirewatch/services/sink"
)

// ReplayConfig configures a replay of recorded messages through the stages
// after their stream, on a fresh embedded server of its own: nothing is
// published where the originals live, so their message ids cannot collide
// and the original outputs are untouched.
type ReplayConfig struct {
	// Stream is the stream the messages come from: NEWS_RAW (re-extract,
	// re-cluster, deliver), NEWS_ARTICLES (re-cluster, deliver) or
	// NEWS_CLUSTERED (deliver).
	Stream string
	// OutDir is where the replay's sink writes its JSONL files.
	OutDir string
	// DataDir holds the replay server's store. It should be empty: a store
	// that already holds the messages drops them as duplicates.
	DataDir string
	// Timeout bounds the wait for the replayed messages to come through.
	// Zero means 10 minutes.
	Timeout time.Duration
	// Progress, if set, is called now and then with the number of
	// documents through the pipeline so far.
	Progress func(done int)
}

// Validate reports every problem with c at once.
func (c ReplayConfig) Validate() error {
	var errs []error
	if _, err := stagesAfter(c.Stream); err != nil {
		errs = append(errs, err)
	}
	if c.OutDir == "" {
		errs = append(errs, errors.New("replay: output directory is empty"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("replay: data directory is empty"))
	}
	return errors.Join(errs...)
}

// stagesAfter lists the stages that consume a stream and everything after
// it, in pipeline order.
func stagesAfter(stream string) ([]events.Stage, error) {
	all := []events.Stage{events.StageExtractor, events.StageDeduper, events.StageSink}
	for i, s := range all {
		if in, _ := events.InputStream(s); in == stream {
			return all[i:], nil
		}
	}
	return nil, fmt.Errorf("replay: no stage reads stream %q (replayable through the pipeline: %s, %s, %s)",
		stream, events.StreamRaw, events.StreamArticles, events.StreamClustered)
}

// Source feeds the messages of a replay to publish, in order, and returns
// when it has no more or publish fails.
type Source func(ctx context.Context, publish func(recording.Record) error) error

// Replay starts a fresh embedded server under cfg.DataDir with the stages
// after cfg.Stream, publishes every message of src into cfg.Stream with its
// original headers, waits until every document has been delivered into
// cfg.OutDir or dead-lettered, and stops. The extractor publishes in the
// order of the recording (extractor.Config.Unordered is false), so that the
// deduper sees the articles in that order and a replay is deterministic.
func Replay(ctx context.Context, cfg ReplayConfig, src Source, log *zap.Logger) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	sum, err := replay(ctx, cfg, src, log)
	if err != nil {
		err = fmt.Errorf("replay of %s: %w", cfg.Stream, err)
	}
	return sum, err
}

func replay(ctx context.Context, cfg ReplayConfig, src Source, log *zap.Logger) (Summary, error) {
	start := time.Now()
	stages, _ := stagesAfter(cfg.Stream)
	srv, err := embedded.Start(embedded.Options{StoreDir: filepath.Join(cfg.DataDir, "jetstream")})
	if err != nil {
		return Summary{}, err
	}
	defer stopServer(srv)
	nc, err := embedded.Connect(srv, "wirewatch-replay")
	if err != nil {
		return Summary{}, err
	}
	defer drain(nc)
	js, err := jetstream.New(nc)
	if err != nil {
		return Summary{}, fmt.Errorf("creating jetstream context: %w", err)
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	err = stage.EnsureStreams(sctx, js, events.StreamOptions{})
	cancel()
	if err != nil {
		return Summary{}, err
	}
	tr := newTracker()
	stopDLQ, err := watchDeadLetters(ctx, js, tr)
	if err != nil {
		return Summary{}, err
	}
	defer stopDLQ()

	var services []service
	for _, s := range stages {
		switch s {
		case events.StageSink:
			snk, err := sink.New(js, sink.Config{OutDir: cfg.OutDir, OnDelivered: tr.delivered}, log)
			if err != nil {
				return Summary{}, err
			}
			services = append(services, service{"sink", snk.Run})
		case events.StageDeduper:
			ded, err := deduper.New(js, deduper.Config{}, log)
			if err != nil {
				return Summary{}, err
			}
			services = append(services, service{"deduper", ded.Run})
		case events.StageExtractor:
			ext, err := extractor.New(js, extractor.Config{}, log)
			if err != nil {
				return Summary{}, err
			}
			services = append(services, service{"extractor", ext.Run})
		}
	}
	// Downstream first, as in Run, and stopped upstream first. A stage that
	// fails ends the replay (fail cancels runCtx with its error).
	slices.Reverse(services)
	runCtx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	running := startStages(ctx, services, fail)

	stopProgress := reportProgress(tr, cfg.Progress)
	pub := stage.NewPublisher(js, 10*time.Second, 5)
	runErr := src(runCtx, func(r recording.Record) error {
		m := r.Msg()
		m.Subject = retarget(cfg.Stream, r.Subject)
		dup, err := pub.Publish(runCtx, m)
		if err != nil {
			return err
		}
		tr.published(docIDOf(m), dup)
		return nil
	})
	if runErr == nil {
		tr.fetchDone()
		runErr = waitStages(runCtx, js, tr, stages, "the replay", cfg.Timeout)
	}
	if err := stageFailure(ctx, runCtx); err != nil {
		runErr = err
	}
	stopProgress()
	if err := stopStages(running); err != nil && runErr == nil {
		runErr = err
	}
	sum := tr.summary()
	sum.Seconds = time.Since(start).Seconds()
	return sum, runErr
}

// retarget keeps a message on its subject when the subject belongs to the
// stream; a message recorded elsewhere goes to the stream's catch-all
// subject for its kind.
func retarget(stream, subject string) string {
	prefix := map[string]string{
		events.StreamRaw:       events.SubjectRawPrefix,
		events.StreamArticles:  events.SubjectArticlePrefix,
		events.StreamClustered: events.SubjectClusteredPrefix,
	}[stream]
	if strings.HasPrefix(subject, prefix) && len(subject) > len(prefix) {
		return subject
	}
	return prefix + events.Token(events.LastToken(subject))
}

// docIDOf is the document a message is about: its CloudEvents subject.
func docIDOf(m *nats.Msg) string {
	if id := m.Header.Get(events.HeaderCESubject); id != "" {
		return id
	}
	var ev struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(m.Data, &ev)
	return ev.ID
}

// reportProgress calls progress with the number of finished documents every
// 100ms until stopped, and once more at the end.
func reportProgress(tr *tracker, progress func(int)) (stop func()) {
	if progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				progress(tr.finished())
				return
			case <-t.C:
				progress(tr.finished())
			}
		}
	}()
	return func() { close(done); <-finished }
}

// waitStages waits until every document is delivered or dead-lettered and
// the given stages have nothing pending, checked in pipeline order: a stage
// publishes its outputs before it acknowledges, so once a stage is seen idle,
// nothing new can reach the stages after it. what names the run in the
// timeout error.
func waitStages(ctx context.Context, js jetstream.JetStream, tr *tracker, stages []events.Stage, what string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if tr.complete() {
			idle, err := consumersIdle(ctx, js, stages)
			if err != nil {
				return err
			}
			if idle {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("waiting for %s: %d documents unfinished after %s", what, tr.pending(), timeout)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func consumersIdle(ctx context.Context, js jetstream.JetStream, stages []events.Stage) (bool, error) {
	for _, s := range stages {
		stream, _ := events.InputStream(s)
		c, err := js.Consumer(ctx, stream, string(s))
		if errors.Is(err, jetstream.ErrConsumerNotFound) {
			return false, nil // not started yet
		}
		if err != nil {
			return false, fmt.Errorf("inspecting consumer %s: %w", s, err)
		}
		info := c.CachedInfo()
		if info.NumPending > 0 || info.NumAckPending > 0 {
			return false, nil
		}
	}
	return true, nil
}

// finished counts the documents of the run delivered or dead-lettered.
func (t *tracker) finished() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.expected) - t.unfinished()
}

// pending counts the documents of the run not yet finished.
func (t *tracker) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unfinished()
}
