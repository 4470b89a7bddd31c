package cli

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// delayProxy listens on a loopback port and relays every connection to a
// server, each byte delayed in both directions, as a link with that latency
// would. The delays can change while connections are open.
type delayProxy struct {
	addr     string
	toServer atomic.Int64 // nanoseconds
	toClient atomic.Int64 // nanoseconds
}

// newDelayProxy starts a proxy to target delaying by oneWay. It stops,
// closing every connection, when tb ends.
func newDelayProxy(tb testing.TB, target string, oneWay time.Duration) *delayProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &delayProxy{addr: ln.Addr().String()}
	p.toServer.Store(int64(oneWay))
	p.toClient.Store(int64(oneWay))
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
			wg.Go(func() { relayDelayed(server, client, &p.toServer) })
			wg.Go(func() { relayDelayed(client, server, &p.toClient) })
		}
	})
	tb.Cleanup(func() {
		ln.Close()
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

// delayToClient changes the delay of what the server sends from now on.
func (p *delayProxy) delayToClient(d time.Duration) { p.toClient.Store(int64(d)) }

// relayDelayed copies src to dst, writing what it reads delay after reading
// it, until either side fails; then it closes both.
func relayDelayed(dst, src net.Conn, delay *atomic.Int64) {
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
	for c := range chunks {
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.data); err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	for range chunks {
	}
	reader.Wait()
}
