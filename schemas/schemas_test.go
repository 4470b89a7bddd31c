// Package schemas_test checks the JSON Schema files of the wirewatch events
// against real events: the pipeline runs over the example articles (and a
// few inputs it must dead-letter), and every message it stores is validated
// against the schema its ce-type names.
package schemas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/events"
)

// schemaNames are the events every schema file describes, one file each.
var schemaNames = []string{
	events.SchemaRawDocument, events.SchemaArticle, events.SchemaClusteredArticle,
	events.SchemaClusterUpdate, events.SchemaDeadLetter, events.SchemaFeedHealth,
}

// compiled holds each schema twice: as published, and strict — every object
// with declared properties refusing any other — so that a field the
// pipeline sends but the schema does not document fails the test.
type compiled struct {
	loose, strict map[string]*jsonschema.Schema
}

func compile(t *testing.T) compiled {
	t.Helper()
	c := compiled{loose: map[string]*jsonschema.Schema{}, strict: map[string]*jsonschema.Schema{}}
	files, _ := filepath.Glob("wirewatch.*.v*.json")
	if len(files) != len(schemaNames) {
		t.Errorf("schema files %v, want one for each of %v", files, schemaNames)
	}
	for _, name := range schemaNames {
		b, err := os.ReadFile(name + ".json")
		if err != nil {
			t.Fatalf("schema of %s: %v", name, err)
		}
		for _, strict := range []bool{false, true} {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s.json: %v", name, err)
			}
			if strict {
				closeObjects(doc)
			}
			comp := jsonschema.NewCompiler()
			comp.AssertFormat()
			comp.AssertContent()
			url := "mem://" + name + ".json"
			if err := comp.AddResource(url, doc); err != nil {
				t.Fatalf("%s.json: %v", name, err)
			}
			sch, err := comp.Compile(url)
			if err != nil {
				t.Fatalf("compiling %s.json: %v", name, err)
			}
			if strict {
				c.strict[name] = sch
			} else {
				c.loose[name] = sch
			}
		}
	}
	return c
}

// closeObjects forbids undeclared properties in every object schema that
// declares some.
func closeObjects(v any) {
	switch n := v.(type) {
	case map[string]any:
		if _, ok := n["properties"]; ok {
			if _, set := n["additionalProperties"]; !set {
				n["additionalProperties"] = false
			}
		}
		for _, c := range n {
			closeObjects(c)
		}
	case []any:
		for _, c := range n {
			closeObjects(c)
		}
	}
}

