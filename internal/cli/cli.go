// Package cli implements the wirewatch command's verbs.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/extractor"
	"github.com/wirewatch/wirewatch/services/fetcher"
	"github.com/wirewatch/wirewatch/services/sink"
)

// Env is what a verb may use of the world: its output streams and the
// environment.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

const usage = `wirewatch ingests news articles, extracts their text and metadata, clusters the
versions of each story and delivers them as JSON events.

Usage:
  wirewatch run [--input DIR]... [--feed URL]... [--feeds FILE] [--out DIR] [--data DIR] [--nats URL] [--once]
                [--output KIND[:TARGET] [--filter EXPR]]...
  wirewatch extract PATH...
  wirewatch tail [SUBJECT] [--json]
  wirewatch record --stream NAME [RANGE] --file FILE
  wirewatch replay (--stream NAME [RANGE] | --file FILE) [--to stdout|jsonl:DIR|pipeline:DIR]
  wirewatch dlq list|replay [--stage S] [--reason R] [--id ID]...
  wirewatch feeds add|remove URL... | wirewatch feeds list [--json]
  wirewatch version

Run 'wirewatch VERB -h' for a verb's flags.
`

// Version is the wirewatch version, set at build time with -ldflags.
var Version = "dev"

// Main runs the verb named by args[0] and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = runVerb(ctx, args[1:], env)
	case "extract":
		err = extractVerb(ctx, args[1:], env)
	case "tail":
		err = tailVerb(ctx, args[1:], env)
	case "record":
		err = recordVerb(ctx, args[1:], env)
	case "replay":
		err = replayVerb(ctx, args[1:], env)
	case "dlq":
		err = dlqVerb(ctx, args[1:], env)
	case "feeds":
		err = feedsVerb(ctx, args[1:], env)
	case "version":
		fmt.Fprintln(env.Stdout, "wirewatch", Version)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprintf(env.Stderr, "wirewatch: unknown verb %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "wirewatch:", err)
		return 1
	}
	return 0
}

// paths is a repeatable path flag.
type paths []string

func (p *paths) String() string     { return strings.Join(*p, string(filepath.ListSeparator)) }
func (p *paths) Set(v string) error { *p = append(*p, v); return nil }

