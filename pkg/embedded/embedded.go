// Package embedded runs a NATS server with JetStream inside the current
// process: the store of `wirewatch run` when no external NATS URL is given, and
// the server of every integration test.
package embedded

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Options configure an embedded server.
type Options struct {
	// StoreDir is where JetStream keeps its files. Required.
	StoreDir string
	// Listen is a host:port to accept clients on, e.g. "127.0.0.1:4222" or
	// "127.0.0.1:0" for a free port. Empty means in-process connections
	// only: nothing listens on the network.
	Listen string
	// MaxPayload is the largest message the server accepts. Zero means 8 MiB,
	// room for the largest document the pipeline carries.
	MaxPayload int32
	// SyncAlways makes JetStream fsync every write instead of every two
	// minutes: slower, but nothing acknowledged is lost on power failure.
	SyncAlways bool
	// ReadyTimeout bounds the wait for the server to accept connections.
	// Zero means 10s.
	ReadyTimeout time.Duration
}

// ErrNotReady is returned when the server did not become ready in time.
var ErrNotReady = errors.New("embedded: nats server not ready")

// Start starts a server and waits until it accepts connections.
func Start(o Options) (*server.Server, error) {
	if o.StoreDir == "" {
		return nil, errors.New("embedded: StoreDir is required")
	}
	if o.MaxPayload == 0 {
		o.MaxPayload = 8 << 20
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 10 * time.Second
	}
	opts := &server.Options{
		ServerName: "wirewatch-embedded",
		JetStream:  true,
		StoreDir:   o.StoreDir,
		MaxPayload: o.MaxPayload,
		SyncAlways: o.SyncAlways,
		NoSigs:     true,
		NoLog:      true,
	}
	if o.Listen == "" {
		opts.DontListen = true
	} else {
		host, port, err := net.SplitHostPort(o.Listen)
		if err != nil {
			return nil, fmt.Errorf("embedded: parsing listen address %q: %w", o.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, fmt.Errorf("embedded: parsing listen port %q: %w", port, err)
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, p
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded: configuring nats server: %w", err)
	}
	s.Start()
	if !s.ReadyForConnections(o.ReadyTimeout) {
		s.Shutdown()
		return nil, fmt.Errorf("%w after %s", ErrNotReady, o.ReadyTimeout)
	}
	return s, nil
}

// Connect opens an in-process client connection to s.
func Connect(s *server.Server, name string, opts ...nats.Option) (*nats.Conn, error) {
	opts = append([]nats.Option{nats.Name(name), nats.InProcessServer(s)}, opts...)
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, fmt.Errorf("embedded: connecting %s in-process: %w", name, err)
	}
	return nc, nil
}
