package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// passwordServer starts a JetStream server on a random loopback port that
// admits the user ops with the password in the file it returns.
func passwordServer(t *testing.T) (url, passwordFile string) {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true, StoreDir: t.TempDir(),
		NoSigs: true, NoLog: true, Users: []*server.User{{Username: "ops", Password: "harbour-42"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(s.Shutdown)
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	passwordFile = filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(passwordFile, []byte("harbour-42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s.ClientURL(), passwordFile
}

// The run command and the tool verbs reach a server that asks for a user
// and password with the flags the services have; without them the server
// refuses, and the tool says so.
func TestCommandsAuthenticateLikeTheServices(t *testing.T) {
	url, passwordFile := passwordServer(t)
	code, _, errs := run(t, nil, "run", "--input", seeds(t), "--out", t.TempDir(), "--once",
		"--nats", url, "--nats-user", "ops", "--nats-password-file", passwordFile)
	if code != 0 {
		t.Fatalf("run with a password: exit %d: %s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "clustered.jsonl")
	code, _, errs = run(t, map[string]string{"WIREWATCH_NATS_USER": "ops", "WIREWATCH_NATS_PASSWORD": "harbour-42"},
		"record", "--nats", url, "--stream", "NEWS_CLUSTERED", "--file", file)
	if code != 0 {
		t.Fatalf("record with a password from the environment: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 5 {
		t.Errorf("recorded %d messages, want the 5 seeds' articles", n)
	}
	code, _, errs = run(t, nil, "record", "--nats", url, "--stream", "NEWS_CLUSTERED", "--file", file)
	if code == 0 || !strings.Contains(strings.ToLower(errs), "authorization") {
		t.Errorf("record without credentials: exit %d, stderr %q; want a refusal that says authorization", code, errs)
	}
	code, _, errs = run(t, nil, "run", "--input", seeds(t), "--out", t.TempDir(), "--once", "--nats-user", "ops", "--nats-password-file", passwordFile)
	if code == 0 || !strings.Contains(errs, "with --nats only") {
		t.Errorf("run with credentials and no --nats: exit %d, stderr %q; want a usage error", code, errs)
	}
}
