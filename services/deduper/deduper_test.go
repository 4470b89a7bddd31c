package deduper_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/deduper"
)

const story = `Dock workers at the port of Halden walked off the job on Monday for 72 hours after talks with
terminal operators over pay and shift patterns broke down overnight. About 2,300 workers joined the stoppage,
the union said, leaving at least 41 container ships waiting at anchor outside the breakwater by midday. The
union is asking for a 9 percent pay rise over two years and an end to twelve-hour night shifts.`

func article(path, text string) *events.Article {
	src := events.Source{Kind: events.SourceFile, Path: path}
	return &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: path,
		Language: "en", Text: text, ContentHash: events.TextHash(text)}
}

// withThreeArticles starts a server with the streams and publishes the wire
// story, a copy of it in capitals and an unrelated article for the deduper.
func withThreeArticles(t *testing.T) (context.Context, jetstream.JetStream) {
	t.Helper()
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*events.Article{
		article("/in/wire.txt", story),
		article("/in/copy.txt", strings.ToUpper(story)),
		article("/in/other.txt", "The Kessby library reopened on Saturday two years after a flood closed it."),
	} {
		m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return ctx, js
}

func TestClustersArticlesAndPublishesState(t *testing.T) {
	ctx, js := withThreeArticles(t)
	d, err := deduper.New(js, deduper.Config{}, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(rctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for d.Stats().Acked < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v, want 3 acked", d.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	var got []events.ClusteredArticle
	c, _ := js.OrderedConsumer(ctx, events.StreamClustered, jetstream.OrderedConsumerConfig{})
	batch, _ := c.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
	for m := range batch.Messages() {
		var ca events.ClusteredArticle
		if err := events.DecodeMsg(m.Headers(), m.Data(), &ca); err != nil {
			t.Fatal(err)
		}
		got = append(got, ca)
	}
	if len(got) != 3 {
		t.Fatalf("clustered articles = %d, want 3", len(got))
	}
	if got[1].Cluster.ID != got[0].Cluster.ID || got[1].Cluster.Relation != events.RelationDuplicate || got[1].Cluster.MatchedID != got[0].ID {
		t.Errorf("copy: %+v, want a duplicate of %s in cluster %s", got[1].Cluster, got[0].ID, got[0].Cluster.ID)
	}
	if got[2].Cluster.ID == got[0].Cluster.ID || got[2].Cluster.Relation != events.RelationNew {
		t.Errorf("other story: %+v, want a new cluster", got[2].Cluster)
	}

	// The cluster subject's last message is the cluster's current state.
	s, _ := js.Stream(ctx, events.StreamClusters)
	last, err := s.GetLastMsgForSubject(ctx, events.ClusterSubject(got[0].Cluster.ID))
	if err != nil {
		t.Fatal(err)
	}
	var u events.ClusterUpdate
	if err := events.Decode(last.Data, &u); err != nil {
		t.Fatal(err)
	}
	if u.Version != 2 || len(u.Members) != 2 || u.CanonicalID == "" {
		t.Errorf("cluster state v%d with %d members (canonical %q), want v2 with 2", u.Version, len(u.Members), u.CanonicalID)
	}
}
