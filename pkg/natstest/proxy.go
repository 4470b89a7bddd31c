package natstest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy listens on a loopback port and relays every connection to a
// server, each byte delayed in both directions as a link with that latency
// would delay it. It starts without delay; the delays can change while
// connections are open, and apply to what the proxy reads from then on.
// A slow link shows what a local server never does: messages the server
// has sent and no longer counts as pending, still on their way to the
// client.
type Proxy struct {
	addr     string
	toServer atomic.Int64 // nanoseconds
	toClient atomic.Int64 // nanoseconds
}

// DelayProxy starts a proxy to the server listening at target (host:port,
// such as a server's Addr().String()). It stops, closing every connection
// it relays, when t ends.
func DelayProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting a delay proxy to %s: %v", target, err)
	}
	p := &Proxy{addr: ln.Addr().String()}
	stop := make(chan struct{}) // closed when t ends
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		conns  []net.Conn
		closed bool
	)
	keep := func(c net.Conn) bool {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return false
		}
		conns = append(conns, c)
		return true
	}
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			if !keep(client) || !keep(server) {
				client.Close()
				server.Close()
				continue
			}
			wg.Go(func() { relayDelayed(server, client, &p.toServer, stop) })
			wg.Go(func() { relayDelayed(client, server, &p.toClient, stop) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		close(stop)
		mu.Lock()
		closed = true
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return p
}

// Addr returns the address the proxy listens on, host:port.
func (p *Proxy) Addr() string { return p.addr }

// URL returns the proxy's address as a NATS URL, for nats.Connect.
func (p *Proxy) URL() string { return "nats://" + p.addr }

// SetDelay delays what passes through the proxy from now on by d in each
// direction: a round trip takes 2d more.
func (p *Proxy) SetDelay(d time.Duration) {
	p.toServer.Store(int64(d))
	p.toClient.Store(int64(d))
}

// SetDelayToClient delays what the server sends from now on by d, leaving
// what clients send as it is.
func (p *Proxy) SetDelayToClient(d time.Duration) { p.toClient.Store(int64(d)) }

// relayDelayed copies src to dst, writing what it reads delay after reading
// it, until either side fails or stop is closed; then it closes both. Data
// keeps its order: a chunk read after the delay shrank waits for those read
// before it.
func relayDelayed(dst, src net.Conn, delay *atomic.Int64, stop <-chan struct{}) {
	type chunk struct {
		due  time.Time
		data []byte
	}
	chunks := make(chan chunk, 64)
	var reader sync.WaitGroup
	reader.Go(func() {
		defer close(chunks)
		for {
			buf := make([]byte, 64<<10)
			n, err := src.Read(buf)
			if n > 0 {
				chunks <- chunk{time.Now().Add(time.Duration(delay.Load())), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	})
	wait := time.NewTimer(0)
	defer wait.Stop()
	send := func(c chunk) bool {
		wait.Reset(time.Until(c.due))
		select {
		case <-wait.C:
		case <-stop:
			return false
		}
		_, err := dst.Write(c.data)
		return err == nil
	}
	for c := range chunks {
		if !send(c) {
			break
		}
	}
	dst.Close()
	src.Close()
	for range chunks {
	}
	reader.Wait()
}
