// Command deduper runs the wirewatch deduper stage against a NATS server.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "deduper:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("deduper", flag.ContinueOnError)
	var common stage.Common
	common.Register(fs, getenv)
	var cfg deduper.Config
	fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name shared by replicas (env WIREWATCH_DURABLE)")
	fs.IntVar(&cfg.MaxHamming, "max-hamming", 3, "largest SimHash distance of a near duplicate")
	fs.DurationVar(&cfg.Window, "window", 72*time.Hour, "how long, in publication time, an article can still be matched")
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
	return stage.Serve(ctx, common, "wirewatch-deduper", log, func(ctx context.Context, js jetstream.JetStream) error {
		svc, err := deduper.New(js, cfg, log)
		if err != nil {
			return err
		}
		return svc.Run(ctx)
	})
}
