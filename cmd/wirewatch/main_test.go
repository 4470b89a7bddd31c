package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the command itself when asked to by TestSecondSignalStops.
func TestMain(m *testing.M) {
	if os.Getenv("WIREWATCH_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"wirewatch"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSecondSignalStops: the first Ctrl-C asks the command to stop and
// finish what it holds; a second one stops it at once, even when it is
// stuck where it cannot notice the first (here, reading a recording from a
// pipe that never sends anything).
func TestSecondSignalStops(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "recording.jsonl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "replay", "--file", fifo)
	cmd.Env = append(os.Environ(), "WIREWATCH_TEST_RUN_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = cmd.Process.Kill()
			<-done
		}
	})
	time.Sleep(500 * time.Millisecond) // let it install its signal handling and block
	for range 2 {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	select {
	case <-done:
		exited = true
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after a second interrupt")
	}
}
