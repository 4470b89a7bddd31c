package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink/internal/filter"
	"github.com/wirewatch/wirewatch/services/sink/internal/jsonl"
	"github.com/wirewatch/wirewatch/services/sink/internal/ledger"
	"github.com/wirewatch/wirewatch/services/sink/internal/republish"
	"github.com/wirewatch/wirewatch/services/sink/internal/stdout"
	"github.com/wirewatch/wirewatch/services/sink/internal/webhook"
)

// Output kinds.
const (
	KindJSONL   = "jsonl"   // JSON Lines files in a directory
	KindStdout  = "stdout"  // JSON Lines on standard output
	KindWebhook = "webhook" // an HTTP POST per event
	KindNATS    = "nats"    // a downstream JetStream subject
)

// ReasonRejected is the dead-letter reason of an event an output refused
// for good (a webhook that answered 4xx).
const ReasonRejected = "rejected"

// LedgerTTL is how long the sink remembers that a webhook, NATS or stdout
// output delivered an event: as long as dead letters are kept, so that a
// re-driven dead letter is not delivered twice either.
const LedgerTTL = 4*events.DefaultMaxAge + 24*time.Hour

// OutputSpec names one output: where it delivers and which articles.
type OutputSpec struct {
	// Kind is KindJSONL, KindStdout, KindWebhook or KindNATS.
	Kind string
	// Target is the directory (jsonl; empty means Config.OutDir), the URL
	// (webhook) or the subject (nats). Stdout has none.
	Target string
	// Filter selects the articles delivered; empty selects all. See
	// Filters for the syntax.
	Filter string
}

// FilterHelp describes the filter syntax, for flag usage texts.
const FilterHelp = "comma-separated terms FIELD=V1/V2 or FIELD!=V1/V2 that must all hold; fields relation, lang, wire, source, cluster, rule (e.g. relation!=duplicate,lang=en)"

// ParseOutputSpec parses KIND[:TARGET][|FILTER], e.g. "jsonl:out",
// "stdout|relation=new" or "webhook:https://example.org/hook|lang=en". It
// does not check the parts: Config.Validate does.
func ParseOutputSpec(s string) OutputSpec {
	var o OutputSpec
	s, o.Filter, _ = strings.Cut(s, "|")
	o.Kind, o.Target, _ = strings.Cut(strings.TrimSpace(s), ":")
	o.Kind = strings.ToLower(strings.TrimSpace(o.Kind))
	o.Target = strings.TrimSpace(o.Target)
	o.Filter = strings.TrimSpace(o.Filter)
	return o
}

// String formats o as ParseOutputSpec reads it.
func (o OutputSpec) String() string {
	s := o.Kind
	if o.Target != "" {
		s += ":" + o.Target
	}
	if o.Filter != "" {
		s += "|" + o.Filter
	}
	return s
}

// name is the output's name in logs, errors and dead letters: kind and
// target, without a URL's credentials or query.
func (o OutputSpec) name() string {
	if o.Kind == KindWebhook {
		if u, err := url.Parse(o.Target); err == nil {
			u.User, u.RawQuery, u.Fragment = nil, "", ""
			return o.Kind + ":" + u.String()
		}
		return o.Kind + ": (an unparsable URL)"
	}
	if o.Target == "" {
		return o.Kind
	}
	return o.Kind + ":" + o.Target
}

// check reports every problem with o.
func (o OutputSpec) check(outDir string) []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("output %q: "+format, append([]any{o.name()}, a...)...))
	}
	switch o.Kind {
	case KindJSONL:
		if o.Target == "" && outDir == "" {
			bad("no directory, and the output directory is empty")
		}
	case KindStdout:
		if o.Target != "" {
			bad("stdout takes no target")
		}
	case KindWebhook:
		if _, err := webhook.New(webhook.Options{URL: o.Target}); err != nil {
			bad("%v", err)
		}
	case KindNATS:
		if err := republish.CheckSubject(o.Target); err != nil {
			bad("%v", err)
		}
	default:
		bad("unknown kind %q (want jsonl:DIR, stdout, webhook:URL or nats:SUBJECT)", o.Kind)
	}
	if _, err := filter.Parse(o.Filter); err != nil {
		bad("%v", err)
	}
	return errs
}

// target is where an output delivers; a kind of output implements it.
type target interface {
	// deliver puts the article durably in the destination, unless it is
	// there already; written reports whether this call put it there.
	deliver(ctx context.Context, key string, a *events.ClusteredArticle, line []byte) (written bool, err error)
	// open acquires what the target needs from the server.
	open(ctx context.Context, js jetstream.JetStream) error
	close() error
}

// output is one configured output.
type output struct {
	name   string
	filter *filter.Filter
	target target
}

