// Package sink is the wirewatch stage that delivers clustered articles: it
// reads news.clustered.> and hands each article to its outputs — JSON Lines
// files, standard output, HTTP webhooks, a downstream NATS subject — each
// with its own filter, exactly once per article revision, acknowledging only
// after every output has the article durably.
//
// JSONL files are their own record of what they hold (the key of every line
// is learned at start); the other outputs record each delivery in a
// key-value bucket (internal/ledger) and consult it first. An output that
// fails makes the article come back later; the outputs that already have it
// skip it then. An output that rejects the article for good (a webhook's
// 4xx) dead-letters it, as does the last failed delivery.
package sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink/internal/jsonl"
)

// FilePrefix starts the name of every file the sink writes.
const FilePrefix = "clustered"

// DefaultConcurrency is how many articles the sink handles at once by
// default: concurrent JSONL appends share one fsync.
const DefaultConcurrency = 16

// Config configures the sink.
type Config struct {
	// OutDir is the directory of the default JSONL output, and of a
	// "jsonl" output given without a directory.
	OutDir string
	// Durable is the consumer name. Two sinks writing different outputs
	// need different names.
	Durable string
	// OnDelivered, if set, is called after each article is durably in
	// every output it is meant for (written now, found already there, or
	// filtered out of all); written reports whether any output wrote it
	// now.
	OnDelivered func(a *events.ClusteredArticle, written bool)
	// Outputs are the destinations, each with its own filter. Empty means
	// one JSONL output into OutDir.
	Outputs []OutputSpec
	// Concurrency is the number of articles handled at once. Default
	// DefaultConcurrency.
	Concurrency int
	// RotateBytes starts a new JSONL file once one would grow past this
	// size; zero means files rotate by day only.
	RotateBytes int64
	// Webhook configures every webhook output.
	Webhook WebhookConfig
	// Stdout is where stdout outputs write. Default os.Stdout.
	Stdout io.Writer
	// Backoff is the redelivery delay after a failed delivery. Zero means
	// the stage default (1s doubling to 1 min).
	Backoff stage.Backoff
	// AckWait is how long an article handed to a sink that then dies
	// waits before it is handed to another (or the restarted) one. Zero
	// means events.DefaultAckWait. Long deliveries are kept alive with
	// progress heartbeats, so a short AckWait is safe.
	AckWait time.Duration
	// ClaimTimeout bounds one delivery to a webhook, stdout or nats
	// output: a replica handed an article another replica is delivering
	// (JetStream hands it again when that one is cut off from the server)
	// waits for it, up to ClaimTimeout, instead of delivering it too. Zero
	// means twice a webhook delivery's attempts together, and at least 30s.
	ClaimTimeout time.Duration
	// StreamReplicas is the replica count of the ledger bucket and of
	// streams created for nats outputs. Default 1.
	StreamReplicas int
	// Ops, if set, takes the sink's metrics and readiness check.
	Ops *stage.Ops

	// envErrs are malformed environment variables met by RegisterFlags.
	envErrs []error
}

// WebhookConfig configures webhook outputs.
type WebhookConfig struct {
	// Secret signs each request with HMAC-SHA256; empty sends none.
	Secret string
	// Timeout bounds one request. Default 10s.
	Timeout time.Duration
	// Attempts is how many tries one delivery makes before the article
	// is handed back for redelivery. Default 3.
	Attempts int
}

