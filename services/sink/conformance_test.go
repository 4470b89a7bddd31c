package sink_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/sink"
	"github.com/wirewatch/wirewatch/services/sink/internal/webhook"
)

// destination is one kind of output as the conformance suite drives it.
type destination struct {
	// spec is the output, without a filter.
	spec sink.OutputSpec
	// configure adds what the output needs to the sink's configuration.
	configure func(*sink.Config)
	// keys lists the key (id@content_hash) of every article the
	// destination holds, once per copy.
	keys func(t *testing.T) []string
	// fail makes the destination refuse deliveries until heal.
	fail, heal func(t *testing.T)
}

// destinations are the outputs every test of the suite runs against.
var destinations = []struct {
	name  string
	setup func(t *testing.T, js jetstream.JetStream) *destination
}{
	{sink.KindJSONL, jsonlDestination},
	{sink.KindStdout, stdoutDestination},
	{sink.KindWebhook, webhookDestination},
	{sink.KindNATS, natsDestination},
}

func keyOfRecord(t *testing.T, line []byte) string {
	t.Helper()
	var r struct {
		ID          string `json:"id"`
		ContentHash string `json:"content_hash"`
	}
	if err := json.Unmarshal(line, &r); err != nil {
		t.Fatalf("destination holds a record that is not JSON: %q: %v", line, err)
	}
	return sink.Key(r.ID, r.ContentHash)
}

func jsonlDestination(t *testing.T, _ jetstream.JetStream) *destination {
	dir := t.TempDir()
	// A directory where today's file belongs makes opening it fail.
	blocker := filepath.Join(dir, sink.FilePrefix+"-"+time.Now().UTC().Format("2006-01-02")+".jsonl")
	return &destination{
		spec:      sink.OutputSpec{Kind: sink.KindJSONL, Target: dir},
		configure: func(*sink.Config) {},
		keys: func(t *testing.T) []string {
			var keys []string
			for _, l := range lines(t, dir) {
				keys = append(keys, keyOfRecord(t, []byte(l)))
			}
			return keys
		},
		fail: func(t *testing.T) {
			if err := os.Mkdir(blocker, 0o755); err != nil {
				t.Fatal(err)
			}
		},
		heal: func(t *testing.T) { os.Remove(blocker) },
	}
}

// lineWriter is a standard output that can be made to fail.
type lineWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	broken atomic.Bool
}

