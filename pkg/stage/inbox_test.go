package stage_test

import (
	"context"
	"errors"
	"flag"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

func TestInboxPrefix(t *testing.T) {
	tests := []struct{ name, want string }{
		{"wirewatch-extractor", "_INBOX_extractor"},
		{"wirewatch-fetcher", "_INBOX_fetcher"},
		{"sink", "_INBOX_sink"},
		{"wirewatch", "_INBOX_wirewatch"},
		{"wirewatch-", "_INBOX_wirewatch"},
		{"", "_INBOX_wirewatch"},
		{"my.svc *>\tx", "_INBOX_my_svc____x"},
	}
	for _, tt := range tests {
		got := stage.InboxPrefix(tt.name)
		if got != tt.want {
			t.Errorf("InboxPrefix(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if err := stage.CheckInboxPrefix(got); err != nil {
			t.Errorf("InboxPrefix(%q) = %q, which CheckInboxPrefix refuses: %v", tt.name, got, err)
		}
	}
}

func TestCheckInboxPrefix(t *testing.T) {
	for p, ok := range map[string]bool{
		"_INBOX_sink": true, "_INBOX.sink": true, "a.b.c": true,
		"": false, "_INBOX.": false, ".x": false, "a..b": false, "a.*": false, "a.>": false, "a b": false, "a\tb": false,
	} {
		if err := stage.CheckInboxPrefix(p); (err == nil) != ok {
			t.Errorf("CheckInboxPrefix(%q) = %v, want ok=%v", p, err, ok)
		}
	}
}

func TestInboxPrefixFlag(t *testing.T) {
	if c := common(t, nil); c.NATSInboxPrefix != "" {
		t.Errorf("default prefix %q, want empty (the service's own)", c.NATSInboxPrefix)
	}
	env := map[string]string{"WIREWATCH_NATS_INBOX_PREFIX": "_INBOX_a"}
	if c := common(t, env); c.NATSInboxPrefix != "_INBOX_a" {
		t.Errorf("prefix from env %q", c.NATSInboxPrefix)
	}
	if c := common(t, env, "--nats-inbox-prefix", "_INBOX_b"); c.NATSInboxPrefix != "_INBOX_b" {
		t.Errorf("prefix from flag over env %q", c.NATSInboxPrefix)
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var c stage.Common
	c.Register(fs, func(string) string { return "" })
	if err := fs.Parse([]string{"--nats-inbox-prefix", "_INBOX.>"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--nats-inbox-prefix") {
		t.Errorf("Validate of a wildcard prefix: %v", err)
	}
}

// violations collects the permissions violations a server reports to a
// connection.
type violations struct {
	mu  sync.Mutex
	got []string
}

func (v *violations) handler(_ *nats.Conn, _ *nats.Subscription, err error) {
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "permissions violation") {
		v.mu.Lock()
		v.got = append(v.got, err.Error())
		v.mu.Unlock()
	}
}

func (v *violations) list() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.got...)
}

// inboxServer runs a JetStream server whose user svc may subscribe only to
// its own inbox prefix, _INBOX_svc.>.
func inboxServer(t *testing.T) *server.Server {
	return startServer(t, &server.Options{JetStream: true, Users: []*server.User{{
		Username: "svc", Password: "pw",
		Permissions: &server.Permissions{
			Publish:   &server.SubjectPermission{Allow: []string{"$JS.API.>", "$JS.ACK.>", "$KV.>", "news.>"}},
			Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX_svc.>"}},
		},
	}}})
}

// TestJetStreamWorksOnTheServiceInbox checks that everything a service does
// with JetStream (requests to the API, publishes, pulled messages, ordered
// consumers, KV gets and watches) answers on the service's own inbox prefix,
// and that the service cannot listen on another's.
func TestJetStreamWorksOnTheServiceInbox(t *testing.T) {
	s := inboxServer(t)
	var v violations
	c := common(t, map[string]string{"WIREWATCH_NATS_USER": "svc", "WIREWATCH_NATS_PASSWORD": "pw"})
	opts, err := c.NATSOptions()
	if err != nil {
		t.Fatal(err)
	}
	nc, err := stage.Dial(s.ClientURL(), "wirewatch-svc", zap.NewNop(), append(opts, nats.ErrorHandler(v.handler))...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer nc.Close()
	if in := nc.NewInbox(); !strings.HasPrefix(in, "_INBOX_svc.") {
		t.Fatalf("inbox %q, want _INBOX_svc.*", in)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	st, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "NEWS", Subjects: []string{"news.>"}})
	if err != nil {
		t.Fatalf("creating a stream: %v", err)
	}
	if _, err := js.Publish(ctx, "news.a", []byte("one")); err != nil {
		t.Fatalf("publishing: %v", err)
	}
	paf, err := js.PublishAsync("news.b", []byte("two"))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-paf.Ok():
	case err := <-paf.Err():
		t.Fatalf("async publish: %v", err)
	case <-ctx.Done():
		t.Fatal("async publish: no ack")
	}
	cons, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "svc", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatalf("creating a consumer: %v", err)
	}
	batch, err := cons.Fetch(2, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for m := range batch.Messages() {
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatalf("acking: %v", err)
		}
		n++
	}
	if n != 2 || batch.Error() != nil {
		t.Fatalf("pulled %d messages (%v), want 2", n, batch.Error())
	}
	ordered, err := js.OrderedConsumer(ctx, "NEWS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := ordered.Next(jetstream.FetchMaxWait(5 * time.Second)); err != nil || string(m.Data()) != "one" {
		t.Fatalf("ordered consumer: %v", err)
	}
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "STATE"})
	if err != nil {
		t.Fatalf("creating a KV bucket: %v", err)
	}
	w, err := kv.WatchAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	if _, err := kv.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if e, err := kv.Get(ctx, "k"); err != nil || string(e.Value()) != "v" {
		t.Fatalf("KV get: %v", err)
	}
	for e := range w.Updates() {
		if e != nil && e.Key() == "k" {
			break
		}
	}
	if got := v.list(); len(got) > 0 {
		t.Fatalf("permissions violations on the service's own inbox: %v", got)
	}

	// Another service's replies are out of reach.
	if _, err := nc.SubscribeSync("_INBOX_other.>"); err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	deadline := time.Now().Add(5 * time.Second)
	for len(v.list()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := v.list(); len(got) != 1 || !strings.Contains(got[0], "_INBOX_other.>") {
		t.Fatalf("subscribing to another service's inbox: violations %q, want one naming _INBOX_other.>", got)
	}
}

