package natstest_test

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestDelayProxyDelaysWhatPassesThrough(t *testing.T) {
	const d = 150 * time.Millisecond
	tests := []struct {
		name    string
		set     func(*natstest.Proxy)
		atLeast time.Duration // the round trip once set
	}{
		{"both ways", func(p *natstest.Proxy) { p.SetDelay(d) }, 2 * d},
		{"to the client", func(p *natstest.Proxy) { p.SetDelayToClient(d) }, d},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := natstest.Server(t)
			p := natstest.DelayProxy(t, s.Addr().String())
			nc, err := nats.Connect(p.URL(), nats.Name(t.Name()))
			if err != nil {
				t.Fatalf("connecting through the proxy: %v", err)
			}
			defer nc.Close()
			sub, err := nc.SubscribeSync("echo")
			if err != nil {
				t.Fatal(err)
			}
			// The connection is open before the delay changes.
			tt.set(p)
			start := time.Now()
			if err := nc.Publish("echo", []byte("hello")); err != nil {
				t.Fatal(err)
			}
			m, err := sub.NextMsg(10 * time.Second)
			if err != nil {
				t.Fatalf("receiving through the proxy: %v", err)
			}
			if took := time.Since(start); string(m.Data) != "hello" || took < tt.atLeast {
				t.Errorf("message %q came back in %s; want %q after at least %s", m.Data, took, "hello", tt.atLeast)
			}
		})
	}
}

func TestDelayProxyClosesItsConnectionsWhenTheTestEnds(t *testing.T) {
	s := natstest.Server(t)
	var conn net.Conn
	start := time.Now()
	t.Run("proxied", func(t *testing.T) {
		p := natstest.DelayProxy(t, s.Addr().String())
		var err error
		conn, err = net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		// The server greets every client with its INFO.
		line, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "INFO ") {
			t.Fatalf("read %q, %v through the proxy; want the server's INFO", line, err)
		}
		// What is on its way when the test ends does not hold it up.
		p.SetDelay(time.Minute)
		if _, err := conn.Write([]byte("PING\r\n")); err != nil {
			t.Fatal(err)
		}
	})
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the proxy took %s to stop", took)
	}
	if conn == nil {
		return
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, err := conn.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Errorf("read %d bytes, %v from a proxy whose test ended; want the connection closed", n, err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