// specs returns the outputs c configures.
func (c Config) specs() []OutputSpec {
	if len(c.Outputs) == 0 {
		return []OutputSpec{{Kind: KindJSONL}}
	}
	return c.Outputs
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	errs := append([]error(nil), c.envErrs...)
	if len(c.Outputs) == 0 && c.OutDir == "" {
		errs = append(errs, errors.New("sink: output directory is empty"))
	}
	seen := map[string]bool{}
	for _, o := range c.Outputs {
		for _, err := range o.check(c.OutDir) {
			errs = append(errs, fmt.Errorf("sink: %w", err))
		}
		key := o.Kind + ":" + o.Target
		if seen[key] {
			errs = append(errs, fmt.Errorf("sink: output %s given twice", o.name()))
		}
		seen[key] = true
	}
	dirs := map[string]bool{}
	for _, d := range outDirOf(c.Outputs, c.OutDir) {
		if dirs[d] {
			errs = append(errs, fmt.Errorf("sink: two jsonl outputs write to %s", d))
		}
		dirs[d] = true
	}
	if c.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("sink: concurrency %d is negative", c.Concurrency))
	}
	if c.RotateBytes < 0 {
		errs = append(errs, fmt.Errorf("sink: rotation size %d is negative", c.RotateBytes))
	}
	if c.AckWait < 0 || (c.AckWait > 0 && c.AckWait < 100*time.Millisecond) {
		errs = append(errs, fmt.Errorf("sink: ack wait %s is under 100ms", c.AckWait))
	}
	if c.ClaimTimeout < 0 || (c.ClaimTimeout > 0 && c.ClaimTimeout < time.Second) {
		errs = append(errs, fmt.Errorf("sink: claim timeout %s is under a second", c.ClaimTimeout))
	}
	if c.Webhook.Timeout < 0 || c.Webhook.Attempts < 0 {
		errs = append(errs, errors.New("sink: webhook timeout and attempts cannot be negative"))
	}
	return errors.Join(errs...)
}

// Service is a running sink.
type Service struct {
	cfg     Config
	js      jetstream.JetStream
	log     *zap.Logger
	runner  *stage.Runner
	outputs []*output
	stores  []*jsonl.Store
	keys    keyLocks
	metrics *metrics
}

// Key is the identity of a record in the output: one line per revision of
// one document.
func Key(id, contentHash string) string { return id + "@" + contentHash }

func keyOfLine(line []byte) (string, error) {
	var rec struct {
		ID          string `json:"id"`
		ContentHash string `json:"content_hash"`
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return "", err
	}
	if rec.ID == "" {
		return "", errors.New("record has no id")
	}
	return Key(rec.ID, rec.ContentHash), nil
}

// New checks cfg, opens the outputs' files and returns a sink reading from
// js. Outputs that need the server (a ledger, a downstream stream) connect
// in Run.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.ClaimTimeout == 0 {
		timeout, attempts := cfg.Webhook.Timeout, cfg.Webhook.Attempts
		if timeout == 0 {
			timeout = 10 * time.Second
		}
		if attempts == 0 {
			attempts = 3
		}
		cfg.ClaimTimeout = max(30*time.Second, 2*time.Duration(attempts)*timeout)
	}
	// The runner names its stage in its own lines: it gets log as it came.
	stageLog := log.With(zap.String("stage", string(events.StageSink)))
	s := &Service{cfg: cfg, js: js, log: stageLog, metrics: newMetrics(cfg.Ops)}
	for _, spec := range cfg.specs() {
		o, err := newOutput(spec, cfg, stageLog)
		if err != nil {
			s.closeOutputs()
			return nil, fmt.Errorf("sink: output %s: %w", spec.name(), err)
		}
		s.outputs = append(s.outputs, o)
		if t, ok := o.target.(*jsonlTarget); ok {
			s.stores = append(s.stores, t.store)
		}
	}
	scfg := stage.Config{Stage: events.StageSink, Durable: cfg.Durable, Concurrency: cfg.Concurrency, Backoff: cfg.Backoff, Ops: cfg.Ops}
	if cfg.AckWait > 0 {
		cc, err := events.ConsumerConfig(events.StageSink, cfg.Durable)
		if err != nil {
			s.closeOutputs()
			return nil, err
		}
		cc.AckWait = cfg.AckWait
		scfg.Consumer = &cc
	}
	r, err := stage.New(js, scfg, s.Handle, log)
	if err != nil {
		s.closeOutputs()
		return nil, err
	}
	s.runner = r
	return s, nil
}

