// Command fetcher runs the wirewatch fetcher stage against a NATS server.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "fetcher:", err)
		os.Exit(1)
	}
}

// inputs is a repeatable --input flag.
type inputs []string

func (i *inputs) String() string     { return strings.Join(*i, string(filepath.ListSeparator)) }
func (i *inputs) Set(v string) error { *i = append(*i, v); return nil }

func run(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("fetcher", flag.ContinueOnError)
	var common stage.Common
	common.Register(fs, getenv)
	var cfg fetcher.Config
	var in inputs
	if v := getenv("WIREWATCH_INPUTS"); v != "" {
		in = filepath.SplitList(v)
	}
	fs.Var(&in, "input", "input `directory`, repeatable (env WIREWATCH_INPUTS, a path list)")
	fs.BoolVar(&cfg.Watch, "watch", getenv("WIREWATCH_WATCH") == "true", "keep watching the inputs for new and changed files (env WIREWATCH_WATCH=true)")
	fs.DurationVar(&cfg.PollInterval, "poll-interval", 0, "how often watched inputs are scanned (default 2s)")
	fs.Int64Var(&cfg.MaxBytes, "max-bytes", fetcher.DefaultMaxBytes, "largest document published, in bytes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Inputs = in
	if err := common.Validate(); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log, err := common.Logger()
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return stage.Serve(ctx, common, "wirewatch-fetcher", log, func(ctx context.Context, js jetstream.JetStream) error {
		svc, err := fetcher.New(js, cfg, log)
		if err != nil {
			return err
		}
		return svc.Run(ctx)
	})
}
