package stage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

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
	// Batch is how many messages are pulled ahead per request. Default 64.
	Batch int
	// Backoff is the redelivery delay for retryable errors.
	Backoff Backoff
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
	it, err := cons.Messages(jetstream.PullMaxMessages(r.cfg.Batch))
	if err != nil {
		return fmt.Errorf("consuming %s from %s: %w", cc.Durable, stream, err)
	}
	r.ops.SetReady(r.check, nil)
	defer r.ops.SetReady(r.check, errStopped)
	stopSampling := r.sample(ctx, cons, cc.Durable)
	defer stopSampling()
	ackWait := cc.AckWait
	if ackWait <= 0 {
		ackWait = events.DefaultAckWait
	}
	maxDeliver := uint64(cc.MaxDeliver)
	r.log.Info("stage running", zap.String("stream", stream), zap.String("consumer", cc.Durable),
		zap.Int("concurrency", r.cfg.Concurrency))

	// Handlers work under a context that outlives ctx: on shutdown the
	// messages already pulled are finished, not abandoned, until the drain
	// deadline.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			it.Drain()
			select {
			case <-time.After(r.cfg.DrainTimeout):
				r.log.Warn("drain timed out; unfinished messages will be redelivered")
				it.Stop()
				cancelWork()
			case <-stopped:
			}
		case <-stopped:
		}
	}()

	var (
		wg    sync.WaitGroup
		endMu sync.Mutex
		ended error // why the iterator ended on its own
	)
	end := func(err error) {
		endMu.Lock()
		defer endMu.Unlock()
		if ended == nil {
			ended = err
		}
	}
	for range r.cfg.Concurrency {
		wg.Go(func() {
			for {
				// The work context bounds the wait too: a drain cannot
				// finish while the server is away.
				m, err := it.Next(jetstream.NextContext(work))
				if work.Err() != nil {
					return
				}
				if errors.Is(err, jetstream.ErrMsgIteratorClosed) || errors.Is(err, jetstream.ErrConsumerDeleted) ||
					errors.Is(err, jetstream.ErrBadRequest) {
					// The iterator is finished: drained on shutdown, or
					// stopped by the client because the consumer is gone.
					end(err)
					return
				}
				if err != nil {
					// Missed heartbeats and similar pull errors are
					// reported here; the iterator recovers by itself.
					r.log.Warn("reading messages", zap.Error(err))
					time.Sleep(100 * time.Millisecond)
					continue
				}
				r.process(work, m, ackWait, maxDeliver)
			}
		})
	}
	wg.Wait()
	close(stopped)
	it.Stop()
	r.log.Info("stage stopped", zap.Uint64("acked", r.acked.Load()),
		zap.Uint64("retried", r.retried.Load()), zap.Uint64("dead_lettered", r.deadLettered.Load()))
	if ctx.Err() == nil {
		// Nobody asked to stop: the consumer went away (deleted, or the
		// connection closed). Returning nil would pass for a shutdown.
		if ended == nil {
			ended = jetstream.ErrMsgIteratorClosed
		}
		return fmt.Errorf("consuming %s from %s: stopped receiving messages: %w", cc.Durable, stream, ended)
	}
	return nil
}

// process handles one message and settles it: ack, nak with delay, or dead
// letter and term.
func (r *Runner) process(ctx context.Context, m jetstream.Msg, ackWait time.Duration, maxDeliver uint64) {
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
	// The heartbeat runs until the message is settled, publishing and
	// dead-lettering included: a publish retried through a leader election
	// can outlast AckWait as surely as a slow handler. It stops before the
	// settling call, so that a late InProgress cannot undo a nak's delay.
	stopBeat := heartbeat(m, ackWait/3)
	defer stopBeat()
	outs, err := r.handler(ctx, d)
	failure := FailRetry
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
			delay = re.After
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

// heartbeat tells the server the message is still being worked on every
// interval until the returned stop function is called, so long work is not
// redelivered to another replica mid-way. Stop may be called more than
// once; no InProgress is sent after it returns.
func heartbeat(m jetstream.Msg, interval time.Duration) (stop func()) {
	if interval <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}
