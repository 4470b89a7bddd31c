package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/internal/recording"
)

// replayTarget is where a replay delivers.
type replayTarget struct {
	kind string // stdout, jsonl or pipeline
	dir  string
}

func parseReplayTarget(s string) (replayTarget, error) {
	kind, dir, _ := strings.Cut(s, ":")
	t := replayTarget{kind: kind, dir: dir}
	switch {
	case kind == "stdout" && dir == "":
	case (kind == "jsonl" || kind == "pipeline") && dir != "":
	default:
		return t, fmt.Errorf("--to %q is not stdout, jsonl:DIR or pipeline:DIR", s)
	}
	return t, nil
}

// replayVerb re-delivers a stream range or a recording.
func replayVerb(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: wirewatch replay (--stream NAME [--subject S] [--from-seq N] [--to-seq N] [--since T] [--until T] | --file FILE)\n"+
			"                        [--to stdout | --to jsonl:DIR | --to pipeline:DIR [--data DIR]]\n\n"+
			"Re-delivers messages of a stream, or of a recording made by 'wirewatch record':\n"+
			"  stdout        each payload as a JSON line (the default)\n"+
			"  jsonl:DIR     each payload as a JSON line in a new file in DIR\n"+
			"  pipeline:DIR  back through the stages after the stream (NEWS_RAW: extract, cluster, deliver;\n"+
			"                NEWS_ARTICLES: cluster, deliver; NEWS_CLUSTERED: deliver), on a fresh embedded\n"+
			"                server of its own, into JSONL files in DIR: the originals are not touched.\n\n")
		fs.PrintDefaults()
	}
	natsOpts := natsFlags(fs, env)
	var r streamRange
	r.register(fs, time.Now)
	file := fs.String("file", "", "replay the recording `file` instead of a stream")
	to := fs.String("to", "stdout", "`target`: stdout, jsonl:DIR or pipeline:DIR")
	data := fs.String("data", "", "with pipeline:DIR, the `directory` of the replay's server store (default: a temporary one)")
	timeout := fs.Duration("timeout", 10*time.Minute, "with pipeline:DIR, how long to wait for the replay to come through")
	logLevel := fs.String("log-level", envOr(env.Getenv, "WIREWATCH_LOG_LEVEL", "warn"), "log level of the replay's stages (env WIREWATCH_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("replay: unexpected arguments %q (every option is a flag)", fs.Args())
	}
	var errs []error
	target, err := parseReplayTarget(*to)
	if err != nil {
		errs = append(errs, err)
	}
	rangeGiven := r.subject != "" || r.fromSeq > 0 || r.toSeq > 0 || !r.since.IsZero() || !r.until.IsZero() || r.limit > 0
	switch {
	case *file != "" && r.stream != "":
		errs = append(errs, errors.New("give --file or --stream, not both"))
	case *file != "" && rangeGiven:
		errs = append(errs, errors.New("--subject, --from-seq, --to-seq, --since, --until and --limit select from a --stream, not a --file"))
	case *file == "":
		errs = append(errs, r.check()...)
	}
	if *data != "" && target.kind != "pipeline" {
		errs = append(errs, errors.New("--data applies to --to pipeline:DIR only"))
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("replay: %w", err)
	}

	// src feeds the messages to replay; start is called first with their
	// (estimated) number.
	var src func(ctx context.Context, start func(int), fn func(recording.Record) error) error
	stream := r.stream
	if *file != "" {
		total, err := recording.Count(*file)
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		if err := recording.ReadFile(*file, func(rec recording.Record) error {
			if stream == "" {
				stream = rec.Stream
			}
			if rec.Stream != stream {
				return fmt.Errorf("replay: %s mixes streams %s and %s", *file, stream, rec.Stream)
			}
			return nil
		}); err != nil {
			return err
		}
		src = func(_ context.Context, start func(int), fn func(recording.Record) error) error {
			start(total)
			return recording.ReadFile(*file, fn)
		}
	} else {
		nc, js, err := connect(natsOpts, "wirewatch-replay")
		if err != nil {
			return err
		}
		defer nc.Close()
		src = func(ctx context.Context, start func(int), fn func(recording.Record) error) error {
			_, err := r.read(ctx, js, start, fn)
			return err
		}
	}

	switch target.kind {
	case "pipeline":
		return replayThroughPipeline(ctx, env, stream, target.dir, *data, *timeout, *logLevel, src)
	default:
		return replayPayloads(ctx, env, stream, target, src)
	}
}

// replayPayloads writes each payload as a line to stdout or a new JSONL file.
func replayPayloads(ctx context.Context, env Env, stream string, target replayTarget,
	src func(context.Context, func(int), func(recording.Record) error) error) error {
	out := bufio.NewWriterSize(env.Stdout, 1<<16)
	var f *os.File
	if target.kind == "jsonl" {
		if err := os.MkdirAll(target.dir, 0o755); err != nil {
			return fmt.Errorf("replay: creating %s: %w", target.dir, err)
		}
		var err error
		if f, err = newReplayFile(target.dir, stream, time.Now()); err != nil {
			return err
		}
		defer f.Close()
		out = bufio.NewWriterSize(f, 1<<16)
	}
	var prog *progress
	err := src(ctx, func(total int) {
		prog = newProgress(env.Stderr, "replay", "messages", total)
	}, func(rec recording.Record) error {
		if err := writeLine(out, rec.Payload()); err != nil {
			return err
		}
		prog.add(1)
		return ctx.Err()
	})
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing: %w", ferr)
	}
	if f != nil && err == nil {
		if err = f.Sync(); err == nil {
			fmt.Fprintf(env.Stderr, "replayed into %s\n", f.Name())
		}
	}
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	return nil
}

// newReplayFile creates a new file for a replay of stream in dir, named by
// the stream and the time, with a number after it when a replay in the same
// second took the name.
func newReplayFile(dir, stream string, now time.Time) (*os.File, error) {
	base := fmt.Sprintf("replay-%s-%s", strings.ToLower(stream), now.UTC().Format("20060102T150405"))
	for i := 1; ; i++ {
		name := filepath.Join(dir, base+".jsonl")
		if i > 1 {
			name = filepath.Join(dir, fmt.Sprintf("%s-%d.jsonl", base, i))
		}
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, fs.ErrExist) && i < 1000 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("replay: creating %s: %w", name, err)
		}
		return f, nil
	}
}

// replayThroughPipeline runs the messages through the stages after their
// stream on a fresh embedded server.
func replayThroughPipeline(ctx context.Context, env Env, stream, outDir, dataDir string, timeout time.Duration, logLevel string,
	src func(context.Context, func(int), func(recording.Record) error) error) error {
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "wirewatch-replay-")
		if err != nil {
			return fmt.Errorf("replay: creating a data directory: %w", err)
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	} else if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return fmt.Errorf("replay: data directory %s is not empty: a replay needs a fresh store", dataDir)
	}
	log, err := newLogger(logLevel, env.Stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	var prog atomic.Pointer[progress]
	cfg := pipeline.ReplayConfig{
		Stream: stream, OutDir: outDir, DataDir: dataDir, Timeout: timeout,
		Progress: func(done int) {
			if p := prog.Load(); p != nil {
				p.set(done)
			}
		},
	}
	sum, err := pipeline.Replay(ctx, cfg, func(ctx context.Context, publish func(recording.Record) error) error {
		return src(ctx, func(total int) {
			prog.Store(newProgress(env.Stderr, "replay", "documents", total))
		}, publish)
	}, log)
	if p := prog.Load(); p != nil {
		p.finish()
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, sum)
	return nil
}
