package stage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Config configures a Runner. The zero value of every field but Stage has a
// working default.
type Config struct {
	// Stage is the stage being run; it picks the input stream and consumer.
	Stage events.Stage
	// Durable overrides the durable consumer name (default: the stage
	// name). Runners with the same durable share the work.
	Durable string
	// Consumer, when set, replaces the consumer configuration from
	// pkg/events (Durable is still applied).
	Consumer *jetstream.ConsumerConfig
	// Concurrency is the number of messages handled at once. Default 1.
	Concurrency int
	// Batch is the most messages asked for in one pull request. The runner
	// holds at most Batch+Concurrency messages, waiting or being handled,
	// and heartbeats every one. Default 64.
	Batch int
	// Backoff is the redelivery delay for retryable errors.
	Backoff Backoff
	// MaxRetryAfter caps the delay a handler asks for with RetryAfter.
	// Default DefaultMaxRetryAfter. It must stay well below the input
	// stream's MaxAge, or a message can expire while it waits, and no dead
	// letter says so.
	MaxRetryAfter time.Duration
	// PublishTimeout bounds the wait for each output's acknowledgement.
	PublishTimeout time.Duration
	// DrainTimeout bounds how long Run spends on messages it already holds
	// after its context ends. Default 20s.
	DrainTimeout time.Duration
	// Ops, if set, takes the runner's metrics and its readiness check:
	// ready once the consumer is bound.
	Ops *Ops
	// SampleInterval is how often the consumer's pending counts are read
	// for Ops. Default 15s.
	SampleInterval time.Duration
	// Ordered publishes the outputs of the messages in the order they
	// were delivered, however many are handled at once: a stage fed the
	// same stream twice publishes the same stream (a redelivery comes in
	// its new place). The runner then keeps one pull request open at a
	// time, and a handler that finished early waits for the ones before
	// it to be settled before it publishes.
	Ordered bool
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.Backoff == (Backoff{}) {
		c.Backoff = DefaultBackoff
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.PublishTimeout <= 0 {
		c.PublishTimeout = 10 * time.Second
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 20 * time.Second
	}
	if c.SampleInterval <= 0 {
		c.SampleInterval = 15 * time.Second
	}
	return c
}

// DefaultMaxRetryAfter is the default Config.MaxRetryAfter: with the
// default MaxDeliver of 6, a message asking for the longest delay each time
// is settled within hours, far inside the streams' default MaxAge of 7 days.
const DefaultMaxRetryAfter = time.Hour

// Stats counts what a runner did. Read it with Runner.Stats.
type Stats struct {
	Acked        uint64 // processed and acknowledged
	Retried      uint64 // negatively acknowledged for redelivery
	DeadLettered uint64 // dead-lettered and terminated
}

// Runner runs one stage: see the package documentation.
type Runner struct {
	js      jetstream.JetStream
	cfg     Config
	handler Handler
	pub     *Publisher
	log     *zap.Logger
	now     func() time.Time
	ops     *Ops
	check   string

	acked, retried, deadLettered atomic.Uint64
	turns                        *turns // when Config.Ordered
}

// New returns a runner for handler. Handler panics are always recovered and
// dead-lettered; mw adds further middleware, outermost first.
func New(js jetstream.JetStream, cfg Config, handler Handler, log *zap.Logger, mw ...Middleware) (*Runner, error) {
	if cfg.Stage == "" {
		return nil, errors.New("stage: Config.Stage is required")
	}
	if _, err := events.InputStream(cfg.Stage); err != nil && cfg.Consumer == nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	mw = append(append([]Middleware{}, mw...), Recover())
	r := &Runner{
		js:      js,
		cfg:     cfg,
		handler: Chain(handler, mw...),
		pub:     NewPublisher(js, cfg.PublishTimeout, 3),
		log:     log.With(zap.String("stage", string(cfg.Stage))),
		now:     time.Now,
		ops:     cfg.Ops,
	}
	if cfg.Ordered {
		r.turns = newTurns()
	}
	_, cc, err := r.consumerConfig()
	if err != nil {
		return nil, err
	}
	r.check = "consumer " + cc.Durable
	r.ops.SetReady(r.check, errNotBound)
	r.ops.initStage(cfg.Stage)
	return r, nil
}

var (
	errNotBound = errors.New("not bound yet")
	errStopped  = errors.New("stopped")
)

// Standby marks the runner's readiness check as passing while it is not
// running on purpose: a replica waiting to take over from the leader is
// ready.
func (r *Runner) Standby() { r.ops.SetReady(r.check, nil) }

// Stats returns what the runner has done so far.
func (r *Runner) Stats() Stats {
	return Stats{Acked: r.acked.Load(), Retried: r.retried.Load(), DeadLettered: r.deadLettered.Load()}
}

// consumerConfig is the durable consumer the runner reads.
func (r *Runner) consumerConfig() (string, jetstream.ConsumerConfig, error) {
	stream, err := events.InputStream(r.cfg.Stage)
	var cc jetstream.ConsumerConfig
	if r.cfg.Consumer != nil {
		cc = *r.cfg.Consumer
	} else {
		if err != nil {
			return "", cc, err
		}
		if cc, err = events.ConsumerConfig(r.cfg.Stage, r.cfg.Durable); err != nil {
			return "", cc, err
		}
	}
	if r.cfg.Durable != "" {
		cc.Durable = r.cfg.Durable
	}
	return stream, cc, nil
}

// Run creates (or updates) the stage's durable consumer and processes its
// messages until ctx ends; it then stops pulling, finishes what it holds
// within DrainTimeout, and returns nil. It returns an error when it could not
// start, and when its consumer stops delivering while ctx is live (deleted
// under it, or the connection closed).
func (r *Runner) Run(ctx context.Context) error {
	stream, cc, err := r.consumerConfig()
	if err != nil {
		return err
	}
	cons, err := r.js.CreateOrUpdateConsumer(ctx, stream, cc)
	if err != nil {
		return fmt.Errorf("creating consumer %s on %s: %w", cc.Durable, stream, err)
	}
	r.ops.SetReady(r.check, nil)
	defer r.ops.SetReady(r.check, errStopped)
	stopSampling := r.sample(ctx, cons, cc.Durable)
	defer stopSampling()
	if info := cons.CachedInfo(); info != nil {
		cc = info.Config // as the server keeps it, its defaults filled in
	}
	ackWait := ackTimeout(cc)
	maxDeliver := uint64(max(cc.MaxDeliver, 0)) // the server keeps -1 for no limit
	r.log.Info("stage running", zap.String("stream", stream), zap.String("consumer", cc.Durable),
		zap.Int("concurrency", r.cfg.Concurrency))

	// Handlers work under a context that outlives ctx: on shutdown the
	// messages already pulled are finished, not abandoned, until the drain
	// deadline.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	// release is closed when held messages that no worker has started are
	// to be handed back rather than handled: at the drain deadline, or when
	// the consumer is gone.
	release := make(chan struct{})
	var releaseOnce sync.Once
	releaseHeld := func() { releaseOnce.Do(func() { close(release) }) }

	p := &puller{
		cons:   cons,
		conn:   r.js.Conn(),
		log:    r.log,
		limit:  r.cfg.Batch + r.cfg.Concurrency,
		batch:  r.cfg.Batch,
		expiry: pullExpiry,
		pulls:  maxPulls,
		beats:  newBeats(ackWait / 3),
	}
	p.within(cc)
	if r.turns != nil {
		// Messages are held in the order delivered only while one
		// request at a time takes them.
		p.pulls = 1
	}
	p.held = make(chan heldMsg, p.limit)
	p.settled = make(chan struct{}, p.limit)
	pulled := make(chan error, 1)
	go func() { pulled <- p.run(ctx) }()
	beating, stopBeating := context.WithCancel(context.Background())
	beatsDone := make(chan struct{})
	go func() {
		defer close(beatsDone)
		p.beats.run(beating)
	}()
	defer func() {
		stopBeating()
		<-beatsDone
	}()

	stopped := make(chan struct{})
	// abandon closes handlerGrace after the drain deadline: handlers still
	// running then ignore their context, and Run leaves them.
	abandon := make(chan struct{})
	// drained closes when this watch ends; Run waits for it, so that no
	// goroutine of Run outlives it.
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		select {
		case <-ctx.Done():
			select {
			case <-time.After(r.cfg.DrainTimeout):
				r.log.Warn("drain timed out; unfinished messages will be redelivered")
				releaseHeld()
				cancelWork()
			case <-stopped:
				return
			}
			select {
			case <-time.After(handlerGrace):
				close(abandon)
			case <-stopped:
			}
		case <-stopped:
		}
	}()

	// At the drain deadline the unstarted messages go back even while every
	// worker is still in a handler that ignores its context.
	workersDone := make(chan struct{})
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		select {
		case <-release:
			for h := range p.held {
				h.stopBeat()
				_ = h.m.Nak()
				r.turns.done(h.turn)
				p.settled <- struct{}{}
			}
		case <-workersDone:
		}
	}()
	var wg sync.WaitGroup
	for range r.cfg.Concurrency {
		wg.Go(func() {
			for h := range p.held {
				select {
				case <-release:
					// Not started: hand it back for redelivery now rather
					// than after AckWait.
					h.stopBeat()
					_ = h.m.Nak()
					r.turns.done(h.turn)
				default:
					r.process(work, h, maxDeliver)
				}
				p.settled <- struct{}{}
			}
		})
	}
	// The puller returns once it stops pulling: ctx ended, or the consumer
	// stopped delivering. Either way no more messages join the queue.
	ended := <-pulled
	if ended != nil {
		releaseHeld()
	}
	handled := make(chan struct{})
	go func() {
		wg.Wait()
		close(handled)
	}()
	select {
	case <-handled:
	case <-abandon:
		// Their heartbeats stop with Run (deferred above): the server
		// delivers their messages again once AckWait runs out.
		close(stopped)
		<-drained
		r.log.Error("handlers ignore their cancelled context; leaving them", zap.Duration("after", r.cfg.DrainTimeout+handlerGrace))
		return fmt.Errorf("stopping %s: %w %s after the drain deadline", cc.Durable, ErrHandlersAbandoned, handlerGrace)
	}
	close(workersDone)
	<-returned
	close(stopped)
	<-drained
	r.log.Info("stage stopped", zap.Uint64("acked", r.acked.Load()),
		zap.Uint64("retried", r.retried.Load()), zap.Uint64("dead_lettered", r.deadLettered.Load()))
	if ended != nil && ctx.Err() == nil {
		// Nobody asked to stop: the consumer went away (deleted, or the
		// connection closed). Returning nil would pass for a shutdown.
		return fmt.Errorf("consuming %s from %s: stopped receiving messages: %w", cc.Durable, stream, ended)
	}
	return nil
}