// newOutput builds the output of spec o; it touches the file system (a
// JSONL directory) but not the server.
func newOutput(o OutputSpec, cfg Config, log *zap.Logger) (*output, error) {
	f, err := filter.Parse(o.Filter)
	if err != nil {
		return nil, err
	}
	out := &output{name: o.name(), filter: f}
	ns := ledgerNamespace(cfg.Durable, o)
	switch o.Kind {
	case KindJSONL:
		dir := o.Target
		if dir == "" {
			dir = cfg.OutDir
		}
		store, err := jsonl.Open(dir, FilePrefix, keyOfLine, jsonl.Options{MaxBytes: cfg.RotateBytes})
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", dir, err)
		}
		out.target = &jsonlTarget{store: store}
	case KindStdout:
		w := cfg.Stdout
		if w == nil {
			w = os.Stdout
		}
		out.target = &ledgered{ns: ns, replicas: cfg.StreamReplicas, claim: cfg.ClaimTimeout, log: log, send: stdoutSender(w)}
	case KindWebhook:
		c, err := webhook.New(webhook.Options{
			URL: o.Target, Secret: []byte(cfg.Webhook.Secret), Timeout: cfg.Webhook.Timeout, Attempts: cfg.Webhook.Attempts,
		})
		if err != nil {
			return nil, err
		}
		out.target = &ledgered{ns: ns, replicas: cfg.StreamReplicas, claim: cfg.ClaimTimeout, log: log, send: webhookSender(c)}
	case KindNATS:
		l := &ledgered{ns: ns, replicas: cfg.StreamReplicas, claim: cfg.ClaimTimeout, log: log}
		l.connect = func(ctx context.Context, js jetstream.JetStream) error {
			p, err := republish.Open(ctx, js, o.Target, cfg.StreamReplicas)
			if err != nil {
				return err
			}
			l.send = func(ctx context.Context, key string, a *events.ClusteredArticle, line []byte) error {
				return p.Publish(ctx, key, a.ID, line)
			}
			return nil
		}
		out.target = l
	default:
		return nil, fmt.Errorf("unknown output kind %q", o.Kind)
	}
	return out, nil
}

// ledgerNamespace names the record of one output's deliveries: the same
// sink (durable) delivering to the same destination shares it across
// restarts and replicas, whatever order the outputs were given in.
func ledgerNamespace(durable string, o OutputSpec) string {
	if durable == "" {
		durable = string(events.StageSink)
	}
	sum := sha256.Sum256([]byte(durable + "\x00" + o.Kind + "\x00" + o.Target))
	return o.Kind + "-" + hex.EncodeToString(sum[:8])
}

// jsonlTarget appends to JSON Lines files, which are their own record of
// what they hold.
type jsonlTarget struct{ store *jsonl.Store }

func (t *jsonlTarget) open(context.Context, jetstream.JetStream) error { return nil }
func (t *jsonlTarget) close() error                                    { return t.store.Close() }
func (t *jsonlTarget) deliver(ctx context.Context, key string, _ *events.ClusteredArticle, line []byte) (bool, error) {
	return t.store.Append(ctx, key, line)
}

// sender delivers one article to a destination that keeps no record of its
// own.
type sender func(ctx context.Context, key string, a *events.ClusteredArticle, line []byte) error

func stdoutSender(w io.Writer) sender {
	sw := stdout.New(w)
	return func(_ context.Context, _ string, _ *events.ClusteredArticle, line []byte) error {
		return sw.Write(line)
	}
}

func webhookSender(c *webhook.Client) sender {
	return func(ctx context.Context, key string, _ *events.ClusteredArticle, line []byte) error {
		err := c.Deliver(ctx, key, line)
		var ra *webhook.RetryAfterError
		switch {
		case err == nil:
			return nil
		case errors.Is(err, webhook.ErrRejected):
			return stage.Permanent(ReasonRejected, err)
		case errors.As(err, &ra):
			return stage.RetryAfter(ra.After, err)
		}
		return err
	}
}

// ledgered delivers through send and records each delivery in a ledger,
// consulted first, so a redelivered article is not sent again: only the
// replica holding an article's claim in the ledger sends it.
type ledgered struct {
	ns       string
	replicas int
	claim    time.Duration
	log      *zap.Logger
	connect  func(ctx context.Context, js jetstream.JetStream) error
	send     sender
	ledger   *ledger.Ledger
}

func (t *ledgered) open(ctx context.Context, js jetstream.JetStream) error {
	l, err := ledger.Open(ctx, js, t.ns, LedgerTTL, t.claim, t.replicas, t.log)
	if err != nil {
		return err
	}
	t.ledger = l
	if t.connect != nil {
		return t.connect(ctx, js)
	}
	return nil
}

func (t *ledgered) close() error { return nil }

func (t *ledgered) deliver(ctx context.Context, key string, a *events.ClusteredArticle, line []byte) (bool, error) {
	claim, done, err := t.ledger.Begin(ctx, key)
	if err != nil || done {
		return false, err
	}
	sctx, cancel := context.WithDeadline(ctx, claim.Deadline())
	defer cancel()
	if err := t.send(sctx, key, a, line); err != nil {
		claim.Abandon(ctx)
		return false, err
	}
	if err := claim.Done(ctx); err != nil {
		// The article is delivered; failing now would send it again. A
		// redelivery to this sink marks it; another replica waits out
		// the claim first, and the receiver sees the same idempotency key.
		t.log.Warn("recording a delivery", zap.String("doc_id", a.ID), zap.Error(err))
	}
	return true, nil
}

// outDirOf returns the directories the JSONL outputs write to, so that
// Validate can refuse two outputs sharing one.
func outDirOf(specs []OutputSpec, outDir string) []string {
	var dirs []string
	for _, o := range specs {
		if o.Kind == KindJSONL {
			d := o.Target
			if d == "" {
				d = outDir
			}
			dirs = append(dirs, filepath.Clean(d))
		}
	}
	return dirs
}
