// Command deduper runs the wirewatch deduper stage against a NATS server.
package main

import (
	"context"
	"errors"
	"flag"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

func main() {
	var cfg deduper.Config
	stage.Main(stage.Service{
		Name:    "deduper",
		Streams: []string{events.StreamArticles, events.StreamClustered, events.StreamClusters, events.StreamDLQ},
		Flags: func(fs *flag.FlagSet, getenv func(string) string) {
			fs.StringVar(&cfg.Durable, "durable", getenv("WIREWATCH_DURABLE"), "consumer name shared by replicas (env WIREWATCH_DURABLE)")
			fs.IntVar(&cfg.MaxHamming, "max-hamming", 3, "largest SimHash distance of a near duplicate")
			fs.DurationVar(&cfg.Window, "window", 72*time.Hour, "how long after it arrived an article can still be matched")
			fs.DurationVar(&cfg.Apart, "apart", 14*24*time.Hour, "how far apart in publication time an article and a story's dated members may be")
			fs.IntVar(&cfg.LinkRecent, "link-recent", 50_000, "how many of the latest articles keep the stories they joined comparable member by member (memory: ~0.3 KB a member, up to 32 a story)")
			fs.IntVar(&cfg.SplitMembers, "split-members", 32, "the most members a story may have and still be divided when some of them tell another story (-1: never; the same on every replica)")
			fs.Float64Var(&cfg.LinkThreshold, "link-threshold", deduper.DefaultLinkThreshold, "mean pair score of two stories' first members from which they merge (higher: fewer merges and moves; the same on every replica)")
			fs.Float64Var(&cfg.SplitThreshold, "split-threshold", deduper.DefaultSplitThreshold, "mean pair score across two groups of a story's members under which they divide (lower: fewer splits and moves; the same on every replica)")
		},
		Check: func(c stage.Common) error {
			cfg.StreamReplicas = c.Replicas
			// Config takes 0 for the default; a flag set to 0 asks for
			// something else (link anything, divide nothing).
			if cfg.LinkThreshold == 0 || cfg.SplitThreshold == 0 {
				return errors.New("deduper: --link-threshold and --split-threshold must be above 0")
			}
			return cfg.Validate()
		},
		Run: func(ctx context.Context, env stage.Env) error {
			cfg.Ops = env.Ops
			svc, err := deduper.New(env.JS, cfg, env.Log)
			if err != nil {
				return err
			}
			return svc.Run(ctx)
		},
	})
}
