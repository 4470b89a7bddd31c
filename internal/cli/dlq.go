package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// HeaderRedriveOf marks a message re-driven from a dead letter with the dead
// letter's id.
const HeaderRedriveOf = events.HeaderRedriveOf

const dlqUsage = `Usage:
  wirewatch dlq list   [--stage S] [--reason R] [--since T] [--json]
  wirewatch dlq replay (--id ID... | --seq N... | --stage S | --reason R | --all) [--dry-run]

list shows the dead letters: when, which stage, why, and where the message was.
replay re-drives the chosen dead letters after a fix: each original message is
published again on its original subject with a new message id, so the stream
does not drop it as a duplicate, and the stage gets another go at it. Filters
combine: --stage deduper --reason panic re-drives the deduper's panics only.
`

// dlqVerb lists or re-drives dead letters.
func dlqVerb(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "replay") {
		fmt.Fprint(env.Stderr, dlqUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return errors.New("dlq: want 'list' or 'replay'")
	}
	sub := args[0]
	fs := flag.NewFlagSet("dlq "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), dlqUsage+"\n"); fs.PrintDefaults() }
	natsOpts := natsFlags(fs, env)
	var sel dlqSelector
	fs.StringVar(&sel.stage, "stage", "", "only dead letters of `stage` (fetcher, extractor, deduper, sink)")
	fs.StringVar(&sel.reason, "reason", "", "only dead letters with `reason` (decode, invalid, max_deliveries, panic, read, too_large, rejected)")
	fs.Var(timeFlag{&sel.since, time.Now}, "since", "only dead letters from `time` on (RFC 3339, a date, or a duration ago such as 24h)")
	fs.Var(&sel.ids, "id", "the dead letter with `id`; repeatable")
	fs.Var(&sel.seqs, "seq", "the dead letter at NEWS_DLQ sequence `n`; repeatable")
	asJSON := fs.Bool("json", false, "list: print each dead letter's JSON, one per line")
	all := fs.Bool("all", false, "replay: every dead letter (or every one the filters select)")
	dry := fs.Bool("dry-run", false, "replay: say what would be re-driven, publish nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("dlq %s: unexpected arguments %q", sub, fs.Args())
	}
	var misplaced []error
	switch events.Stage(sel.stage) {
	case "", events.StageFetcher, events.StageExtractor, events.StageDeduper, events.StageSink:
	default:
		misplaced = append(misplaced, fmt.Errorf("--stage %q is no stage (fetcher, extractor, deduper, sink)", sel.stage))
	}
	if sub == "replay" && *asJSON {
		misplaced = append(misplaced, errors.New("--json applies to list only"))
	}
	if sub == "list" && *all {
		misplaced = append(misplaced, errors.New("--all applies to replay only"))
	}
	if sub == "list" && *dry {
		misplaced = append(misplaced, errors.New("--dry-run applies to replay only"))
	}
	if err := errors.Join(misplaced...); err != nil {
		return fmt.Errorf("dlq %s: %w", sub, err)
	}
	if sub == "replay" && !*all && sel.stage == "" && sel.reason == "" && len(sel.ids) == 0 && len(sel.seqs) == 0 && sel.since.IsZero() {
		return errors.New("dlq replay: choose dead letters with --id, --seq, --stage, --reason or --since, or give --all")
	}
	nc, js, err := connect(natsOpts, "wirewatch-dlq")
	if err != nil {
		return err
	}
	defer nc.Close()
	letters, err := readDeadLetters(ctx, js, sel)
	if err != nil {
		return fmt.Errorf("dlq %s: %w", sub, err)
	}
	if sub == "list" {
		return listDeadLetters(env, letters, *asJSON)
	}
	return redrive(ctx, env, js, letters, *dry)
}

// dlqSelector chooses dead letters.
type dlqSelector struct {
	stage, reason string
	since         time.Time
	ids           stringList
	seqs          uintList
}

func (s dlqSelector) match(seq uint64, d *events.DeadLetter) bool {
	return (s.stage == "" || string(d.Stage) == s.stage) &&
		(s.reason == "" || d.Reason == s.reason) &&
		(s.since.IsZero() || !d.FailedAt.Before(s.since)) &&
		(len(s.ids) == 0 || slices.Contains(s.ids, d.ID)) &&
		(len(s.seqs) == 0 || slices.Contains(s.seqs, seq))
}

// deadLetter is a dead letter with where it is stored.
type deadLetter struct {
	seq uint64
	events.DeadLetter
}

// readDeadLetters reads the selected dead letters of NEWS_DLQ, oldest first.
func readDeadLetters(ctx context.Context, js jetstream.JetStream, sel dlqSelector) ([]deadLetter, error) {
	r := streamRange{stream: events.StreamDLQ}
	if sel.stage != "" {
		r.subject = events.DLQSubject(events.Stage(sel.stage))
	}
	r.since = sel.since
	var out []deadLetter
	_, err := r.read(ctx, js, func(int) {}, func(rec recording.Record) error {
		var d events.DeadLetter
		if err := events.DecodeMsg(nats.Header(rec.Headers), rec.Payload(), &d); err != nil {
			return fmt.Errorf("reading dead letter at seq %d: %w", rec.Seq, err)
		}
		if sel.match(rec.Seq, &d) {
			out = append(out, deadLetter{rec.Seq, d})
		}
		return nil
	})
	return out, err
}

