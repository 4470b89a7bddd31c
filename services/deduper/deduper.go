// Package deduper is the wirewatch stage that clusters articles into stories.
// It reads articles from news.article.>, decides for each whether it is the
// first of a story, a duplicate, a near duplicate or a rewrite of one already
// seen, and publishes the article with that decision on
// news.clustered.<lang> and the cluster's new state on news.cluster.<id>.
package deduper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper/internal/cluster"
)

// Config configures the deduper.
type Config struct {
	// Durable is the consumer name; replicas with the same name share work.
	Durable string
	// MaxHamming is the SimHash distance up to which two texts are near
	// duplicates. Default 3.
	MaxHamming int
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	if c.MaxHamming < 0 || c.MaxHamming > 32 {
		return fmt.Errorf("deduper: max hamming %d is outside [0, 32]", c.MaxHamming)
	}
	return nil
}

// assigner is what the deduper needs of a clusterer.
type assigner interface {
	Assign(a *events.Article, now time.Time) (events.Assignment, *events.ClusterUpdate)
}

// Service is a running deduper.
type Service struct {
	runner *stage.Runner
	asg    assigner
	now    func() time.Time
}

// New returns a deduper reading from js.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Service{asg: cluster.New(cluster.Options{MaxHamming: cfg.MaxHamming}), now: time.Now}
	r, err := stage.New(js, stage.Config{Stage: events.StageDeduper, Durable: cfg.Durable, Concurrency: 1}, s.Handle, log)
	if err != nil {
		return nil, err
	}
	s.runner = r
	return s, nil
}

// Run processes articles until ctx ends.
func (s *Service) Run(ctx context.Context) error { return s.runner.Run(ctx) }

// Stats reports what the deduper's runner has done.
func (s *Service) Stats() stage.Stats { return s.runner.Stats() }

// Handle clusters one article.
func (s *Service) Handle(_ context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
	var a events.Article
	if err := events.DecodeMsg(d.Header, d.Data, &a); err != nil {
		return nil, err
	}
	now := s.now()
	asg, upd := s.asg.Assign(&a, now)
	if upd == nil {
		return nil, errors.New("deduper: clusterer returned no cluster state")
	}
	ca := &events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: a, Cluster: asg}
	out, err := events.Encode(events.StageDeduper, events.ClusteredSubject(a.Language), ca, now)
	if err != nil {
		return nil, stage.Permanent(events.ReasonInvalid, err)
	}
	state, err := events.Encode(events.StageDeduper, events.ClusterSubject(upd.ID), upd, now)
	if err != nil {
		return nil, stage.Permanent(events.ReasonInvalid, err)
	}
	return []*nats.Msg{state, out}, nil
}
