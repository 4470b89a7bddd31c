package pipeline_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// seeds finds ../shared/seeds beside the repository.
func seeds(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "..", "shared", "seeds")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	t.Skip("../shared/seeds not found beside the repository")
	return ""
}

type record struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Source struct {
		Path string `json:"path"`
	} `json:"source"`
	Cluster struct {
		ID          string `json:"id"`
		Relation    string `json:"relation"`
		CanonicalID string `json:"canonical_id"`
	} `json:"cluster"`
}

func records(t *testing.T, dir string) []record {
	t.Helper()
	return readJSONL[record](t, dir)
}

// readJSONL decodes every line of every *.jsonl file in dir as a T.
func readJSONL[T any](t *testing.T, dir string) []T {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var r T
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, r)
		}
		f.Close()
	}
	return out
}

func runOnce(t *testing.T, cfg pipeline.Config) pipeline.Summary {
	t.Helper()
	cfg.Once = true
	cfg.Timeout = 2 * time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sum, err := pipeline.Run(ctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum
}

func TestRunOnceOverSeeds(t *testing.T) {
	in := seeds(t)
	out, data := t.TempDir(), t.TempDir()
	sum := runOnce(t, pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: data})
	if sum.Documents != 5 || sum.Articles != 5 || sum.DeadLetters != 0 || sum.Clusters < 1 {
		t.Errorf("summary = %+v, want 5 documents, 5 articles, no dead letters", sum)
	}
	recs := records(t, out)
	if len(recs) != 5 {
		t.Fatalf("records = %d, want 5", len(recs))
	}
	for _, r := range recs {
		if r.ID == "" || r.Title == "" || r.Text == "" || r.Cluster.ID == "" || r.Cluster.Relation == "" ||
			r.Cluster.CanonicalID == "" || r.Source.Path == "" {
			t.Errorf("record %s lacks a required field: %+v", r.Source.Path, r)
		}
	}

	// A second run over the same store publishes nothing and writes nothing.
	again := runOnce(t, pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: data})
	if again.Documents != 0 || again.Known != 5 {
		t.Errorf("second run summary = %+v, want 0 documents, 5 known", again)
	}
	if n := len(records(t, out)); n != 5 {
		t.Errorf("records after second run = %d, want 5", n)
	}

	// A fresh store over the same output writes nothing twice either.
	third := runOnce(t, pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: t.TempDir()})
	if third.Documents != 5 || third.Articles != 5 {
		t.Errorf("fresh-store run summary = %+v, want 5 documents delivered", third)
	}
	if n := len(records(t, out)); n != 5 {
		t.Errorf("records after fresh-store run = %d, want 5", n)
	}
}

func TestRunOnceDeadLettersBadInputAndKeepsGoing(t *testing.T) {
	in := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(in, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", []byte("A headline\nThe council approved the budget for the new library on Tuesday after a long debate.\n"))
	write("empty.txt", nil)
	write("broken.txt.gz", []byte("this is not gzip"))
	write("blank.html", []byte("<html><body><nav>menu</nav></body></html>"))
	var gz []byte
	{
		f := filepath.Join(t.TempDir(), "x.gz")
		fh, _ := os.Create(f)
		zw := gzip.NewWriter(fh)
		zw.Write([]byte("Zipped headline\nThe harbour reopened on Monday after repairs to the breakwater were finished.\n"))
		zw.Close()
		fh.Close()
		gz, _ = os.ReadFile(f)
	}
	write("zipped.txt.gz", gz)
	write("ignored.pdf", []byte("%PDF"))

	out := t.TempDir()
	sum := runOnce(t, pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: t.TempDir()})
	if sum.Articles != 2 || sum.DeadLetters != 3 || sum.Documents != 5 {
		t.Errorf("summary = %+v, want 5 documents: 2 articles and 3 dead letters", sum)
	}
	if n := len(records(t, out)); n != 2 {
		t.Errorf("records = %d, want 2", n)
	}
}

// TestInterruptedRunResumesWithNothingLostOrDoubled stops a watching
// pipeline part-way through a batch of files, then finishes the batch with a
// --once run over the same store and output.
func TestInterruptedRunResumesWithNothingLostOrDoubled(t *testing.T) {
	in, out, data := t.TempDir(), t.TempDir(), t.TempDir()
	const n = 300
	for i := range n {
		body := fmt.Sprintf("Report number %d from the harbour\nThe harbour office published report %d on Monday, listing %d ships "+
			"and %d containers moved during week %d of the year.\n", i, i, i*3, i*41, i%52)
		if err := os.WriteFile(filepath.Join(in, fmt.Sprintf("r%03d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := pipeline.Config{Inputs: []string{in}, OutDir: out, DataDir: data}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := pipeline.Run(ctx, cfg, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
		done <- err
	}()
	deadline := time.Now().Add(time.Minute)
	for len(records(t, out)) < 10 {
		if time.Now().After(deadline) {
			t.Fatal("no records after a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("interrupted Run: %v", err)
	}
	first := len(records(t, out))
	t.Logf("%d of %d records written before the interruption", first, n)

	runOnce(t, cfg)
	recs := records(t, out)
	ids := map[string]int{}
	for _, r := range recs {
		ids[r.ID]++
	}
	if len(recs) != n || len(ids) != n {
		t.Errorf("after resuming: %d records, %d distinct ids; want %d of each", len(recs), len(ids), n)
	}
}

func TestRunRecordsEveryStagesMetrics(t *testing.T) {
	ops := stage.NewOps()
	sum := runOnce(t, pipeline.Config{Inputs: []string{seeds(t)}, OutDir: t.TempDir(), DataDir: t.TempDir(), Ops: ops})
	if sum.Articles != 5 {
		t.Fatalf("summary = %+v, want 5 articles", sum)
	}
	for _, s := range []string{"extractor", "deduper", "sink"} {
		if n, ok := ops.Value("wirewatch_messages_processed_total", "stage", s); !ok || n != 5 {
			t.Errorf("%s processed %v (found %v), want 5", s, n, ok)
		}
	}
	if n, ok := ops.Value("wirewatch_dedup_clusters", "stage", "deduper"); !ok || n < 1 {
		t.Errorf("live clusters = %v (found %v), want at least 1", n, ok)
	}
}