// hostList splits a list of hosts at spaces and commas.
func hostList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func runVerb(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var cfg pipeline.Config
	var in paths
	if v := env.Getenv("WIREWATCH_INPUTS"); v != "" {
		in = filepath.SplitList(v)
	}
	fs.Var(&in, "input", "input `directory` of .html, .htm, .txt (and .gz) files and .xml, .rss, .atom, .json feed files; repeatable (env WIREWATCH_INPUTS)")
	var feeds paths
	feeds = strings.Fields(env.Getenv("WIREWATCH_FEED_URLS"))
	fs.Var(&feeds, "feed", "RSS, Atom or JSON feed `URL` to poll; repeatable (env WIREWATCH_FEED_URLS, space-separated)")
	fs.StringVar(&cfg.FeedsFile, "feeds", env.Getenv("WIREWATCH_FEEDS_FILE"), "`file` listing feed URLs, one a line, or OPML (env WIREWATCH_FEEDS_FILE)")
	fs.BoolVar(&cfg.AllowPrivate, "allow-private", env.Getenv("WIREWATCH_ALLOW_PRIVATE") == "true", "let the fetcher reach private and loopback addresses, for local feeds (env WIREWATCH_ALLOW_PRIVATE=true)")
	allowHosts := hostList(env.Getenv("WIREWATCH_ALLOW_HOSTS"))
	fs.Func("allow-host", "`host` or host:port the fetcher may reach on private and loopback addresses while the guard stays on for every other host; repeatable (env WIREWATCH_ALLOW_HOSTS, space- or comma-separated)", func(v string) error {
		allowHosts = append(allowHosts, hostList(v)...)
		return nil
	})
	httpAddrDefault := env.Getenv("WIREWATCH_HTTP_ADDR")
	if httpAddrDefault == "off" {
		httpAddrDefault = "" // as the services read it
	}
	httpAddr := fs.String("http-addr", httpAddrDefault, "serve /healthz, /readyz and /metrics for every stage at `host:port` (env WIREWATCH_HTTP_ADDR, \"off\" for none; default: not served)")
	contact := fs.String("contact", envOr(env.Getenv, "WIREWATCH_CONTACT", fetcher.DefaultContact), "contact `URL` the fetcher's User-Agent names (env WIREWATCH_CONTACT)")
	fs.StringVar(&cfg.UserAgent, "user-agent", env.Getenv("WIREWATCH_USER_AGENT"), "the fetcher's User-Agent, replacing \"wirewatch/<version> (+<contact>)\" (env WIREWATCH_USER_AGENT)")
	fs.StringVar(&cfg.OutDir, "out", envOr(env.Getenv, "WIREWATCH_OUT", "./out"), "output `directory` for the JSONL files (env WIREWATCH_OUT)")
	fs.StringVar(&cfg.DataDir, "data", envOr(env.Getenv, "WIREWATCH_DATA", "./.wirewatch"), "`directory` of the embedded server's store (env WIREWATCH_DATA)")
	fs.StringVar(&cfg.NATSURL, "nats", env.Getenv("WIREWATCH_NATS_URL"), "use the NATS server at `url` instead of an embedded one (env WIREWATCH_NATS_URL)")
	var natsAuth stage.NATSFlags
	natsAuth.RegisterAuth(fs, env.Getenv)
	fs.StringVar(&cfg.Listen, "listen", env.Getenv("WIREWATCH_LISTEN"), "let clients connect to the embedded server at `host:port`, e.g. 127.0.0.1:4222 (env WIREWATCH_LISTEN)")
	cfg.Sink.RegisterFlags(fs, env.Getenv)
	cfg.Sink.Stdout = env.Stdout
	fs.BoolVar(&cfg.Once, "once", false, "ingest the inputs, wait until everything is delivered, print a summary and exit")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Minute, "with --once, how long to wait for the pipeline")
	logLevel := fs.String("log-level", envOr(env.Getenv, "WIREWATCH_LOG_LEVEL", "warn"), "log level: debug, info, warn, error (env WIREWATCH_LOG_LEVEL)")
	jsonSummary := fs.Bool("json", false, "print the --once summary as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("run: unexpected arguments %q", fs.Args())
	}
	cfg.Inputs = in
	cfg.Feeds = feeds
	cfg.AllowHosts = allowHosts
	if natsAuth.Auth() {
		if cfg.NATSURL == "" {
			return errors.New("run: the NATS credential and TLS flags apply with --nats only")
		}
		natsAuth.NATSURL = cfg.NATSURL
		if err := natsAuth.Validate(); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		opts, err := natsAuth.NATSOptions()
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		cfg.NATSOptions = opts
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = fetcher.UserAgent(Version, *contact)
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	log, err := newLogger(*logLevel, env.Stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	if *httpAddr != "" {
		cfg.Ops = stage.NewOps()
		stop, err := cfg.Ops.Serve(*httpAddr, log)
		if err != nil {
			return fmt.Errorf("run: %w", err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = stop(sctx)
		}()
	}
	sum, err := pipeline.Run(ctx, cfg, log)
	if err != nil {
		return err
	}
	// Articles delivered to stdout are JSON Lines for a pipe: the summary
	// goes beside them, to stderr, not among them.
	w := env.Stdout
	for _, o := range cfg.Sink.Outputs {
		if o.Kind == sink.KindStdout {
			w = env.Stderr
		}
	}
	if *jsonSummary {
		return json.NewEncoder(w).Encode(sum)
	}
	fmt.Fprintln(w, sum)
	return nil
}

func extractVerb(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	maxBytes := fs.Int64("max-bytes", fetcher.DefaultMaxBytes, "largest file extracted, in bytes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("extract: no PATH given")
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	var failed int
	for _, path := range fs.Args() {
		now := time.Now()
		raw, err := fetcher.FileDocument(path, *maxBytes, now)
		if err == nil {
			var a any
			a, err = extractor.Extract(ctx, raw, extractor.Config{MaxBytes: int(*maxBytes)}, now)
			if err == nil {
				err = enc.Encode(a)
			}
		}
		if err != nil {
			failed++
			fmt.Fprintf(env.Stderr, "wirewatch: extracting %s: %v\n", path, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("extract: %d of %d files failed", failed, fs.NArg())
	}
	return nil
}

func newLogger(level string, w io.Writer) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	enc := zap.NewDevelopmentEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(w), lvl)
	return zap.New(core), nil
}
