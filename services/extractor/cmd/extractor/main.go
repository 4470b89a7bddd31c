// Command extractor runs the wirewatch extractor stage against a NATS server.
package main

import (
	"context"
	"flag"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/extractor"
)

func main() {
	var cfg extractor.Config
	stage.Main(stage.Service{
		Name:    "extractor",
		Streams: []string{events.StreamRaw, events.StreamArticles, events.StreamDLQ},
		Flags: func(fs *flag.FlagSet, getenv func(string) string) {
			fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name shared by replicas (env WIREWATCH_DURABLE)")
			fs.IntVar(&cfg.Concurrency, "concurrency", 0, "documents extracted at once (default: number of CPUs)")
			fs.IntVar(&cfg.MaxBytes, "max-bytes", 0, "largest document extracted, in bytes (default 4 MiB)")
			fs.DurationVar(&cfg.Timeout, "timeout", 0, "work budget per document (default 2s)")
			fs.BoolVar(&cfg.Unordered, "unordered", false, "publish each article as soon as it is extracted, not in the order its document came")
		},
		Check: func(stage.Common) error { return cfg.Validate() },
		Run: func(ctx context.Context, env stage.Env) error {
			cfg.Ops = env.Ops
			svc, err := extractor.New(env.JS, cfg, env.Log)
			if err != nil {
				return err
			}
			return svc.Run(ctx)
		},
	})
}
