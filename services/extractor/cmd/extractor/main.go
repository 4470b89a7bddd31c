// Command extractor runs the wirewatch extractor stage against a NATS server.
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
	"github.com/wirewatch/wirewatch/services/extractor"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "extractor:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("extractor", flag.ContinueOnError)
	var common stage.Common
	common.Register(fs, getenv)
	var cfg extractor.Config
	fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name shared by replicas (env WIREWATCH_DURABLE)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 0, "documents extracted at once (default: number of CPUs)")
	fs.IntVar(&cfg.MaxBytes, "max-bytes", 0, "largest document extracted, in bytes (default 4 MiB)")
	fs.DurationVar(&cfg.Timeout, "timeout", 0, "work budget per document (default 2s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
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
	return stage.Serve(ctx, common, "wirewatch-extractor", log, func(ctx context.Context, js jetstream.JetStream) error {
		svc, err := extractor.New(js, cfg, log)
		if err != nil {
			return err
		}
		return svc.Run(ctx)
	})
}
