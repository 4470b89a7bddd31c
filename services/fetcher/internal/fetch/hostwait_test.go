package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
)

// busyHost answers /busy with code and Retry-After retry (none when empty),
// everything else with a feed, and counts the requests per path.
type busyHost struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newBusyHost(t *testing.T, code int, retry func() string) *busyHost {
	t.Helper()
	h := &busyHost{hits: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		h.mu.Unlock()
		switch r.URL.Path {
		case "/busy":
			if v := retry(); v != "" {
				w.Header().Set("Retry-After", v)
			}
			w.WriteHeader(code)
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body><p>page</p></body></html>")
		default:
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, "<rss/>")
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *busyHost) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}

// A 429, or a 503 with a Retry-After, speaks for the whole host: until it has
// passed no request of any kind goes there, from any feed or page, nor
// through a redirect; other hosts are not affected.
func TestRetryAfterHoldsTheWholeHost(t *testing.T) {
	tests := []struct {
		name  string
		code  int
		retry func() string
		want  time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, func() string { return "120" }, 120 * time.Second},
		{"429 without Retry-After: a minute", http.StatusTooManyRequests, func() string { return "" }, time.Minute},
		{"503 date", http.StatusServiceUnavailable,
			func() string { return time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat) }, 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			busy := newBusyHost(t, tt.code, tt.retry)
			other := newBusyHost(t, tt.code, tt.retry)
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, busy.srv.URL+"/elsewhere", http.StatusFound)
			}))
			defer redirector.Close()
			c := local(fetch.Options{})
			ctx := context.Background()
			if _, err := c.Fetch(ctx, fetch.Request{URL: busy.srv.URL + "/busy", Kind: fetch.Feed}); fetch.RetryAfter(err) == 0 {
				t.Fatalf("first answer: %v, want a Retry-After", err)
			}
			for _, req := range []fetch.Request{
				{URL: busy.srv.URL + "/feed", Kind: fetch.Feed},
				{URL: busy.srv.URL + "/page", Kind: fetch.Page},
				{URL: redirector.URL + "/feed", Kind: fetch.Feed},
			} {
				_, err := c.Fetch(ctx, req)
				if err == nil || !fetch.Temporary(err) {
					t.Errorf("%s %s while the host asked to wait: %v, want a temporary error", req.Kind, req.URL, err)
				}
				if got := fetch.RetryAfter(err); got < tt.want-5*time.Second || got > tt.want {
					t.Errorf("%s %s: RetryAfter %s, want about %s", req.Kind, req.URL, got, tt.want)
				}
			}
			for _, path := range []string{"/feed", "/page", "/robots.txt", "/elsewhere"} {
				if n := busy.count(path); n != 0 {
					t.Errorf("%s requested %d times while the host asked to wait", path, n)
				}
			}
			if _, err := c.Fetch(ctx, fetch.Request{URL: other.srv.URL + "/feed", Kind: fetch.Feed}); err != nil {
				t.Errorf("another host held too: %v", err)
			}
		})
	}
}

// Without a Retry-After, or once it has passed, the host is fetched again.
func TestHostIsFetchedAgainAfterRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		name, retry string
	}{{"no Retry-After", ""}, {"one second", "1"}} {
		t.Run(tt.name, func(t *testing.T) {
			busy := newBusyHost(t, http.StatusServiceUnavailable, func() string { return tt.retry })
			c := local(fetch.Options{})
			ctx := context.Background()
			if _, err := c.Fetch(ctx, fetch.Request{URL: busy.srv.URL + "/busy", Kind: fetch.Feed}); err == nil {
				t.Fatal("the busy answer was not an error")
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, err := c.Fetch(ctx, fetch.Request{URL: busy.srv.URL + "/feed", Kind: fetch.Feed})
				if err == nil {
					break
				}
				var se *fetch.StatusError
				if errors.As(err, &se) || time.Now().After(deadline) || tt.retry == "" {
					t.Fatalf("fetching the host again: %v", err)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}
