// Package fetch is the fetcher's careful HTTP client. It refuses to reach
// private, loopback, link-local, multicast and carrier-grade NAT addresses
// (checked after DNS resolution, in the dialer, so redirects and DNS rebinding
// are covered; hosts allowed by name may reach private ones), caps bodies
// after decompression, aborts transfers that stall, bounds redirects, checks
// content types, sends conditional requests and an honest User-Agent, limits
// concurrency and request rate per host, holds every request to a host that
// answered 429 or 503 with a Retry-After until it has passed, and honours
// robots.txt for article pages.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Kind says what is being fetched: it selects the Accept header, the
// acceptable content types and the size cap.
type Kind int

// Kinds of fetch.
const (
	Feed   Kind = iota + 1 // an RSS, Atom or JSON feed
	Page                   // an article page (robots.txt is honoured)
	Robots                 // a robots.txt file
)

func (k Kind) String() string {
	switch k {
	case Feed:
		return "feed"
	case Page:
		return "page"
	case Robots:
		return "robots.txt"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Errors. Temporary tells those worth retrying from the others.
var (
	ErrPrivateAddress    = errors.New("fetch: refusing a private or reserved address")
	ErrTooLarge          = errors.New("fetch: body over the size limit")
	ErrTooManyRedirects  = errors.New("fetch: too many redirects")
	ErrStalled           = errors.New("fetch: transfer stalled")
	ErrTimeout           = errors.New("fetch: request timed out")
	ErrContentType       = errors.New("fetch: unacceptable content type")
	ErrScheme            = errors.New("fetch: URL is not http or https")
	ErrEncoding          = errors.New("fetch: unsupported or corrupt content encoding")
	ErrDisallowed        = errors.New("fetch: disallowed by robots.txt")
	ErrRobotsUnavailable = errors.New("fetch: robots.txt unavailable")
)

// StatusError is a response with a status other than 2xx or 304.
type StatusError struct {
	URL  string
	Code int
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("fetch: %s answered %d %s", e.URL, e.Code, http.StatusText(e.Code))
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// HostWaitError is a request not sent because its host answered an earlier
// one 429 or 503 with a Retry-After that has not passed yet: a host that asks
// for a pause gets it from every feed and page on it.
type HostWaitError struct {
	Host string
	// Code is the status of the answer that asked for the pause.
	Code int
	// RetryAfter is what is left of the pause.
	RetryAfter time.Duration
}

func (e *HostWaitError) Error() string {
	return fmt.Sprintf("fetch: host %s answered %d and asked to wait (retry after %s)",
		e.Host, e.Code, e.RetryAfter.Round(time.Second))
}

// Temporary reports whether err may go away by itself: a network error, a
// timeout or stall, a 408, 425, 429 or 5xx answer, a host's pending
// Retry-After (HostWaitError), an unreachable robots.txt.
// A refused address, an oversized body, a redirect loop, a wrong content type,
// a robots.txt disallow and other 4xx answers are permanent.
func Temporary(err error) bool {
	var (
		se *StatusError
		hw *HostWaitError
	)
	switch {
	case err == nil:
		return false
	case errors.As(err, &hw):
		return true
	case errors.As(err, &se):
		return se.Code == http.StatusRequestTimeout || se.Code == http.StatusTooEarly ||
			se.Code == http.StatusTooManyRequests || se.Code >= 500
	case errors.Is(err, ErrPrivateAddress), errors.Is(err, ErrTooLarge), errors.Is(err, ErrTooManyRedirects),
		errors.Is(err, ErrContentType), errors.Is(err, ErrScheme), errors.Is(err, ErrEncoding),
		errors.Is(err, ErrDisallowed):
		return false
	}
	return true
}

// RetryAfter returns the Retry-After of a StatusError or HostWaitError in
// err's chain, or 0.
func RetryAfter(err error) time.Duration {
	var (
		se *StatusError
		hw *HostWaitError
	)
	if errors.As(err, &hw) {
		return hw.RetryAfter
	}
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// Options configure a Client. Zero values take the defaults named.
type Options struct {
	// UserAgent is sent with every request. Zero: "wirewatch".
	UserAgent string
	// RobotsAgent is the product token matched against robots.txt
	// User-agent lines. Zero: the product token of UserAgent ("wirewatch"
	// for "wirewatch/1.0 (+https://…)").
	RobotsAgent string
	// AllowPrivate lets requests reach private and loopback addresses
	// (tests, local demos).
	AllowPrivate bool
	// AllowHosts are hosts that may resolve to private and loopback
	// addresses (never link-local, multicast or unspecified ones) while
	// the guard stays on for every other host. The allowance is checked on
	// the host each connection is made to, redirect targets included.
	AllowHosts []AllowedHost
	// MaxFeedBytes and MaxPageBytes cap a body after decompression. Zero:
	// 8 MiB and 4 MiB. robots.txt is capped at 512 KiB.
	MaxFeedBytes, MaxPageBytes int64
	// Timeout bounds a whole exchange, body included. Zero: 30s.
	Timeout time.Duration
	// ConnectTimeout bounds a TCP connect, TLSTimeout a TLS handshake and
	// HeaderTimeout the wait for response headers. Zero: 10s, 10s, 20s.
	ConnectTimeout, TLSTimeout, HeaderTimeout time.Duration
	// StallTimeout aborts a body that sends nothing for this long. Zero: 10s.
	StallTimeout time.Duration
	// MaxRedirects bounds the redirects followed. Zero: 5.
	MaxRedirects int
	// HostConcurrency bounds the requests in flight to one host. Zero: 2.
	HostConcurrency int
	// HostRate bounds the requests started per second to one host. Zero: 2;
	// rate.Inf: no limit.
	HostRate rate.Limit
	// RobotsTTL is how long a host's robots.txt is trusted. Zero: 24h.
	RobotsTTL time.Duration
	// MaxRetryAfter caps how long a 429 or 503 with a Retry-After holds
	// every request to its host. Zero: 24h.
	MaxRetryAfter time.Duration
	// MaxCrawlDelay caps the Crawl-delay of a host's robots.txt: requests
	// to the host start at least that delay apart, up to this cap. Zero:
	// DefaultMaxCrawlDelay; negative: Crawl-delay is ignored.
	MaxCrawlDelay time.Duration
	// Lookup resolves a host name. Zero: the system resolver. Tests use it
	// to make a name resolve to a chosen address.
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// Dial connects to an address the guard accepted. Zero: a net.Dialer
	// with ConnectTimeout. Tests use it to route a public-looking address
	// to a local server.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = "wirewatch"
	}
	if o.RobotsAgent == "" {
		o.RobotsAgent = productToken(o.UserAgent)
	}
	if o.MaxFeedBytes <= 0 {
		o.MaxFeedBytes = 8 << 20
	}
	if o.MaxPageBytes <= 0 {
		o.MaxPageBytes = 4 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.TLSTimeout <= 0 {
		o.TLSTimeout = 10 * time.Second
	}
	if o.HeaderTimeout <= 0 {
		o.HeaderTimeout = 20 * time.Second
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = 10 * time.Second
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.HostConcurrency <= 0 {
		o.HostConcurrency = 2
	}
	if o.HostRate <= 0 {
		o.HostRate = 2
	}
	if o.RobotsTTL <= 0 {
		o.RobotsTTL = 24 * time.Hour
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 24 * time.Hour
	}
	if o.MaxCrawlDelay == 0 {
		o.MaxCrawlDelay = DefaultMaxCrawlDelay
	}
	return o
}

// productToken is the leading name of a User-Agent: letters, '-'
// and '_' (RFC 9309 product tokens), "wirewatch" when there is none.
func productToken(ua string) string {
	end := 0
	for end < len(ua) {
		c := ua[end]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			break
		}
		end++
	}
	if end == 0 {
		return "wirewatch"
	}
	return strings.ToLower(ua[:end])
}

// DefaultMaxCrawlDelay is the largest Crawl-delay honoured by default. A
// longer delay would let a host hold one feed's items for hours (50 items at
// 30s is 25 minutes); Heritrix and other polite crawlers cap it likewise.
const DefaultMaxCrawlDelay = 30 * time.Second

// maxRobotsBytes is the least RFC 9309 asks a crawler to read of robots.txt.
const maxRobotsBytes = 512 << 10

// Client fetches feeds, pages and robots.txt files. It is safe for concurrent
// use.
type Client struct {
	opts   Options
	http   *http.Client
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// dialAddr connects to one resolved, checked address; dialAllowed does
	// for the addresses of an allowed host.
	dialAddr, dialAllowed func(ctx context.Context, network, addr string) (net.Conn, error)
	// allow are the allowed hosts.
	allow  []AllowedHost
	hosts  *hosts
	robots *robotsCache
	now    func() time.Time
}

// New returns a client.
func New(opts Options) *Client {
	opts = opts.withDefaults()
	c := &Client{opts: opts, now: time.Now}
	c.lookup = opts.Lookup
	if c.lookup == nil {
		c.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	c.allow = opts.AllowHosts
	c.dialAddr, c.dialAllowed = opts.Dial, opts.Dial
	if c.dialAddr == nil {
		d := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
		da := *d
		if !opts.AllowPrivate {
			d.Control = dialControl
			da.Control = allowedControl
		}
		c.dialAddr, c.dialAllowed = d.DialContext, da.DialContext
	}
	tr := &http.Transport{
		// No proxy: a proxy would dial on our behalf, past the guard.
		Proxy:                  nil,
		DialContext:            c.dial,
		TLSHandshakeTimeout:    opts.TLSTimeout,
		ResponseHeaderTimeout:  opts.HeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    opts.HostConcurrency,
		MaxResponseHeaderBytes: 64 << 10,
		// The body is decompressed here, so that the cap applies to what
		// comes out of the decompressor.
		DisableCompression: true,
		ForceAttemptHTTP2:  true,
	}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, opts.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: redirect to %s", ErrScheme, req.URL.Redacted())
			}
			if m, ok := req.Context().Value(movesKey{}).(*moves); ok {
				m.hop(req)
			}
			if err := c.held(req.URL); err != nil {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
			}
			if page, _ := req.Context().Value(robotsHopsKey{}).(bool); page {
				// A redirect is a fetch of another URL, perhaps of another
				// origin: its robots.txt decides whether it may be fetched.
				if err := c.robotsAllow(req.Context(), req.URL); err != nil {
					return err
				}
			}
			// Each hop is a request of its own: it keeps to the rate and
			// Crawl-delay of the host it goes to, the same host or another,
			// as a fetch that began there would.
			if err := c.hosts.wait(req.Context(), hostKey(req.URL), c.crawlDelay(req.URL)); err != nil {
				return fmt.Errorf("redirect to %s: waiting for the host: %w", req.URL.Redacted(), err)
			}
			return nil
		},
	}
	c.hosts = newHosts(opts.HostConcurrency, opts.HostRate)
	c.robots = newRobotsCache(opts.RobotsTTL)
	return c
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Request is one fetch.
type Request struct {
	URL  string
	Kind Kind
	// ETag and LastModified are the validators of the copy already held;
	// when set, the request is conditional and may answer NotModified.
	ETag, LastModified string
}

// Response is a fetched document (or a 304).
type Response struct {
	// URL is where the document was found, after redirects.
	URL    string
	Status int
	// NotModified reports a 304: Body is empty and the held copy is current.
	NotModified bool
	Body        []byte
	// ContentType is the media type without parameters; Charset the
	// charset parameter, if any.
	ContentType, Charset string
	// ETag and LastModified are the validators to send next time.
	ETag, LastModified string
	// Fresh is how long the server says the response stays fresh
	// (Cache-Control max-age, else Expires), zero when it says nothing.
	Fresh time.Duration
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
	// Moved is where the request was permanently redirected: the URL the
	// unbroken run of 301 and 308 answers from the first hop led to, empty
	// when the first answer was not such a redirect. A 302 or 307 is
	// temporary and moves nothing: after 301 then 302, Moved is the 301's
	// target.
	Moved string
}

// movesKey keys the redirect record of an exchange in its request context.
type movesKey struct{}

// robotsHopsKey keys whether every redirect target of an exchange must be
// allowed by its robots.txt (a page: true).
type robotsHopsKey struct{}

// moves records the redirects of one exchange.
type moves struct {
	to     string // where the permanent redirects so far led
	broken bool   // a temporary redirect ended the permanent run
}

// hop notes the redirect that led to req.
func (m *moves) hop(req *http.Request) {
	if m.broken || req.Response == nil {
		return
	}
	switch req.Response.StatusCode {
	case http.StatusMovedPermanently, http.StatusPermanentRedirect:
		m.to = req.URL.String()
	default:
		m.broken = true
	}
}

// Fetch performs req: it checks robots.txt for a page (and for every
// redirect the page leads through), waits for a slot and the rate limit of
// the host (slowed to its robots.txt Crawl-delay, once that file is known,
// for every kind of request), and returns the decompressed, capped body.
func (c *Client) Fetch(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch: parsing %q: %w", req.URL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("fetching %s: %w", u.Redacted(), ErrScheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("fetching %s: %w: no host", u.Redacted(), ErrScheme)
	}
	if err := c.held(u); err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u.Redacted(), err)
	}
	if req.Kind == Page {
		if err := c.robotsAllow(ctx, u); err != nil {
			return nil, err
		}
	}
	release, err := c.hosts.acquire(ctx, hostKey(u), c.crawlDelay(u))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: waiting for the host: %w", u.Redacted(), err)
	}
	defer release()
	return c.do(ctx, req, u)
}

