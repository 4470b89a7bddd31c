// Package deduper is the wirewatch stage that clusters articles into stories.
// It reads articles from news.article.>, decides for each whether it is the
// first of a story, a duplicate, a near duplicate or a rewrite of one already
// seen, and publishes the article with that decision on
// news.clustered.<lang> and the cluster's new state on news.cluster.<id>.
//
// The deduper's state is its own output: on start, and whenever a replica
// becomes leader, it replays the decisions stored on news.clustered.> within
// its time window, so it continues with the same clusters, ids and versions.
// Replicas elect one leader through a KV lease; the others wait, ready to take
// over.
package deduper

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper/internal/cluster"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// Config configures the deduper.
type Config struct {
	// Durable is the consumer name; replicas with the same name share it,
	// and elect one leader among themselves.
	Durable string
	// MaxHamming is the SimHash distance up to which two texts are near
	// duplicates. Default 3.
	MaxHamming int
	// Window is how long after it arrived an article can still be
	// matched. Default 72h.
	Window time.Duration
	// Apart is how far apart in publication time an article and a story's
	// dated members may be for the article to tell the story. Default 14
	// days.
	Apart time.Duration
	// LinkRecent is how many of the latest articles keep the stories they
	// joined comparable member by member (cluster.Options.LinkRecent): it
	// bounds the memory of that. Default 50,000.
	LinkRecent int
	// SplitMembers is how many members a story may have and still be
	// divided when some of them tell another story than the rest
	// (story.Options.SplitMembers): 0 is the default, 32; below 0 stories
	// are never divided. Every replica must use the same value.
	SplitMembers int
	// LinkThreshold is the mean score of the pairs of two stories' first
	// members from which they merge (story.Options.LinkThreshold), and
	// SplitThreshold the mean score of the pairs across two groups of a
	// story's members under which they divide (story.Options.SplitThreshold).
	// 0 is the default of each (DefaultLinkThreshold, DefaultSplitThreshold).
	// A lower LinkThreshold and a higher SplitThreshold group the reports of
	// an event better when one topic has several, and move articles between
	// clusters more often (docs/benchmarks.md). Every replica must use the
	// same values.
	LinkThreshold  float64
	SplitThreshold float64
	// LeaseTTL is how long a leader that stopped renewing keeps its lease.
	// Default 15s. An article sent to a leader that is then cut off goes
	// to the next leader after twice this, at least 5 s (the input
	// consumer's AckWait).
	LeaseTTL time.Duration
	// StreamReplicas is the replica count of the lease bucket. Default 1.
	StreamReplicas int
	// Ops, if set, takes the deduper's metrics and readiness check.
	Ops *stage.Ops
}

// The defaults of Config.LinkThreshold and Config.SplitThreshold.
var (
	DefaultLinkThreshold  = story.DefaultOptions.LinkThreshold
	DefaultSplitThreshold = story.DefaultOptions.SplitThreshold
)

// maxSplitMembers bounds Config.SplitMembers: the join that makes a story
// of 32 costs 0.12–0.19 ms for its division, one of 128 0.7 ms
// (story.BenchmarkSplitCheck).
const maxSplitMembers = 128

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if c.MaxHamming < 0 || c.MaxHamming > 16 {
		errs = append(errs, fmt.Errorf("deduper: max hamming %d is outside [0, 16]", c.MaxHamming))
	}
	if c.Window < 0 {
		errs = append(errs, fmt.Errorf("deduper: window %s is negative", c.Window))
	}
	if c.Window > events.DefaultMaxAge {
		errs = append(errs, fmt.Errorf("deduper: window %s is longer than the streams keep articles (%s)", c.Window, events.DefaultMaxAge))
	}
	if c.Apart < 0 {
		errs = append(errs, fmt.Errorf("deduper: apart %s is negative", c.Apart))
	}
	if c.LinkRecent < 0 {
		errs = append(errs, fmt.Errorf("deduper: link-recent %d is negative", c.LinkRecent))
	}
	if c.SplitMembers > maxSplitMembers {
		errs = append(errs, fmt.Errorf("deduper: split-members %d is over %d (a join costs the pair scores of every member, the grouping their cube)", c.SplitMembers, maxSplitMembers))
	}
	if !(c.LinkThreshold >= 0 && c.LinkThreshold <= 1) {
		errs = append(errs, fmt.Errorf("deduper: link threshold %g is outside [0, 1] (0: the default)", c.LinkThreshold))
	}
	if !(c.SplitThreshold >= 0 && c.SplitThreshold <= 1) {
		errs = append(errs, fmt.Errorf("deduper: split threshold %g is outside [0, 1] (0: the default)", c.SplitThreshold))
	}
	if c.LeaseTTL != 0 && c.LeaseTTL < time.Second {
		errs = append(errs, fmt.Errorf("deduper: lease TTL %s is under a second", c.LeaseTTL))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Durable == "" {
		c.Durable = string(events.StageDeduper)
	}
	if c.Window == 0 {
		c.Window = cluster.DefaultWindow
	}
	if c.LeaseTTL == 0 {
		c.LeaseTTL = 15 * time.Second
	}
	return c
}

