package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
)

// local returns a client allowed to reach the loopback test servers, with
// limits that keep the tests fast.
func local(opts fetch.Options) *fetch.Client {
	opts.AllowPrivate = true
	if opts.HostRate == 0 {
		opts.HostRate = rate.Inf
	}
	if opts.HostConcurrency == 0 {
		opts.HostConcurrency = 8
	}
	return fetch.New(opts)
}

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr   string
		refuse bool
	}{
		{"93.184.216.34", false},
		{"8.8.8.8", false},
		{"2606:4700:4700::1111", false},
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"172.32.0.1", false},
		{"192.168.1.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"100.64.0.1", true},      // CGNAT
		{"100.127.255.254", true},
		{"100.128.0.1", false},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"255.255.255.255", true},
		{"198.18.0.1", true},
		{"192.0.2.1", true},
		{"::", true},
		{"::1", true},
		{"fe80::1", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"ff02::1", true},
		{"::ffff:127.0.0.1", true}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", true},
		{"::ffff:93.184.216.34", false},
		{"64:ff9b::a00:1", true}, // NAT64 of 10.0.0.1
		{"64:ff9b::5db8:d822", false},
		{"2002:7f00:1::1", true}, // 6to4 of 127.0.0.1
		{"2001:db8::1", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := fetch.CheckAddr(netip.MustParseAddr(tt.addr))
			if got := err != nil; got != tt.refuse {
				t.Errorf("CheckAddr(%s) = %v, refuse %v", tt.addr, err, tt.refuse)
			}
			if err != nil && !errors.Is(err, fetch.ErrPrivateAddress) {
				t.Errorf("error %v does not wrap ErrPrivateAddress", err)
			}
		})
	}
}

// publicNet makes names resolve as the map says, and routes the public
// address 93.184.216.34 to the test server srv, so that a client with the
// guard on can reach srv as if it were a public site.
func publicNet(srv *httptest.Server, names map[string][]string) fetch.Options {
	target := srv.Listener.Addr().String()
	return fetch.Options{
		HostRate: rate.Inf,
		Lookup: func(_ context.Context, host string) ([]netip.Addr, error) {
			var out []netip.Addr
			for _, a := range names[host] {
				out = append(out, netip.MustParseAddr(a))
			}
			if len(out) == 0 {
				return nil, fmt.Errorf("no such host %s", host)
			}
			return out, nil
		},
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			ap := netip.MustParseAddrPort(addr)
			if ap.Addr() != netip.MustParseAddr("93.184.216.34") {
				return nil, fmt.Errorf("test network: %s is unreachable", addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, target)
		},
	}
}

func TestGuardRefusesPrivateAddressesAfterResolution(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-loopback":
			http.Redirect(w, r, "http://127.0.0.1:"+r.Host[strings.LastIndexByte(r.Host, ':')+1:]+"/secret", http.StatusFound)
		case "/to-intranet":
			http.Redirect(w, r, "http://intranet.example/admin", http.StatusMovedPermanently)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/secret":
			fmt.Fprint(w, "secret")
		default:
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, "<rss/>")
		}
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	c := fetch.New(publicNet(srv, map[string][]string{
		"news.example":     {"93.184.216.34"},
		"rebind.example":   {"127.0.0.1"},
		"intranet.example": {"10.1.2.3"},
		"mixed.example":    {"10.0.0.1", "93.184.216.34"},
		"mapped.example":   {"::ffff:127.0.0.1"},
	}))
	at := func(host, path string) string { return fmt.Sprintf("http://%s:%d%s", host, port, path) }
	tests := []struct {
		name   string
		url    string
		refuse bool
	}{
		{"public name", at("news.example", "/feed"), false},
		{"every private answer dropped", at("mixed.example", "/feed"), false},
		{"loopback literal", srv.URL + "/feed", true},
		{"name resolving to loopback", at("rebind.example", "/feed"), true},
		{"IPv4-mapped answer", at("mapped.example", "/feed"), true},
		{"IPv4-mapped literal", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/feed", port), true},
		{"redirect to loopback", at("news.example", "/to-loopback"), true},
		{"redirect to a private name", at("news.example", "/to-intranet"), true},
		{"redirect to link-local metadata", at("news.example", "/to-metadata"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Fetch(context.Background(), fetch.Request{URL: tt.url, Kind: fetch.Feed})
			if tt.refuse {
				if !errors.Is(err, fetch.ErrPrivateAddress) {
					t.Fatalf("error %v, want ErrPrivateAddress", err)
				}
				if fetch.Temporary(err) {
					t.Errorf("refusal %v reported temporary", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v, want success", err)
			}
		})
	}
}

func TestAllowPrivateReachesLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	res, err := local(fetch.Options{}).Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed})
	if err != nil || string(res.Body) != "<rss/>" {
		t.Fatalf("Fetch = %v, %v; want the body", res, err)
	}
}