func (w *lineWriter) Write(p []byte) (int, error) {
	if w.broken.Load() {
		return 0, errors.New("stdout closed")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func stdoutDestination(t *testing.T, _ jetstream.JetStream) *destination {
	w := &lineWriter{}
	return &destination{
		spec:      sink.OutputSpec{Kind: sink.KindStdout},
		configure: func(c *sink.Config) { c.Stdout = w },
		keys: func(t *testing.T) []string {
			w.mu.Lock()
			defer w.mu.Unlock()
			var keys []string
			sc := bufio.NewScanner(bytes.NewReader(w.buf.Bytes()))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				keys = append(keys, keyOfRecord(t, sc.Bytes()))
			}
			return keys
		},
		fail: func(*testing.T) { w.broken.Store(true) },
		heal: func(*testing.T) { w.broken.Store(false) },
	}
}

const webhookSecret = "conformance-secret"

func webhookDestination(t *testing.T, _ jetstream.JetStream) *destination {
	var mu sync.Mutex
	var got []string
	var broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify([]byte(webhookSecret), r.Header, body, time.Now(), time.Minute); err != nil {
			t.Errorf("webhook request: %v", err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if broken.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		key := keyOfRecord(t, body)
		if h := r.Header.Get(webhook.HeaderID); h != key {
			t.Errorf("%s = %q, want the record's key %q", webhook.HeaderID, h, key)
		}
		mu.Lock()
		got = append(got, key)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return &destination{
		spec: sink.OutputSpec{Kind: sink.KindWebhook, Target: srv.URL + "/hook"},
		configure: func(c *sink.Config) {
			c.Webhook = sink.WebhookConfig{Secret: webhookSecret, Attempts: 1, Timeout: 5 * time.Second}
		},
		keys: func(*testing.T) []string {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(got)
		},
		fail: func(*testing.T) { broken.Store(true) },
		heal: func(*testing.T) { broken.Store(false) },
	}
}

func natsDestination(t *testing.T, js jetstream.JetStream) *destination {
	const subject, stream = "downstream.articles", "DOWNSTREAM"
	ctx := context.Background()
	cfg := jetstream.StreamConfig{Name: stream, Subjects: []string{subject}, Storage: jetstream.FileStorage, Duplicates: time.Hour}
	if _, err := js.CreateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	return &destination{
		spec:      sink.OutputSpec{Kind: sink.KindNATS, Target: subject},
		configure: func(*sink.Config) {},
		keys: func(t *testing.T) []string {
			s, err := js.Stream(ctx, stream)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for seq := s.CachedInfo().State.FirstSeq; seq <= s.CachedInfo().State.LastSeq && seq > 0; seq++ {
				m, err := s.GetMsg(ctx, seq)
				if err != nil {
					t.Fatal(err)
				}
				if m.Header.Get(events.HeaderMsgID) == "" || m.Header.Get(events.HeaderCEType) != events.SchemaClusteredArticle {
					t.Errorf("republished message lacks its id or type: %v", m.Header)
				}
				keys = append(keys, keyOfRecord(t, m.Data))
			}
			return keys
		},
		// A stream that takes no message larger than 16 bytes refuses
		// every article.
		fail: func(t *testing.T) {
			small := cfg
			small.MaxMsgSize = 16
			if _, err := js.UpdateStream(ctx, small); err != nil {
				t.Fatal(err)
			}
		},
		heal: func(t *testing.T) {
			if _, err := js.UpdateStream(ctx, cfg); err != nil {
				t.Fatal(err)
			}
		},
	}
}

// suite is one test's server and the events it published.
type suite struct {
	t   *testing.T
	js  jetstream.JetStream
	dst *destination
	seq map[uint64]string // stream sequence → key
	mu  sync.Mutex
}

func newSuite(t *testing.T, setup func(*testing.T, jetstream.JetStream) *destination) *suite {
	js := withStreams(t)
	return &suite{t: t, js: js, dst: setup(t, js), seq: map[uint64]string{}}
}

// publish stores a under its message id plus suffix, so that the same
// event can be stored again.
func (s *suite) publish(a *events.ClusteredArticle, suffix string) {
	s.t.Helper()
	m, err := events.Encode(events.StageDeduper, events.ClusteredSubject(a.Language), a, time.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	m.Header.Set(events.HeaderMsgID, m.Header.Get(events.HeaderMsgID)+suffix)
	ack, err := s.js.PublishMsg(context.Background(), m)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.seq[ack.Sequence] = sink.Key(a.ID, a.ContentHash)
	s.mu.Unlock()
}

// publishArticles publishes the first n distinct articles, once under
// each suffix, and returns them.
func (s *suite) publishArticles(n int, suffixes ...string) []*events.ClusteredArticle {
	s.t.Helper()
	var all []*events.ClusteredArticle
	for i := range n {
		a := article(i, "en", events.RelationNew)
		all = append(all, a)
		for _, suffix := range suffixes {
			s.publish(a, suffix)
		}
	}
	return all
}

// running is a sink started by the suite.
type running struct {
	svc       *sink.Service
	cancel    context.CancelFunc
	done      chan error
	delivered atomic.Int32
}

func (s *suite) start(filter string) *running {
	s.t.Helper()
	spec := s.dst.spec
	spec.Filter = filter
	r := &running{done: make(chan error, 1)}
	cfg := sink.Config{
		Outputs:     []sink.OutputSpec{spec},
		Backoff:     stage.Backoff{Base: 20 * time.Millisecond, Max: 100 * time.Millisecond},
		OnDelivered: func(*events.ClusteredArticle, bool) { r.delivered.Add(1) },
	}
	s.dst.configure(&cfg)
	svc, err := sink.New(s.js, cfg, zaptest.NewLogger(s.t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		s.t.Fatal(err)
	}
	r.svc = svc
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- svc.Run(ctx) }()
	s.t.Cleanup(func() { r.stop(s.t) })
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	if err := <-r.done; err != nil {
		t.Errorf("sink Run: %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// consumer waits for the sink's consumer and returns it.
func (s *suite) consumer() jetstream.Consumer {
	s.t.Helper()
	var c jetstream.Consumer
	waitFor(s.t, "the sink's consumer", func() bool {
		var err error
		c, err = s.js.Consumer(context.Background(), events.StreamClustered, string(events.StageSink))
		return err == nil
	})
	return c
}

// checkOnce fails unless the destination holds exactly the keys of want,
// each once.
func (s *suite) checkOnce(want ...*events.ClusteredArticle) {
	s.t.Helper()
	got := s.dst.keys(s.t)
	var wantKeys []string
	for _, a := range want {
		wantKeys = append(wantKeys, sink.Key(a.ID, a.ContentHash))
	}
	sort.Strings(got)
	sort.Strings(wantKeys)
	if !slices.Equal(got, wantKeys) {
		s.t.Errorf("destination holds %d records %v,\nwant %d, each once: %v", len(got), got, len(wantKeys), wantKeys)
	}
}

func TestOutputConformance(t *testing.T) {
	for _, d := range destinations {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			t.Run("ExactlyOnceAcrossRedeliveriesAndRestarts", func(t *testing.T) { testExactlyOnce(t, d.setup) })
			t.Run("AckOnlyAfterDurableDelivery", func(t *testing.T) { testAckAfterDelivery(t, d.setup) })
			t.Run("FailureIsRetriedThenDeliveredOnce", func(t *testing.T) { testRetry(t, d.setup) })
			t.Run("Filter", func(t *testing.T) { testFilter(t, d.setup) })
		})
	}
}

// testExactlyOnce stores every event twice, runs the sink, then stores them
// a third time and runs a new sink on the same consumer: each event reaches
// the destination once.
func testExactlyOnce(t *testing.T, setup func(*testing.T, jetstream.JetStream) *destination) {
	s := newSuite(t, setup)
	all := s.publishArticles(20, "", "-again")
	r := s.start("")
	waitFor(t, "40 deliveries", func() bool { return r.svc.Stats().Acked >= 40 })
	r.stop(t)
	s.checkOnce(all...)

	for _, a := range all {
		s.publish(a, "-after-restart")
	}
	r = s.start("")
	waitFor(t, "20 more deliveries", func() bool { return r.svc.Stats().Acked >= 20 })
	r.stop(t)
	s.checkOnce(all...)
}

// testAckAfterDelivery watches the consumer's acknowledgement floor while
// the sink works: every acknowledged event must already be in the
// destination.
func testAckAfterDelivery(t *testing.T, setup func(*testing.T, jetstream.JetStream) *destination) {
	s := newSuite(t, setup)
	all := s.publishArticles(60, "")
	r := s.start("")
	c := s.consumer()
	checks := 0
	for {
		info, err := c.Info(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		held := map[string]bool{}
		for _, k := range s.dst.keys(t) {
			held[k] = true
		}
		checks++
		for seq := uint64(1); seq <= info.AckFloor.Stream; seq++ {
			if k := s.seq[seq]; !held[k] {
				t.Fatalf("seq %d (%s) acknowledged before the destination held it", seq, k)
			}
		}
		if info.AckFloor.Stream >= uint64(len(all)) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.stop(t)
	t.Logf("ack floor checked %d times", checks)
	s.checkOnce(all...)
}

// testRetry makes the destination fail: nothing is acknowledged, the sink
// retries, and once the destination works each event arrives once.
func testRetry(t *testing.T, setup func(*testing.T, jetstream.JetStream) *destination) {
	s := newSuite(t, setup)
	all := s.publishArticles(3, "")
	s.dst.fail(t)
	r := s.start("")
	waitFor(t, "retries", func() bool { return r.svc.Stats().Retried >= 3 })
	info, err := s.consumer().Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.AckFloor.Stream != 0 || r.svc.Stats().Acked != 0 || r.svc.Stats().DeadLettered != 0 {
		t.Errorf("while failing: ack floor %d, stats %+v; want nothing acknowledged or dead-lettered", info.AckFloor.Stream, r.svc.Stats())
	}
	if got := s.dst.keys(t); len(got) != 0 {
		t.Errorf("the failing destination holds %v", got)
	}
	s.dst.heal(t)
	waitFor(t, "deliveries after healing", func() bool { return r.svc.Stats().Acked >= 3 })
	r.stop(t)
	s.checkOnce(all...)
}

// testFilter gives the output a filter: it gets only the articles that pass,
// the others are acknowledged without being delivered, and an undecodable
// message is dead-lettered.
func testFilter(t *testing.T, setup func(*testing.T, jetstream.JetStream) *destination) {
	s := newSuite(t, setup)
	enNew := article(1, "en", events.RelationNew)
	enDup := article(2, "en", events.RelationDuplicate)
	frNew := article(3, "fr", events.RelationNew)
	enRewrite := article(4, "en", events.RelationRewrite)
	for _, a := range []*events.ClusteredArticle{enNew, enDup, frNew, enRewrite} {
		s.publish(a, "")
	}
	bad, _ := events.Encode(events.StageDeduper, events.ClusteredSubject("en"), enNew, time.Now())
	bad.Data = []byte(`{"schema":"wirewatch.clustered_article.v1","id":"broken"}`)
	bad.Header.Set(events.HeaderMsgID, "bad")
	if _, err := s.js.PublishMsg(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	r := s.start("relation!=duplicate,lang=en")
	waitFor(t, "4 acknowledged, 1 dead-lettered", func() bool {
		st := r.svc.Stats()
		return st.Acked >= 4 && st.DeadLettered >= 1
	})
	r.stop(t)
	s.checkOnce(enNew, enRewrite)
	if n := r.delivered.Load(); n != 4 {
		t.Errorf("OnDelivered called %d times, want 4 (filtered articles count as delivered)", n)
	}
}
