package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/internal/recording"
)

// recordVerb captures a stream range to a recording file.
func recordVerb(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: wirewatch record --stream NAME [--subject S] [--from-seq N] [--to-seq N] [--since T] [--until T] --file FILE\n\n"+
			"Captures messages of a stream, with their headers, sequence and time, to FILE as JSON Lines.\n"+
			"Replay it with 'wirewatch replay --file FILE'.\n\n")
		fs.PrintDefaults()
	}
	url := natsFlag(fs, env)
	var r streamRange
	r.register(fs, time.Now)
	file := fs.String("file", "", "recording `file` to write (replaced if it exists)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	errs := r.check()
	if *file == "" {
		errs = append(errs, errors.New("--file is required"))
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	nc, js, err := connect(*url, "wirewatch-record")
	if err != nil {
		return err
	}
	defer nc.Close()
	w, err := recording.Create(*file)
	if err != nil {
		return err
	}
	var prog *progress
	_, err = r.read(ctx, js, func(total int) {
		prog = newProgress(env.Stderr, "record", "messages", total)
	}, func(rec recording.Record) error {
		if err := w.Write(rec); err != nil {
			return err
		}
		prog.add(1)
		return nil
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	fmt.Fprintf(env.Stderr, "recorded %d messages of %s into %s\n", w.Len(), r.stream, *file)
	return nil
}
