package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/cli"
	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/internal/recording"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// server starts a JetStream server on a random loopback port, as
// 'wirewatch run --listen' would, with the wirewatch streams.
func startServer(t *testing.T) (*server.Server, jetstream.JetStream) {
	t.Helper()
	srv, _, js := natstest.Start(t)
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return srv, js
}

// runPipeline runs the whole pipeline once over dir against srv.
func runPipeline(t *testing.T, srv *server.Server, dir, out string) pipeline.Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{dir}, OutDir: out, NATSURL: srv.ClientURL(), Once: true, Timeout: time.Minute},
		zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func examples(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples", "articles"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// jsonlLines returns the lines of every JSONL file in dir, sorted.
func jsonlLines(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for l := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	slices.Sort(out)
	return out
}

// assignment is what a replay must reproduce of each clustered article.
type assignment struct {
	ID, ContentHash, Cluster, Relation, Canonical, Matched, Rule string
	Version                                                      uint64
}

func assignments(t *testing.T, lines []string) map[string]assignment {
	t.Helper()
	out := map[string]assignment{}
	for _, l := range lines {
		var a events.ClusteredArticle
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out[a.ID] = assignment{a.ID, a.ContentHash, a.Cluster.ID, string(a.Cluster.Relation), a.Cluster.CanonicalID,
			a.Cluster.MatchedID, a.Cluster.Rule, a.Cluster.Version}
	}
	return out
}

func payloads(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	if err := recording.ReadFile(file, func(r recording.Record) error {
		out = append(out, string(r.Payload()))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestRecordReplayReproducesClusters is the golden test of replay: run the
// pipeline, record the deduper's input and output once, replay the input
// into a fresh pipeline, and diff its output against the recorded one.
func TestRecordReplayReproducesClusters(t *testing.T) {
	srv, _ := startServer(t)
	out := t.TempDir()
	sum := runPipeline(t, srv, examples(t), out)
	if sum.Articles != 7 {
		t.Fatalf("original run: %+v, want 7 articles", sum)
	}
	dir := t.TempDir()
	nats := srv.ClientURL()
	for _, stream := range []string{events.StreamRaw, events.StreamArticles, events.StreamClustered} {
		code, _, errs := run(t, nil, "record", "--nats", nats, "--stream", stream, "--file", filepath.Join(dir, stream+".jsonl"))
		if code != 0 || !strings.Contains(errs, "recorded 7 messages") {
			t.Fatalf("record %s: exit %d: %s", stream, code, errs)
		}
	}
	recorded := payloads(t, filepath.Join(dir, events.StreamClustered+".jsonl"))
	if got := jsonlLines(t, out); !slices.Equal(got, recorded) {
		t.Fatalf("the recording of NEWS_CLUSTERED differs from the sink's files")
	}

	// The deduper's input replayed reproduces its output exactly: the same
	// records, byte for byte.
	replayed := t.TempDir()
	code, stdout, errs := run(t, nil, "replay", "--file", filepath.Join(dir, events.StreamArticles+".jsonl"), "--to", "pipeline:"+replayed)
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "articles 7") || !strings.Contains(errs, "replay: 0/7 documents") || !strings.Contains(errs, "replay: 7 documents in") {
		t.Errorf("replay summary %q, progress %q; want 7 articles, a start and an end line", stdout, errs)
	}
	got := jsonlLines(t, replayed)
	want, have := assignments(t, recorded), assignments(t, got)
	for id, w := range want {
		if have[id] != w {
			t.Errorf("article %s: replayed assignment %+v, recorded %+v", id, have[id], w)
		}
	}
	if !slices.Equal(got, recorded) {
		t.Errorf("replayed records differ from the recorded ones (%d against %d)", len(got), len(recorded))
	}

	// Raw documents replayed are extracted and clustered again, the same
	// way every time.
	var raws [2]map[string]assignment
	for i := range raws {
		o := t.TempDir()
		if code, _, errs := run(t, nil, "replay", "--file", filepath.Join(dir, events.StreamRaw+".jsonl"), "--to", "pipeline:"+o); code != 0 {
			t.Fatalf("replay of raw documents: exit %d: %s", code, errs)
		}
		raws[i] = assignments(t, jsonlLines(t, o))
	}
	if len(raws[0]) != 7 || fmt.Sprint(raws[0]) != fmt.Sprint(raws[1]) {
		t.Errorf("two replays of the raw documents disagree:\n%v\n%v", raws[0], raws[1])
	}
	// Nothing was published to the original server.
	if code, stdout, _ := run(t, nil, "replay", "--nats", nats, "--stream", events.StreamClustered); code != 0 || strings.Count(stdout, "\n") != 7 {
		t.Errorf("original NEWS_CLUSTERED after replays: exit %d, %d messages; want 7", code, strings.Count(stdout, "\n"))
	}
}

// TestReplayStreamRange replays parts of a stream to stdout and to a JSONL
// directory.
func TestReplayStreamRange(t *testing.T) {
	srv, js := startServer(t)
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		src := events.Source{Kind: events.SourceFile, Path: fmt.Sprintf("/in/%d.txt", i)}
		id := events.DocumentID(src)
		text := fmt.Sprintf("Story %d in its own words.", i)
		a := &events.ClusteredArticle{Schema: events.SchemaClusteredArticle,
			Article: events.Article{Schema: events.SchemaArticle, ID: id, Source: src, Title: "t", Language: "en", Text: text, ContentHash: events.TextHash(text)},
			Cluster: events.Assignment{ID: events.ClusterID(id), Relation: events.RelationNew, CanonicalID: id, Rule: "new", Version: 1}}
		m, err := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), a, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	nats := srv.ClientURL()
	code, stdout, errs := run(t, nil, "replay", "--nats", nats, "--stream", events.StreamClustered, "--from-seq", "2", "--to-seq", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], ids[1]) || !strings.Contains(lines[2], ids[3]) {
		t.Errorf("replayed %d lines %q, want seqs 2..4", len(lines), lines)
	}
	if !strings.Contains(errs, "replay: 0/3 messages") || !strings.Contains(errs, "replay: 3 messages in") {
		t.Errorf("progress %q", errs)
	}

	dir := t.TempDir()
	code, _, errs = run(t, nil, "replay", "--nats", nats, "--stream", events.StreamClustered, "--since", "1h", "--limit", "4", "--to", "jsonl:"+dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := jsonlLines(t, dir); len(got) != 4 {
		t.Errorf("jsonl replay wrote %d lines, want 4", len(got))
	}
	if code, stdout, _ := run(t, nil, "replay", "--nats", nats, "--stream", events.StreamClustered, "--since", "2200-01-01"); code != 0 || stdout != "" {
		t.Errorf("replay of an empty range: exit %d, %q", code, stdout)
	}
}

// syncBuffer is an output a verb writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTailPrintsEventsAsTheyAreStored tails while the pipeline runs.
func TestTailPrintsEventsAsTheyAreStored(t *testing.T) {
	srv, _ := startServer(t)
	tests := []struct {
		name  string
		args  []string
		check func(t *testing.T, out string)
	}{
		{"readable", []string{"tail", "news.cluster.>", "--count", "3"}, func(t *testing.T, out string) {
			if n := strings.Count(out, " cluster   c"); n != 3 || !strings.Contains(out, "member") {
				t.Errorf("%d cluster lines in %q, want 3 naming members", n, out)
			}
		}},
		{"json", []string{"tail", "--json", "--count", "5", "news.clustered.*"}, func(t *testing.T, out string) {
			for l := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
				var a events.ClusteredArticle
				if err := events.Decode([]byte(l), &a); err != nil {
					t.Errorf("line %q: %v", l, err)
				}
			}
		}},
	}
	type result struct {
		code int
		out  *syncBuffer
		errs *syncBuffer
	}
	done := make([]chan result, len(tests))
	for i, tt := range tests {
		done[i] = make(chan result, 1)
		go func() {
			var out, errb syncBuffer
			code := cli.Main(context.Background(), append(tt.args, "--nats", srv.ClientURL()),
				cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
			done[i] <- result{code, &out, &errb}
		}()
	}
	time.Sleep(300 * time.Millisecond) // let the tails subscribe
	runPipeline(t, srv, examples(t), t.TempDir())
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			select {
			case r := <-done[i]:
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.errs)
				}
				tt.check(t, r.out.String())
			case <-time.After(20 * time.Second):
				t.Fatal("tail did not finish")
			}
		})
	}
}