// headerDecidedBy names, on each decision the deduper publishes, the
// process that made it: a leader catching up after it lost the lease and
// won it back finds its own decisions in the engine already.
const headerDecidedBy = "Wirewatch-Decided-By"

// replaySlack is how much further back than the window a deduper starts
// replaying: the stream selects by the time it stored a decision, the
// engine evicts by the time the decision was made (its own clock, whole
// seconds), and a decision replayed that the window lets go is evicted
// again by the next one.
const replaySlack = time.Minute

// catchUpPatience is how many empty fetches in a row (2 s each) catch-up
// waits for decisions the stream says are pending.
const catchUpPatience = 5

// ackWait is how long the input consumer waits for a delivery to be
// acknowledged before it delivers it again: twice the lease's TTL, and at
// least 5 s. A leader cut off from the cluster leaves behind the articles
// the server had sent it and it never received; the replica taking over
// gets them only when this runs out, so it is kept within a few TTLs
// rather than the stages' default 30 s. A live leader keeps what it holds
// with heartbeats, however long it works on it.
func ackWait(ttl time.Duration) time.Duration { return max(2*ttl, 5*time.Second) }

// Service is a running deduper.
type Service struct {
	cfg     Config
	js      jetstream.JetStream
	log     *zap.Logger
	runner  *stage.Runner
	engine  *cluster.Engine
	applied uint64 // last sequence of NEWS_CLUSTERED folded into engine
	// fenceDecided and fenceStates are the last sequences of
	// NEWS_CLUSTERED and NEWS_CLUSTERS this leader knows of: it publishes
	// each decision and state only if its stream still ends there, so a
	// replica that lost the lease, and whose publishes land late, stores
	// nothing once the next leader has.
	fenceDecided, fenceStates uint64
	engineOpts                cluster.Options
	pub                       *stage.Publisher
	now                       func() time.Time
	metrics                   *metrics
	instance                  string
	// followed is when a standby last followed the leader's decisions.
	followed time.Time
	// term is the current leadership, done when it ends; nil before the
	// first.
	term atomic.Pointer[term]
}

// term is one leadership: ctx ends with it, and end ends it.
type term struct {
	ctx context.Context
	end context.CancelFunc
}

// New returns a deduper reading from js.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	instance, err := newInstance()
	if err != nil {
		return nil, err
	}
	opts := cluster.Options{MaxHamming: cfg.MaxHamming, Window: cfg.Window, Apart: cfg.Apart, LinkRecent: cfg.LinkRecent,
		Story: story.DefaultOptions}
	switch {
	case cfg.SplitMembers < 0:
		opts.Story.SplitMembers = 0
	case cfg.SplitMembers > 0:
		opts.Story.SplitMembers = cfg.SplitMembers
	}
	if cfg.LinkThreshold > 0 {
		opts.Story.LinkThreshold = cfg.LinkThreshold
	}
	if cfg.SplitThreshold > 0 {
		opts.Story.SplitThreshold = cfg.SplitThreshold
	}
	s := &Service{
		cfg:        cfg,
		js:         js,
		log:        log.With(zap.String("stage", string(events.StageDeduper))),
		engine:     cluster.New(opts),
		engineOpts: opts,
		pub:        stage.NewPublisher(js, 10*time.Second, 3),
		now:        time.Now,
		metrics:    newMetrics(cfg.Ops),
		instance:   instance,
	}
	cc, err := events.ConsumerConfig(events.StageDeduper, cfg.Durable)
	if err != nil {
		return nil, err
	}
	cc.AckWait = ackWait(cfg.LeaseTTL)
	r, err := stage.New(js, stage.Config{Stage: events.StageDeduper, Durable: cfg.Durable, Consumer: &cc, Concurrency: 1, Ops: cfg.Ops}, s.Handle, log)
	if err != nil {
		return nil, err
	}
	s.runner = r
	return s, nil
}

