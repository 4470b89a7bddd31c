package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