// hostKey names u's host for politeness: lower case, without the scheme's
// default port, so that "Example.com:443" and "example.com" over https are
// one host, waited for and held as one.
func hostKey(u *url.URL) string {
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		return strings.TrimSuffix(host, ":443")
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		return strings.TrimSuffix(host, ":80")
	}
	return host
}

// tooManyPause is how long a host that answered 429 without a Retry-After
// is left alone.
const tooManyPause = time.Minute

// held returns a HostWaitError when u's host asked for a pause that has not
// passed.
func (c *Client) held(u *url.URL) error {
	host := hostKey(u)
	now := c.now()
	if h, ok := c.hosts.holding(host, now); ok {
		return &HostWaitError{Host: host, Code: h.code, RetryAfter: h.until.Sub(now)}
	}
	return nil
}

// do performs one exchange without the host limits.
func (c *Client) do(ctx context.Context, req Request, u *url.URL) (*Response, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, c.opts.Timeout, ErrTimeout)
	defer cancel()
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)

	mv := &moves{}
	// Set for every exchange, not only pages: the robots.txt read while
	// checking a page's redirect inherits the page's context, and must not
	// wait on the very robots.txt it is reading.
	rctx := context.WithValue(context.WithValue(ctx, movesKey{}, mv), robotsHopsKey{}, req.Kind == Page)
	hreq, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u.Redacted(), err)
	}
	hreq.Header.Set("User-Agent", c.opts.UserAgent)
	hreq.Header.Set("Accept", accept(req.Kind))
	hreq.Header.Set("Accept-Encoding", "gzip, deflate")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u.Redacted(), cause(ctx, err))
	}
	defer resp.Body.Close()
	now := c.now()
	res := &Response{
		URL:          resp.Request.URL.String(),
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Fresh:        freshness(resp.Header, now),
		RetryAfter:   retryAfter(resp.Header, now),
		Moved:        mv.to,
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		return res, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		if res.RetryAfter <= 0 && resp.StatusCode == http.StatusTooManyRequests {
			// Too many requests, and no word of how long to wait: a
			// minute, for the host as for the feed.
			res.RetryAfter = tooManyPause
		}
		if res.RetryAfter > 0 && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
			// The host asked for a pause: every request to it waits.
			c.hosts.hold(hostKey(resp.Request.URL), resp.StatusCode,
				now.Add(min(res.RetryAfter, c.opts.MaxRetryAfter)), now)
		}
		// Read a little so the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		return nil, &StatusError{URL: res.URL, Code: resp.StatusCode, RetryAfter: res.RetryAfter}
	}
	res.ContentType, res.Charset = mediaType(resp.Header.Get("Content-Type"))
	if !acceptable(req.Kind, res.ContentType) {
		return nil, fmt.Errorf("fetching %s: %w: %q for a %s", res.URL, ErrContentType, res.ContentType, req.Kind)
	}
	limit := c.limit(req.Kind)
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("fetching %s: %w: Content-Length %d, limit %d", res.URL, ErrTooLarge, resp.ContentLength, limit)
	}
	body, err := readBody(resp, limit, c.opts.StallTimeout, abort)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", res.URL, cause(ctx, err))
	}
	if req.Kind == Page && (res.ContentType == "" || res.ContentType == "application/octet-stream") {
		sniffed, _ := mediaType(http.DetectContentType(body))
		if sniffed != "text/html" && sniffed != "text/plain" {
			return nil, fmt.Errorf("fetching %s: %w: sniffed %q for a page", res.URL, ErrContentType, sniffed)
		}
		res.ContentType = sniffed
	}
	res.Body = body
	return res, nil
}

func (c *Client) limit(k Kind) int64 {
	switch k {
	case Feed:
		return c.opts.MaxFeedBytes
	case Robots:
		return maxRobotsBytes
	}
	return c.opts.MaxPageBytes
}

// cause replaces the context error of an aborted exchange with the reason it
// was aborted: a stall or the overall timeout.
func cause(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	c := context.Cause(ctx)
	if errors.Is(c, ErrStalled) || errors.Is(c, ErrTimeout) {
		return c
	}
	return err
}

func accept(k Kind) string {
	switch k {
	case Feed:
		return "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, " +
			"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
	case Robots:
		return "text/plain, */*;q=0.5"
	}
	return "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
}

// acceptable reports whether a response of media type mt can be what kind k
// asked for. An absent or generic type is judged later, by the content.
func acceptable(k Kind, mt string) bool {
	if mt == "" || mt == "application/octet-stream" {
		return true
	}
	switch k {
	case Feed:
		return strings.HasPrefix(mt, "text/") || strings.Contains(mt, "xml") || strings.Contains(mt, "json") ||
			strings.Contains(mt, "rss") || strings.Contains(mt, "atom")
	case Page:
		return mt == "text/html" || mt == "application/xhtml+xml" || mt == "text/plain"
	}
	return true
}
