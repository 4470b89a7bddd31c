package natstest

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A cluster is handed to a test once its meta leader counts every server
// as online: a stream with a replica on every server can be created at
// once, without retrying, after the start and after a restart.
func TestClusterPlacesAReplicaOnEveryServer(t *testing.T) {
	c := StartCluster(t, 3)
	_, js := ConnectTo(t, c.URLs())
	create := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cfg := jetstream.StreamConfig{Name: name, Subjects: []string{name + ".>"}, Replicas: 3}
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatalf("creating stream %s on three replicas: %v", name, err)
		}
	}
	checkOnline := func() {
		t.Helper()
		for _, s := range c.Servers {
			if s.JetStreamIsLeader() {
				if peers := s.JetStreamClusterPeers(); len(peers) != len(c.Servers) {
					t.Fatalf("meta leader counts %v online, want all %d servers", peers, len(c.Servers))
				}
				return
			}
		}
		t.Fatal("no meta leader")
	}
	checkOnline()
	create("FIRST")
	for i := range c.Servers {
		c.Servers[i].Shutdown()
		c.Servers[i].WaitForShutdown()
		c.Restart(i)
		checkOnline()
		create(fmt.Sprintf("AFTER_%d", i))
	}
}

// A cluster port taken between being chosen and being listened on (by a
// process starting servers of its own) leaves a server that never gets
// ready: the cluster is started again on other ports.
func TestClusterStartsAgainWhenAPortWasTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	calls := 0
	clusterPorts = func(t testing.TB, n int) []int {
		calls++
		ports := freePorts(t, n)
		if calls == 1 {
			ports[n-1] = taken.Addr().(*net.TCPAddr).Port
		}
		return ports
	}
	defer func() { clusterPorts = freePorts }()
	c := StartCluster(t, 3)
	if calls != 2 {
		t.Fatalf("ports chosen %d times, want 2", calls)
	}
	for _, s := range c.Servers {
		if !s.Running() {
			t.Fatalf("server %s is not running", s.Name())
		}
	}
}