// newInstance names this process, or its engine after a reset, on the
// decisions it makes.
func newInstance() (string, error) {
	var id [12]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("deduper: naming this process: %w", err)
	}
	return hex.EncodeToString(id[:]), nil
}

// Run waits to lead, rebuilds the state from the stored decisions, and
// clusters articles until ctx ends or leadership is lost; it then waits to
// lead again.
func (s *Service) Run(ctx context.Context) error {
	l, err := s.openLease(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	for {
		// A replica waiting for the leader's lease is ready to take over.
		failed := func(err error) { s.log.Warn("lease unavailable, retrying", zap.Error(err)) }
		standby := func() { s.runner.Standby(); s.follow(ctx) }
		if err := l.acquire(ctx, standby, failed); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		s.log.Info("leading")
		s.metrics.leading.Set(1)
		term, lost := context.WithCancel(ctx)
		held := make(chan struct{})
		go func() { defer close(held); l.hold(term, lost) }()
		restored, err := s.catchUp(term)
		if restored > 0 {
			s.log.Info("state restored", zap.Int("decisions", restored), zap.Int("articles", s.engine.Len()),
				zap.Int("clusters", s.engine.Clusters()))
		}
		if err == nil {
			// Handle decides only while the term lasts: the runner
			// finishes the articles it pulled ahead after the lease is
			// lost, when another replica may lead already.
			s.setTerm(term, lost)
			err = s.runner.Run(term)
		}
		lost()
		s.metrics.leading.Set(0)
		<-held // hold writes the lease's revision; release reads it
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		l.release(rctx)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			// Catching up or binding the consumer failed: most often the
			// cluster is electing a new leader after losing a node. Step
			// down and try again rather than exit.
			s.log.Warn("stepped down after an error; retrying", zap.Error(err))
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		s.log.Warn("lost leadership; waiting to lead again")
	}
}

// openLease opens the lease bucket, creating it if need be. A cluster that
// answers it is briefly unavailable (its meta leader being elected, or busy
// placing streams) is asked again, with backoff, until ctx ends: a replica
// must not exit for that.
func (s *Service) openLease(ctx context.Context) (*lease, error) {
	backoff := 100 * time.Millisecond
	for {
		l, err := newLease(ctx, s.js, s.cfg.Durable, s.cfg.LeaseTTL, s.cfg.StreamReplicas, s.log)
		var apiErr *jetstream.APIError
		if err == nil || ctx.Err() != nil || !errors.As(err, &apiErr) || apiErr.ErrorCode != jsErrCodeClusterNotAvailable {
			return l, err
		}
		s.log.Warn("lease bucket unavailable, retrying", zap.Error(err))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// jsErrCodeClusterNotAvailable is the JetStream API error a cluster answers
// while it cannot serve the request for now ("JetStream system temporarily
// unavailable").
const jsErrCodeClusterNotAvailable jetstream.ErrorCode = 10008

// follow keeps a standby's engine up with the leader's decisions, so that
// taking over replays only what the leader decided since, not the window. It
// runs between attempts at the lease, for half the lease's TTL at most: a
// catch-up waits up to catchUpPatience fetches for decisions the server is
// slow to send (a stream electing a leader), and a standby waiting in it
// would not try the lease the leader left meanwhile. What it cannot read now
// it reads at the next attempt, or when the replica leads: every decision
// folded in stays folded in.
func (s *Service) follow(ctx context.Context) {
	// Each catch-up creates a consumer on the server: at most one a
	// second, however short the lease's TTL.
	if now := time.Now(); now.Sub(s.followed) < time.Second {
		return
	} else {
		s.followed = now
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.LeaseTTL/2)
	defer cancel()
	restored, err := s.catchUp(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.Debug("standby could not follow the decisions", zap.Error(err))
	}
	if restored > 0 {
		s.log.Debug("standby followed the decisions", zap.Int("decisions", restored), zap.Uint64("seq", s.applied))
	}
}

// catchUp folds the decisions stored since the last one applied (or, at
// first, within the window) into the engine, and returns how many.
func (s *Service) catchUp(ctx context.Context) (restored int, err error) {
	defer func() {
		s.metrics.replayed.Add(float64(restored))
		s.metrics.replayedSeq.Set(float64(s.applied))
		s.metrics.clusters.Set(float64(s.engine.Clusters()))
	}()
	stream, err := s.js.Stream(ctx, events.StreamClustered)
	if err != nil {
		return restored, fmt.Errorf("deduper: inspecting %s: %w", events.StreamClustered, err)
	}
	states, err := s.js.Stream(ctx, events.StreamClusters)
	if err != nil {
		return restored, fmt.Errorf("deduper: inspecting %s: %w", events.StreamClusters, err)
	}
	last := stream.CachedInfo().State.LastSeq
	// Whatever is stored after these, by a replica that led before and
	// whose publishes were still on their way, fails this leader's first
	// publish: it steps down and catches up again.
	s.fenceDecided, s.fenceStates = last, states.CachedInfo().State.LastSeq
	if last <= s.applied {
		return 0, nil
	}
	// A reset (the stream's leader moving, a lost connection) gives up
	// after a few attempts, and the catch-up with it: the default retries
	// for ever, and a replica would then hang in it instead of stepping
	// down and trying again.
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: []string{events.SubjectClusteredPrefix + ">"}, MaxResetAttempts: 5}
	if s.applied == 0 {
		start := s.now().Add(-s.cfg.Window - replaySlack)
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &start
	} else {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, s.applied+1
	}
	c, err := s.js.OrderedConsumer(ctx, events.StreamClustered, cfg)
	if err != nil {
		return restored, fmt.Errorf("deduper: replaying %s: %w", events.StreamClustered, err)
	}
	// One iterator for the whole replay: each Fetch of an ordered consumer
	// recreates it on the server, and a Fetch that asks for more than is
	// left waits out its whole wait (2 s added to every catch-up).
	it, err := c.Messages(jetstream.PullMaxMessages(512))
	if err != nil {
		return restored, fmt.Errorf("deduper: replaying %s: %w", events.StreamClustered, err)
	}
	r := newReadAhead(it, 2*time.Second, s.engine)
	defer r.close()
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	idle := 0
	// The consumer that delivered the last decision read, and how many it
	// had delivered then.
	var cons string
	var dseq uint64
	for s.applied < last {
		x, ok := r.next()
		if ctx.Err() != nil {
			return restored, ctx.Err()
		}
		if !ok {
			return restored, fmt.Errorf("deduper: replaying %s: the reader stopped", events.StreamClustered)
		}
		if x.wait == nil {
			idle = 0
			if x.cons != "" {
				cons, dseq = x.cons, x.dseq
			}
			if s.apply(x) {
				restored++
			}
			continue
		}
		if !errors.Is(x.wait, nats.ErrTimeout) {
			return restored, fmt.Errorf("deduper: replaying %s: %w", events.StreamClustered, x.wait)
		}
		// Nothing came within the wait. With nothing pending, the rest
		// fell out of the stream's limits (or out of the window); with
		// decisions pending, the server is slow: leaving them out would
		// start the engine without them, so wait, then step down and try
		// again.
		info, err := c.Info(ctx)
		if err != nil {
			return restored, fmt.Errorf("deduper: replaying %s: %w", events.StreamClustered, err)
		}
		// Decisions the server sent that are still on their way are not
		// pending any more, but count as delivered.
		received := uint64(0)
		if info.Name == cons {
			received = dseq
		}
		if info.NumPending == 0 && info.Delivered.Consumer <= received {
			// Up to last, nothing is left to fold in: start the next
			// catch-up after it rather than wait here again.
			s.applied = max(s.applied, last)
			break
		}
		if idle++; idle >= catchUpPatience {
			return restored, fmt.Errorf("deduper: replaying %s: %d decisions pending and %d sent but not received, none delivered in %d tries",
				events.StreamClustered, info.NumPending, info.Delivered.Consumer-min(received, info.Delivered.Consumer), idle)
		}
	}
	return restored, nil
}

// apply folds one stored decision into the engine and reports whether it
// was restored: a decision this replica made itself while leading before is
// in the engine already, and one that does not decode is skipped.
func (s *Service) apply(x *stored) bool {
	if x.seq == 0 {
		return false // no metadata: not a stored message
	}
	s.applied = x.seq
	if x.by == s.instance || x.redrive {
		// A re-driven dead letter is a copy of a decision, for the sink.
		return false
	}
	if x.err != nil {
		s.log.Warn("skipping undecodable decision", zap.Uint64("seq", x.seq), zap.Error(x.err))
		return false
	}
	s.engine.RestorePrepared(x.ca, x.at)
	return true
}

// decidedAt returns when a stored decision was made: the time its event
// carries (the clock Assign read), or, for a message without one, when the
// stream stored it. The two differ by the publish delay, which moves
// eviction at the window's edge.
func decidedAt(h nats.Header, stored time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, h.Get(events.HeaderCETime)); err == nil {
		return t
	}
	return stored
}

// Stats reports what the deduper's runner has done.
func (s *Service) Stats() stage.Stats { return s.runner.Stats() }

// errNotLeading leaves an article to the leader.
var errNotLeading = errors.New("deduper: not leading; the article is left to the leader")

func (s *Service) setTerm(ctx context.Context, end context.CancelFunc) {
	s.term.Store(&term{ctx: ctx, end: end})
}

// Handle clusters one article, while the deduper leads, and publishes the
// decision and the new cluster states itself, fenced: see fenceDecided. A
// publish that fails leaves the engine with a decision the stream may not
// have; the deduper then steps down and rebuilds it from the stream.
func (s *Service) Handle(_ context.Context, d *stage.Delivery) ([]*nats.Msg, error) {
	t := s.term.Load()
	if t == nil || t.ctx.Err() != nil {
		return nil, stage.RetryAfter(time.Second, errNotLeading)
	}
	outs, err := s.decide(d)
	if err != nil || len(outs) == 0 {
		return nil, err
	}
	// The decision first: once it is stored, a leader after this one
	// replays it, and its states follow from it; states stored without
	// their decision would be states no replay arrives at.
	fence, stream := &s.fenceDecided, events.StreamClustered
	for i, m := range outs {
		if i == 1 {
			fence, stream = &s.fenceStates, events.StreamClusters
		}
		m.Header.Set(jetstream.ExpectedLastSeqHeader, strconv.FormatUint(*fence, 10))
		// Publishing ends with the term: what was sent meanwhile is fenced.
		dup, err := s.pub.Publish(t.ctx, m)
		if err != nil && wrongLastSeq(err) {
			switch s.pastOwn(t.ctx, stream, fence, m) {
			case ownStored:
				// Stored by an attempt whose acknowledgement was lost:
				// the fence is past it already.
				err, dup = nil, true
			case ownRedrives:
				m.Header.Set(jetstream.ExpectedLastSeqHeader, strconv.FormatUint(*fence, 10))
				dup, err = s.pub.Publish(t.ctx, m)
			}
		}
		if err != nil {
			return nil, s.resync(t, fmt.Errorf("deduper: publishing the decision on %s: %w", d.Header.Get(events.HeaderCESubject), err))
		}
		if !dup {
			// A duplicate (an article delivered again after its decision
			// was stored) stores nothing: the stream still ends there.
			*fence++
		}
	}
	return nil, nil
}

// wrongLastSeq reports whether a publish failed its fence: the stream
// holds messages after the sequence it expected.
func wrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// maxPastFence bounds the messages pastOwn looks at.
const maxPastFence = 256

// pastFence is what pastOwn found after a fence.
type pastFence int

const (
	// othersPast: another replica's messages, or more than pastOwn looks
	// at, or it could not read them: the engine is behind the stream.
	othersPast pastFence = iota
	// ownRedrives: only dead letters re-driven to the sink (`wirewatch dlq
	// replay` publishes a decision the sink failed to deliver again, on
	// its subject), copies of decisions made, not another replica's.
	ownRedrives
	// ownStored: the message being published, stored by an attempt whose
	// acknowledgement was lost (the publisher's next attempt failed the
	// fence, which the stream checks before it looks for a duplicate),
	// and possibly redrives around it.
	ownStored
)

// pastOwn looks at the messages stream holds after the fence when a
// publish of own failed it, and moves the fence past them when they are no
// other replica's: re-driven dead letters, or own itself. A decision then
// need not cost a rebuild of the engine. A stored message is own only if it
// is the same message from the same process: another leader's decision of
// the same article has the same id.
func (s *Service) pastOwn(ctx context.Context, stream string, fence *uint64, own *nats.Msg) pastFence {
	st, err := s.js.Stream(ctx, stream)
	if err != nil {
		return othersPast
	}
	last := st.CachedInfo().State.LastSeq
	if last <= *fence || last-*fence > maxPastFence {
		return othersPast
	}
	found := ownRedrives
	for seq := *fence + 1; seq <= last; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return othersPast
		}
		switch {
		case sameMsg(m, own):
			found = ownStored
		case m.Header.Get(events.HeaderRedriveOf) == "":
			return othersPast
		}
	}
	*fence = last
	return found
}