// ackTimeout is the shortest time the server gives a delivery of the
// consumer to be acknowledged: AckWait, or with a BackOff list its
// shortest value, which times out the deliveries in its place.
func ackTimeout(cc jetstream.ConsumerConfig) time.Duration {
	d := cc.AckWait
	if d <= 0 {
		d = events.DefaultAckWait
	}
	for _, b := range cc.BackOff {
		if b > 0 {
			d = min(d, b)
		}
	}
	return d
}

// heldMsg is a message the runner holds, waiting for a worker or being
// handled; its heartbeat runs from the moment it arrives until it is settled.
type heldMsg struct {
	m        jetstream.Msg
	stopBeat func()
	turn     uint64 // its place in the order delivered
}

// fetchEnd reports a finished pull request: how many messages it asked
// for, how many came, and why it ended early, if it did.
type fetchEnd struct {
	asked, got int
	err        error
}

// puller pulls messages in batches into held, never holding more than limit
// messages at once counting those asked for and not yet arrived: every
// message that arrives has room in held, and gets its heartbeat at once, so
// none waits unseen in a client buffer while AckWait runs out.
type puller struct {
	cons    jetstream.Consumer
	conn    *nats.Conn // watched for closing; nil: not watched
	log     *zap.Logger
	limit   int           // messages held or asked for, at most
	batch   int           // the most asked for in one pull request
	expiry  time.Duration // how long one pull request waits on the server
	pulls   int           // pull requests open at once, at most
	beats   *beats        // started for every message that arrives
	turn    uint64        // the turn of the next message that arrives
	held    chan heldMsg  // capacity limit; closed when pulling stops
	settled chan struct{} // one per message settled by a worker; capacity limit
}