// TestDeadLettersListedAndRedriven makes the pipeline dead-letter two
// inputs, lists them, and re-drives the extractor's.
func TestDeadLettersListedAndRedriven(t *testing.T) {
	srv, js := startServer(t)
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "good.txt"), []byte("A headline\nThe council approved the budget for the new library on Tuesday after a long debate.\n"), 0o644)
	os.WriteFile(filepath.Join(in, "empty.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(in, "blank.html"), []byte("<html><body><nav>menu</nav></body></html>"), 0o644)
	if sum := runPipeline(t, srv, in, t.TempDir()); sum.DeadLetters != 2 {
		t.Fatalf("summary %+v, want 2 dead letters", sum)
	}
	nats := srv.ClientURL()
	code, stdout, errs := run(t, nil, "dlq", "list", "--nats", nats)
	if code != 0 || !strings.Contains(stdout, "fetcher") || !strings.Contains(stdout, "extractor") || !strings.Contains(errs, "2 dead letters") {
		t.Fatalf("dlq list: exit %d\n%s%s", code, stdout, errs)
	}
	code, stdout, _ = run(t, nil, "dlq", "list", "--nats", nats, "--stage", "extractor", "--json")
	var dl events.DeadLetter
	if code != 0 || strings.Count(stdout, "\n") != 1 || json.Unmarshal([]byte(stdout), &dl) != nil || dl.Stage != events.StageExtractor {
		t.Fatalf("dlq list --stage extractor --json: exit %d: %q", code, stdout)
	}

	raw, _ := js.Stream(context.Background(), events.StreamRaw)
	before := raw.CachedInfo().State.Msgs
	code, stdout, errs = run(t, nil, "dlq", "replay", "--nats", nats, "--id", dl.ID)
	if code != 0 || !strings.Contains(stdout, "re-drove "+dl.ID) {
		t.Fatalf("dlq replay: exit %d: %s%s", code, stdout, errs)
	}
	info, _ := raw.Info(context.Background())
	if info.State.Msgs != before+1 {
		t.Fatalf("NEWS_RAW holds %d messages after the re-drive, want %d", info.State.Msgs, before+1)
	}
	m, err := raw.GetMsg(context.Background(), info.State.LastSeq)
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get(cli.HeaderRedriveOf) != dl.ID || m.Subject != dl.Subject || !bytes.Equal(m.Data, dl.Payload) ||
		m.Header.Get(events.HeaderMsgID) == dl.Headers[events.HeaderMsgID][0] {
		t.Errorf("re-driven message %s %v: want the original payload on its subject under a new id", m.Subject, m.Header)
	}
	// Re-driving it again within the duplicate window stores nothing.
	if code, stdout, _ := run(t, nil, "dlq", "replay", "--nats", nats, "--id", dl.ID); code != 0 || !strings.Contains(stdout, "already re-driven") {
		t.Errorf("second dlq replay: exit %d: %s", code, stdout)
	}
	// The fetcher's dead letter has no message to re-drive.
	if code, stdout, _ := run(t, nil, "dlq", "replay", "--nats", nats, "--stage", "fetcher", "--dry-run"); code != 0 || !strings.Contains(stdout, "skipped") {
		t.Errorf("dlq replay of the fetcher's dead letter: exit %d: %s", code, stdout)
	}
}

func TestToolUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"record without stream or file", []string{"record"}, "--stream is required"},
		{"record bad range", []string{"record", "--stream", "NEWS_RAW", "--file", "x", "--from-seq", "9", "--to-seq", "2"}, "--to-seq 2 is before --from-seq 9"},
		{"replay both sources", []string{"replay", "--stream", "NEWS_RAW", "--file", "x"}, "not both"},
		{"replay bad target", []string{"replay", "--stream", "NEWS_RAW", "--to", "kafka:x"}, `--to "kafka:x"`},
		{"replay range of a file", []string{"replay", "--file", "x", "--since", "1h"}, "select from a --stream"},
		{"replay data without pipeline", []string{"replay", "--stream", "NEWS_RAW", "--data", "d"}, "--data applies"},
		{"dlq without action", []string{"dlq"}, "want 'list' or 'replay'"},
		{"dlq replay without choice", []string{"dlq", "replay"}, "choose dead letters"},
		{"dlq replay as JSON", []string{"dlq", "replay", "--all", "--json"}, "--json applies to list only"},
		{"dlq list dry run", []string{"dlq", "list", "--dry-run"}, "--dry-run applies to replay only"},
		{"dlq list all", []string{"dlq", "list", "--all"}, "--all applies to replay only"},
		{"dlq list of no stage", []string{"dlq", "list", "--stage", "bogus"}, `--stage "bogus" is no stage`},
		{"tail two subjects", []string{"tail", "a.b", "c.d"}, "one SUBJECT at most"},
		{"record with a stray argument", []string{"record", "--stream", "NEWS_RAW", "oops", "--file", "x"}, `unexpected arguments ["oops" "--file" "x"]`},
		{"replay with a stray argument", []string{"replay", "NEWS_RAW", "--to", "stdout"}, "unexpected arguments"},
		{"run bad output", []string{"run", "--input", ".", "--output", "kafka:x", "--output", "stdout", "--filter", "colour=red"}, `unknown kind "kafka"`},
		{"no server", []string{"dlq", "list", "--nats", "nats://127.0.0.1:1"}, "connecting to nats"},
		{"tool with a malformed server URL", []string{"dlq", "list", "--nats", "nats//bad"}, `"nats//bad" is not a NATS URL`},
		{"run with a malformed server URL", []string{"run", "--input", ".", "--once", "--nats", "nats//bad"}, `"nats//bad" is not a NATS URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, nil, tt.args...)
			if code == 0 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want an error containing %q", code, errs, tt.want)
			}
		})
	}
}

// TestRunWithSeveralOutputs runs the pipeline with a filtered stdout output
// beside the JSONL files.
func TestRunWithSeveralOutputs(t *testing.T) {
	out := t.TempDir()
	code, stdout, errs := run(t, map[string]string{"WIREWATCH_DATA": t.TempDir()}, "run", "--input", examples(t), "--once",
		"--output", "jsonl:"+out, "--output", "stdout", "--filter", "relation!=duplicate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	files := jsonlLines(t, out)
	var printed, dups int
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a events.ClusteredArticle
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.ID != "" {
			printed++
		}
	}
	for _, a := range assignments(t, files) {
		if a.Relation == string(events.RelationDuplicate) {
			dups++
		}
	}
	if len(files) != 7 || printed != 7-dups {
		t.Errorf("files hold %d, stdout printed %d (duplicates %d); want 7 and 7 less duplicates\n%s", len(files), printed, dups, errs)
	}
	// stdout holds the articles alone, for a pipe; the summary is on stderr.
	if strings.Contains(stdout, "articles 7") || !strings.Contains(errs, "articles 7") {
		t.Errorf("the summary is not on stderr alone:\nstdout %q\nstderr %q", stdout[max(0, len(stdout)-200):], errs)
	}
}

// A --once run against a server that never answers gives up within its
// --timeout, not after the minute a watching run waits.
func TestRunOnceGivesUpOnAnAbsentServerWithinItsTimeout(t *testing.T) {
	start := time.Now()
	code, _, errs := run(t, nil, "run", "--input", t.TempDir(), "--once", "--timeout", "1s", "--nats", "nats://127.0.0.1:1")
	if code == 0 || !strings.Contains(errs, "not reachable") {
		t.Errorf("exit %d, stderr %q; want nats not reachable", code, errs)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("gave up after %s, want about its 1s timeout", took)
	}
}
