package sink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// sinkProcess is cmd/sink running as a separate process.
type sinkProcess struct {
	cmd  *exec.Cmd
	out  syncBuffer
	done chan error
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startSinkProcess(t *testing.T, bin string, args ...string) *sinkProcess {
	t.Helper()
	p := &sinkProcess{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting sink: %v", err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *sinkProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// TestKilledSinkRestartsWithEveryEventOnce kills cmd/sink with SIGKILL twice
// in the middle of writing thousands of events, restarts it each time, and
// checks that the files end up with every event exactly once and no torn
// line.
func TestKilledSinkRestartsWithEveryEventOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/sink and runs it as a process")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "sink")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sink")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building cmd/sink: %v\n%s", err, out)
	}
	srv := natstest.Server(t)
	_, js := natstest.Connect(t, srv)
	ctx := context.Background()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	const n = 3000
	publishRange := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			a := clustered(fmt.Sprintf("/in/%05d.txt", i), fmt.Sprintf("Event %d. %s", i, strings.Repeat("Filler words for a realistic line. ", 20)))
			m, err := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), a, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := js.PublishMsgAsync(m); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-time.After(30 * time.Second):
			t.Fatal("publishing timed out")
		}
	}
	publishRange(0, n*2/3)

	out := t.TempDir()
	args := []string{"--nats", srv.ClientURL(), "--out", out, "--log-level", "error", "--concurrency", "16",
		// What a killed sink held comes back after AckWait: keep it short.
		"--ack-wait", "1s"}
	waitLines := func(p *sinkProcess, want int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for len(lines(t, out)) < want {
			if time.Now().After(deadline) {
				t.Fatalf("%d lines after 20s, want %d; sink output:\n%s", len(lines(t, out)), want, p.out.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}

	p := startSinkProcess(t, bin, args...)
	waitLines(p, n/5)
	p.kill(t)
	first := len(lines(t, out))

	p = startSinkProcess(t, bin, args...)
	publishRange(n*2/3, n) // more events arrive while it catches up
	waitLines(p, n/2)
	p.kill(t)
	second := len(lines(t, out))

	p = startSinkProcess(t, bin, args...)
	waitLines(p, n)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; err != nil {
		t.Errorf("sink exited with %v:\n%s", err, p.out.String())
	}
	t.Logf("lines at the first kill %d, at the second %d", first, second)

	recs := lines(t, out)
	ids := map[string]int{}
	for i, l := range recs {
		var r struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.ID == "" {
			t.Fatalf("line %d is not a whole record: %.80q: %v", i, l, err)
		}
		ids[r.ID]++
	}
	for id, c := range ids {
		if c != 1 {
			t.Errorf("event %s written %d times", id, c)
		}
	}
	if len(recs) != n || len(ids) != n {
		t.Errorf("%d lines, %d distinct events; want %d of each", len(recs), len(ids), n)
	}
}
