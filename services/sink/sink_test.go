package sink_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

// article is the i-th of a set of distinct articles.
func article(i int, lang string, rel events.Relation) *events.ClusteredArticle {
	a := clustered(fmt.Sprintf("/in/%03d.txt", i), fmt.Sprintf("Story number %d, told in words of its own.", i))
	a.Language = lang
	a.Cluster.Relation = rel
	return a
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

// lines returns the complete lines of the JSONL files in dir; a last line
// still being written is not one yet.
func lines(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var out []string
	for _, n := range names {
		if st, err := os.Stat(n); err == nil && st.IsDir() {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.LastIndexByte(string(b), '\n'); i >= 0 {
			b = b[:i]
		} else {
			b = nil
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// withStreams starts a NATS server holding the pipeline's streams and
// returns a JetStream context on it.
func withStreams(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, _, js := natstest.Start(t)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return js
}

// newSink builds a sink over js that logs errors only.
func newSink(t *testing.T, js jetstream.JetStream, cfg sink.Config) *sink.Service {
	t.Helper()
	s, err := sink.New(js, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runSink runs s until the test ends, and fails the test if Run does.
func runSink(t *testing.T, s *sink.Service) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	})
}

// runUntil runs s until its stats satisfy done, failing the test with want
// if they do not within timeout, then stops it and returns what Run did.
func runUntil(t *testing.T, s *sink.Service, timeout time.Duration, want string, done func(stage.Stats) bool) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	stop := func() error {
		cancel()
		return <-ran
	}
	deadline := time.Now().Add(timeout)
	for st := s.Stats(); !done(st); st = s.Stats() {
		if time.Now().After(deadline) {
			_ = stop()
			t.Fatalf("stats %+v, want %s", st, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return stop()
}

func TestEventDeliveredTwiceIsWrittenOnce(t *testing.T) {
	js := withStreams(t)
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
	s := newSink(t, js, sink.Config{OutDir: out, OnDelivered: func(_ *events.ClusteredArticle, w bool) {
		delivered.Add(1)
		if w {
			written.Add(1)
		}
	}})
	if err := runUntil(t, s, 10*time.Second, "3 acked and 1 dead-lettered", func(st stage.Stats) bool {
		return st.Acked >= 3 && st.DeadLettered >= 1
	}); err != nil {
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
	tests := []struct {
		name string
		cfg  sink.Config
		want []string // every problem reported
	}{
		{"no output directory", sink.Config{}, []string{"output directory is empty"}},
		{"default output", sink.Config{OutDir: "out"}, nil},
		{"every kind", sink.Config{Outputs: []sink.OutputSpec{
			{Kind: "jsonl", Target: "a"}, {Kind: "stdout", Filter: "relation=new"},
			{Kind: "webhook", Target: "https://example.org/hook"}, {Kind: "nats", Target: "downstream.news"},
		}}, nil},
		{"bad outputs", sink.Config{OutDir: "out", Outputs: []sink.OutputSpec{
			{Kind: "kafka", Target: "x"}, {Kind: "webhook", Target: "ftp://x"}, {Kind: "nats", Target: "news.clustered.en"},
			{Kind: "stdout", Filter: "relation=copy"}, {Kind: "jsonl", Target: "out"}, {Kind: "jsonl"},
		}}, []string{`unknown kind "kafka"`, `not an http(s) URL`, `news.> belongs to the pipeline`, `relation "copy"`,
			"two jsonl outputs write to out"}},
		{"jsonl without a directory", sink.Config{Outputs: []sink.OutputSpec{{Kind: "jsonl"}}}, []string{"no directory"}},
		{"twice", sink.Config{Outputs: []sink.OutputSpec{{Kind: "stdout"}, {Kind: "stdout", Filter: "lang=en"}}}, []string{"given twice"}},
		{"a webhook's secrets stay out", sink.Config{Outputs: []sink.OutputSpec{
			{Kind: "webhook", Target: "https://user:pa55word@example.org/hook?token=t0ken", Filter: "relation=copy"},
		}}, []string{`"webhook:https://example.org/hook"`, `relation "copy"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 && err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
			if len(tt.want) > 0 && err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v\nwant it to contain %q", err, w)
				}
			}
			if err != nil && (strings.Contains(err.Error(), "pa55word") || strings.Contains(err.Error(), "t0ken")) {
				t.Errorf("Validate() = %v: a URL's secrets in an error", err)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	parse := func(env map[string]string, args ...string) (sink.Config, error) {
		fs := flag.NewFlagSet("sink", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var c sink.Config
		c.RegisterFlags(fs, func(k string) string { return env[k] })
		err := fs.Parse(args)
		return c, err
	}
	c, err := parse(nil, "--output", "jsonl:out", "--filter", "lang=en", "--filter", "relation!=duplicate",
		"--output", "webhook:http://127.0.0.1:9/h", "--output", "stdout|relation=new", "--rotate-size", "64MiB")
	if err != nil {
		t.Fatal(err)
	}
	want := []sink.OutputSpec{
		{Kind: "jsonl", Target: "out", Filter: "lang=en,relation!=duplicate"},
		{Kind: "webhook", Target: "http://127.0.0.1:9/h"},
		{Kind: "stdout", Filter: "relation=new"},
	}
	if fmt.Sprint(c.Outputs) != fmt.Sprint(want) || c.RotateBytes != 64<<20 {
		t.Errorf("outputs %v, rotate %d; want %v, %d", c.Outputs, c.RotateBytes, want, 64<<20)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}

	env := map[string]string{"WIREWATCH_OUTPUTS": "stdout|lang=en nats:downstream.x", "WIREWATCH_WEBHOOK_SECRET": "k"}
	if c, _ = parse(env); len(c.Outputs) != 2 || c.Outputs[0].Filter != "lang=en" || c.Webhook.Secret != "k" {
		t.Errorf("from the environment: %+v", c)
	}
	if c, _ = parse(env, "--output", "jsonl:x"); len(c.Outputs) != 1 || c.Outputs[0].Kind != "jsonl" {
		t.Errorf("--output did not replace the environment's outputs: %v", c.Outputs)
	}
	if _, err := parse(nil, "--filter", "lang=en"); err == nil || !strings.Contains(err.Error(), "must follow the --output") {
		t.Errorf("--filter before any --output: %v", err)
	}
	if c, _ = parse(map[string]string{"WIREWATCH_ROTATE_SIZE": "lots"}); c.Validate() == nil {
		t.Error("a malformed WIREWATCH_ROTATE_SIZE passed validation")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "100": 100, "1KB": 1000, "1KiB": 1024, "2M": 2 << 20, "1.5GiB": 3 << 29, "64 MB": 64e6} {
		if got, err := sink.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "10 parsecs"} {
		if _, err := sink.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

// TestSeveralOutputsWithTheirOwnFilters delivers to a JSONL directory and a
// webhook that fails at first: the webhook's retries write nothing twice to
// the files, and each output gets what its filter selects.
func TestSeveralOutputsWithTheirOwnFilters(t *testing.T) {
	js := withStreams(t)
	var requests, accepted atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) <= 4 {
			http.Error(w, "starting up", http.StatusServiceUnavailable)
			return
		}
		accepted.Add(1)
	}))
	defer srv.Close()
	all := []*events.ClusteredArticle{
		article(1, "en", events.RelationNew), article(2, "en", events.RelationDuplicate), article(3, "de", events.RelationRewrite),
	}
	for _, a := range all {
		publish(t, js, a, "")
	}
	dir := t.TempDir()
	s := newSink(t, js, sink.Config{
		Outputs: []sink.OutputSpec{
			{Kind: sink.KindJSONL, Target: dir},
			{Kind: sink.KindWebhook, Target: srv.URL, Filter: "relation!=duplicate"},
		},
		Webhook: sink.WebhookConfig{Attempts: 1},
		Backoff: stage.Backoff{Base: 10 * time.Millisecond, Max: 50 * time.Millisecond},
	})
	if err := runUntil(t, s, 15*time.Second, "3 acked", func(st stage.Stats) bool { return st.Acked >= 3 }); err != nil {
		t.Fatal(err)
	}
	if n := len(lines(t, dir)); n != 3 {
		t.Errorf("JSONL lines = %d, want 3", n)
	}
	if accepted.Load() != 2 || s.Stats().Retried == 0 {
		t.Errorf("webhook accepted %d after %d requests, %d retries; want 2 after retries", accepted.Load(), requests.Load(), s.Stats().Retried)
	}
}

// TestWebhookDeadLetters checks the two ways a webhook delivery ends in the
// dead-letter stream: a rejection (4xx) at once, and an endpoint that never
// recovers after the last allowed delivery.
func TestWebhookDeadLetters(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		wantReason string
	}{
		{"rejected", http.StatusUnprocessableEntity, sink.ReasonRejected},
		{"never recovers", http.StatusBadGateway, events.ReasonMaxDeliveries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js := withStreams(t)
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			publish(t, js, article(1, "en", events.RelationNew), "")
			s := newSink(t, js, sink.Config{
				Outputs: []sink.OutputSpec{{Kind: sink.KindWebhook, Target: srv.URL}},
				Webhook: sink.WebhookConfig{Attempts: 1},
				Backoff: stage.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond},
			})
			_ = runUntil(t, s, 15*time.Second, "a dead letter", func(st stage.Stats) bool { return st.DeadLettered >= 1 })
			dlq, err := js.Stream(context.Background(), events.StreamDLQ)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := dlq.GetLastMsgForSubject(context.Background(), events.DLQSubject(events.StageSink))
			if err != nil {
				t.Fatal(err)
			}
			var dl events.DeadLetter
			if err := events.Decode(msg.Data, &dl); err != nil {
				t.Fatal(err)
			}
			if dl.Reason != tt.wantReason || !strings.Contains(dl.Error, srv.URL) || len(dl.Payload) == 0 {
				t.Errorf("dead letter reason %q, error %q; want %q naming the endpoint, with the payload", dl.Reason, dl.Error, tt.wantReason)
			}
			if tt.wantReason == sink.ReasonRejected && requests.Load() != 1 {
				t.Errorf("a rejected event was posted %d times, want 1", requests.Load())
			}
			if tt.wantReason == events.ReasonMaxDeliveries && requests.Load() != events.DefaultMaxDeliver {
				t.Errorf("posted %d times, want %d", requests.Load(), events.DefaultMaxDeliver)
			}
		})
	}
}

func TestNATSOutputCreatesItsStream(t *testing.T) {
	js := withStreams(t)
	ctx := context.Background()
	a := article(1, "en", events.RelationNew)
	publish(t, js, a, "")
	s := newSink(t, js, sink.Config{Outputs: []sink.OutputSpec{{Kind: sink.KindNATS, Target: "downstream.everything"}}})
	_ = runUntil(t, s, 10*time.Second, "1 acked", func(st stage.Stats) bool { return st.Acked >= 1 })
	out, err := js.Stream(ctx, "WIREWATCH_OUT_DOWNSTREAM_EVERYTHING")
	if err != nil {
		t.Fatalf("the output's stream: %v", err)
	}
	m, err := out.GetLastMsgForSubject(ctx, "downstream.everything")
	if err != nil {
		t.Fatalf("reading the created stream: %v", err)
	}
	var got events.ClusteredArticle
	if err := events.DecodeMsg(m.Header, m.Data, &got); err != nil || got.ID != a.ID {
		t.Errorf("republished %q (%v), want article %s", m.Data, err, a.ID)
	}
}
