// Command sink runs the wirewatch sink stage against a NATS server.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "sink:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("sink", flag.ContinueOnError)
	var common stage.Common
	common.Register(fs, getenv)
	var cfg sink.Config
	fs.StringVar(&cfg.OutDir, "out", envOr(getenv, "WIREWATCH_OUT", "./out"), "output `directory` (env WIREWATCH_OUT)")
	fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name (env WIREWATCH_DURABLE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := common.Validate(); err != nil {
		return err
	}
	log, err := common.Logger()
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return stage.Serve(ctx, common, "wirewatch-sink", log, func(ctx context.Context, js jetstream.JetStream) error {
		svc, err := sink.New(js, cfg, log)
		if err != nil {
			return err
		}
		return svc.Run(ctx)
	})
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