// pullExpiry is how long one pull request waits on the server for
// messages; requests are renewed as they expire.
const pullExpiry = 30 * time.Second

// maxPulls bounds the pull requests open at once.
const maxPulls = 4

// within keeps the pull requests inside the limits the consumer sets: the
// server refuses a request asking for more, and a runner whose every
// request is refused receives nothing.
func (p *puller) within(cc jetstream.ConsumerConfig) {
	if cc.MaxRequestBatch > 0 {
		p.batch = min(p.batch, cc.MaxRequestBatch)
	}
	if cc.MaxRequestExpires > 0 {
		p.expiry = min(p.expiry, cc.MaxRequestExpires)
	}
	if cc.MaxWaiting > 0 {
		p.pulls = min(p.pulls, cc.MaxWaiting)
	}
}

// run pulls until ctx ends or the consumer stops delivering, then waits for
// its open requests to finish, closes held and returns the reason the
// consumer stopped delivering, or nil on shutdown.
func (p *puller) run(ctx context.Context) error {
	pullCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	ends := make(chan fetchEnd, p.pulls)
	var (
		reserved int              // held or asked for
		open     int              // requests not finished
		failures int              // requests failed in a row
		retry    <-chan time.Time // set after a failure: no new request until it fires
		failed   error
		pulling  = true
	)
	stop := func(err error) {
		if failed == nil {
			failed = err
		}
		if pulling {
			pulling = false
			cancel()
		}
	}
	// Open requests do not notice a closed connection; the runner does.
	// Nor do they notice a reconnect, after which the server may not know
	// them (it restarted, or another took over): they are renewed at once
	// rather than left to miss their heartbeats.
	var closed, reconnected chan nats.Status
	renew := make(chan struct{})
	if p.conn != nil {
		closed = p.conn.StatusChanged(nats.CLOSED)
		defer p.conn.RemoveStatusListener(closed)
		reconnected = p.conn.StatusChanged(nats.CONNECTED)
		defer p.conn.RemoveStatusListener(reconnected)
		if p.conn.IsClosed() {
			stop(fmt.Errorf("pulling messages: %w", nats.ErrConnectionClosed))
		}
	}
	threshold := max(1, p.batch/2)
	done := ctx.Done()
	for {
		if free := p.limit - reserved; pulling && retry == nil && open < p.pulls && free >= threshold {
			n := min(free, p.batch)
			reserved += n
			open++
			go func(renew <-chan struct{}) { ends <- p.fetch(pullCtx, renew, n) }(renew)
		}
		if !pulling && open == 0 {
			close(p.held)
			return failed
		}
		select {
		case <-done:
			done = nil
			stop(nil)
		case <-p.settled:
			reserved--
		case <-closed:
			closed = nil
			stop(fmt.Errorf("pulling messages: %w", nats.ErrConnectionClosed))
		case <-reconnected:
			close(renew)
			renew = make(chan struct{})
			// Back: what failed while the server was away may be asked
			// for again now.
			retry, failures = nil, 0
		case <-retry:
			retry = nil
		case e := <-ends:
			open--
			reserved -= e.asked - e.got
			switch {
			case e.err == nil:
				failures = 0
			case gone(e.err):
				// The consumer is gone, or the connection closed for good.
				stop(e.err)
			case !pulling:
			default:
				// Missed heartbeats, a leader change, a reconnect, or a
				// consumer deleted while no request was open (nobody
				// answers requests for it): ask the server which.
				p.log.Warn("pulling messages", zap.Error(e.err))
				if err := p.check(ctx); err != nil {
					stop(err)
					continue
				}
				// No new request until the wait is over. Errors that
				// persist (no responders while a cluster has no quorum)
				// are retried ever less often, up to every pullRetryMax.
				// Requests open side by side fail together (the server
				// they waited on went away): that is one failure, not
				// one per request.
				if retry == nil {
					retry = time.After(min(pullRetryMin<<min(failures, 5), pullRetryMax))
					failures++
				}
			}
		}
	}
}

