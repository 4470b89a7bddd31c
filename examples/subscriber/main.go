// Command subscriber is an example of a system that subscribes to
// wirewatch's clusters: it reads the current state of every cluster from
// news.cluster.> (the last message of each subject, DeliverLastPerSubject),
// then follows new states live, keeps a materialised view of the clusters —
// merged clusters removed, their ids resolved to the cluster they joined —
// and prints each change.
//
//	go run . --nats nats://127.0.0.1:4222
//
// Point it at `wirewatch run --listen 127.0.0.1:4222` or any NATS server the
// services use. See docs/subscribing.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func main() {
	url := flag.String("nats", envOr("WIREWATCH_NATS_URL", "nats://127.0.0.1:4222"), "NATS server `url` (env WIREWATCH_NATS_URL)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *url, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "subscriber:", err)
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// run follows the clusters until ctx ends, then prints the view.
func run(ctx context.Context, url string, out io.Writer) error {
	nc, err := nats.Connect(url, nats.Name("wirewatch-example-subscriber"), nats.Timeout(5*time.Second))
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("creating jetstream context: %w", err)
	}
	view := NewView()
	var mu sync.Mutex
	err = Follow(ctx, js, func(u *events.ClusterUpdate) {
		mu.Lock()
		defer mu.Unlock()
		if c := view.Apply(u); c != Ignored {
			fmt.Fprintln(out, describe(c, u))
		}
	})
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(out, "\n%d live clusters:\n", view.Len())
	for _, u := range view.Clusters() {
		fmt.Fprintf(out, "  %s v%d %d members  %s\n", u.ID, u.Version, len(u.Members), u.Title)
	}
	return err
}

// Follow calls apply with the current state of every cluster, then with
// every new state, until ctx ends. apply is called from one goroutine at a
// time, in stream order.
func Follow(ctx context.Context, js jetstream.JetStream, apply func(*events.ClusterUpdate)) error {
	c, err := js.OrderedConsumer(ctx, events.StreamClusters, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.SubjectClusterPrefix + ">"},
		// The last message of each subject is its cluster's current state:
		// start from those, then follow.
		DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy,
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", events.StreamClusters, err)
	}
	cc, err := c.Consume(func(m jetstream.Msg) {
		var u events.ClusterUpdate
		if err := events.DecodeMsg(m.Headers(), m.Data(), &u); err != nil {
			// A state this reader cannot use, e.g. a future major version
			// (a new ce-type) it does not know: skip it.
			return
		}
		apply(&u)
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", events.StreamClusters, err)
	}
	<-ctx.Done()
	cc.Stop()
	if errors.Is(ctx.Err(), context.Canceled) {
		return nil
	}
	return ctx.Err()
}

func describe(c Change, u *events.ClusterUpdate) string {
	if c == Merged {
		return fmt.Sprintf("%-7s %s → %s", c, u.ID, u.MergedInto)
	}
	rel := map[events.Relation]int{}
	for _, m := range u.Members {
		rel[m.Relation]++
	}
	var parts []string
	for _, r := range []events.Relation{events.RelationNew, events.RelationDuplicate, events.RelationNearDuplicate, events.RelationRewrite} {
		if rel[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", rel[r], r))
		}
	}
	return fmt.Sprintf("%-7s %s v%d %q: %s", c, u.ID, u.Version, u.Title, strings.Join(parts, ", "))
}
