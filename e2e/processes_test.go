package e2e_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func seeds(t *testing.T, root string) string {
	t.Helper()
	p := filepath.Join(root, "..", "shared", "seeds")
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		t.Skip("../shared/seeds not found beside the repository")
	}
	return p
}

// build compiles a main package into dir and returns the binary's path.
func build(t *testing.T, root, dir, name, pkg, modDir string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = filepath.Join(root, modDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type proc struct {
	name string
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
}

func start(t *testing.T, name, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(bin, args...), out: &bytes.Buffer{}, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.out)
		}
	})
	return p
}

// stop sends SIGTERM and expects a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t, 30*time.Second)
}

func (p *proc) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("%s exited with %v", p.name, err)
		}
	case <-time.After(d):
		t.Errorf("%s did not exit within %s", p.name, d)
	}
}

func countRecords(t *testing.T, dir string) (n int, recs []map[string]any) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var r map[string]any
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			recs = append(recs, r)
		}
	}
	return len(recs), recs
}

// TestServicesAsSeparateProcesses runs a nats-server with JetStream and the
// four services as separate processes over the seeds.
func TestServicesAsSeparateProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs six processes")
	}
	root := repoRoot(t)
	in := seeds(t, root)
	bins := t.TempDir()
	natsBin := build(t, root, bins, "nats-server", "github.com/nats-io/nats-server/v2", ".")
	svc := map[string]string{}
	for _, s := range []string{"fetcher", "extractor", "deduper", "sink"} {
		svc[s] = build(t, root, bins, s, "./cmd/"+s, filepath.Join("services", s))
	}

	port := freePort(t)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	ns := start(t, "nats-server", natsBin, "-js", "-a", "127.0.0.1", "-p", fmt.Sprint(port), "-sd", t.TempDir())
	out := t.TempDir()
	// Four services on one machine: each serves /metrics on a port of its own.
	common := []string{"--nats", url, "--log-level", "warn", "--http-addr", "127.0.0.1:0"}
	sink := start(t, "sink", svc["sink"], append(common, "--out", out)...)
	ded := start(t, "deduper", svc["deduper"], common...)
	ext := start(t, "extractor", svc["extractor"], common...)
	fet := start(t, "fetcher", svc["fetcher"], append(common, "--input", in)...)
	fet.wait(t, time.Minute) // one pass over the inputs, then exit

	deadline := time.Now().Add(time.Minute)
	for {
		n, recs := countRecords(t, out)
		if n == 5 {
			for _, r := range recs {
				cl, _ := r["cluster"].(map[string]any)
				if r["title"] == "" || r["text"] == "" || cl["id"] == nil {
					t.Errorf("record lacks title, text or cluster id: %v", r["id"])
				}
			}
			break
		}
		if n > 5 || time.Now().After(deadline) {
			t.Fatalf("records = %d, want 5", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range []*proc{ext, ded, sink, ns} {
		p.stop(t)
	}
	if n, _ := countRecords(t, out); n != 5 {
		t.Errorf("records after shutdown = %d, want 5", n)
	}
}
