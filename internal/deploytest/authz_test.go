package deploytest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/internal/stacksetup"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

func TestConfigIsTheClusterItSaysItIs(t *testing.T) {
	opts, _ := loadConfig(t)
	if !opts.SyncAlways {
		t.Error("jetstream sync_interval is not always: acknowledged writes could be lost on a crash")
	}
	if !opts.JetStream || opts.StoreDir != "/data/jetstream" {
		t.Errorf("jetstream %v, store %q; want enabled, /data/jetstream", opts.JetStream, opts.StoreDir)
	}
	if opts.ServerName != "nats-1" {
		t.Errorf("server name %q, want nats-1 from $NATS_NODE", opts.ServerName)
	}
	if opts.Cluster.Name != "wirewatch" || len(opts.Routes) != 3 {
		t.Errorf("cluster %q with %d routes, want wirewatch with 3", opts.Cluster.Name, len(opts.Routes))
	}
	users := map[string]string{}
	for _, u := range opts.Users {
		if u.Account == nil || u.Account.Name != "WIREWATCH" {
			t.Errorf("user %s is not in the WIREWATCH account", u.Username)
		}
		users[u.Username] = u.Password
	}
	for _, id := range stacksetup.Identities {
		pw, ok := users[id]
		if !ok {
			t.Errorf("identity %s has no user", id)
			continue
		}
		if !strings.HasPrefix(pw, "$2a$") {
			t.Errorf("user %s's password is not a bcrypt hash", id)
		}
	}
	if len(users) != len(stacksetup.Identities) {
		t.Errorf("%d users, want %d: %v", len(users), len(stacksetup.Identities), users)
	}
}

func TestWrongPasswordIsRefused(t *testing.T) {
	s := startStack(t)
	_, err := nats.Connect(s.srv.ClientURL(), nats.UserInfo("fetcher", s.password(t, "sink")),
		nats.MaxReconnects(0))
	if !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("connecting as fetcher with the sink's password: got %v, want an authorization violation", err)
	}
	_, err = nats.Connect(s.srv.ClientURL(), nats.MaxReconnects(0))
	if !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("connecting without credentials: got %v, want an authorization violation", err)
	}
}

// createStreams creates the pipeline streams as the admin, as the stack's
// setup service does.
func createStreams(t *testing.T, s *stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o := stacksetup.ConnOptions{URL: s.srv.ClientURL(), User: "admin",
		PasswordFile: s.secrets + "/" + stacksetup.PasswordFile("admin")}
	if err := stacksetup.EnsureStreams(ctx, o, 1, nopLog()); err != nil {
		t.Fatalf("creating the streams as admin: %v", err)
	}
}

func TestEachIdentityPublishesItsOwnSubjects(t *testing.T) {
	s := startStack(t)
	createStreams(t, s)
	cases := []struct {
		identity string
		subject  string
	}{
		{"fetcher", "news.raw.feed"},
		{"fetcher", "news.feed.health.f1"},
		{"fetcher", "news.dlq.fetcher"},
		{"extractor", "news.article.en"},
		{"extractor", "news.dlq.extractor"},
		{"deduper", "news.clustered.en"},
		{"deduper", "news.cluster.c1"},
		{"deduper", "news.dlq.deduper"},
		{"sink", "news.dlq.sink"},
	}
	for _, tc := range cases {
		t.Run(tc.identity+"/"+tc.subject, func(t *testing.T) {
			c := s.connect(t, tc.identity)
			js, err := jetstream.New(c.nc)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := js.Publish(ctx, tc.subject, []byte("{}")); err != nil {
				t.Fatalf("publishing to %s as %s: %v (violations %q)", tc.subject, tc.identity, err, c.Violations())
			}
		})
	}
}

