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

// A page that redirects is fetched from where it leads: the robots.txt of
// that origin decides, not only the one of the link the feed gave.
func TestRobotsDecideEveryRedirectHop(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			// Read, like any robots.txt, through its redirects.
			http.Redirect(w, r, "/robots-file.txt", http.StatusMovedPermanently)
			return
		case "/robots-file.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>page</p>")
	}))
	defer target.Close()
	start := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /local-private/\n")
		case "/to-private":
			http.Redirect(w, r, target.URL+"/private/1", http.StatusFound)
		case "/to-public":
			http.Redirect(w, r, target.URL+"/public/1", http.StatusMovedPermanently)
		case "/to-local-private":
			http.Redirect(w, r, "/local-private/1", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer start.Close()
	c := local(fetch.Options{})
	tests := []struct {
		path    string
		allowed bool
	}{
		{"/to-public", true},
		{"/to-private", false},
		{"/to-local-private", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			res, err := c.Fetch(ctx, fetch.Request{URL: start.URL + tt.path, Kind: fetch.Page})
			if tt.allowed {
				if err != nil {
					t.Fatalf("got %v, want the page", err)
				}
				if res.URL != target.URL+"/public/1" {
					t.Errorf("found at %s, want %s", res.URL, target.URL+"/public/1")
				}
				return
			}
			if !errors.Is(err, fetch.ErrDisallowed) || fetch.Temporary(err) {
				t.Errorf("got %v, want permanent ErrDisallowed", err)
			}
		})
	}
	// Feeds are not subject to robots.txt, redirected or not.
	if _, err := c.Fetch(context.Background(), fetch.Request{URL: start.URL + "/to-private", Kind: fetch.Feed}); err != nil {
		t.Errorf("redirected feed: %v", err)
	}
}

// A page that redirects to another host keeps to that host's Crawl-delay:
// three pages of one site that all lead to a second site reach it spread
// over at least two delays, as three fetches that began there would.
func TestRedirectHopsKeepToTheTargetsCrawlDelay(t *testing.T) {
	const delay = 250 * time.Millisecond
	target := newCrawlSite(t, "User-agent: *\nCrawl-delay: 0.25\n")
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, target.srv.URL+r.URL.Path, http.StatusFound)
	}))
	defer origin.Close()
	c := local(fetch.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for _, p := range []string{"/a", "/b", "/c"} {
		wg.Go(func() {
			if _, err := c.Fetch(ctx, fetch.Request{URL: origin.URL + p, Kind: fetch.Page}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(target.gaps()) + 1; n != 3 {
		t.Fatalf("%d requests reached the target, want 3", n)
	}
	// A request never arrives before it starts: the span from the start is
	// a lower bound that load cannot shrink.
	if span := target.last().Sub(start); span < 2*delay {
		t.Errorf("three redirected requests within %s, want them spread over at least %s", span, 2*delay)
	}
}

// A redirect to another page of the same host is another request to that
// host: a page that moves twice keeps to the host's Crawl-delay between its
// three requests, as three pages would.
func TestRedirectHopsWithinAHostKeepToItsCrawlDelay(t *testing.T) {
	const delay = 250 * time.Millisecond
	var (
		mu sync.Mutex
		at []time.Time
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nCrawl-delay: 0.25\n")
			return
		}
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/a1", http.StatusMovedPermanently)
		case "/a1":
			http.Redirect(w, r, "/a2", http.StatusFound)
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<p>page</p>")
		}
	}))
	defer srv.Close()
	c := local(fetch.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := c.Fetch(ctx, fetch.Request{URL: srv.URL + "/a", Kind: fetch.Page}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(at) != 3 {
		t.Fatalf("%d requests reached the host, want 3", len(at))
	}
	if span := at[2].Sub(start); span < 2*delay {
		t.Errorf("a page and its two redirects within %s, want them spread over at least %s", span, 2*delay)
	}
}
