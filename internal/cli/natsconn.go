package cli

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

// natsFlags adds the NATS flags the services have to fs: --nats, and the
// credentials, TLS files and inbox prefix a secured server asks for.
func natsFlags(fs *flag.FlagSet, env Env) *stage.NATSFlags {
	var n stage.NATSFlags
	n.Register(fs, env.Getenv)
	return &n
}

// connect opens a connection for a tool verb: it fails fast when no server
// answers, instead of retrying as a service does.
func connect(n *stage.NATSFlags, name string) (*nats.Conn, jetstream.JetStream, error) {
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	opts, err := n.NATSOptions()
	if err != nil {
		return nil, nil, err
	}
	opts = append([]nats.Option{nats.Name(name), nats.Timeout(5 * time.Second), nats.MaxReconnects(3)}, opts...)
	nc, err := nats.Connect(n.NATSURL, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to nats at %s: %w", stage.ShownURL(n.NATSURL), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("creating jetstream context: %w", err)
	}
	return nc, js, nil
}

// parseTime reads an instant: RFC 3339 (2026-03-09T10:00:00Z), a date
// (2026-03-09, UTC), or a duration before now (90m, 24h).
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not RFC 3339, a date or a duration ago such as 24h", s)
}

// timeFlag is a flag holding an instant, parsed by parseTime.
type timeFlag struct {
	t   *time.Time
	now func() time.Time
}

func (f timeFlag) String() string {
	if f.t == nil || f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f timeFlag) Set(s string) error {
	t, err := parseTime(s, f.now())
	if err == nil {
		*f.t = t
	}
	return err
}

// strings is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// uintList is a repeatable flag of unsigned numbers.
type uintList []uint64

func (l *uintList) String() string {
	var s []string
	for _, n := range *l {
		s = append(s, strconv.FormatUint(n, 10))
	}
	return strings.Join(s, ",")
}

func (l *uintList) Set(v string) error {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return errors.New("not a sequence number")
	}
	*l = append(*l, n)
	return nil
}