func TestConditionalGet(t *testing.T) {
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Wed, 06 Aug 2025 12:00:00 GMT")
		w.Header().Set("Cache-Control", "public, max-age=900")
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") != "" {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=UTF-8")
		fmt.Fprint(w, "<feed/>")
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	first, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || first.ETag != `"v1"` || first.LastModified == "" || first.Fresh != 15*time.Minute ||
		first.ContentType != "application/atom+xml" || first.Charset != "utf-8" {
		t.Errorf("first response %+v", first)
	}
	second, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed, ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || len(second.Body) != 0 || conditional.Load() != 1 {
		t.Errorf("second response %+v (conditional requests %d), want a 304", second, conditional.Load())
	}
}

func TestStatusErrorsAndRetryAfter(t *testing.T) {
	when := time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/429":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/503":
			w.Header().Set("Retry-After", when)
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/404":
			http.NotFound(w, r)
		case "/410":
			w.WriteHeader(http.StatusGone)
		}
	}))
	defer srv.Close()
	tests := []struct {
		path      string
		code      int
		temporary bool
		retry     time.Duration
	}{
		{"/429", 429, true, 120 * time.Second},
		{"/503", 503, true, 2 * time.Hour},
		{"/404", 404, false, 0},
		{"/410", 410, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			// A client each: a Retry-After holds the whole host.
			c := local(fetch.Options{})
			_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + tt.path, Kind: fetch.Feed})
			var se *fetch.StatusError
			if !errors.As(err, &se) || se.Code != tt.code {
				t.Fatalf("error %v, want a StatusError %d", err, tt.code)
			}
			if fetch.Temporary(err) != tt.temporary {
				t.Errorf("Temporary(%v) = %v, want %v", err, !tt.temporary, tt.temporary)
			}
			if got := fetch.RetryAfter(err); got < tt.retry-2*time.Second || got > tt.retry {
				t.Errorf("RetryAfter = %s, want %s", got, tt.retry)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case r.URL.Path == "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/chain/"):
			var n int
			fmt.Sscanf(r.URL.Path, "/chain/%d", &n)
			if n > 0 {
				http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusMovedPermanently)
				return
			}
			fmt.Fprint(w, "<rss/>")
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "/chain/0", http.StatusMovedPermanently)
		case r.URL.Path == "/moved-308-then-301":
			http.Redirect(w, r, "/moved", http.StatusPermanentRedirect)
		case r.URL.Path == "/moved-then-found":
			http.Redirect(w, r, "/found", http.StatusMovedPermanently)
		case r.URL.Path == "/found":
			http.Redirect(w, r, "/chain/0", http.StatusFound)
		case r.URL.Path == "/temporary":
			http.Redirect(w, r, "/chain/0", http.StatusTemporaryRedirect)
		case r.URL.Path == "/found-then-moved":
			http.Redirect(w, r, "/moved", http.StatusFound)
		case r.URL.Path == "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/chain/5", Kind: fetch.Feed})
	if err != nil || !strings.HasSuffix(res.URL, "/chain/0") {
		t.Errorf("5 redirects: %v, %v; want success at /chain/0", res, err)
	}
	if res.Moved != srv.URL+"/chain/0" {
		t.Errorf("5 permanent redirects moved the feed to %q, want %q", res.Moved, srv.URL+"/chain/0")
	}
	moved := map[string]string{
		"/chain/0":            "",
		"/moved":              "/chain/0",
		"/moved-308-then-301": "/chain/0",
		"/moved-then-found":   "/found",
		"/temporary":          "",
		"/found-then-moved":   "",
	}
	for path, want := range moved {
		res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + path, Kind: fetch.Feed})
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if want != "" {
			want = srv.URL + want
		}
		if res.Moved != want || !strings.HasSuffix(res.URL, "/chain/0") {
			t.Errorf("%s: moved to %q, found at %q; want moved to %q, found at /chain/0", path, res.Moved, res.URL, want)
		}
	}
	for path, want := range map[string]error{"/chain/6": fetch.ErrTooManyRedirects, "/loop-a": fetch.ErrTooManyRedirects, "/to-file": fetch.ErrScheme} {
		_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + path, Kind: fetch.Feed})
		if !errors.Is(err, want) || fetch.Temporary(err) {
			t.Errorf("%s: error %v, want permanent %v", path, err, want)
		}
	}
	if _, err := c.Fetch(context.Background(), fetch.Request{URL: "ftp://news.example/feed", Kind: fetch.Feed}); !errors.Is(err, fetch.ErrScheme) {
		t.Errorf("ftp URL: %v, want ErrScheme", err)
	}
}

