// Package sink is the wirewatch stage that delivers clustered articles: it
// reads news.clustered.> and appends each article to JSON Lines files in an
// output directory, exactly once per article revision, acknowledging only
// after the line is fsynced.
package sink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink/internal/jsonl"
)

// FilePrefix starts the name of every file the sink writes.
const FilePrefix = "clustered"

// Config configures the sink.
type Config struct {
	// OutDir is the directory the JSONL files are written to.
	OutDir string
	// Durable is the consumer name. Two sinks writing different outputs
	// need different names.
	Durable string
	// OnDelivered, if set, is called after each article is durably in the
	// output (written now, or found already written).
	OnDelivered func(a *events.ClusteredArticle, written bool)
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	if c.OutDir == "" {
		return errors.New("sink: output directory is empty")
	}
	return nil
}

// Service is a running sink.
type Service struct {
	cfg    Config
	runner *stage.Runner
	mu     sync.Mutex
	store  *jsonl.Store
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

// New opens the output directory and returns a sink reading from js.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	store, err := jsonl.Open(cfg.OutDir, FilePrefix, keyOfLine)
	if err != nil {
		return nil, fmt.Errorf("sink: opening output: %w", err)
	}
	s := &Service{cfg: cfg, store: store}
	r, err := stage.New(js, stage.Config{Stage: events.StageSink, Durable: cfg.Durable, Concurrency: 1}, s.Handle, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	s.runner = r
	return s, nil
}

// Run delivers articles until ctx ends, then closes the output.
func (s *Service) Run(ctx context.Context) error {
	err := s.runner.Run(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cerr := s.store.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("sink: closing output: %w", cerr)
	}
	return err
}

// Stats reports what the sink's runner has done.
func (s *Service) Stats() stage.Stats { return s.runner.Stats() }

// Handle writes one clustered article.
func (s *Service) Handle(_ context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
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
	s.mu.Lock()
	written, err := s.store.Append(Key(a.ID, a.ContentHash), line)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if s.cfg.OnDelivered != nil {
		s.cfg.OnDelivered(&a, written)
	}
	return nil, nil
}

func containsNewline(b []byte) bool {
	for _, c := range b {
		if c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}
