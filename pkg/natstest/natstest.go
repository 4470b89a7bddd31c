// Package natstest starts a real NATS server with JetStream for a test: one
// per test, on a random loopback port, storing under t.TempDir(), shut down
// by t.Cleanup. Tests talk to it over a real connection; nothing is mocked.
package natstest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/embedded"
)

// Server starts a JetStream server listening on a random loopback port.
func Server(t testing.TB) *server.Server {
	t.Helper()
	s, err := embedded.Start(embedded.Options{StoreDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("starting nats server: %v", err)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// Connect opens a client connection to s over the network, closed by
// t.Cleanup, and returns it with its JetStream context.
func Connect(t testing.TB, s *server.Server) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(s.ClientURL(), nats.Name(t.Name()))
	if err != nil {
		t.Fatalf("connecting to %s: %v", s.ClientURL(), err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("creating jetstream context: %v", err)
	}
	return nc, js
}

// Start is Server followed by Connect.
func Start(t testing.TB) (*server.Server, *nats.Conn, jetstream.JetStream) {
	t.Helper()
	s := Server(t)
	nc, js := Connect(t, s)
	return s, nc, js
}

// Cluster is a JetStream cluster of servers in the test's process.
type Cluster struct {
	// Servers are the cluster's servers; Restart replaces one.
	Servers []*server.Server
	t       testing.TB
	opts    []*server.Options
}

// StartCluster starts n JetStream servers joined in one cluster, each
// listening for clients on a random loopback port, and waits until they
// agree on a JetStream meta leader. Servers are shut down by t.Cleanup; a
// test may shut one down earlier and start it again with Restart.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	// The cluster ports are chosen before the servers listen on them: a
	// process starting its own servers meanwhile (the tests of another
	// package) can take one, and that server never gets ready. The
	// cluster is then started again on other ports.
	for attempt := 1; ; attempt++ {
		c, err := startCluster(t, n)
		if err == nil {
			c.waitForMetaLeader()
			return c
		}
		if attempt == 3 {
			t.Fatalf("starting a cluster of %d servers, %d times: %v", n, attempt, err)
		}
		t.Logf("starting a cluster of %d servers: %v; trying again on other ports", n, err)
	}
}

// startCluster starts n servers joined in one cluster on free ports; when
// one of them does not get ready, it shuts down those it started.
func startCluster(t testing.TB, n int) (*Cluster, error) {
	t.Helper()
	ports := clusterPorts(t, n)
	routes := make([]*url.URL, n)
	for i, p := range ports {
		routes[i] = &url.URL{Scheme: "nats", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(p))}
	}
	c := &Cluster{t: t, Servers: make([]*server.Server, n), opts: make([]*server.Options, n)}
	for i := range n {
		c.opts[i] = &server.Options{
			ServerName: fmt.Sprintf("node-%d", i+1),
			Host:       "127.0.0.1",
			Port:       server.RANDOM_PORT,
			JetStream:  true,
			StoreDir:   t.TempDir(),
			NoSigs:     true,
			NoLog:      true,
			Cluster:    server.ClusterOpts{Name: "wirewatch-test", Host: "127.0.0.1", Port: ports[i]},
			Routes:     routes,
		}
		s, err := startServer(t, c.opts[i])
		if err != nil {
			for _, started := range c.Servers[:i] {
				started.Shutdown()
				started.WaitForShutdown()
			}
			return nil, err
		}
		c.Servers[i] = s
		// A restart keeps the client port clients know.
		c.opts[i].Port = s.Addr().(*net.TCPAddr).Port
	}
	return c, nil
}

// Restart starts server i, shut down before, again with its options and
// store, and waits until the cluster has a meta leader again.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	s, err := startServer(c.t, c.opts[i])
	if err != nil {
		c.t.Fatal(err)
	}
	c.Servers[i] = s
	c.waitForMetaLeader()
}

// URLs returns the client URLs of the servers, comma-separated, for
// nats.Connect.
func (c *Cluster) URLs() string {
	urls := make([]string, len(c.Servers))
	for i, s := range c.Servers {
		urls[i] = s.ClientURL()
	}
	return strings.Join(urls, ",")
}

// waitForMetaLeader waits until every running server is routed to the
// other running ones and knows the JetStream meta leader, and the leader
// counts every running server as online. Until the leader has heard from
// a server, it places no stream on it: creating a stream with a replica on
// every server fails with "no suitable peers for placement, peer offline".
func (c *Cluster) waitForMetaLeader() {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		running := 0
		for _, s := range c.Servers {
			if s.Running() {
				running++
			}
		}
		ready, leaders, online := true, 0, 0
		for _, s := range c.Servers {
			if !s.Running() {
				continue
			}
			if s.NumRoutes() < running-1 || !s.JetStreamIsCurrent() {
				ready = false
			}
			if s.JetStreamIsLeader() {
				leaders++
				online = len(s.JetStreamClusterPeers())
			}
		}
		if ready && leaders == 1 && online >= running {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("jetstream cluster of %d servers found no meta leader that knows every running server in time", len(c.Servers))
}

// startServer starts a server, shut down by t.Cleanup, and waits until it
// listens on its ports; a server that does not in time is shut down.
func startServer(t testing.TB, opts *server.Options) (*server.Server, error) {
	t.Helper()
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("configuring nats server %s: %v", opts.ServerName, err)
	}
	s.Start()
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, fmt.Errorf("nats server %s not ready (cluster port %d)", opts.ServerName, opts.Cluster.Port)
	}
	return s, nil
}

// clusterPorts chooses the cluster ports of a new cluster: freePorts, or
// in this package's tests, ports taken already.
var clusterPorts = freePorts

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("finding a free port: %v", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// ConnectTo connects to the servers at urls (comma-separated) and to no
// other server of their cluster, reconnecting to them for ever, and returns
// the connection, closed by t.Cleanup, with its JetStream context: a client
// on a host that shares those servers' fate. (A client normally learns the
// cluster's other servers from the one it reaches, and fails over to them.)
func ConnectTo(t testing.TB, urls string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(urls, nats.Name(t.Name()), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond),
		nats.DontRandomize(), nats.IgnoreDiscoveredServers())
	if err != nil {
		t.Fatalf("connecting to %s: %v", urls, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatalf("creating jetstream context: %v", err)
	}
	return nc, js
}

// Publish publishes m and waits for its stream's acknowledgement, trying
// again, up to 50 times 100 ms apart, while the cluster cannot take it (a
// leader moving, a server lost). It is safe in a test's own goroutines: it
// reports the last error rather than failing the test.
func Publish(js jetstream.JetStream, m *nats.Msg) error {
	for try := 0; ; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := js.PublishMsg(ctx, m)
		cancel()
		if err == nil || try == 50 {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}
