package healthcheck

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusNoContent)
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		default:
			http.Error(w, "stream NEWS_RAW not found", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/healthz"
	l.Close()

	cases := []struct {
		name      string
		url       string
		unhealthy bool // ErrUnhealthy rather than no answer
		ok        bool
	}{
		{"2xx", srv.URL + "/ok", false, true},
		{"503", srv.URL + "/readyz", true, false},
		{"too slow", srv.URL + "/slow", false, false},
		{"nothing listening", closed, false, false},
		{"bad url", "http://[::1", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(context.Background(), tc.url, 100*time.Millisecond)
			if tc.ok != (err == nil) {
				t.Fatalf("Check(%s) = %v, want ok %v", tc.url, err, tc.ok)
			}
			if errors.Is(err, ErrUnhealthy) != tc.unhealthy {
				t.Fatalf("Check(%s) = %v, want ErrUnhealthy %v", tc.url, err, tc.unhealthy)
			}
		})
	}
}
