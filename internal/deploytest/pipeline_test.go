package deploytest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/internal/demofeed"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper"
	"github.com/wirewatch/wirewatch/services/extractor"
	"github.com/wirewatch/wirewatch/services/fetcher"
	"github.com/wirewatch/wirewatch/services/sink"
)

func nopLog() *zap.Logger { return zap.NewNop() }

// TestEveryServiceDoesItsJobWithItsOwnIdentity runs the four services as
// the stack does, each connected with only its own identity, over the demo
// site, and checks that the example articles reach the sink clustered with
// no permissions violation reported to any of them.
func TestEveryServiceDoesItsJobWithItsOwnIdentity(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	s := startStack(t)
	createStreams(t, s)

	articles, err := demofeed.Load("../../examples/articles")
	if err != nil {
		t.Fatal(err)
	}
	site := demofeed.NewSite("Test Wire", articles, nopLog())
	web := httptest.NewServer(site)
	t.Cleanup(web.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := t.TempDir()
	var (
		mu        sync.Mutex
		delivered = map[string]string{} // article id -> cluster id
	)
	clients := map[string]*client{}
	js := func(identity string) jetstream.JetStream {
		c := s.connect(t, identity)
		clients[identity] = c
		j, err := jetstream.New(c.nc)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	ext, err := extractor.New(js("extractor"), extractor.Config{Durable: "extractor"}, nopLog())
	if err != nil {
		t.Fatal(err)
	}
	ded, err := deduper.New(js("deduper"), deduper.Config{Durable: "deduper"}, nopLog())
	if err != nil {
		t.Fatal(err)
	}
	snk, err := sink.New(js("sink"), sink.Config{OutDir: out, Durable: "sink",
		OnDelivered: func(a *events.ClusteredArticle, _ bool) {
			mu.Lock()
			delivered[a.ID] = a.Cluster.ID
			mu.Unlock()
		}}, nopLog())
	if err != nil {
		t.Fatal(err)
	}
	// The guard stays on, as in the stack; only the demo site's name may
	// resolve to a private (here loopback) address.
	port := web.Listener.Addr().(*net.TCPAddr).Port
	fet, err := fetcher.New(js("fetcher"), fetcher.Config{
		Feeds: []string{fmt.Sprintf("http://localhost:%d/feed.xml", port)}, Watch: true, AllowHosts: []string{"localhost"},
		MinInterval: time.Second, MaxInterval: 2 * time.Second,
	}, nopLog())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for name, run := range map[string]func(context.Context) error{
		"extractor": ext.Run, "deduper": ded.Run, "sink": snk.Run, "fetcher": fet.Run,
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				errs <- err
				t.Errorf("%s stopped: %v", name, err)
			}
		}()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })

	waitFor := func(n int) map[string]string {
		t.Helper()
		for {
			mu.Lock()
			got := len(delivered)
			mu.Unlock()
			if got >= n {
				break
			}
			select {
			case err := <-errs:
				t.Fatalf("a service stopped: %v", err)
			case <-ctx.Done():
				t.Fatalf("%d of %d articles delivered before the deadline; violations: %v", got, n, allViolations(clients))
			case <-time.After(100 * time.Millisecond):
			}
		}
		mu.Lock()
		defer mu.Unlock()
		snapshot := map[string]string{}
		for k, v := range delivered {
			snapshot[k] = v
		}
		return snapshot
	}
	first := waitFor(len(articles))
	clusters := map[string]bool{}
	for _, c := range first {
		clusters[c] = true
	}
	// Five versions of the Halden strike form one cluster; the library story
	// and the earlier talks are each their own.
	if len(clusters) < 2 || len(clusters) >= len(articles) {
		t.Errorf("%d articles in %d clusters; want them grouped into a few stories", len(first), len(clusters))
	}

	// A second edition re-publishes every article under new URLs; the
	// watching fetcher picks it up and each copy joins its story's cluster.
	resp, err := http.Post(web.URL+"/editions", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	all := waitFor(2 * len(articles))
	grown := map[string]bool{}
	for _, c := range all {
		grown[c] = true
	}
	if len(grown) != len(clusters) {
		t.Errorf("the second edition made %d clusters of %d before; want the copies in the existing ones", len(grown), len(clusters))
	}
	if v := allViolations(clients); len(v) > 0 {
		t.Errorf("permissions violations while working: %v", v)
	}
	if n := countRecords(t, out); n != 2*len(articles) {
		t.Errorf("sink files hold %d records, want %d", n, 2*len(articles))
	}
}

func allViolations(clients map[string]*client) map[string][]string {
	out := map[string][]string{}
	for name, c := range clients {
		if v := c.Violations(); len(v) > 0 {
			out[name] = v
		}
	}
	return out
}

// countRecords counts the JSON records in the sink's JSONL files, checking
// that each carries an id and a cluster.
func countRecords(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var rec struct {
				ID      string `json:"id"`
				Cluster struct {
					ID string `json:"id"`
				} `json:"cluster"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if rec.ID == "" || rec.Cluster.ID == "" {
				t.Errorf("%s: record without id or cluster: %.200s", f, sc.Text())
			}
			n++
		}
		fh.Close()
	}
	return n
}
