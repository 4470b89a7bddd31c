package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/events"
)

// streamRange selects messages of one stream: a subject filter and a range
// by sequence or by time.
type streamRange struct {
	stream  string
	subject string
	fromSeq uint64
	toSeq   uint64
	since   time.Time
	until   time.Time
	limit   int
}

// register adds the range flags to fs.
func (r *streamRange) register(fs *flag.FlagSet, now func() time.Time) {
	fs.StringVar(&r.stream, "stream", "", "`name` of the stream: "+strings.Join(streamNames(), ", "))
	fs.StringVar(&r.subject, "subject", "", "only messages on `subject` (wildcards allowed), e.g. news.article.en")
	fs.Uint64Var(&r.fromSeq, "from-seq", 0, "first stream sequence `number`")
	fs.Uint64Var(&r.toSeq, "to-seq", 0, "last stream sequence `number`")
	fs.Var(timeFlag{&r.since, now}, "since", "first message stored at or after `time` (RFC 3339, a date, or a duration ago such as 24h)")
	fs.Var(timeFlag{&r.until, now}, "until", "last message stored at or before `time`")
	fs.IntVar(&r.limit, "limit", 0, "at most `n` messages")
}

func streamNames() []string {
	var names []string
	for _, c := range events.Streams(events.StreamOptions{}) {
		names = append(names, c.Name)
	}
	return names
}

// check reports every problem with r at once.
func (r streamRange) check() []error {
	var errs []error
	if r.stream == "" {
		errs = append(errs, errors.New("--stream is required"))
	}
	if r.fromSeq > 0 && !r.since.IsZero() {
		errs = append(errs, errors.New("--from-seq and --since both choose the start: give one"))
	}
	if r.toSeq > 0 && r.toSeq < r.fromSeq {
		errs = append(errs, fmt.Errorf("--to-seq %d is before --from-seq %d", r.toSeq, r.fromSeq))
	}
	if !r.until.IsZero() && r.until.Before(r.since) {
		errs = append(errs, errors.New("--until is before --since"))
	}
	if r.limit < 0 {
		errs = append(errs, errors.New("--limit is negative"))
	}
	return errs
}

// consumer opens an ordered consumer on s at the start of the range and
// estimates how many messages the range holds.
func (r streamRange) consumer(ctx context.Context, s jetstream.Stream) (jetstream.Consumer, int, error) {
	// A reset (after a lost connection, or a gap) gives up after a few
	// attempts: the default retries for ever, and a read then hangs when the
	// server is gone.
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy, MaxResetAttempts: 3}
	if r.subject != "" {
		cfg.FilterSubjects = []string{r.subject}
	}
	switch {
	case r.fromSeq > 0:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, r.fromSeq
	case !r.since.IsZero():
		since := r.since
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	c, err := s.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, 0, fmt.Errorf("reading stream %s: %w", r.stream, err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("inspecting stream %s: %w", r.stream, err)
	}
	total := int(info.NumPending)
	if !r.since.IsZero() && r.since.After(time.Now()) {
		total = 0
	}
	if r.toSeq > 0 {
		first := max(r.fromSeq, 1)
		total = min(total, int(r.toSeq-first+1))
	}
	if r.limit > 0 {
		total = min(total, r.limit)
	}
	return c, total, nil
}

// Waiting for the rest of a range: read asks the server whether messages
// are still pending after rangeIdleWait without one, and gives up after
// rangeMaxIdle such waits in a row.
const (
	rangeIdleWait = 2 * time.Second
	rangeMaxIdle  = 5
)

// read keeps about rangePrefetchBytes of messages (by the stream's average
// size) asked for ahead of the one it hands to fn, and between
// rangePrefetchMin and rangePrefetchMax messages: enough to keep a distant
// server busy, little enough to bound the memory a read takes.
const (
	rangePrefetchBytes = 16 << 20
	rangePrefetchMin   = 16
	rangePrefetchMax   = 1024
)

