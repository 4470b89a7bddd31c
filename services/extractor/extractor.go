// Package extractor is the wirewatch stage that turns fetched documents into
// articles: it reads news.raw.>, extracts each document's text and metadata,
// and publishes the article on news.article.<lang>. A document it cannot
// extract is dead-lettered with the reason.
package extractor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/extractor/internal/extract"
)

// Config configures the extractor.
type Config struct {
	// Durable is the consumer name; replicas with the same name share work.
	Durable string
	// Concurrency is how many documents are extracted at once. Default: the
	// number of CPUs.
	Concurrency int
	// MaxBytes caps the size of a document extracted. Default 4 MiB.
	MaxBytes int
	// Timeout is the work budget of one document. Default 2s.
	Timeout time.Duration
	// Unordered publishes each article as soon as it is extracted. By
	// default articles are published in the order their documents were
	// delivered, however many are extracted at once, so that the deduper
	// sees the same stream whenever the same documents come in the same
	// order (a replay, a run over the same files) and decides the same.
	Unordered bool
	// Ops, if set, takes the extractor's metrics and readiness check.
	Ops *stage.Ops
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if c.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("extractor: concurrency %d is negative", c.Concurrency))
	}
	if c.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("extractor: max bytes %d is negative", c.MaxBytes))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("extractor: timeout %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}

func (c Config) options() extract.Options {
	return extract.Options{MaxBytes: c.MaxBytes, Timeout: c.Timeout}
}

// Service is a running extractor.
type Service struct {
	cfg    Config
	runner *stage.Runner
	now    func() time.Time
}

// New returns an extractor reading from js.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = runtime.NumCPU()
	}
	s := &Service{cfg: cfg, now: time.Now}
	r, err := stage.New(js, stage.Config{Stage: events.StageExtractor, Durable: cfg.Durable, Concurrency: cfg.Concurrency, Ordered: !cfg.Unordered, Ops: cfg.Ops}, s.Handle, log)
	if err != nil {
		return nil, err
	}
	s.runner = r
	return s, nil
}

// Run extracts documents until ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.runner.Run(ctx) }

// Stats reports what the extractor's runner has done.
func (s *Service) Stats() stage.Stats { return s.runner.Stats() }

// Handle extracts one raw document.
func (s *Service) Handle(ctx context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
	var raw events.RawDocument
	if err := events.DecodeMsg(d.Header, d.Data, &raw); err != nil {
		return nil, err
	}
	now := s.now()
	a, err := Extract(ctx, &raw, s.cfg, now)
	if err != nil {
		return nil, err
	}
	msg, err := events.Encode(events.StageExtractor, events.ArticleSubject(a.Language), a, now)
	if err != nil {
		return nil, stage.Permanent(events.ReasonInvalid, err)
	}
	// An article over the size a message may have would fail to publish
	// on every delivery: it is dead-lettered now, saying why.
	if len(msg.Data) > events.DefaultMaxMsgSize {
		return nil, stage.Permanent(events.ReasonTooLarge, fmt.Errorf("extracting %s: encoded article is %d bytes, limit %d", a.ID, len(msg.Data), events.DefaultMaxMsgSize))
	}
	return []*nats.Msg{msg}, nil
}

// Extract turns one raw document into an article, without NATS. An error
// caused by the document itself is permanent (stage.Permanent): with reason
// events.ReasonTooLarge for a document over a size or complexity limit,
// events.ReasonInvalid for any other. One caused by ctx ending is not, nor
// a run past the work budget (extract.ErrTimeout), which a busy machine
// causes as well as a hostile page.
func Extract(ctx context.Context, raw *events.RawDocument, cfg Config, now time.Time) (*events.Article, error) {
	a, err := extract.Extract(ctx, raw, cfg.options(), now)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		if errors.Is(err, extract.ErrTooLarge) || errors.Is(err, extract.ErrTooComplex) {
			return nil, stage.Permanent(events.ReasonTooLarge, err)
		}
		if errors.Is(err, extract.ErrTimeout) {
			// A busy machine runs good pages past the budget too: retried
			// with the stage's backoff, and dead-lettered as
			// max_deliveries, saying so, if it never fits.
			return nil, err
		}
		return nil, stage.Permanent(events.ReasonInvalid, err)
	}
	return a, nil
}
