// Package fetcher is the wirewatch stage that brings documents in: it reads
// its sources (input directories now; feeds over HTTP plug in as another
// source) and publishes each document once on news.raw.<kind>. A source that
// cannot be read is dead-lettered on news.dlq.fetcher with the reason.
package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/files"
)

// DefaultMaxBytes is the largest document the fetcher publishes.
const DefaultMaxBytes = 4 << 20

// Config configures the fetcher.
type Config struct {
	// Inputs are directories of article files (.html, .htm, .txt, .gz).
	Inputs []string
	// Watch keeps watching the inputs for new and changed files.
	Watch bool
	// PollInterval is how often watched inputs are scanned. Default 2s.
	PollInterval time.Duration
	// MaxBytes caps a document's size. Default DefaultMaxBytes.
	MaxBytes int64
	// OnPublished, if set, is called for each document published;
	// duplicate reports that the stream already had it.
	OnPublished func(docID string, duplicate bool)
	// OnFailed, if set, is called for each document dead-lettered.
	OnFailed func(docID string)
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if len(c.Inputs) == 0 {
		errs = append(errs, errors.New("fetcher: no inputs"))
	}
	if c.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("fetcher: max bytes %d is negative", c.MaxBytes))
	}
	if c.PollInterval < 0 {
		errs = append(errs, fmt.Errorf("fetcher: poll interval %s is negative", c.PollInterval))
	}
	return errors.Join(errs...)
}

// source is one origin of documents; each runs until done or ctx ends.
type source interface {
	Run(ctx context.Context, out files.Output) error
}

// Stats counts what the fetcher did.
type Stats struct {
	Published  uint64 // new documents stored
	Duplicates uint64 // documents the stream already had
	Failed     uint64 // documents dead-lettered
}

// Service is a running fetcher.
type Service struct {
	cfg     Config
	sources []source
	pub     *stage.Publisher
	log     *zap.Logger
	now     func() time.Time

	published, duplicates, failed atomic.Uint64
}

// New returns a fetcher publishing to js.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	s := &Service{
		cfg: cfg,
		pub: stage.NewPublisher(js, 10*time.Second, 5),
		log: log.With(zap.String("stage", string(events.StageFetcher))),
		now: time.Now,
	}
	s.sources = append(s.sources, files.New(files.Options{
		Dirs: cfg.Inputs, Watch: cfg.Watch, Interval: cfg.PollInterval, MaxBytes: cfg.MaxBytes,
	}))
	return s, nil
}

// Stats reports what the fetcher has done so far.
func (s *Service) Stats() Stats {
	return Stats{Published: s.published.Load(), Duplicates: s.duplicates.Load(), Failed: s.failed.Load()}
}

// Run reads every source; without watching it returns when all have been
// read once, else when ctx ends.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, len(s.sources))
	for i, src := range s.sources {
		wg.Go(func() { errs[i] = src.Run(ctx, s) })
	}
	wg.Wait()
	err := errors.Join(errs...)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		err = nil
	}
	st := s.Stats()
	s.log.Info("fetcher stopped", zap.Uint64("published", st.Published),
		zap.Uint64("duplicates", st.Duplicates), zap.Uint64("failed", st.Failed))
	return err
}

// Document publishes a fetched document. A document that breaks the contract
// (an empty body, say) is dead-lettered instead.
func (s *Service) Document(ctx context.Context, d *events.RawDocument) error {
	msg, err := events.Encode(events.StageFetcher, events.RawSubject(d.Source.Kind), d, s.now())
	if err != nil {
		return s.Failure(ctx, d.Source, events.ReasonInvalid, err)
	}
	if int64(len(msg.Data)) > events.DefaultMaxMsgSize {
		return s.Failure(ctx, d.Source, events.ReasonTooLarge, fmt.Errorf("encoded document is %d bytes", len(msg.Data)))
	}
	dup, err := s.pub.Publish(ctx, msg)
	if err != nil {
		return fmt.Errorf("fetcher: publishing %s: %w", d.ID, err)
	}
	if dup {
		s.duplicates.Add(1)
	} else {
		s.published.Add(1)
	}
	s.log.Debug("published", zap.String("doc_id", d.ID), zap.Bool("duplicate", dup))
	if s.cfg.OnPublished != nil {
		s.cfg.OnPublished(d.ID, dup)
	}
	return nil
}

// Failure dead-letters a source that could not become a document.
func (s *Service) Failure(ctx context.Context, src events.Source, reason string, cause error) error {
	now := s.now()
	id := events.DocumentID(src)
	where := src.Path
	if where == "" {
		where = src.URL
	}
	dl := &events.DeadLetter{
		Schema:   events.SchemaDeadLetter,
		ID:       events.DeadLetterID(events.StageFetcher, "", uint64(now.UnixNano()), where),
		Stage:    events.StageFetcher,
		Reason:   reason,
		Error:    cause.Error(),
		Document: id,
		Subject:  events.RawSubject(src.Kind),
		Headers:  map[string][]string{"source": {where}},
		FailedAt: now.UTC(),
	}
	msg, err := stage.DeadLetterMsg(dl, now)
	if err != nil {
		return err
	}
	if _, err := s.pub.Publish(ctx, msg); err != nil {
		return fmt.Errorf("fetcher: dead-lettering %s: %w", where, err)
	}
	s.failed.Add(1)
	s.log.Warn("dead-lettered", zap.String("doc_id", id), zap.String("source", where),
		zap.String("reason", reason), zap.Error(cause))
	if s.cfg.OnFailed != nil {
		s.cfg.OnFailed(id)
	}
	return nil
}

// FileDocument reads one article file into a raw document, as the fetcher
// would publish it. maxBytes caps its size after decompression (0: the
// default cap).
func FileDocument(path string, maxBytes int64, now time.Time) (*events.RawDocument, error) {
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("fetcher: resolving %s: %w", path, err)
	}
	body, err := files.Read(abs, maxBytes)
	if err != nil {
		return nil, err
	}
	ctype, ok := files.ContentType(abs)
	if !ok {
		// Not named like an article file: judge by the content.
		ctype, _, _ = strings.Cut(http.DetectContentType(body), ";")
	}
	src := events.Source{Kind: events.SourceFile, Path: abs}
	return &events.RawDocument{
		Schema: events.SchemaRawDocument, ID: events.DocumentID(src), Source: src, FetchedAt: now.UTC(),
		ContentType: ctype, Body: body, ContentHash: events.BytesHash(body),
	}, nil
}