// prefetch is how many messages read asks for ahead, for a stream in state
// and a range of about total messages.
func prefetch(state jetstream.StreamState, total int) int {
	n := rangePrefetchMax
	if state.Msgs > 0 && state.Bytes > 0 {
		avg := max(state.Bytes/state.Msgs, 1)
		n = int(min(max(rangePrefetchBytes/avg, rangePrefetchMin), rangePrefetchMax))
	}
	// A range known to be short asks for little more than it holds.
	return max(min(n, total+1), 1)
}

// read calls start with an estimate of the number of messages in the range,
// then fn for every message of the range, in stream order, and returns how
// many it read.
func (r streamRange) read(ctx context.Context, js jetstream.JetStream, start func(total int), fn func(recording.Record) error) (int, error) {
	s, err := js.Stream(ctx, r.stream)
	if err != nil {
		return 0, fmt.Errorf("reading stream %s: %w", r.stream, err)
	}
	c, total, err := r.consumer(ctx, s)
	if err != nil {
		return 0, err
	}
	start(total)
	if total == 0 {
		return 0, nil
	}
	// One pull subscription for the whole range, refilled as it empties.
	// (Fetch would recreate the ordered consumer on the server at every
	// batch.)
	it, err := c.Messages(jetstream.PullMaxMessages(prefetch(s.CachedInfo().State, total)))
	if err != nil {
		return 0, fmt.Errorf("reading stream %s: %w", r.stream, err)
	}
	defer it.Stop()
	// The last message read was given: its stream sequence, the consumer
	// (a new one after a reset) and its delivery sequence there.
	var (
		last     uint64
		lastCons string
		lastDseq uint64
	)
	n, idle := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := nextWithin(ctx, it, rangeIdleWait)
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// Nothing came. Either the rest of the range is gone (deleted or
			// purged since the read began), or the server is slow or away:
			// only the server can tell which. Messages it has sent that are
			// still on their way are not pending any more, but are counted as
			// delivered by the consumer.
			info, err := c.Info(ctx)
			if err != nil {
				return n, fmt.Errorf("reading stream %s after message %d: %w", r.stream, n, err)
			}
			received := uint64(0)
			if info.Name == lastCons {
				received = lastDseq
			}
			if info.NumPending == 0 && info.Delivered.Consumer <= received {
				return n, nil
			}
			if idle++; idle >= rangeMaxIdle {
				return n, fmt.Errorf("reading stream %s: nothing came for %s after sequence %d, with %d messages pending",
					r.stream, rangeMaxIdle*rangeIdleWait, last, info.NumPending)
			}
			continue
		}
		if err != nil {
			return n, fmt.Errorf("reading stream %s after message %d: %w", r.stream, n, err)
		}
		idle = 0
		meta, err := m.Metadata()
		if err != nil {
			return n, fmt.Errorf("reading stream %s: %w", r.stream, err)
		}
		seq := meta.Sequence.Stream
		last, lastCons, lastDseq = seq, meta.Consumer, meta.Sequence.Consumer
		if (r.toSeq > 0 && seq > r.toSeq) || (!r.until.IsZero() && meta.Timestamp.After(r.until)) {
			return n, nil
		}
		if !meta.Timestamp.Before(r.since) {
			if err := fn(recording.New(r.stream, seq, m.Subject(), meta.Timestamp, m.Headers(), m.Data())); err != nil {
				return n, err
			}
			n++
		}
		if meta.NumPending == 0 || seq == r.toSeq || (r.limit > 0 && n >= r.limit) {
			return n, nil
		}
	}
}

// nextWithin returns the next message of it, or context.DeadlineExceeded
// when none came within wait, or ctx's error when ctx is done first.
func nextWithin(ctx context.Context, it jetstream.MessagesContext, wait time.Duration) (jetstream.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return it.Next(jetstream.NextContext(ctx))
}
