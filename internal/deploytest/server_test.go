package deploytest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"golang.org/x/crypto/bcrypt"

	"github.com/wirewatch/wirewatch/internal/stacksetup"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// natsDir is the stack's NATS configuration, the files under test.
const natsDir = "../../deploy/nats"

// stack is a nats-server started from the stack's real configuration, with
// freshly generated passwords.
type stack struct {
	srv     *server.Server
	opts    *server.Options
	secrets string // the password files
}

// layout copies the stack's config into a tree shaped like the container's
// (/etc/nats/*.conf, /run/secrets/nats_{users,cluster}.conf), with new
// secrets, and returns the path of nats.conf and of the secrets directory.
func layout(t *testing.T) (conf, secrets string) {
	t.Helper()
	root := t.TempDir()
	etc := filepath.Join(root, "etc", "nats")
	run := filepath.Join(root, "run", "secrets")
	for _, d := range []string{etc, run} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"nats.conf", "auth.conf", "route-tls.conf"} {
		copyFile(t, filepath.Join(natsDir, name), filepath.Join(etc, name))
	}
	secrets = sharedSecrets(t)
	copyFile(t, filepath.Join(secrets, stacksetup.UsersFile), filepath.Join(run, "nats_users.conf"))
	copyFile(t, filepath.Join(secrets, stacksetup.ClusterFile), filepath.Join(run, "nats_cluster.conf"))
	return filepath.Join(etc, "nats.conf"), secrets
}

// Hashing six passwords costs seconds (more under the race detector), so
// the tests share one set.
var (
	secretsOnce sync.Once
	secretsDir  string
	secretsErr  error
)

func sharedSecrets(t *testing.T) string {
	t.Helper()
	secretsOnce.Do(func() {
		secretsDir, secretsErr = os.MkdirTemp("", "wirewatch-deploytest-*")
		if secretsErr == nil {
			// The lowest cost: the in-process server checks a hash on
			// every connect, and under the race detector bcrypt is slow.
			secretsErr = stacksetup.WriteSecrets(secretsDir, stacksetup.SecretsOptions{Force: true, Cost: bcrypt.MinCost})
		}
	})
	if secretsErr != nil {
		t.Fatalf("writing secrets: %v", secretsErr)
	}
	return secretsDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if secretsDir != "" {
		os.RemoveAll(secretsDir)
	}
	os.Exit(code)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// loadConfig parses the stack's nats.conf as node nats-1 would.
func loadConfig(t *testing.T) (*server.Options, string) {
	t.Helper()
	conf, secrets := layout(t)
	t.Setenv("NATS_NODE", "nats-1")
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		t.Fatalf("parsing the stack's nats.conf: %v", err)
	}
	return opts, secrets
}

// startStack starts one node from the stack's configuration: the same
// accounts, users, permissions and JetStream settings, on a random local
// port, without the cluster routes (their host names exist only inside the
// compose network) and with its store in a temporary directory.
func startStack(t *testing.T) *stack {
	t.Helper()
	opts, secrets := loadConfig(t)
	single := opts.Clone()
	single.Host, single.Port = "127.0.0.1", -1
	single.HTTPPort = 0
	single.Cluster = server.ClusterOpts{}
	single.Routes = nil
	single.RoutesStr = ""
	single.StoreDir = t.TempDir()
	single.NoSigs = true
	srv, err := server.NewServer(single)
	if err != nil {
		t.Fatalf("creating server: %v", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		t.Fatal("server did not start")
	}
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	return &stack{srv: srv, opts: single, secrets: secrets}
}

// password returns identity's generated password.
func (s *stack) password(t *testing.T, identity string) string {
	t.Helper()
	pw, err := stacksetup.ReadPassword(filepath.Join(s.secrets, stacksetup.PasswordFile(identity)))
	if err != nil {
		t.Fatal(err)
	}
	return pw
}

// client is a connection as one identity that records the permission
// violations the server reports to it.
type client struct {
	nc *nats.Conn

	mu         sync.Mutex
	violations []string
	changed    chan struct{}
}

// services are the identities of the pipeline's services; each connects
// with its own inbox prefix. The admin and the monitor use the default.
var services = []string{"fetcher", "extractor", "deduper", "sink"}

// connect connects as identity with its own password.
func (s *stack) connect(t *testing.T, identity string) *client {
	t.Helper()
	return s.connectAs(t, identity, identity)
}

// connectAs connects as user with the password generated for identity,
// which is how a service handed another's credentials would connect.
func (s *stack) connectAs(t *testing.T, user, identity string) *client {
	t.Helper()
	c := &client{changed: make(chan struct{}, 1)}
	var inbox []nats.Option
	if slices.Contains(services, user) {
		// As stage.Dial connects a service named wirewatch-<user>.
		inbox = append(inbox, nats.CustomInboxPrefix(stage.InboxPrefix("wirewatch-"+user)))
	}
	nc, err := nats.Connect(s.srv.ClientURL(), append(inbox,
		nats.UserInfo(user, s.password(t, identity)),
		nats.Name("deploytest-"+user),
		nats.Timeout(10*time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), "permissions violation") {
				return
			}
			c.mu.Lock()
			c.violations = append(c.violations, err.Error())
			c.mu.Unlock()
			select {
			case c.changed <- struct{}{}:
			default:
			}
		}))...)
	if err != nil {
		t.Fatalf("connecting as %s: %v", user, err)
	}
	t.Cleanup(nc.Close)
	c.nc = nc
	return c
}

// Violations returns the violations reported so far.
func (c *client) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.violations...)
}

// waitViolation waits until the server reports a violation naming subject.
func (c *client) waitViolation(t *testing.T, subject string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		for _, v := range c.Violations() {
			if strings.Contains(v, subject) {
				return
			}
		}
		select {
		case <-c.changed:
		case <-deadline:
			t.Fatalf("no permissions violation for %q; got %q", subject, c.Violations())
		}
	}
}
