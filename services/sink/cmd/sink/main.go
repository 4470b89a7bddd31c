// Command sink runs the wirewatch sink stage against a NATS server: it
// delivers clustered articles to JSONL files (the default), standard output,
// webhooks and downstream NATS subjects.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sink:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("sink", flag.ContinueOnError)
	var common stage.Common
	common.Register(fs, getenv)
	var cfg sink.Config
	fs.StringVar(&cfg.OutDir, "out", envOr(getenv, "WIREWATCH_OUT", "./out"), "output `directory` of the default JSONL output (env WIREWATCH_OUT)")
	fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name (env WIREWATCH_DURABLE)")
	conc, err := strconv.Atoi(envOr(getenv, "WIREWATCH_SINK_CONCURRENCY", strconv.Itoa(sink.DefaultConcurrency)))
	if err != nil {
		return fmt.Errorf("WIREWATCH_SINK_CONCURRENCY: %w", err)
	}
	fs.IntVar(&cfg.Concurrency, "concurrency", conc, "articles handled at once; their JSONL writes share fsyncs (env WIREWATCH_SINK_CONCURRENCY)")
	ackWait, err := time.ParseDuration(envOr(getenv, "WIREWATCH_SINK_ACK_WAIT", events.DefaultAckWait.String()))
	if err != nil {
		return fmt.Errorf("WIREWATCH_SINK_ACK_WAIT: %w", err)
	}
	fs.DurationVar(&cfg.AckWait, "ack-wait", ackWait, "how long articles held by a sink that died wait before redelivery (env WIREWATCH_SINK_ACK_WAIT)")
	cfg.RegisterFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := errors.Join(common.Validate(), cfg.Validate()); err != nil {
		return err
	}
	cfg.StreamReplicas = common.Replicas
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
