// Package webhook delivers events to an HTTP endpoint: one POST per event
// with the event's JSON as the body, signed with HMAC-SHA256, retried with
// backoff on network errors, 408, 425, 429 and 5xx answers, and given up on
// at once when the endpoint rejects the event (any other 3xx or 4xx).
//
// Every request carries:
//
//	Content-Type:          application/json
//	X-Wirewatch-Id:        the event's idempotency key (id@content_hash); a
//	                       receiver that has seen it may answer 2xx and ignore it
//	X-Wirewatch-Timestamp: Unix seconds when the request was signed
//	X-Wirewatch-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">
//	                       (only with a secret)
//
// Signing the timestamp with the body lets a receiver refuse old requests
// replayed by someone who captured one.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	HeaderID        = "X-Wirewatch-Id"
	HeaderTimestamp = "X-Wirewatch-Timestamp"
	HeaderSignature = "X-Wirewatch-Signature"
)

// Errors.
var (
	// ErrRejected means the endpoint refused the event with a status that
	// no retry will change.
	ErrRejected = errors.New("webhook: event rejected")
	// ErrUnavailable means the endpoint could not take the event now.
	ErrUnavailable = errors.New("webhook: endpoint unavailable")
	// ErrBadSignature is returned by Verify.
	ErrBadSignature = errors.New("webhook: bad signature")
)

// RetryAfterError asks the caller to try again after After, as the endpoint
// said in a Retry-After header longer than the client waits by itself.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error { return e.Err }

// Options configure a Client.
type Options struct {
	// URL is the endpoint, http or https.
	URL string
	// Secret signs every request; empty sends no signature.
	Secret []byte
	// Timeout bounds one request. Default 10s.
	Timeout time.Duration
	// Attempts is how many times Deliver tries before it returns the error
	// to its caller (who retries later, then dead-letters). Default 3.
	Attempts int
	// Backoff is the pause after the first failed try, doubled after each
	// one. Default 200ms.
	Backoff time.Duration
	// MaxRetryAfter is the longest Retry-After Deliver waits out by itself;
	// a longer one, or any one answered to the last attempt, is returned
	// as a RetryAfterError. Default 5s.
	MaxRetryAfter time.Duration
	// Client sends the requests. Default: a client that follows no
	// redirects.
	Client *http.Client
	// Now is the clock for timestamps. Default time.Now.
	Now func() time.Time
}

// Client posts events to one endpoint.
type Client struct {
	opts Options
	// where names the endpoint in errors: the URL without credentials or
	// query string, which may hold secrets.
	where string
}

// New checks opts and returns a client.
func New(opts Options) (*Client, error) {
	// The URL may carry credentials or a token: errors name it without
	// them, as delivery errors do.
	u, err := url.Parse(opts.URL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole URL
		}
		return nil, fmt.Errorf("webhook: parsing the url: %w", err)
	}
	bare := *u
	bare.User, bare.RawQuery, bare.Fragment = nil, "", ""
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: url %q is not an http(s) URL with a host", bare.String())
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 200 * time.Millisecond
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = 5 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Client{opts: opts, where: bare.String()}, nil
}

// URL is the endpoint the client posts to.
func (c *Client) URL() string { return c.opts.URL }

// Deliver posts body, the event with idempotency key id, until the endpoint
// answers 2xx, rejects it (ErrRejected), or Attempts tries have failed
// (ErrUnavailable, or a RetryAfterError).
func (c *Client) Deliver(ctx context.Context, id string, body []byte) error {
	pause := c.opts.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		var retryAfter time.Duration
		retryAfter, err = c.post(ctx, id, body)
		if err == nil || errors.Is(err, ErrRejected) {
			return err
		}
		if retryAfter > c.opts.MaxRetryAfter || (retryAfter > 0 && attempt >= c.opts.Attempts) {
			return &RetryAfterError{After: retryAfter, Err: err}
		}
		if attempt >= c.opts.Attempts || ctx.Err() != nil {
			return err
		}
		wait := max(pause, retryAfter)
		pause *= 2
		select {
		case <-ctx.Done():
			return fmt.Errorf("posting to %s: %w", c.where, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// post makes one request. It returns the endpoint's Retry-After, if any.
func (c *Client) post(ctx context.Context, id string, body []byte) (time.Duration, error) {
	rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.opts.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("%w: building request for %s: %w", ErrRejected, c.where, err)
	}
	ts := strconv.FormatInt(c.opts.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "wirewatch-sink")
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, ts)
	if len(c.opts.Secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(c.opts.Secret, ts, body))
	}
	resp, err := c.opts.Client.Do(req)
	if err != nil {
		// The client's url.Error repeats the URL with its query string.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(rctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return 0, fmt.Errorf("%w: posting to %s: no answer within %s: %w", ErrUnavailable, c.where, c.opts.Timeout, err)
		}
		return 0, fmt.Errorf("%w: posting to %s: %w", ErrUnavailable, c.where, err)
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return 0, nil
	}
	what := fmt.Sprintf("posting to %s: %s", c.where, resp.Status)
	if s := strings.TrimSpace(string(snippet)); s != "" {
		what += ": " + s
	}
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests, code >= 500:
		return retryAfter(resp.Header.Get("Retry-After"), c.opts.Now()), fmt.Errorf("%w: %s", ErrUnavailable, what)
	default:
		return 0, fmt.Errorf("%w: %s", ErrRejected, what)
	}
}

// LongestRetryAfter caps the Retry-After an endpoint can ask for. A
// redelivery later than the input stream keeps its messages (7 days by
// default) would let the event expire unseen, with no dead letter; an hour
// keeps even six such waits far inside that.
const LongestRetryAfter = time.Hour

// retryAfter parses a Retry-After header, seconds or an HTTP date, capped at
// LongestRetryAfter.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && s >= 0 {
		if s > int64(LongestRetryAfter/time.Second) {
			return LongestRetryAfter
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), LongestRetryAfter)
	}
	return 0
}

// Sign returns the signature header value of body sent at timestamp (Unix
// seconds, as sent in X-Wirewatch-Timestamp).
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a request's signature as a receiver would: the signature
// must match and the timestamp be within tolerance of now.
func Verify(secret []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts := h.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is %s away", ErrBadSignature, ts, d)
	}
	if !hmac.Equal([]byte(h.Get(HeaderSignature)), []byte(Sign(secret, ts, body))) {
		return fmt.Errorf("%w: signature does not match", ErrBadSignature)
	}
	return nil
}
