package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
)

func TestParseAllowedHost(t *testing.T) {
	tests := []struct {
		in   string
		want fetch.AllowedHost
		bad  bool
	}{
		{in: "demofeed", want: fetch.AllowedHost{Host: "demofeed"}},
		{in: " Feeds.Internal. ", want: fetch.AllowedHost{Host: "feeds.internal"}},
		{in: "demofeed:8080", want: fetch.AllowedHost{Host: "demofeed", Port: 8080}},
		{in: "my_feed-1.lan:80", want: fetch.AllowedHost{Host: "my_feed-1.lan", Port: 80}},
		{in: "10.0.0.5", want: fetch.AllowedHost{Host: "10.0.0.5"}},
		{in: "10.0.0.5:443", want: fetch.AllowedHost{Host: "10.0.0.5", Port: 443}},
		{in: "::1", want: fetch.AllowedHost{Host: "::1"}},
		{in: "[::1]", want: fetch.AllowedHost{Host: "::1"}},
		{in: "[FD00::1]:8080", want: fetch.AllowedHost{Host: "fd00::1", Port: 8080}},
		{in: "", bad: true},
		{in: "   ", bad: true},
		{in: "*.internal", bad: true},
		{in: "http://demofeed", bad: true},
		{in: "demofeed/feed.xml", bad: true},
		{in: "user@demofeed", bad: true},
		{in: "demofeed:0", bad: true},
		{in: "demofeed:65536", bad: true},
		{in: "demofeed:+80", bad: true},
		{in: "demofeed:http", bad: true},
		{in: "demofeed:", bad: true},
		{in: "[demofeed]:80", bad: true},
		{in: "[::1", bad: true},
		{in: "a..b", bad: true},
		{in: ".", bad: true},
		{in: "fe80::1%eth0", bad: true},
		{in: "exämple.org", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := fetch.ParseAllowedHost(tt.in)
			if tt.bad {
				if !errors.Is(err, fetch.ErrAllowedHost) {
					t.Fatalf("ParseAllowedHost(%q) = %v, %v; want ErrAllowedHost", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseAllowedHost(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			// The printed form parses back to the same allowance.
			if again, err := fetch.ParseAllowedHost(got.String()); err != nil || again != got {
				t.Errorf("round trip of %q: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseAllowedHostsReportsEveryBadEntry(t *testing.T) {
	got, err := fetch.ParseAllowedHosts([]string{"good", "http://bad", "also-good:81", "*"})
	if len(got) != 2 || got[0].Host != "good" || got[1].Port != 81 {
		t.Errorf("parsed %+v", got)
	}
	if err == nil || !errors.Is(err, fetch.ErrAllowedHost) {
		t.Fatalf("error %v", err)
	}
	for _, bad := range []string{"http://bad", "*"} {
		if !strings.Contains(err.Error(), strconv.Quote(bad)) {
			t.Errorf("error %q does not name %q", err, bad)
		}
	}
}

// TestAllowedHostsReachPrivateAddresses runs a feed site and an "internal"
// service on loopback, with names resolving to them, and a client whose
// guard is on but allows the feed site by name: the site is reached, nothing
// else private is, not even by a redirect from the allowed site.
func TestAllowedHostsReachPrivateAddresses(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<secret/>")
	}))
	defer internal.Close()
	iport := internal.Listener.Addr().(*net.TCPAddr).Port
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-internal":
			http.Redirect(w, r, fmt.Sprintf("http://internal.lan:%d/", iport), http.StatusFound)
		case "/to-loopback":
			http.Redirect(w, r, fmt.Sprintf("http://127.0.0.1:%d/", iport), http.StatusMovedPermanently)
		case "/to-self":
			http.Redirect(w, r, "/feed", http.StatusFound)
		case "/to-other-port":
			http.Redirect(w, r, fmt.Sprintf("http://feeds.lan:%d/", iport), http.StatusFound)
		default:
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, "<rss/>")
		}
	}))
	defer site.Close()
	sport := site.Listener.Addr().(*net.TCPAddr).Port

	names := map[string][]string{
		"feeds.lan":     {"127.0.0.1"},
		"internal.lan":  {"127.0.0.1"},
		"metadata.lan":  {"169.254.169.254"},
		"multi.lan":     {"224.0.0.1"},
		"sub.feeds.lan": {"127.0.0.1"},
	}
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr // names are case-insensitive, as in DNS
		for _, a := range names[strings.TrimSuffix(strings.ToLower(host), ".")] {
			out = append(out, netip.MustParseAddr(a))
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no such host %s", host)
		}
		return out, nil
	}
	client := func(allow ...string) *fetch.Client {
		hosts, err := fetch.ParseAllowedHosts(allow)
		if err != nil {
			t.Fatal(err)
		}
		return fetch.New(fetch.Options{HostRate: rate.Inf, Lookup: lookup, AllowHosts: hosts})
	}
	at := func(host string, port int, path string) string {
		return fmt.Sprintf("http://%s:%d%s", host, port, path)
	}
	tests := []struct {
		name   string
		allow  []string
		url    string
		refuse bool
	}{
		{"allowed name", []string{"feeds.lan"}, at("feeds.lan", sport, "/feed"), false},
		{"allowed name in other case", []string{"FEEDS.lan"}, at("Feeds.LAN.", sport, "/feed"), false},
		{"allowed name and port", []string{"feeds.lan:" + strconv.Itoa(sport)}, at("feeds.lan", sport, "/feed"), false},
		{"redirect within the allowed host", []string{"feeds.lan"}, at("feeds.lan", sport, "/to-self"), false},
		{"allowed loopback literal", []string{"127.0.0.1:" + strconv.Itoa(sport)}, at("127.0.0.1", sport, "/feed"), false},
		{"nothing allowed", nil, at("feeds.lan", sport, "/feed"), true},
		{"another name to the same address", []string{"feeds.lan"}, at("internal.lan", iport, "/"), true},
		{"a subdomain of the allowed name", []string{"feeds.lan"}, at("sub.feeds.lan", sport, "/feed"), true},
		{"the allowed name on another port", []string{"feeds.lan:" + strconv.Itoa(iport)}, at("feeds.lan", sport, "/feed"), true},
		{"the address of an allowed name", []string{"feeds.lan"}, at("127.0.0.1", sport, "/feed"), true},
		{"redirect to another private name", []string{"feeds.lan"}, at("feeds.lan", sport, "/to-internal"), true},
		{"redirect to a loopback literal", []string{"feeds.lan"}, at("feeds.lan", sport, "/to-loopback"), true},
		{"redirect to a port not allowed", []string{"feeds.lan:" + strconv.Itoa(sport)}, at("feeds.lan", sport, "/to-other-port"), true},
		{"allowed name on link-local", []string{"metadata.lan"}, at("metadata.lan", 80, "/latest/meta-data/"), true},
		{"allowed name on multicast", []string{"multi.lan"}, at("multi.lan", 80, "/"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(tt.allow...)
			defer c.Close()
			res, err := c.Fetch(context.Background(), fetch.Request{URL: tt.url, Kind: fetch.Feed})
			if tt.refuse {
				if !errors.Is(err, fetch.ErrPrivateAddress) {
					t.Fatalf("Fetch(%s) = %v, %v; want ErrPrivateAddress", tt.url, res, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch(%s): %v", tt.url, err)
			}
			if string(res.Body) != "<rss/>" {
				t.Fatalf("Fetch(%s) body %q", tt.url, res.Body)
			}
		})
	}
}

func FuzzParseAllowedHost(f *testing.F) {
	for _, s := range []string{"demofeed", "demofeed:8080", "[::1]:80", "10.0.0.1", "*.x", "http://a/b", "a..b", "[::1", "x:0",
		// Hostile values: a NUL, invalid UTF-8, a zone, a trailing dot,
		// letters that fold to ASCII, ports out of range.
		"demo\x00feed:80", "\xff\xfe:1", "[fe80::1%25eth0]:443", "Demofeed.:08080", "\u212aelvin.example", "x:65536", "x:-1", "[::ffff:10.0.0.1]:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := fetch.ParseAllowedHost(s)
		if err != nil {
			if !errors.Is(err, fetch.ErrAllowedHost) {
				t.Fatalf("error %v does not wrap ErrAllowedHost", err)
			}
			return
		}
		if a.Host == "" || a.Port < 0 || a.Port > 65535 {
			t.Fatalf("ParseAllowedHost(%q) = %+v", s, a)
		}
		again, err := fetch.ParseAllowedHost(a.String())
		if err != nil || again != a {
			t.Fatalf("%q parsed to %+v, whose form %q parses to %+v, %v", s, a, a.String(), again, err)
		}
	})
}
