package stage_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/embedded"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// A runner outlives a restart of its server: once the connection is back it
// pulls again, without waiting out its lost pull requests.
func TestRunnerCarriesOnAfterTheServerRestarts(t *testing.T) {
	dir := t.TempDir()
	srv, err := embedded.Start(embedded.Options{StoreDir: dir, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr().String()
	t.Cleanup(func() { srv.Shutdown() })
	nc, js := reconnecting(t, srv.ClientURL())
	rawDoc(t, js, "before")
	r, stop := run(t, js, stage.Config{}, echo)
	waitFor(t, "the first ack", func() bool { return r.Stats().Acked == 1 })

	srv.Shutdown()
	srv.WaitForShutdown()
	srv, err = embedded.Start(embedded.Options{StoreDir: dir, Listen: addr})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reconnect", nc.IsConnected)
	back := time.Now()
	rawDoc(t, js, "after")
	waitFor(t, "the second ack", func() bool { return r.Stats().Acked == 2 })
	if took := time.Since(back); took > 3*time.Second {
		t.Errorf("the message published after the restart took %v to be handled", took)
	}
	stop()
}

// reconnecting connects to url as a service would, trying again for ever
// after the server is lost, and makes sure of wirewatch's streams.
func reconnecting(t *testing.T, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := stage.EnsureStreams(context.Background(), js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	return nc, js
}