// gzipMiB is one mebibyte of zeros as a gzip member (about 1 KiB).
var gzipMiB = sync.OnceValue(func() []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestSpeed)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return member.Bytes()
})

// bomb is size bytes of zeros, gzip-compressed about a thousandfold: one
// compressed mebibyte repeated as gzip members, which a reader inflates one
// after the other.
func bomb(size int) []byte { return bytes.Repeat(gzipMiB(), size>>20) }

func TestBodyCapAppliesAfterDecompression(t *testing.T) {
	compressed := bomb(1 << 30)
	small := bomb(1 << 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/small" {
			w.Write(small)
			return
		}
		w.Write(compressed)
	}))
	defer srv.Close()
	c := local(fetch.Options{MaxPageBytes: 2 << 20, MaxFeedBytes: 2 << 20})
	start := time.Now()
	_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/bomb", Kind: fetch.Page})
	if !errors.Is(err, fetch.ErrTooLarge) || fetch.Temporary(err) {
		t.Errorf("gzip bomb (%d bytes compressed, 1 GiB inflated): %v, want ErrTooLarge", len(compressed), err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("bomb took %s to refuse", d)
	}
	res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/small", Kind: fetch.Page})
	if err != nil || len(res.Body) != 1<<20 {
		t.Errorf("1 MiB gzip body under a 2 MiB cap: %v (%d bytes)", err, len(res.Body))
	}
}

func TestHundredMegabyteBodyIsCutOffQuickly(t *testing.T) {
	const total = 100 << 20
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/declared" {
			w.Header().Set("Content-Length", fmt.Sprint(total))
		}
		chunk := bytes.Repeat([]byte("<p>filler</p>\n"), 4096)
		for n := 0; n < total; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			served.Add(int64(len(chunk)))
		}
	}))
	defer srv.Close()
	c := local(fetch.Options{MaxPageBytes: 4 << 20})
	for _, path := range []string{"/chunked", "/declared"} {
		served.Store(0)
		start := time.Now()
		_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + path, Kind: fetch.Page})
		if !errors.Is(err, fetch.ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge", path, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %s", path, d)
		}
		time.Sleep(50 * time.Millisecond)
		if n := served.Load(); n > 32<<20 {
			t.Errorf("%s: the server wrote %d MiB before the client hung up", path, n>>20)
		}
	}
}

