package pipeline_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
)

// A run against a JetStream cluster with three replicas asked for keeps
// three copies of everything it creates: the pipeline's streams and every
// stage's bucket (fetcher state, deduper lease, sink ledger), so that no
// single server's loss loses any of it.
func TestRunOnAClusterReplicatesEverything(t *testing.T) {
	c := natstest.StartCluster(t, 3)
	sum := runOnce(t, pipeline.Config{Inputs: []string{seeds(t)}, OutDir: t.TempDir(), NATSURL: c.URLs(),
		Streams: events.StreamOptions{Replicas: 3}})
	if sum.Articles != 5 {
		t.Fatalf("summary = %+v, want 5 articles", sum)
	}
	nc, err := nats.Connect(c.URLs())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	streams := js.ListStreams(ctx)
	n := 0
	for info := range streams.Info() {
		n++
		if info.Config.Replicas != 3 {
			t.Errorf("%s has %d replicas, want 3", info.Config.Name, info.Config.Replicas)
		}
	}
	if err := streams.Err(); err != nil {
		t.Fatal(err)
	}
	if n < len(events.Streams(events.StreamOptions{}))+3 {
		t.Errorf("%d streams and buckets, want the pipeline's and three buckets at least", n)
	}
}