func TestIdentitiesAreRefusedOtherServicesWork(t *testing.T) {
	s := startStack(t)
	createStreams(t, s)
	publish := func(subject string) func(context.Context, *client, jetstream.JetStream) error {
		return func(_ context.Context, c *client, _ jetstream.JetStream) error {
			if err := c.nc.Publish(subject, []byte("{}")); err != nil {
				return err
			}
			return c.nc.Flush()
		}
	}
	readStream := func(stream string) func(context.Context, *client, jetstream.JetStream) error {
		return func(ctx context.Context, _ *client, js jetstream.JetStream) error {
			_, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
			return err
		}
	}
	cases := []struct {
		name      string
		user      string // the identity connecting
		password  string // whose password it holds
		forbidden string // the subject the server must refuse
		do        func(context.Context, *client, jetstream.JetStream) error
	}{
		{"sink publishes raw documents", "sink", "sink", "news.raw.x", publish("news.raw.x")},
		{"sink publishes articles", "sink", "sink", "news.article.en", publish("news.article.en")},
		{"sink publishes clustered articles", "sink", "sink", "news.clustered.en", publish("news.clustered.en")},
		{"sink publishes cluster state", "sink", "sink", "news.cluster.c1", publish("news.cluster.c1")},
		{"sink forges another stage's dead letter", "sink", "sink", "news.dlq.extractor", publish("news.dlq.extractor")},
		{"extractor publishes raw documents", "extractor", "extractor", "news.raw.x", publish("news.raw.x")},
		{"deduper publishes articles", "deduper", "deduper", "news.article.en", publish("news.article.en")},
		{"fetcher publishes articles", "fetcher", "fetcher", "news.article.en", publish("news.article.en")},
		{"monitor publishes", "monitor", "monitor", "news.raw.x", publish("news.raw.x")},
		{"fetcher reads the clusters stream", "fetcher", "fetcher", "$JS.API.CONSUMER.CREATE.NEWS_CLUSTERS", readStream(events.StreamClusters)},
		{"fetcher gets a cluster message", "fetcher", "fetcher", "$JS.API.STREAM.MSG.GET.NEWS_CLUSTERS",
			func(ctx context.Context, _ *client, js jetstream.JetStream) error {
				st, err := js.Stream(ctx, events.StreamClusters)
				if err != nil {
					return err
				}
				_, err = st.GetLastMsgForSubject(ctx, "news.cluster.>")
				return err
			}},
		{"sink reads raw documents", "sink", "sink", "$JS.API.CONSUMER.CREATE.NEWS_RAW", readStream(events.StreamRaw)},
		{"extractor takes the sink's consumer", "extractor", "extractor", "$JS.API.CONSUMER.CREATE.NEWS_CLUSTERED.sink",
			func(ctx context.Context, _ *client, js jetstream.JetStream) error {
				cc, err := events.ConsumerConfig(events.StageSink, "sink")
				if err != nil {
					return err
				}
				_, err = js.CreateOrUpdateConsumer(ctx, events.StreamClustered, cc)
				return err
			}},
		{"fetcher changes a pipeline stream", "fetcher", "fetcher", "$JS.API.STREAM.UPDATE.NEWS_RAW",
			func(ctx context.Context, _ *client, js jetstream.JetStream) error {
				return stage.EnsureStreams(ctx, js, events.StreamOptions{})
			}},
		{"deduper deletes the raw stream", "deduper", "deduper", "$JS.API.STREAM.DELETE.NEWS_RAW",
			func(ctx context.Context, _ *client, js jetstream.JetStream) error {
				return js.DeleteStream(ctx, events.StreamRaw)
			}},
		{"sink opens the fetcher's seen bucket", "sink", "sink", "$JS.API.STREAM.INFO.KV_WIREWATCH_SEEN",
			func(ctx context.Context, _ *client, js jetstream.JetStream) error {
				_, err := js.KeyValue(ctx, "WIREWATCH_SEEN")
				return err
			}},
		{"monitor deletes the extractor's consumer", "monitor", "monitor", "$JS.API.CONSUMER.DELETE.NEWS_RAW.extractor",
			func(ctx context.Context, _ *client, js jetstream.JetStream) error {
				return js.DeleteConsumer(ctx, events.StreamRaw, "extractor")
			}},
		// A sink handed the fetcher's user name but only its own password
		// cannot even connect; TestWrongPasswordIsRefused covers that. With
		// the fetcher's whole credentials it is the fetcher, so the check
		// that matters is that the fetcher's rights are narrow, above.
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.connectAs(t, tc.user, tc.password)
			js, err := jetstream.New(c.nc)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			err = tc.do(ctx, c, js)
			if err == nil && strings.HasPrefix(tc.forbidden, "$JS.API") {
				t.Fatalf("%s: the API call succeeded", tc.name)
			}
			c.waitViolation(t, tc.forbidden)
		})
	}
}

func TestMonitorReadsEveryStream(t *testing.T) {
	s := startStack(t)
	createStreams(t, s)
	admin := s.connect(t, "admin")
	ajs, _ := jetstream.New(admin.nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := ajs.Publish(ctx, "news.cluster.c1", []byte(`{"id":"c1"}`)); err != nil {
		t.Fatal(err)
	}
	m := s.connect(t, "monitor")
	js, _ := jetstream.New(m.nc)
	cons, err := js.OrderedConsumer(ctx, events.StreamClusters, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatalf("monitor creating an ordered consumer: %v (violations %q)", err, m.Violations())
	}
	msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatalf("monitor reading NEWS_CLUSTERS: %v (violations %q)", err, m.Violations())
	}
	if got := string(msg.Data()); got != `{"id":"c1"}` {
		t.Fatalf("monitor read %q", got)
	}
}