// sameMsg reports whether the stored message is m: its id, the process
// that decided it and its payload.
func sameMsg(stored *jetstream.RawStreamMsg, m *nats.Msg) bool {
	id := m.Header.Get(events.HeaderMsgID)
	return id != "" && stored.Header.Get(events.HeaderMsgID) == id &&
		stored.Header.Get(headerDecidedBy) == m.Header.Get(headerDecidedBy) &&
		bytes.Equal(stored.Data, m.Data)
}

// resync ends the term after a decision was not published whole, and
// starts the engine afresh, to be rebuilt from the stored decisions when
// this replica leads again. The new engine gets a new name: the decisions
// stored under the old one are not in it.
func (s *Service) resync(t *term, cause error) error {
	t.end()
	s.log.Warn("stepping down to rebuild the clusters from the stream", zap.Error(cause))
	s.engine = cluster.New(s.engineOpts)
	s.applied = 0
	if id, err := newInstance(); err == nil {
		s.instance = id
	}
	return stage.RetryAfter(time.Second, cause)
}

// decide clusters one article and returns its decision followed by the
// cluster states it changed.
func (s *Service) decide(d *stage.Delivery) ([]*nats.Msg, error) {
	var a events.Article
	if err := events.DecodeMsg(d.Header, d.Data, &a); err != nil {
		return nil, err
	}
	now := s.now()
	dec := s.engine.Assign(&a, now)
	if len(dec.Updates) == 0 {
		return nil, errors.New("deduper: clusterer returned no cluster state")
	}
	s.metrics.decisions.WithLabelValues(string(dec.Assignment.Relation), dec.Assignment.Rule).Inc()
	for _, m := range dec.Assignment.Merges {
		s.metrics.merges.WithLabelValues(m.Rule).Inc()
	}
	for _, sp := range dec.Assignment.Splits {
		s.metrics.splits.Inc()
		s.metrics.splitOut.Add(float64(len(sp.Members)))
	}
	s.metrics.clusters.Set(float64(s.engine.Clusters()))
	var out []*nats.Msg
	for _, u := range dec.Updates {
		if u.ID == dec.Assignment.ID {
			s.metrics.clusterSize.Observe(float64(len(u.Members)))
		}
		m, err := events.Encode(events.StageDeduper, events.ClusterSubject(u.ID), u, now)
		if err != nil {
			return nil, stage.Permanent(events.ReasonInvalid, err)
		}
		out = append(out, m)
	}
	ca := &events.ClusteredArticle{Schema: events.SchemaClusteredArticle, Article: a, Cluster: dec.Assignment}
	m, err := events.Encode(events.StageDeduper, events.ClusteredSubject(a.Language), ca, now)
	if err != nil {
		return nil, stage.Permanent(events.ReasonInvalid, err)
	}
	m.Header.Set(headerDecidedBy, s.instance)
	return append([]*nats.Msg{m}, out...), nil
}
