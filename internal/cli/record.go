package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
	natsOpts := natsFlags(fs, env)
	var r streamRange
	r.register(fs, time.Now)
	file := fs.String("file", "", "recording `file` to write (an existing one is replaced once the recording is complete)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("record: unexpected arguments %q (every option is a flag)", fs.Args())
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
	nc, js, err := connect(natsOpts, "wirewatch-record")
	if err != nil {
		return err
	}
	defer nc.Close()
	w, commit, err := createRecording(*file)
	if err != nil {
		return fmt.Errorf("record: %w", err)
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
	if err = commit(err); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	fmt.Fprintf(env.Stderr, "recorded %d messages of %s into %s\n", w.Len(), r.stream, *file)
	return nil
}

// createRecording opens a recording to write into path. A regular file (or
// none yet) is written beside path and takes its place only when commit is
// given no error: a record that fails or is interrupted leaves what was
// there as it was. Anything else (a pipe, /dev/stdout) is written into.
// commit returns err, or the error of putting the recording in place.
func createRecording(path string) (w *recording.Writer, commit func(err error) error, err error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		w, err := recording.Create(path)
		return w, func(err error) error { return err }, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return nil, nil, fmt.Errorf("creating %s: %w", path, err)
	}
	_ = tmp.Close()
	// As readable as a file os.Create makes; CreateTemp's is private.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		_ = os.Remove(tmp.Name())
		return nil, nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if w, err = recording.Create(tmp.Name()); err != nil {
		_ = os.Remove(tmp.Name())
		return nil, nil, err
	}
	return w, func(err error) error {
		if err == nil {
			if err = os.Rename(tmp.Name(), path); err == nil {
				return nil
			}
			err = fmt.Errorf("replacing %s: %w", path, err)
		}
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("%w (%s left as it was)", err, path)
	}, nil
}
