package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// endpoint answers each request with the next status of codes (the last one
// repeats) and checks its signature.
func endpoint(t *testing.T, secret []byte, header http.Header, codes ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if secret == nil && r.Header.Get(HeaderSignature) != "" {
			t.Errorf("request %d is signed without a secret", n.Load())
		}
		if err := Verify(secret, r.Header, body, time.Now(), time.Minute); secret != nil && err != nil {
			t.Errorf("request %d: %v", n.Load(), err)
		}
		if got := r.Header.Get(HeaderID); got != "doc@hash" {
			t.Errorf("%s = %q, want doc@hash", HeaderID, got)
		}
		i := int(n.Add(1)) - 1
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(codes[min(i, len(codes)-1)])
		io.WriteString(w, "answer")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func client(t *testing.T, url string, secret []byte) *Client {
	t.Helper()
	c, err := New(Options{URL: url, Secret: secret, Backoff: time.Millisecond, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDeliver(t *testing.T) {
	secret := []byte("s3cret")
	tests := []struct {
		name     string
		codes    []int
		header   http.Header
		wantErr  error
		requests int32
	}{
		{"accepted", []int{204}, nil, nil, 1},
		{"unavailable then accepted", []int{503, 502, 200}, nil, nil, 3},
		{"unavailable throughout", []int{503}, nil, ErrUnavailable, 3},
		{"rate limited", []int{429, 201}, http.Header{"Retry-After": {"0"}}, nil, 2},
		{"rejected", []int{400}, nil, ErrRejected, 1},
		{"redirect is a rejection", []int{302}, http.Header{"Location": {"/elsewhere"}}, ErrRejected, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := endpoint(t, secret, tt.header, tt.codes...)
			err := client(t, srv.URL, secret).Deliver(context.Background(), "doc@hash", []byte(`{"id":"doc"}`))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("Deliver error = %v, want %v", err, tt.wantErr)
			}
			if n.Load() != tt.requests {
				t.Errorf("requests = %d, want %d", n.Load(), tt.requests)
			}
		})
	}
}

func TestLongRetryAfterIsLeftToTheCaller(t *testing.T) {
	srv, n := endpoint(t, nil, http.Header{"Retry-After": {"120"}}, 503)
	err := client(t, srv.URL, nil).Deliver(context.Background(), "doc@hash", []byte(`{}`))
	var ra *RetryAfterError
	if !errors.As(err, &ra) || ra.After != 2*time.Minute || n.Load() != 1 {
		t.Errorf("Deliver error = %v after %d requests, want a RetryAfterError of 2m after 1", err, n.Load())
	}
}

func TestUnreachableIsUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	err := client(t, url, nil).Deliver(context.Background(), "doc@hash", []byte(`{}`))
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("Deliver error = %v, want ErrUnavailable", err)
	}
}

func TestVerify(t *testing.T) {
	secret, body := []byte("k"), []byte(`{"id":"x"}`)
	now := time.Unix(1_700_000_000, 0)
	h := http.Header{HeaderTimestamp: {"1700000000"}, HeaderSignature: {Sign(secret, "1700000000", body)}}
	if err := Verify(secret, h, body, now, time.Minute); err != nil {
		t.Errorf("Verify of a good request: %v", err)
	}
	for name, check := range map[string]func() error{
		"other body":   func() error { return Verify(secret, h, []byte(`{"id":"y"}`), now, time.Minute) },
		"other secret": func() error { return Verify([]byte("j"), h, body, now, time.Minute) },
		"too old":      func() error { return Verify(secret, h, body, now.Add(time.Hour), time.Minute) },
	} {
		if err := check(); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: Verify = %v, want ErrBadSignature", name, err)
		}
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "http://", "::"} {
		if _, err := New(Options{URL: u}); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
}

