package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/internal/cli"
)

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

func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func TestExtractPrintsOneArticlePerFile(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(seeds(t), "*.txt"))
	code, out, errs := run(t, nil, append([]string{"extract"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d lines for %d files", len(lines), len(files))
	}
	for i, l := range lines {
		var a struct {
			Source struct{ Path string } `json:"source"`
			Title  string                `json:"title"`
			Text   string                `json:"text"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		abs, _ := filepath.Abs(files[i])
		if a.Source.Path != abs || a.Title == "" || a.Text == "" {
			t.Errorf("line %d: path %q title %q, want path %q and a title and text", i, a.Source.Path, a.Title, abs)
		}
	}
}

func TestExtractReportsFailuresAndContinues(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.txt")
	os.WriteFile(good, []byte("Headline\nThe council met on Tuesday to approve the budget.\n"), 0o644)
	code, out, errs := run(t, nil, "extract", "/does/not/exist.txt", good)
	if code != 1 || !strings.Contains(errs, "exist.txt") || !strings.Contains(errs, "1 of 2 files failed") {
		t.Errorf("exit %d, stderr %q; want 1 naming the missing file", code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("stdout has %d lines, want the good file's article", strings.Count(out, "\n"))
	}
}

func TestRunOnceSummary(t *testing.T) {
	out := t.TempDir()
	code, stdout, errs := run(t, map[string]string{"WIREWATCH_DATA": t.TempDir()},
		"run", "--input", seeds(t), "--out", out, "--once", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sum struct{ Documents, Articles, DeadLetters int }
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	if sum.Documents != 5 || sum.Articles != 5 {
		t.Errorf("summary %+v, want 5 documents and 5 articles", sum)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no verb", nil, 2, "Usage"},
		{"unknown verb", []string{"frobnicate"}, 2, `unknown verb "frobnicate"`},
		{"run without input", []string{"run", "--once"}, 1, "no --input directory"},
		{"listen with nats", []string{"run", "--input", ".", "--nats", "nats://x:4222", "--listen", "127.0.0.1:0"}, 1, "--listen applies to the embedded server only"},
		{"extract without path", []string{"extract"}, 1, "no PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d containing %q", code, errs, tt.code, tt.want)
			}
		})
	}
}

// WIREWATCH_HTTP_ADDR=off serves nothing, as it does for the services, and
// is no address to fail on.
func TestRunTakesHTTPAddrOff(t *testing.T) {
	code, _, errs := run(t, map[string]string{"WIREWATCH_DATA": t.TempDir(), "WIREWATCH_HTTP_ADDR": "off"},
		"run", "--input", seeds(t), "--out", t.TempDir(), "--once")
	if code != 0 {
		t.Errorf("exit %d: %s", code, errs)
	}
}