// handlerGrace is how long Run waits, after the drain deadline cancelled
// the handlers' context, for handlers that are still running.
const handlerGrace = 2 * time.Second

// ErrHandlersAbandoned is returned by Run when handlers were still running
// handlerGrace after the drain deadline: they ignore their context. Run
// leaves them; their messages are delivered again after AckWait.
var ErrHandlersAbandoned = errors.New("stage: handlers still running")

// pullRetryMin and pullRetryMax bound the wait after a failed pull request:
// the first failure waits pullRetryMin, each one after it twice as long.
const (
	pullRetryMin = 100 * time.Millisecond
	pullRetryMax = 2 * time.Second
)

// gone tells whether a pull request's error means no more will succeed.
func gone(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, jetstream.ErrConsumerNotFound) ||
		errors.Is(err, jetstream.ErrBadRequest) || errors.Is(err, nats.ErrConnectionClosed)
}

// check returns an error if the consumer no longer exists.
func (p *puller) check(ctx context.Context) error {
	ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := p.cons.Info(ictx); gone(err) {
		return fmt.Errorf("reading consumer info: %w", err)
	}
	return nil
}

// fetch asks for up to n messages and moves each that arrives into held,
// starting its heartbeat. When stop ends or renew closes, it keeps taking
// messages for as long as they keep coming a moment apart, so that none the
// server already sent is left in a client buffer to wait out AckWait, then
// gives up the request.
func (p *puller) fetch(stop context.Context, renew <-chan struct{}, n int) fetchEnd {
	if stop.Err() != nil {
		return fetchEnd{asked: n}
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(stop), p.expiry)
	defer cancel()
	batch, err := p.cons.Fetch(n, jetstream.FetchContext(fctx))
	if err != nil {
		return fetchEnd{asked: n, err: fmt.Errorf("requesting %d messages: %w", n, err)}
	}
	got := 0
	stopping := stop.Done()
	var quiet *time.Timer
	var quietC <-chan time.Time
	defer func() {
		if quiet != nil {
			quiet.Stop()
		}
	}()
	giveUp := func() {
		if quiet == nil {
			quiet = time.NewTimer(stopGrace)
			quietC = quiet.C
		}
	}
	for msgs := batch.Messages(); ; {
		select {
		case m, ok := <-msgs:
			if !ok {
				err = batch.Error()
				if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
					err = nil // expired, or given up on purpose: ask again if still pulling
				}
				return fetchEnd{asked: n, got: got, err: err}
			}
			got++
			p.held <- heldMsg{m: m, stopBeat: p.beats.start(m), turn: atomic.AddUint64(&p.turn, 1) - 1}
			if quiet != nil {
				quiet.Reset(stopGrace)
			}
		case <-stopping:
			stopping = nil
			giveUp()
		case <-renew:
			renew = nil
			giveUp()
		case <-quietC:
			quietC = nil
			cancel() // msgs closes once the request is given up
		}
	}
}

