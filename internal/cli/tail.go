package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// tailVerb prints the events published on a subject as they arrive.
func tailVerb(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("tail", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: wirewatch tail [SUBJECT] [--json] [--nats URL]\n\n"+
			"Prints the events stored on SUBJECT (default news.>, wildcards allowed) as they arrive,\n"+
			"one readable line each, or with --json the events themselves as JSON Lines. A subject\n"+
			"no stream stores is listened to as it is published (--since does not apply to it).\n\n")
		fs.PrintDefaults()
	}
	natsOpts := natsFlags(fs, env)
	asJSON := fs.Bool("json", false, "print each event's JSON, one per line")
	count := fs.Int("count", 0, "exit after `n` events (0: until interrupted)")
	var since time.Time
	fs.Var(timeFlag{&since, time.Now}, "since", "first show what was stored since `time` (RFC 3339, a date, or a duration ago such as 10m)")
	subjects, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	subject := "news.>"
	switch len(subjects) {
	case 0:
	case 1:
		subject = subjects[0]
	default:
		return fmt.Errorf("tail: one SUBJECT at most, got %q", subjects)
	}
	if *count < 0 {
		return errors.New("tail: --count is negative")
	}
	nc, js, err := connect(natsOpts, "wirewatch-tail")
	if err != nil {
		return err
	}
	defer nc.Close()
	root := ctx
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var mu sync.Mutex
	n := 0
	var writeErr error
	// A connection lost for good (the server gone past the reconnect
	// attempts) ends the tail with an error: nothing more can arrive.
	lost := func(nc *nats.Conn) {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		writeErr = fmt.Errorf("connection to nats at %s closed", stage.ShownURL(natsOpts.NATSURL))
		if err := nc.LastError(); err != nil {
			writeErr = fmt.Errorf("%w: %w", writeErr, err)
		}
		stop()
	}
	nc.SetClosedHandler(lost)
	if nc.IsClosed() {
		lost(nc)
	}
	show := func(subject string, h nats.Header, data []byte) {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		var err error
		if *asJSON {
			err = writeLine(env.Stdout, data)
		} else if _, err = fmt.Fprintln(env.Stdout, describe(subject, h, data)); err != nil {
			err = fmt.Errorf("writing: %w", err)
		}
		n++
		if err != nil || (*count > 0 && n >= *count) {
			writeErr = err
			stop()
		}
	}
	sources, err := tailSources(root, js, subject)
	if err != nil {
		return fmt.Errorf("tail: %w", err)
	}
	if len(sources) == 0 && !since.IsZero() {
		return fmt.Errorf("tail: --since shows what streams stored, and no stream stores %s", subject)
	}
	if len(sources) == 0 {
		// No stream stores the subject: listen to what is published.
		sub, err := nc.Subscribe(subject, func(m *nats.Msg) { show(m.Subject, m.Header, m.Data) })
		if err != nil {
			return fmt.Errorf("tail: subscribing to %s: %w", subject, err)
		}
		defer sub.Unsubscribe()
		if err := nc.FlushTimeout(5 * time.Second); err != nil {
			return fmt.Errorf("tail: subscribing to %s: %w", subject, err)
		}
	}
	for _, src := range sources {
		if ctx.Err() != nil {
			break // --count reached already
		}
		cfg := jetstream.OrderedConsumerConfig{FilterSubjects: src.filters, DeliverPolicy: jetstream.DeliverNewPolicy}
		if !since.IsZero() {
			cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
		}
		c, err := js.OrderedConsumer(root, src.stream, cfg)
		if err != nil {
			return fmt.Errorf("tail: reading %s: %w", src.stream, err)
		}
		cc, err := c.Consume(func(m jetstream.Msg) { show(m.Subject(), m.Headers(), m.Data()) })
		if err != nil {
			return fmt.Errorf("tail: reading %s: %w", src.stream, err)
		}
		defer cc.Stop()
	}
	<-ctx.Done()
	mu.Lock()
	defer mu.Unlock()
	if writeErr != nil {
		return fmt.Errorf("tail: %w", writeErr)
	}
	return nil
}

// tailSource is a stream to read and the filters to read it with.
type tailSource struct {
	stream  string
	filters []string
}

// tailSources finds the streams that store messages on subject, each with
// the part of subject it stores: only what a stream stored is shown, not
// publishes it dropped as duplicates.
func tailSources(ctx context.Context, js jetstream.JetStream, subject string) ([]tailSource, error) {
	var out []tailSource
	streams := js.ListStreams(ctx)
	for info := range streams.Info() {
		// A stream's subjects do not overlap, so neither do their parts of
		// subject: one consumer can filter on all of them.
		var filters []string
		for _, ss := range info.Config.Subjects {
			if f, ok := intersect(ss, subject); ok {
				filters = append(filters, f)
			}
		}
		if len(filters) > 0 {
			out = append(out, tailSource{info.Config.Name, filters})
		}
	}
	if err := streams.Err(); err != nil {
		return nil, fmt.Errorf("listing streams: %w", err)
	}
	return out, nil
}

