package sink_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
)

func clustered(path, text string) *events.ClusteredArticle {
	src := events.Source{Kind: events.SourceFile, Path: path}
	id := events.DocumentID(src)
	return &events.ClusteredArticle{
		Schema: events.SchemaClusteredArticle,
		Article: events.Article{Schema: events.SchemaArticle, ID: id, Source: src, Title: path, Language: "en",
			Text: text, ContentHash: events.TextHash(text)},
		Cluster: events.Assignment{ID: events.ClusterID(id), Relation: events.RelationNew, CanonicalID: id, Rule: "new", Version: 1},
	}
}

// publish stores a in the stream under its own message id, plus suffix, so
// a test can store the same event twice.
func publish(t *testing.T, js jetstream.JetStream, a *events.ClusteredArticle, suffix string) {
	t.Helper()
	m, err := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m.Header.Set(events.HeaderMsgID, m.Header.Get(events.HeaderMsgID)+suffix)
	if _, err := js.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}
}

func lines(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

func TestEventDeliveredTwiceIsWrittenOnce(t *testing.T) {
	_, _, js := natstest.Start(t)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	a, b := clustered("/in/a.txt", "first story text"), clustered("/in/b.txt", "second story text")
	publish(t, js, a, "")
	publish(t, js, a, "-again") // the same event, redelivered under another message id
	publish(t, js, b, "")
	m, _ := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), a, time.Now())
	m.Data = []byte(`{"schema":"wirewatch.clustered_article.v1","id":"x"}`)
	m.Header.Set(events.HeaderMsgID, "bad")
	if _, err := js.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}

	var delivered, written atomic.Int32
	s, err := sink.New(js, sink.Config{OutDir: out, OnDelivered: func(_ *events.ClusteredArticle, w bool) {
		delivered.Add(1)
		if w {
			written.Add(1)
		}
	}}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().Acked < 3 || s.Stats().DeadLettered < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v, want 3 acked and 1 dead-lettered", s.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := lines(t, out); len(got) != 2 {
		t.Errorf("lines = %d, want 2:\n%s", len(got), strings.Join(got, "\n"))
	}
	if delivered.Load() != 3 || written.Load() != 2 {
		t.Errorf("delivered %d, written %d; want 3, 2", delivered.Load(), written.Load())
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (sink.Config{}).Validate(); err == nil {
		t.Error("config without an output directory accepted")
	}
}