// stopGrace is how long a request is kept, once pulling stops, after the
// last message that came for it.
const stopGrace = 50 * time.Millisecond

// process handles one message and settles it: ack, nak with delay, or dead
// letter and term.
func (r *Runner) process(ctx context.Context, h heldMsg, maxDeliver uint64) {
	m, stopBeat := h.m, h.stopBeat
	// Whatever becomes of it, the messages after it may publish once it is
	// settled.
	defer r.turns.done(h.turn)
	d := &Delivery{Subject: m.Subject(), Header: m.Headers(), Data: m.Data()}
	if meta, err := m.Metadata(); err == nil {
		d.Stream, d.StreamSeq, d.NumDelivered, d.Published = meta.Stream, meta.Sequence.Stream, meta.NumDelivered, meta.Timestamp
	}
	log := r.log.With(zap.String("subject", d.Subject), zap.Uint64("seq", d.StreamSeq),
		zap.String("doc_id", d.Header.Get(events.HeaderCESubject)))

	start := time.Now()
	defer func() { r.ops.observe(r.cfg.Stage, time.Since(start)) }()
	if d.NumDelivered > 1 {
		r.ops.redelivery(r.cfg.Stage)
	}
	// The heartbeat, started when the message arrived, runs until it is
	// settled, publishing and dead-lettering included: a publish retried
	// through a leader election can outlast AckWait as surely as a slow
	// handler. It stops before the settling call, so that a late InProgress
	// cannot undo a nak's delay.
	defer stopBeat()
	outs, err := r.handler(ctx, d)
	failure := FailRetry
	if err == nil {
		err = r.turns.wait(ctx, h.turn)
	}
	if err == nil {
		if err = r.pub.PublishAll(ctx, outs); err != nil {
			err = fmt.Errorf("publishing outputs: %w", err)
			failure = FailPublish
		}
	} else if errors.Is(err, context.DeadlineExceeded) {
		failure = FailTimeout
	}
	if err == nil {
		stopBeat()
		if aerr := m.Ack(); aerr != nil {
			log.Warn("acking", zap.Error(aerr))
		}
		r.acked.Add(1)
		r.ops.Processed(r.cfg.Stage)
		log.Debug("processed", zap.Int("outputs", len(outs)))
		return
	}

	reason, permanent := classify(err)
	if !permanent && maxDeliver > 0 && d.NumDelivered >= maxDeliver {
		reason, permanent = events.ReasonMaxDeliveries, true
		err = fmt.Errorf("giving up after %d deliveries: %w", d.NumDelivered, err)
	}
	if !permanent {
		delay := r.cfg.Backoff.Delay(d.NumDelivered)
		var re *RetryError
		if errors.As(err, &re) {
			delay = min(re.After, r.cfg.MaxRetryAfter)
		}
		log.Warn("retrying", zap.Error(err), zap.Uint64("deliveries", d.NumDelivered), zap.Duration("delay", delay))
		stopBeat()
		if nerr := m.NakWithDelay(delay); nerr != nil {
			log.Warn("nacking", zap.Error(nerr))
		}
		r.retried.Add(1)
		r.ops.Failed(r.cfg.Stage, failure)
		return
	}

	derr := r.deadLetter(ctx, d, reason, err)
	if derr != nil {
		r.ops.Failed(r.cfg.Stage, FailDeadLetter)
	}
	if derr != nil && maxDeliver > 0 && d.NumDelivered >= maxDeliver {
		// The last allowed delivery: the server drops a message nak'ed now
		// instead of delivering it again, so the dead letter is retried
		// here, the heartbeat keeping the message ours meanwhile, until it
		// is stored or the work is cut short.
		for attempt := uint64(1); derr != nil && ctx.Err() == nil; attempt++ {
			log.Warn("dead-lettering on the last delivery; trying again", zap.Error(derr), zap.Uint64("attempt", attempt))
			select {
			case <-ctx.Done():
			case <-time.After(max(r.cfg.Backoff.Delay(attempt), 100*time.Millisecond)):
				derr = r.deadLetter(ctx, d, reason, err)
			}
		}
	}
	if derr != nil {
		// The dead letter could not be stored: keep the message rather than
		// lose it, and try again later.
		log.Error("dead-lettering", zap.Error(derr), zap.NamedError("cause", err))
		stopBeat()
		if nerr := m.NakWithDelay(r.cfg.Backoff.Delay(d.NumDelivered)); nerr != nil {
			log.Warn("nacking", zap.Error(nerr))
		}
		r.retried.Add(1)
		return
	}
	log.Warn("dead-lettered", zap.String("reason", reason), zap.Error(err))
	stopBeat()
	if terr := m.TermWithReason(reason); terr != nil {
		log.Warn("terminating", zap.Error(terr))
	}
	r.deadLettered.Add(1)
	r.ops.Failed(r.cfg.Stage, reason)
	r.ops.DeadLettered(r.cfg.Stage, reason)
}

