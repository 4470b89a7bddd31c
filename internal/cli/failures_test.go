package cli_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/internal/cli"
	"github.com/wirewatch/wirewatch/pkg/events"
)

// startVerb runs a verb in the background; the channel gets its exit code.
func startVerb(ctx context.Context, args ...string) (<-chan int, *syncBuffer, *syncBuffer) {
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	}()
	return done, &out, &errb
}

// TestTailFailsWhenTheServerGoesAway: tail gives up with an error once its
// connection is lost for good, instead of waiting for ever.
func TestTailFailsWhenTheServerGoesAway(t *testing.T) {
	srv, _ := startServer(t)
	done, _, errb := startVerb(context.Background(), "tail", "--nats", srv.ClientURL())
	time.Sleep(300 * time.Millisecond) // let it subscribe
	srv.Shutdown()
	select {
	case code := <-done:
		if code == 0 || !strings.Contains(errb.String(), "connection") {
			t.Errorf("exit %d, stderr %q; want a failure naming the lost connection", code, errb)
		}
	case <-time.After(time.Minute):
		t.Fatal("tail still running a minute after the server went away")
	}
}

// TestRecordLeavesTheFileAloneOnFailure: a record that fails (here: a
// stream that does not exist) does not destroy the recording it was to
// replace.
func TestRecordLeavesTheFileAloneOnFailure(t *testing.T) {
	srv, _ := startServer(t)
	file := filepath.Join(t.TempDir(), "articles.jsonl")
	const old = `{"stream":"NEWS_ARTICLES","seq":1,"subject":"news.article.en","time":"2026-01-01T00:00:00Z","data":{}}` + "\n"
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, nil, "record", "--nats", srv.ClientURL(), "--stream", "NEWS_ARTICLE", "--file", file)
	if code == 0 || !strings.Contains(errs, "NEWS_ARTICLE") {
		t.Errorf("record of a missing stream: exit %d, stderr %q; want an error naming it", code, errs)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != old {
		t.Errorf("the recording after a failed record: %q, %v; want it as it was", b, err)
	}
	if names, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "*")); len(names) != 1 {
		t.Errorf("files left beside the recording: %q", names)
	}
}

// TestTailReadsStreamsThatStoreSomeOfTheSubject: a subject that a stream
// stores only in part (news.*.en: the English articles of NEWS_ARTICLES,
// the English clustered articles of NEWS_CLUSTERED...) is read from those
// streams, so --since shows what they stored; --since on a subject no
// stream stores is an error, not ignored.
func TestTailReadsStreamsThatStoreSomeOfTheSubject(t *testing.T) {
	srv, js := startServer(t)
	ctx := context.Background()
	src := events.Source{Kind: events.SourceFile, Path: "/in/a.txt"}
	a := &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: "Stored before the tail",
		Language: "en", Text: "Stored before the tail.", ContentHash: events.TextHash("Stored before the tail.")}
	m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(ctx, m); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	code, out, errs := runCtx(tctx, "tail", "--nats", srv.ClientURL(), "--since", "1h", "--count", "1", "news.*.en")
	if code != 0 || !strings.Contains(out, "Stored before the tail") {
		t.Errorf("tail news.*.en --since 1h: exit %d, stdout %q, stderr %q; want the stored article", code, out, errs)
	}

	tctx, cancel = context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	code, _, errs = runCtx(tctx, "tail", "--nats", srv.ClientURL(), "--since", "1h", "elsewhere.>")
	if code == 0 || !strings.Contains(errs, "--since") {
		t.Errorf("tail elsewhere.> --since 1h: exit %d, stderr %q; want an error about --since", code, errs)
	}
}

// runCtx runs a verb under ctx.
func runCtx(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	done, out, errb := startVerb(ctx, args...)
	code = <-done
	return code, out.String(), errb.String()
}

