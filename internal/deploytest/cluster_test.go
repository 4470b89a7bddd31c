package deploytest

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/wirewatch/wirewatch/internal/stacksetup"
)

func TestRoutesAreAuthenticated(t *testing.T) {
	opts, secrets := loadConfig(t)
	if opts.Cluster.Username != stacksetup.RouteUser || len(opts.Cluster.Password) < 32 {
		t.Fatalf("cluster authorization %q/%q: want the route user and a generated password", opts.Cluster.Username, opts.Cluster.Password)
	}
	if len(opts.Routes) != 3 {
		t.Fatalf("%d routes, want 3", len(opts.Routes))
	}
	for i, r := range opts.Routes {
		pw, _ := r.User.Password()
		if want := []string{"nats-1:6222", "nats-2:6222", "nats-3:6222"}[i]; r.Host != want ||
			r.User.Username() != opts.Cluster.Username || pw != opts.Cluster.Password {
			t.Errorf("route %d %s: want %s with the cluster's credentials", i, r.Redacted(), want)
		}
	}
	// The password is in the generated secret only, not in the config
	// files that go into the repository (and are mounted as they are).
	for _, name := range []string{"nats.conf", "auth.conf", "route-tls.conf"} {
		b, err := os.ReadFile(filepath.Join(natsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), opts.Cluster.Password) {
			t.Errorf("%s holds the route password", name)
		}
	}
	b, err := os.ReadFile(filepath.Join(secrets, stacksetup.ClusterFile))
	if err != nil || !strings.Contains(string(b), opts.Cluster.Password) {
		t.Errorf("the route password does not come from %s (%v)", stacksetup.ClusterFile, err)
	}
}

// startNode starts a node from the stack's configuration with its client
// and route ports on loopback and no JetStream, routing to routes (nil: to
// none), after edit changes its options.
func startNode(t *testing.T, conf, name string, routes []*url.URL, edit ...func(*server.Options)) *server.Server {
	t.Helper()
	t.Setenv("NATS_NODE", name)
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		t.Fatalf("parsing %s: %v", conf, err)
	}
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", -1, 0
	opts.Cluster.Host, opts.Cluster.Port = "127.0.0.1", -1
	opts.Routes, opts.RoutesStr = routes, ""
	opts.JetStream, opts.StoreDir = false, ""
	opts.NoSigs, opts.NoLog = true, true
	for _, e := range edit {
		e(opts)
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("creating node %s: %v", name, err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		t.Fatalf("node %s did not start", name)
	}
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	return srv
}

// routeTo is the stack's first route URL (with the credentials the config
// gives it) pointed at srv's route port, or with other credentials.
func routeTo(t *testing.T, conf string, srv *server.Server, user *url.Userinfo, keep bool) []*url.URL {
	t.Helper()
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	u := *opts.Routes[0]
	u.Host = srv.ClusterAddr().String()
	if !keep {
		u.User = user
	}
	return []*url.URL{&u}
}

// routes describes srv's routes, for failure messages.
func routes(srv *server.Server) string {
	rz, err := srv.Routez(nil)
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, r := range rz.Routes {
		out = append(out, fmt.Sprintf("%s at %s:%d (solicited %v)", r.RemoteName, r.IP, r.Port, r.DidSolicit))
	}
	return strings.Join(out, ", ")
}

func waitRoutes(srv *server.Server, want bool, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if (srv.NumRoutes() > 0) == want {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// TestOnlyNodesWithTheRoutePasswordJoin forms a cluster from the stack's
// configuration: a node with the routes the config gives it joins; one
// with a wrong password, or none, is refused.
func TestOnlyNodesWithTheRoutePasswordJoin(t *testing.T) {
	conf, _ := layout(t)
	seed := startNode(t, conf, "nats-1", nil)
	peer := startNode(t, conf, "nats-2", routeTo(t, conf, seed, nil, true))
	if !waitRoutes(peer, true, 10*time.Second) || !waitRoutes(seed, true, time.Second) {
		t.Fatal("a node with the cluster's route credentials did not join")
	}
	for _, tc := range []struct {
		name string
		user *url.Userinfo
	}{
		{"a wrong password", url.UserPassword(stacksetup.RouteUser, "not-the-password")},
		{"no credentials", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The intruder does not know the password at all: not in
			// its routes, nor in its own cluster authorization, which a
			// node also uses for the routes it learns of from its peers.
			intruder := startNode(t, conf, "nats-3", routeTo(t, conf, seed, tc.user, false), func(o *server.Options) {
				o.Cluster.Username, o.Cluster.Password = "", ""
				if tc.user != nil {
					o.Cluster.Username = tc.user.Username()
					o.Cluster.Password, _ = tc.user.Password()
				}
			})
			// The intruder may count a route for the moment between the
			// seed's INFO and its refusal; the cluster's nodes must never
			// count one to it, and it must end up with none.
			deadline := time.Now().Add(4 * time.Second)
			for time.Now().Before(deadline) {
				for _, n := range []*server.Server{seed, peer} {
					if r := routes(n); strings.Contains(r, "nats-3") {
						t.Fatalf("a node with %s joined the cluster: %s has routes %s", tc.name, n.Name(), r)
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
			if intruder.NumRoutes() != 0 {
				t.Fatalf("a node with %s keeps routes: %s", tc.name, routes(intruder))
			}
		})
	}
}

// TestRouteTLS includes route-tls.conf in the cluster block as
// deploy/README.md says and checks that two nodes with certificates from the
// CA form routes over TLS, still with the route password, and that a node
// without TLS cannot join.
func TestRouteTLS(t *testing.T) {
	conf, _ := layout(t)
	etc := filepath.Dir(conf)
	tlsDir := filepath.Join(etc, "tls")
	if err := os.MkdirAll(tlsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pki(t, tlsDir)
	b, err := os.ReadFile(filepath.Join(etc, "route-tls.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(etc, "route-tls.conf"),
		[]byte(strings.ReplaceAll(string(b), "/etc/nats/tls/", tlsDir+"/")), 0o644); err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	on := strings.Replace(string(main), `#include "route-tls.conf"`, `include "route-tls.conf"`, 1)
	if on == string(main) {
		t.Fatal(`nats.conf has no commented-out include "route-tls.conf" in its cluster block`)
	}
	if err := os.WriteFile(conf, []byte(on), 0o644); err != nil {
		t.Fatal(err)
	}
	seed := startNode(t, conf, "nats-1", nil)
	peer := startNode(t, conf, "nats-2", routeTo(t, conf, seed, nil, true))
	if !waitRoutes(peer, true, 10*time.Second) {
		t.Fatal("two nodes with route certificates did not form a route over TLS")
	}
	// A node with the route password but without TLS is refused.
	plain, _ := layout(t)
	intruder := startNode(t, plain, "nats-3", routeTo(t, plain, seed, nil, true))
	if waitRoutes(intruder, true, 4*time.Second) {
		t.Fatal("a node without TLS joined a cluster whose routes need it")
	}
}