// Run connects the outputs and delivers articles until ctx ends, then closes
// the outputs.
func (s *Service) Run(ctx context.Context) error {
	defer s.closeOutputs()
	for _, o := range s.outputs {
		octx, cancel := context.WithTimeout(ctx, time.Minute)
		err := o.target.open(octx, s.js)
		cancel()
		if err != nil {
			return fmt.Errorf("sink: opening output %s: %w", o.name, err)
		}
		if t, ok := o.target.(*ledgered); ok {
			// A ledger's bucket that is gone is created again by the
			// check too, so a sink with nothing to deliver heals as well.
			s.cfg.Ops.AddCheck("ledger "+o.name, t.ledger.Check)
		}
		s.log.Info("output ready", zap.String("output", o.name), zap.String("filter", o.filter.String()))
	}
	return s.runner.Run(ctx)
}

// FileStats reports how many lines the sink's JSONL outputs have written
// since it started, and how many fsyncs that took: with several articles
// handled at once, one fsync commits many lines.
func (s *Service) FileStats() (lines, syncs uint64) {
	for _, st := range s.stores {
		l, n := st.Stats()
		lines += l
		syncs += n
	}
	return lines, syncs
}

func (s *Service) closeOutputs() {
	for _, o := range s.outputs {
		if err := o.target.close(); err != nil {
			s.log.Error("closing output", zap.String("output", o.name), zap.Error(err))
		}
	}
	s.outputs = nil
}

// Stats reports what the sink's runner has done.
func (s *Service) Stats() stage.Stats { return s.runner.Stats() }

// Handle delivers one clustered article to every output whose filter it
// passes.
func (s *Service) Handle(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
	var a events.ClusteredArticle
	if err := events.DecodeMsg(d.Header, d.Data, &a); err != nil {
		return nil, err
	}
	line := d.Data
	if !json.Valid(line) || containsNewline(line) {
		var err error
		if line, err = json.Marshal(&a); err != nil {
			return nil, stage.Permanent(events.ReasonInvalid, err)
		}
	}
	key := Key(a.ID, a.ContentHash)
	// The same revision can arrive twice at once (published again under
	// another message id); one delivery at a time per key keeps outputs
	// without their own record from sending it twice.
	unlock := s.keys.lock(key)
	defer unlock()

	written := false
	var errs []error
	for _, o := range s.outputs {
		if !o.filter.Match(&a) {
			continue
		}
		w, err := o.target.deliver(ctx, key, &a, line)
		s.metrics.delivered(o.name, w, err)
		if err != nil {
			errs = append(errs, fmt.Errorf("delivering to %s: %w", o.name, err))
			continue
		}
		written = written || w
		if w {
			s.log.Debug("delivered", zap.String("output", o.name), zap.String("doc_id", a.ID),
				zap.String("cluster_id", a.Cluster.ID))
		}
	}
	if len(errs) > 0 {
		err := combine(errs)
		if re, ok := err.(*stage.RetryError); ok {
			// An endpoint's Retry-After lengthens the stage backoff,
			// never shortens it.
			backoff := s.cfg.Backoff
			if backoff == (stage.Backoff{}) {
				backoff = stage.DefaultBackoff
			}
			re.After = max(re.After, backoff.Delay(d.NumDelivered))
		}
		return nil, err
	}
	if s.cfg.OnDelivered != nil {
		s.cfg.OnDelivered(&a, written)
	}
	return nil, nil
}

// combine joins the errors of several outputs. The article is dead-lettered
// only when every failure is permanent; otherwise it comes back, and the
// outputs that have it skip it.
func combine(errs []error) error {
	err := errors.Join(errs...)
	var after time.Duration
	allPermanent := true
	for _, e := range errs {
		var pe *stage.PermanentError
		var re *stage.RetryError
		if !errors.As(e, &pe) {
			allPermanent = false
		}
		if errors.As(e, &re) {
			after = max(after, re.After)
		}
	}
	if allPermanent {
		var pe *stage.PermanentError
		errors.As(errs[0], &pe)
		return stage.Permanent(pe.Reason, err)
	}
	if after > 0 {
		return stage.RetryAfter(after, retryable{err})
	}
	return retryable{err}
}

// retryable hides a permanent error of one output among the retryable
// errors of others, so the runner retries.
type retryable struct{ err error }

func (r retryable) Error() string { return r.err.Error() }

func containsNewline(b []byte) bool {
	for _, c := range b {
		if c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

// keyLocks serialises work on one key.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