// TestReplaysIntoOneDirectoryEachGetAFile: replays into the same directory
// one after the other (within the same second) each write a file of their
// own; none fails for the name the one before took.
func TestReplaysIntoOneDirectoryEachGetAFile(t *testing.T) {
	srv, js := startServer(t)
	ctx := context.Background()
	for i := range 3 {
		src := events.Source{Kind: events.SourceFile, Path: fmt.Sprintf("/in/%d.txt", i)}
		text := fmt.Sprintf("Story %d.", i)
		a := &events.Article{Schema: events.SchemaArticle, ID: events.DocumentID(src), Source: src, Title: "t",
			Language: "en", Text: text, ContentHash: events.TextHash(text)}
		m, err := events.Encode(events.StageExtractor, events.ArticleSubject("en"), a, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	for i := range 3 {
		if code, _, errs := run(t, nil, "replay", "--nats", srv.ClientURL(), "--stream", events.StreamArticles,
			"--from-seq", fmt.Sprint(i+1), "--to-seq", fmt.Sprint(i+1), "--to", "jsonl:"+dir); code != 0 {
			t.Fatalf("replay %d: exit %d: %s", i+1, code, errs)
		}
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(names) != 3 || len(jsonlLines(t, dir)) != 3 {
		t.Errorf("files %q holding %d lines; want 3 files of one line each", names, len(jsonlLines(t, dir)))
	}
}

// TestInterruptedReplaySaysWhatStopped: a replay through the pipeline that
// is interrupted says it was the replay, not only "context canceled".
func TestInterruptedReplaySaysWhatStopped(t *testing.T) {
	rec := filepath.Join("testdata", "golden", "NEWS_ARTICLES.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, errs := runCtx(ctx, "replay", "--file", rec, "--to", "pipeline:"+t.TempDir())
	if code == 0 || !strings.HasPrefix(errs, "wirewatch: replay") || !strings.Contains(errs, "context canceled") {
		t.Errorf("interrupted replay: exit %d, stderr %q; want an error naming the replay and the interruption", code, errs)
	}
}

// TestRecordIntoAPipe: a recording written to something other than a file
// (a named pipe here; /dev/stdout alike) is written into it, not put in its
// place.
func TestRecordIntoAPipe(t *testing.T) {
	srv, _ := startServer(t)
	runPipeline(t, srv, examples(t), t.TempDir())
	fifo := filepath.Join(t.TempDir(), "recording.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	read := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			read <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		read <- string(b)
	}()
	code, _, errs := run(t, nil, "record", "--nats", srv.ClientURL(), "--stream", events.StreamArticles, "--file", fifo)
	if code != 0 {
		t.Fatalf("record into a pipe: exit %d: %s", code, errs)
	}
	select {
	case got := <-read:
		if n := strings.Count(got, "\n"); n != 7 {
			t.Errorf("read %d lines from the pipe, want 7: %q", n, got)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("nothing came through the pipe")
	}
	if st, err := os.Stat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe after the record: %v, %v; want it still a pipe", st, err)
	}
}

// brokenWriter fails every write, as a closed pipe does.
type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestWriteFailuresSayWhatWasWritten: output that cannot be written fails
// the verb with an error saying what it was writing.
func TestWriteFailuresSayWhatWasWritten(t *testing.T) {
	srv, _ := startServer(t)
	nats := srv.ClientURL()
	if code, _, errs := run(t, nil, "feeds", "add", "--nats", nats, "https://news.example/feed.xml"); code != 0 {
		t.Fatalf("feeds add: exit %d: %s", code, errs)
	}
	for _, args := range [][]string{{"feeds", "list", "--json"}, {"feeds", "list"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var errb syncBuffer
			code := cli.Main(context.Background(), append(args, "--nats", nats),
				cli.Env{Stdout: brokenWriter{}, Stderr: &errb, Getenv: func(string) string { return "" }})
			if code == 0 || !strings.Contains(errb.String(), "feeds list: writing") {
				t.Errorf("exit %d, stderr %q; want a failure saying what was being written", code, errb.String())
			}
		})
	}
}