func (r *Runner) deadLetter(ctx context.Context, d *Delivery, reason string, cause error) error {
	now := r.now()
	msg, err := DeadLetterMsg(DeadLetterFor(r.cfg.Stage, d, reason, cause, now), now)
	if err != nil {
		return err
	}
	_, err = r.pub.Publish(ctx, msg)
	return err
}

// sample reads the consumer's pending counts into the metrics every
// SampleInterval until the returned stop function is called; a consumer
// that disappeared fails the readiness check.
func (r *Runner) sample(ctx context.Context, cons jetstream.Consumer, durable string) (stop func()) {
	if r.ops == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	read := func() {
		ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		info, err := cons.Info(ictx)
		switch {
		case errors.Is(err, jetstream.ErrConsumerNotFound):
			r.ops.SetReady(r.check, fmt.Errorf("consumer %s: %w", durable, err))
		case err != nil:
			r.log.Debug("reading consumer info", zap.Error(err))
		default:
			r.ops.SetReady(r.check, nil)
			r.ops.consumerPending(r.cfg.Stage, durable, info.NumPending, uint64(info.NumAckPending))
		}
	}
	go func() {
		defer close(finished)
		read()
		t := time.NewTicker(r.cfg.SampleInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		r.ops.forgetConsumer(r.cfg.Stage, durable)
	}
}

// beats keeps the messages the runner holds from running out of AckWait:
// one goroutine sends InProgress for each of them every interval, from the
// moment it arrives until its heartbeat is stopped, just before it is
// settled. So long work is not redelivered to another replica mid-way, nor
// a message waiting for a worker behind slow ones.
type beats struct {
	interval time.Duration
	mu       sync.Mutex
	held     map[*beat]struct{}
}

type beat struct {
	m   jetstream.Msg
	due time.Time
}

func newBeats(interval time.Duration) *beats {
	return &beats{interval: interval, held: map[*beat]struct{}{}}
}

// start begins m's heartbeat. The returned stop function may be called more
// than once; no InProgress is sent for m after it returns.
func (b *beats) start(m jetstream.Msg) (stop func()) {
	if b.interval <= 0 {
		return func() {}
	}
	hb := &beat{m: m, due: time.Now().Add(b.interval)}
	b.mu.Lock()
	b.held[hb] = struct{}{}
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.held, hb)
		b.mu.Unlock()
	}
}

// run sends the heartbeats that fall due until ctx ends. It looks every
// quarter interval, so no message goes longer than 1.25 intervals without
// one.
func (b *beats) run(ctx context.Context) {
	if b.interval <= 0 {
		return
	}
	t := time.NewTicker(max(b.interval/4, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			// Under the lock, so that a stopped heartbeat sends no more:
			// InProgress only queues a publish, it does not wait.
			b.mu.Lock()
			for hb := range b.held {
				if !now.Before(hb.due) {
					_ = hb.m.InProgress()
					hb.due = now.Add(b.interval)
				}
			}
			b.mu.Unlock()
		}
	}
}
