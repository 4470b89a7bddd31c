package fetch

import (
	"net/url"
	"testing"
)

// One host is waited for, held and asked for robots.txt as one, however its
// URLs write it.
func TestHostKey(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://Example.com/a", "example.com"},
		{"https://example.com:443/a", "example.com"},
		{"http://example.com:80/a", "example.com"},
		{"http://example.com:443/a", "example.com:443"},
		{"https://example.com:8443/a", "example.com:8443"},
		{"https://[::1]:443/a", "[::1]"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := hostKey(u); got != tt.want {
			t.Errorf("hostKey(%s) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