// TestInboxPrefixOverride shows that --nats-inbox-prefix replaces the
// service's own prefix, and that a connection on a prefix its permissions
// do not cover gets no JetStream answer.
func TestInboxPrefixOverride(t *testing.T) {
	s := inboxServer(t)
	for _, tt := range []struct {
		prefix string
		works  bool
	}{{"_INBOX_svc.b", true}, {"_INBOX", false}} {
		t.Run(tt.prefix, func(t *testing.T) {
			c := common(t, map[string]string{"WIREWATCH_NATS_USER": "svc", "WIREWATCH_NATS_PASSWORD": "pw"},
				"--nats-inbox-prefix", tt.prefix)
			opts, err := c.NATSOptions()
			if err != nil {
				t.Fatal(err)
			}
			var v violations
			nc, err := stage.Dial(s.ClientURL(), "wirewatch-other", zap.NewNop(), append(opts, nats.ErrorHandler(v.handler))...)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer nc.Close()
			if in := nc.NewInbox(); !strings.HasPrefix(in, tt.prefix+".") {
				t.Fatalf("inbox %q, want prefix %s", in, tt.prefix)
			}
			js, err := jetstream.New(nc)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_, err = js.AccountInfo(ctx)
			switch {
			case tt.works && err != nil:
				t.Fatalf("account info on %s: %v", tt.prefix, err)
			case !tt.works && err == nil:
				t.Fatalf("account info answered on %s, outside the permissions", tt.prefix)
			case !tt.works && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) &&
				!strings.Contains(strings.ToLower(err.Error()), "permissions"):
				t.Fatalf("account info on %s: %v, want a timeout or a permissions error", tt.prefix, err)
			}
		})
	}
}

// FuzzInboxPrefix checks that any service name gives a prefix both
// CheckInboxPrefix and nats.go accept, and that whatever CheckInboxPrefix
// accepts, nats.go does too.
func FuzzInboxPrefix(f *testing.F) {
	for _, s := range []string{"wirewatch-sink", "", "a.b", "_INBOX.>", "x y", "wirewatch-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var o nats.Options
		p := stage.InboxPrefix(s)
		if err := stage.CheckInboxPrefix(p); err != nil {
			t.Fatalf("InboxPrefix(%q) = %q: %v", s, p, err)
		}
		if err := nats.CustomInboxPrefix(p)(&o); err != nil {
			t.Fatalf("nats refuses InboxPrefix(%q) = %q: %v", s, p, err)
		}
		if stage.CheckInboxPrefix(s) == nil {
			if err := nats.CustomInboxPrefix(s)(&o); err != nil {
				t.Fatalf("CheckInboxPrefix accepts %q, nats does not: %v", s, err)
			}
		}
	})
}