// An endpoint asking to come back later than the stream keeps the event
// would have it expire unseen: the delay handed back is capped.
func TestRetryAfterIsCapped(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"seconds within the cap", "120", 2 * time.Minute},
		{"a day in seconds", "86400", LongestRetryAfter},
		{"seconds past a Duration", "99999999999", LongestRetryAfter},
		{"a date a week away", now.Add(7 * 24 * time.Hour).UTC().Format(http.TimeFormat), LongestRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := endpoint(t, nil, http.Header{"Retry-After": {tt.header}}, 503)
			err := client(t, srv.URL, nil).Deliver(context.Background(), "doc@hash", []byte(`{}`))
			var ra *RetryAfterError
			if !errors.As(err, &ra) || ra.After != tt.want {
				t.Errorf("Deliver error = %v, want a RetryAfterError of %v", err, tt.want)
			}
		})
	}
}

// A Retry-After short enough to be waited out within a delivery still binds
// the redelivery when it comes with the last attempt: the caller must not
// come back sooner than the endpoint asked.
func TestRetryAfterOfTheLastAttemptIsHandedBack(t *testing.T) {
	srv, n := endpoint(t, nil, http.Header{"Retry-After": {"3"}}, http.StatusTooManyRequests)
	c, err := New(Options{URL: srv.URL, Attempts: 1, Backoff: time.Millisecond, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Deliver(context.Background(), "doc@hash", []byte(`{}`))
	var ra *RetryAfterError
	if !errors.As(err, &ra) || ra.After != 3*time.Second || !errors.Is(err, ErrUnavailable) || n.Load() != 1 {
		t.Errorf("Deliver error = %v after %d requests, want an unavailable RetryAfterError of 3s after 1", err, n.Load())
	}
}

// Errors end up in logs and dead letters: they name the endpoint without
// the credentials or query string of its URL.
func TestErrorsKeepTheURLsSecretsOut(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name string
		base string
		code int
		want error
	}{
		{"rejected", "", http.StatusBadRequest, ErrRejected},
		{"unavailable", "", http.StatusServiceUnavailable, ErrUnavailable},
		{"unreachable", closed.URL, 0, ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				srv, _ := endpoint(t, nil, nil, tt.code)
				base = srv.URL
			}
			u := strings.Replace(base, "http://", "http://user:pa55word@", 1) + "/hook?token=t0ken"
			c, err := New(Options{URL: u, Attempts: 1, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Deliver(context.Background(), "doc@hash", []byte(`{}`))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Deliver error = %v, want %v", err, tt.want)
			}
			msg := err.Error()
			if strings.Contains(msg, "pa55word") || strings.Contains(msg, "t0ken") || !strings.Contains(msg, strings.TrimPrefix(base, "http://")+"/hook") {
				t.Errorf("error %q reveals the URL's secrets or does not name the endpoint", msg)
			}
		})
	}
}

// An endpoint slower than the request timeout is unavailable, tried again,
// and the error says it did not answer in time rather than only that a
// context ended.
func TestSlowEndpointTimesOutClearly(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(Options{URL: srv.URL, Attempts: 2, Timeout: 50 * time.Millisecond, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Deliver(context.Background(), "doc@hash", []byte(`{}`))
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 50ms") || n.Load() != 2 {
		t.Errorf("Deliver error = %v after %d requests, want ErrUnavailable saying there was no answer within 50ms, after 2", err, n.Load())
	}
}

// A URL refused at start is named without its secrets too.
func TestRefusedURLsKeepTheirSecretsOut(t *testing.T) {
	for _, u := range []string{
		"ftp://user:pa55word@example.com/hook?token=t0ken",
		"http://user:pa55word@[::1/hook?token=t0ken",
		"http://user:pa55word@/hook?token=t0ken",
	} {
		_, err := New(Options{URL: u})
		if err == nil {
			t.Fatalf("New(%q) accepted it", u)
		}
		if msg := err.Error(); strings.Contains(msg, "pa55word") || strings.Contains(msg, "t0ken") {
			t.Errorf("New(%q): %s", u, msg)
		}
	}
}