func (c compiled) validate(name string, data []byte) error {
	sch, ok := c.loose[name]
	if !ok {
		return errors.New("no schema for " + name)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if err := sch.Validate(v); err != nil {
		return err
	}
	if err := c.strict[name].Validate(v); err != nil {
		return errors.New("a field is missing from the schema: " + err.Error())
	}
	return nil
}

// runPipeline runs the pipeline once over the example articles and inputs
// that are dead-lettered, against a server it returns still running.
func runPipeline(t *testing.T) jetstream.JetStream {
	t.Helper()
	srv, err := embedded.Start(embedded.Options{StoreDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "empty.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(bad, "blank.html"), []byte("<html><body><nav>menu</nav></body></html>"), 0o644)
	examples, _ := filepath.Abs(filepath.Join("..", "examples", "articles"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{examples, bad}, OutDir: t.TempDir(), NATSURL: srv.ClientURL(),
		Once: true, Timeout: time.Minute}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles == 0 || sum.DeadLetters == 0 {
		t.Fatalf("summary %+v: want articles and dead letters", sum)
	}
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestSchemasDescribeRealEvents(t *testing.T) {
	c := compile(t)
	js := runPipeline(t)
	ctx := context.Background()
	seen := map[string]int{}
	for _, cfg := range events.Streams(events.StreamOptions{}) {
		s, err := js.Stream(ctx, cfg.Name)
		if err != nil {
			t.Fatal(err)
		}
		st := s.CachedInfo().State
		for seq := st.FirstSeq; seq <= st.LastSeq && st.Msgs > 0; seq++ {
			m, err := s.GetMsg(ctx, seq)
			if err != nil {
				t.Fatal(err)
			}
			name := m.Header.Get(events.HeaderCEType)
			seen[name]++
			if err := c.validate(name, m.Data); err != nil {
				t.Errorf("%s seq %d (%s): %v", cfg.Name, seq, name, err)
			}
		}
	}
	for _, name := range []string{events.SchemaRawDocument, events.SchemaArticle, events.SchemaClusteredArticle,
		events.SchemaClusterUpdate, events.SchemaDeadLetter} {
		if seen[name] == 0 {
			t.Errorf("the pipeline produced no %s to check", name)
		}
	}
	t.Logf("validated %v", seen)
}

// TestFeedHealthSchema checks the feed health schema against an encoded
// report, since a run over files polls no feed.
func TestFeedHealthSchema(t *testing.T) {
	c := compile(t)
	url := "https://news.example/feed.xml"
	ok := time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	h := &events.FeedHealth{Schema: events.SchemaFeedHealth, ID: events.FeedID(url), FeedURL: url, Title: "Example news",
		Polls: 4, NotModified: 2, Errors: 1, NotModifiedRatio: 0.5, ErrorStreak: 1, LastError: "timeout", LastStatus: 503,
		Items: 12, ItemsPerDay: 3.5, LastSuccess: &ok, LastAttempt: ok.Add(time.Hour), NextPoll: ok.Add(2 * time.Hour)}
	m, err := events.Encode(events.StageFetcher, events.FeedHealthSubject(h.ID), h, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.validate(events.SchemaFeedHealth, m.Data); err != nil {
		t.Error(err)
	}
}

// TestSchemasRejectBrokenEvents makes sure the schemas are not vacuous.
func TestSchemasRejectBrokenEvents(t *testing.T) {
	c := compile(t)
	text := "Dock workers went on strike."
	src := events.Source{Kind: events.SourceFile, Path: "/in/a.txt"}
	id := events.DocumentID(src)
	good := events.ClusteredArticle{Schema: events.SchemaClusteredArticle,
		Article: events.Article{ID: id, Source: src, Title: "Strike", Language: "en", Text: text, ContentHash: events.TextHash(text),
			FetchedAt: time.Now(), ExtractedAt: time.Now()},
		Cluster: events.Assignment{ID: events.ClusterID(id), Relation: events.RelationNew, CanonicalID: id, Rule: "new", Version: 1}}
	encode := func(a events.ClusteredArticle) []byte {
		b, err := json.Marshal(&a)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := c.validate(events.SchemaClusteredArticle, encode(good)); err != nil {
		t.Fatalf("a good article: %v", err)
	}
	tests := []struct {
		name   string
		break_ func(a *events.ClusteredArticle)
		want   string
	}{
		{"unknown relation", func(a *events.ClusteredArticle) { a.Cluster.Relation = "copy" }, "relation"},
		{"no source location", func(a *events.ClusteredArticle) { a.Source.Path = "" }, "source"},
		{"short id", func(a *events.ClusteredArticle) { a.ID = "abc" }, "id"},
		{"other schema", func(a *events.ClusteredArticle) { a.Schema = events.SchemaArticle }, "schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good
			tt.break_(&a)
			err := c.validate(events.SchemaClusteredArticle, encode(a))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validate = %v, want an error about %s", err, tt.want)
			}
		})
	}
	extra := bytes.Replace(encode(good), []byte(`"title"`), []byte(`"colour":"red","title"`), 1)
	if err := c.validate(events.SchemaClusteredArticle, extra); err == nil || !strings.Contains(err.Error(), "missing from the schema") {
		t.Errorf("an undocumented field: %v, want the strict schema to refuse it", err)
	}
}