// intersect returns the subject pattern that matches what both a and b
// match, if they match anything in common.
func intersect(a, b string) (string, bool) {
	at, bt := strings.Split(a, "."), strings.Split(b, ".")
	var out []string
	for i := 0; ; i++ {
		switch {
		case i == len(at) && i == len(bt):
			return strings.Join(out, "."), true
		case i < len(at) && at[i] == ">":
			if i == len(bt) {
				return "", false
			}
			return strings.Join(append(out, bt[i:]...), "."), true
		case i < len(bt) && bt[i] == ">":
			if i == len(at) {
				return "", false
			}
			return strings.Join(append(out, at[i:]...), "."), true
		case i == len(at) || i == len(bt):
			return "", false
		case at[i] == "*":
			out = append(out, bt[i])
		case bt[i] == "*" || bt[i] == at[i]:
			out = append(out, at[i])
		default:
			return "", false
		}
	}
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func writeLine(w io.Writer, data []byte) error {
	if _, err := w.Write(append(append([]byte(nil), data...), '\n')); err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	return nil
}

// describe renders one event as a readable line: when, where, what.
func describe(subject string, h nats.Header, data []byte) string {
	when := time.Now()
	if t, err := time.Parse(time.RFC3339Nano, h.Get(events.HeaderCETime)); err == nil {
		when = t
	}
	kind := h.Get(events.HeaderCEType)
	if kind == "" {
		var probe struct {
			Schema string `json:"schema"`
		}
		_ = json.Unmarshal(data, &probe)
		kind = probe.Schema
	}
	return fmt.Sprintf("%s %-26s %s", when.Local().Format("15:04:05"), subject, summarize(kind, h, data))
}

// summarize says what an event is about, by schema.
func summarize(kind string, h nats.Header, data []byte) string {
	switch kind {
	case events.SchemaRawDocument:
		var d events.RawDocument
		if json.Unmarshal(data, &d) == nil {
			return fmt.Sprintf("raw       %s %s %s (%d bytes)", d.ID, d.Source.Kind, where(d.Source), len(d.Body))
		}
	case events.SchemaArticle:
		var a events.Article
		if json.Unmarshal(data, &a) == nil {
			return fmt.Sprintf("article   %s [%s] %q%s", a.ID, a.Language, clip(a.Title, 80), byWire(a.Wire))
		}
	case events.SchemaClusteredArticle:
		var a events.ClusteredArticle
		if json.Unmarshal(data, &a) == nil {
			c := a.Cluster
			return fmt.Sprintf("clustered %s → %s v%d %s by %s%s %q%s", a.ID, c.ID, c.Version, c.Relation, c.Rule, scores(c.Scores),
				clip(a.Title, 60), moves(c))
		}
	case events.SchemaClusterUpdate:
		var u events.ClusterUpdate
		if json.Unmarshal(data, &u) == nil {
			if u.MergedInto != "" {
				return fmt.Sprintf("cluster   %s v%d merged into %s", u.ID, u.Version, u.MergedInto)
			}
			return fmt.Sprintf("cluster   %s v%d %q: %s", u.ID, u.Version, clip(u.Title, 60), members(u.Members))
		}
	case events.SchemaFeedHealth:
		var f events.FeedHealth
		if json.Unmarshal(data, &f) == nil {
			state := "ok"
			if f.ErrorStreak > 0 {
				state = fmt.Sprintf("failing ×%d: %s", f.ErrorStreak, clip(f.LastError, 100))
			}
			next := ""
			if !f.NextPoll.IsZero() {
				next = ", next " + f.NextPoll.Local().Format("15:04:05")
			}
			return fmt.Sprintf("feed      %s %s %s (%d polls, %d not modified, %d items%s)", f.ID, f.FeedURL, state, f.Polls, f.NotModified, f.Items, next)
		}
	case events.SchemaDeadLetter:
		var d events.DeadLetter
		if json.Unmarshal(data, &d) == nil {
			return fmt.Sprintf("dead      %s failed at %s (%s): %s [doc %s, %s]", d.ID, d.Stage, d.Reason, clip(d.Error, 120), d.Document, origin(&d))
		}
	}
	if kind == "" {
		kind = "message"
	}
	return fmt.Sprintf("%s %s (%d bytes)", kind, h.Get(events.HeaderCESubject), len(data))
}

// moves says what else a decision did to clusters: the clusters it
// merged, the groups of members that left for new ones, the cluster the
// article's older revision left.
func moves(c events.Assignment) string {
	var b strings.Builder
	if len(c.Merged) > 0 {
		fmt.Fprintf(&b, "; merged %s", strings.Join(c.Merged, ", "))
	}
	for _, sp := range c.Splits {
		fmt.Fprintf(&b, "; %d left %s for %s (%.3f < %.2f)", len(sp.Members), sp.From, sp.ID, sp.Score, sp.Threshold)
	}
	if c.Left != nil {
		fmt.Fprintf(&b, "; left %s (v%d)", c.Left.ID, c.Left.Version)
	}
	return b.String()
}

func where(s events.Source) string {
	if s.URL != "" {
		return s.URL
	}
	return s.Path
}

func byWire(wire string) string {
	if wire == "" {
		return ""
	}
	return " (" + wire + ")"
}

func scores(s map[string]float64) string {
	if len(s) == 0 {
		return ""
	}
	var parts []string
	for k, v := range s {
		parts = append(parts, fmt.Sprintf("%s=%.3g", k, v))
	}
	sort.Strings(parts)
	return " (" + strings.Join(parts, " ") + ")"
}

func members(ms []events.Member) string {
	counts := map[events.Relation]int{}
	for _, m := range ms {
		counts[m.Relation]++
	}
	var parts []string
	for _, r := range []events.Relation{events.RelationNew, events.RelationDuplicate, events.RelationNearDuplicate, events.RelationRewrite} {
		if counts[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[r], r))
		}
	}
	noun := "members"
	if len(ms) == 1 {
		noun = "member"
	}
	return fmt.Sprintf("%d %s (%s)", len(ms), noun, strings.Join(parts, ", "))
}

func origin(d *events.DeadLetter) string {
	if d.Stream != "" {
		return fmt.Sprintf("%s %s#%d", d.Subject, d.Stream, d.StreamSeq)
	}
	return d.Subject
}

// clip shortens s to n runes on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