func listDeadLetters(env Env, letters []deadLetter, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		for _, d := range letters {
			if err := enc.Encode(&d.DeadLetter); err != nil {
				return fmt.Errorf("dlq list: writing: %w", err)
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tFAILED\tSTAGE\tREASON\tDOC\tWHERE\tTRIES\tID\tERROR")
	for _, d := range letters {
		doc := d.Document
		if doc == "" {
			doc = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.seq, d.FailedAt.Local().Format("2006-01-02 15:04:05"),
			d.Stage, d.Reason, doc, origin(&d.DeadLetter), d.Deliveries, d.ID, clip(d.Error, 100))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("dlq list: writing: %w", err)
	}
	fmt.Fprintf(env.Stderr, "%d dead letters\n", len(letters))
	return nil
}

// RedriveMsgID is the message id a re-driven dead letter is published
// under: new, so the stream takes it although it holds the original, and
// the same for the same dead letter, so re-driving it twice within the
// duplicate window stores it once.
func RedriveMsgID(deadLetterID, originalMsgID string) string {
	sum := sha256.Sum256([]byte("redrive\x00" + deadLetterID + "\x00" + originalMsgID))
	return hex.EncodeToString(sum[:16])
}

// redrive publishes the original message of each dead letter again.
func redrive(ctx context.Context, env Env, js jetstream.JetStream, letters []deadLetter, dry bool) error {
	pub := stage.NewPublisher(js, 10*time.Second, 3)
	var sent, again, skipped int
	for _, d := range letters {
		payload, err := originalPayload(ctx, js, &d.DeadLetter)
		if err != nil {
			skipped++
			fmt.Fprintf(env.Stdout, "skipped %s (%s at %s): %v\n", d.ID, d.Reason, d.Stage, err)
			continue
		}
		m := nats.NewMsg(d.Subject)
		for k, v := range d.Headers {
			// What the original's publisher expected of the stream then
			// (the deduper fences its decisions so) holds no more.
			if strings.HasPrefix(k, "Nats-Expected-") {
				continue
			}
			m.Header[k] = append([]string(nil), v...)
		}
		m.Data = payload
		id := RedriveMsgID(d.ID, m.Header.Get(events.HeaderMsgID))
		m.Header.Set(events.HeaderMsgID, id)
		m.Header.Set(HeaderRedriveOf, d.ID)
		if dry {
			fmt.Fprintf(env.Stdout, "would re-drive %s (%s at %s) to %s\n", d.ID, d.Reason, d.Stage, d.Subject)
			sent++
			continue
		}
		dup, err := pub.Publish(ctx, m)
		if err != nil {
			return fmt.Errorf("dlq replay: re-driving %s: %w", d.ID, err)
		}
		if dup {
			again++
			fmt.Fprintf(env.Stdout, "already re-driven %s to %s\n", d.ID, d.Subject)
			continue
		}
		sent++
		fmt.Fprintf(env.Stdout, "re-drove %s (%s at %s) to %s\n", d.ID, d.Reason, d.Stage, d.Subject)
	}
	verb := "re-drove"
	if dry {
		verb = "would re-drive"
	}
	fmt.Fprintf(env.Stderr, "%s %d of %d dead letters (%d already re-driven, %d skipped)\n", verb, sent, len(letters), again, skipped)
	return nil
}

// errNoPayload means a dead letter has nothing to re-drive.
var errNoPayload = errors.New("no message to re-drive")

// originalPayload is the failed message's payload: inline, or, when it was
// too large for the dead letter, from its stream if still there.
func originalPayload(ctx context.Context, js jetstream.JetStream, d *events.DeadLetter) ([]byte, error) {
	if !d.PayloadTruncated {
		if len(d.Payload) == 0 {
			if d.Stage == events.StageFetcher {
				return nil, fmt.Errorf("%w: the fetcher could not read the source; fix it and the fetcher publishes it on its next pass", errNoPayload)
			}
			return nil, errNoPayload
		}
		return d.Payload, nil
	}
	if d.Stream == "" || d.StreamSeq == 0 {
		return nil, fmt.Errorf("%w: the payload was too large to keep and its stream is unknown", errNoPayload)
	}
	s, err := js.Stream(ctx, d.Stream)
	if err != nil {
		return nil, fmt.Errorf("finding stream %s: %w", d.Stream, err)
	}
	m, err := s.GetMsg(ctx, d.StreamSeq)
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s#%d: %w", errNoPayload, d.Stream, d.StreamSeq, err)
	}
	return m.Data, nil
}
