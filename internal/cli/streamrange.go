package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
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

// consumer opens an ordered consumer at the start of the range and
// estimates how many messages the range holds.
func (r streamRange) consumer(ctx context.Context, js jetstream.JetStream) (jetstream.Consumer, int, error) {
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
	c, err := js.OrderedConsumer(ctx, r.stream, cfg)
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

// read calls start with an estimate of the number of messages in the range,
// then fn for every message of the range, in stream order, and returns how
// many it read.
func (r streamRange) read(ctx context.Context, js jetstream.JetStream, start func(total int), fn func(recording.Record) error) (int, error) {
	c, total, err := r.consumer(ctx, js)
	if err != nil {
		return 0, err
	}
	start(total)
	if total == 0 {
		return 0, nil
	}
	n, idle := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		batch, err := c.Fetch(256, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return n, fmt.Errorf("reading stream %s: %w", r.stream, err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			if err := ctx.Err(); err != nil {
				return n, err
			}
			meta, err := m.Metadata()
			if err != nil {
				return n, fmt.Errorf("reading stream %s: %w", r.stream, err)
			}
			if (r.toSeq > 0 && meta.Sequence.Stream > r.toSeq) || (!r.until.IsZero() && meta.Timestamp.After(r.until)) {
				return n, nil
			}
			if !meta.Timestamp.Before(r.since) {
				if err := fn(recording.New(r.stream, meta.Sequence.Stream, m.Subject(), meta.Timestamp, m.Headers(), m.Data())); err != nil {
					return n, err
				}
				n++
			}
			if meta.NumPending == 0 || (r.limit > 0 && n >= r.limit) {
				return n, nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			return n, fmt.Errorf("reading stream %s: %w", r.stream, err)
		}
		if got > 0 {
			idle = 0
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		// Nothing came. Either the rest of the range is gone (deleted or
		// purged since the read began), or the server is slow or away: only
		// the server can tell which.
		info, err := c.Info(ctx)
		if err != nil {
			return n, fmt.Errorf("reading stream %s after message %d: %w", r.stream, n, err)
		}
		if info.NumPending == 0 {
			return n, nil
		}
		if idle++; idle >= 5 {
			return n, fmt.Errorf("reading stream %s: %d messages pending but none delivered for %s", r.stream, info.NumPending, 5*2*time.Second)
		}
	}
}
