// Command sink runs the wirewatch sink stage against a NATS server: it
// delivers clustered articles to JSONL files (the default), standard output,
// webhooks and downstream NATS subjects.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
)

func main() {
	var cfg sink.Config
	var envErrs []error
	stage.Main(stage.Service{
		Name:    "sink",
		Streams: []string{events.StreamClustered, events.StreamDLQ},
		Flags: func(fs *flag.FlagSet, getenv func(string) string) {
			fs.StringVar(&cfg.OutDir, "out", envOr(getenv, "WIREWATCH_OUT", "./out"), "output `directory` of the default JSONL output (env WIREWATCH_OUT)")
			fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name (env WIREWATCH_DURABLE)")
			conc, err := strconv.Atoi(envOr(getenv, "WIREWATCH_SINK_CONCURRENCY", strconv.Itoa(sink.DefaultConcurrency)))
			if err != nil {
				envErrs = append(envErrs, fmt.Errorf("WIREWATCH_SINK_CONCURRENCY: %w", err))
			}
			fs.IntVar(&cfg.Concurrency, "concurrency", conc, "articles handled at once; their JSONL writes share fsyncs (env WIREWATCH_SINK_CONCURRENCY)")
			ackWait, err := time.ParseDuration(envOr(getenv, "WIREWATCH_SINK_ACK_WAIT", events.DefaultAckWait.String()))
			if err != nil {
				envErrs = append(envErrs, fmt.Errorf("WIREWATCH_SINK_ACK_WAIT: %w", err))
			}
			fs.DurationVar(&cfg.AckWait, "ack-wait", ackWait, "how long articles held by a sink that died wait before redelivery (env WIREWATCH_SINK_ACK_WAIT)")
			cfg.RegisterFlags(fs, getenv)
		},
		Check: func(c stage.Common) error {
			cfg.StreamReplicas = c.Replicas
			return errors.Join(append(envErrs, cfg.Validate())...)
		},
		Run: func(ctx context.Context, env stage.Env) error {
			cfg.Ops = env.Ops
			svc, err := sink.New(env.JS, cfg, env.Log)
			if err != nil {
				return err
			}
			return svc.Run(ctx)
		},
	})
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