func TestStalledBodyIsAborted(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Slow`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c := local(fetch.Options{StallTimeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed})
	if !errors.Is(err, fetch.ErrStalled) || !fetch.Temporary(err) {
		t.Errorf("stalled body: %v, want temporary ErrStalled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stall detected after %s", d)
	}
}

func TestOverallTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		// A byte every 50ms never stalls, but never ends either.
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	c := local(fetch.Options{Timeout: 400 * time.Millisecond, StallTimeout: time.Second})
	_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Page})
	if !errors.Is(err, fetch.ErrTimeout) {
		t.Errorf("trickling body: %v, want ErrTimeout", err)
	}
}

func TestContentTypes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct := r.URL.Query().Get("ct")
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil
		}
		body := r.URL.Query().Get("body")
		if body == "" {
			body = "<html><body><p>x</p></body></html>"
		}
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	tests := []struct {
		kind     fetch.Kind
		ct, body string
		ok       bool
	}{
		{fetch.Feed, "application/rss+xml", "", true},
		{fetch.Feed, "application/feed+json", "", true},
		{fetch.Feed, "text/xml; charset=iso-8859-1", "", true},
		{fetch.Feed, "text/html", "", true},
		{fetch.Feed, "image/png", "", false},
		{fetch.Feed, "application/pdf", "", false},
		{fetch.Page, "text/html; charset=utf-8", "", true},
		{fetch.Page, "application/xhtml+xml", "", true},
		{fetch.Page, "text/plain", "", true},
		{fetch.Page, "application/json", "", false},
		{fetch.Page, "video/mp4", "", false},
		{fetch.Page, "", "", true},
		{fetch.Page, "application/octet-stream", "%PDF-1.7 binary", false},
	}
	for _, tt := range tests {
		q := url.Values{"ct": {tt.ct}, "body": {tt.body}}
		res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/?" + q.Encode(), Kind: tt.kind})
		if tt.ok && err != nil {
			t.Errorf("%s %q: %v, want success", tt.kind, tt.ct, err)
		}
		if !tt.ok && !errors.Is(err, fetch.ErrContentType) {
			t.Errorf("%s %q: %v, want ErrContentType", tt.kind, tt.ct, err)
		}
		if tt.ok && tt.ct == "" && res != nil && res.ContentType != "text/html" {
			t.Errorf("sniffed content type %q, want text/html", res.ContentType)
		}
	}
}

func TestHeadersSent(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	ua := "wirewatch/1.2.3 (+https://wirewatch.example/contact)"
	if _, err := local(fetch.Options{UserAgent: ua}).Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed}); err != nil {
		t.Fatal(err)
	}
	if got.Get("User-Agent") != ua || !strings.Contains(got.Get("Accept"), "application/rss+xml") ||
		!strings.Contains(got.Get("Accept-Encoding"), "gzip") || got.Get("If-None-Match") != "" {
		t.Errorf("request headers %v", got)
	}
}

func TestDeflateAndCorruptEncodings(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/corrupt":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte("this is not gzip at all"))
		case "/br":
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte{1, 2, 3})
		}
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	for _, p := range []string{"/corrupt", "/br"} {
		_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + p, Kind: fetch.Page})
		if !errors.Is(err, fetch.ErrEncoding) {
			t.Errorf("%s: %v, want ErrEncoding", p, err)
		}
	}
}

func TestHostConcurrencyIsBounded(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	c := local(fetch.Options{HostConcurrency: 2})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency %d, want 2", p)
	}
}

func TestHostRateIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<rss/>") }))
	defer srv.Close()
	c := local(fetch.Options{HostConcurrency: 1, HostRate: 20})
	start := time.Now()
	for range 6 {
		if _, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, Kind: fetch.Feed}); err != nil {
			t.Fatal(err)
		}
	}
	// A burst of one, then one request every 50ms.
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("6 requests at 20/s took %s, want at least 250ms", d)
	}
}

func TestRobots(t *testing.T) {
	var robotsHits atomic.Int32
	robots := "User-agent: *\nDisallow: /private/\n\nUser-agent: wirewatch\nDisallow: /no-wirewatch/\nAllow: /private/ok\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			robotsHits.Add(1)
			fmt.Fprint(w, robots)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>page</p>")
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	for path, allowed := range map[string]bool{"/news/1": true, "/no-wirewatch/2": false, "/private/x": true, "/private/ok": true} {
		_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + path, Kind: fetch.Page})
		if allowed && err != nil {
			t.Errorf("%s: %v, want allowed", path, err)
		}
		if !allowed && (!errors.Is(err, fetch.ErrDisallowed) || fetch.Temporary(err)) {
			t.Errorf("%s: %v, want permanent ErrDisallowed", path, err)
		}
	}
	if n := robotsHits.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once", n)
	}
	// Feeds are not subject to robots.txt.
	if _, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/no-wirewatch/feed", Kind: fetch.Feed}); err != nil {
		t.Errorf("feed under a disallowed path: %v", err)
	}
}

// crawlSite serves robots.txt with the given body and notes when every other
// request arrived.
type crawlSite struct {
	srv *httptest.Server
	mu  sync.Mutex
	at  []time.Time
}

func newCrawlSite(t *testing.T, robots string) *crawlSite {
	s := &crawlSite{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, robots)
			return
		}
		s.mu.Lock()
		s.at = append(s.at, time.Now())
		s.mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/feed") {
			fmt.Fprint(w, "<rss/>")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>page</p>")
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// last returns when the latest request arrived.
func (s *crawlSite) last() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at[len(s.at)-1]
}

// gaps returns the time between consecutive requests, in arrival order.
func (s *crawlSite) gaps() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(s.at); i++ {
		out = append(out, s.at[i].Sub(s.at[i-1]))
	}
	return out
}

// fetchAll fetches paths of the site at once and fails on any error.
func (s *crawlSite) fetchAll(ctx context.Context, t *testing.T, c *fetch.Client, kind fetch.Kind, paths ...string) {
	t.Helper()
	var wg sync.WaitGroup
	for _, p := range paths {
		wg.Go(func() {
			if _, err := c.Fetch(ctx, fetch.Request{URL: s.srv.URL + p, Kind: kind}); err != nil {
				t.Errorf("%s: %v", p, err)
			}
		})
	}
	wg.Wait()
}

func TestCrawlDelaySpacesRequestsToTheHost(t *testing.T) {
	const delay = 250 * time.Millisecond
	tests := []struct {
		name, robots string
		max          time.Duration
		// want is the least gap between two requests; 0: not spaced.
		want time.Duration
	}{
		{"honoured", "User-agent: *\nCrawl-delay: 0.25\n", 0, delay},
		{"own group's delay", "User-agent: *\nCrawl-delay: 3600\n\nUser-agent: wirewatch\nCrawl-delay: 0.25\n", 0, delay},
		// An hour's delay would outlast the test's deadline: only the cap
		// lets it finish.
		{"capped", "User-agent: *\nCrawl-delay: 3600\n", delay, delay},
		{"ignored when told", "User-agent: *\nCrawl-delay: 3600\n", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newCrawlSite(t, tt.robots)
			c := local(fetch.Options{MaxCrawlDelay: tt.max})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			site.fetchAll(ctx, t, c, fetch.Page, "/a", "/b", "/c")
			// Once robots.txt is known, the host's feeds wait their turn too.
			site.fetchAll(ctx, t, c, fetch.Feed, "/feed")
			gaps := site.gaps()
			if len(gaps) != 3 {
				t.Fatalf("%d requests, want 4", len(gaps)+1)
			}
			// Four requests spaced by the delay start over at least three
			// delays. Arrival gaps are not compared one by one: a loaded
			// machine can hold one request back and let the next arrive
			// right behind it, though both started on time. A request
			// never arrives before it starts, so the span from the start
			// is a lower bound that load cannot shrink.
			if span := site.last().Sub(start); tt.want > 0 && span < 3*tt.want {
				t.Errorf("four requests within %s, want them spread over at least %s", span, 3*tt.want)
			}
		})
	}
}

func TestCrawlDelayIsNotAskedForOnFeeds(t *testing.T) {
	var robotsHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			robotsHits.Add(1)
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 3600\n")
			return
		}
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range 3 {
		if _, err := c.Fetch(ctx, fetch.Request{URL: srv.URL + "/feed", Kind: fetch.Feed}); err != nil {
			t.Fatal(err)
		}
	}
	if n := robotsHits.Load(); n != 0 {
		t.Errorf("robots.txt fetched %d times for feeds, want never", n)
	}
}

func TestRobotsMissingOrUnreachable(t *testing.T) {
	missing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<p>page</p>")
	}))
	defer missing.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "<p>page</p>")
	}))
	defer broken.Close()
	c := local(fetch.Options{})
	if _, err := c.Fetch(context.Background(), fetch.Request{URL: missing.URL + "/a", Kind: fetch.Page}); err != nil {
		t.Errorf("robots.txt 404: %v, want allowed", err)
	}
	_, err := c.Fetch(context.Background(), fetch.Request{URL: broken.URL + "/a", Kind: fetch.Page})
	if !errors.Is(err, fetch.ErrRobotsUnavailable) || !fetch.Temporary(err) {
		t.Errorf("robots.txt 500: %v, want temporary ErrRobotsUnavailable", err)
	}
}

func TestFreshnessHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().UTC()
		w.Header().Set("Date", now.Format(http.TimeFormat))
		switch r.URL.Path {
		case "/expires":
			w.Header().Set("Expires", now.Add(time.Hour).Format(http.TimeFormat))
		case "/no-cache":
			w.Header().Set("Cache-Control", "no-cache, max-age=600")
		case "/both":
			w.Header().Set("Cache-Control", "max-age=60")
			w.Header().Set("Expires", now.Add(time.Hour).Format(http.TimeFormat))
		}
		io.WriteString(w, "<rss/>")
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	for path, want := range map[string]time.Duration{"/expires": time.Hour, "/no-cache": 0, "/both": time.Minute, "/none": 0} {
		res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + path, Kind: fetch.Feed})
		if err != nil {
			t.Fatal(err)
		}
		if res.Fresh != want {
			t.Errorf("%s: fresh %s, want %s", path, res.Fresh, want)
		}
	}
}

func TestRobotsFollowTheConfiguredAgent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: harbourbot\nDisallow: /\n")
			return
		}
		fmt.Fprint(w, "<p>page</p>")
	}))
	defer srv.Close()
	c := local(fetch.Options{UserAgent: "HarbourBot/2.1 (+https://harbour.example/bot)"})
	if _, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL + "/a", Kind: fetch.Page}); !errors.Is(err, fetch.ErrDisallowed) {
		t.Errorf("a group naming the configured agent: %v, want ErrDisallowed", err)
	}
	if _, err := local(fetch.Options{}).Fetch(context.Background(), fetch.Request{URL: srv.URL + "/a", Kind: fetch.Page}); err != nil {
		t.Errorf("the default agent is not harbourbot: %v", err)
	}
}
