package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/wirewatch/wirewatch/services/fetcher/internal/robots"
)

// robotsRetry is how long an unreachable robots.txt (5xx, network error) is
// remembered before it is tried again. Meanwhile the host's pages wait: RFC
// 9309 treats an unreachable robots.txt as a full disallow.
const robotsRetry = time.Minute

// maxRobotsEntries bounds the cache; expired entries go first when it is full.
const maxRobotsEntries = 4096

type robotsCache struct {
	mu  sync.Mutex
	m   map[string]*robotsEntry
	ttl time.Duration
}

type robotsEntry struct {
	ready   chan struct{} // closed once rules or err is set
	rules   *robots.Rules
	err     error
	expires time.Time
}

func newRobotsCache(ttl time.Duration) *robotsCache {
	return &robotsCache{m: map[string]*robotsEntry{}, ttl: ttl}
}

// robotsAllow returns nil when robots.txt of u's host lets the client fetch
// u, ErrDisallowed when it does not, and an error wrapping
// ErrRobotsUnavailable when it could not be read (temporary).
func (c *Client) robotsAllow(ctx context.Context, u *url.URL) error {
	origin := u.Scheme + "://" + hostKey(u)
	e, fetch := c.robots.entry(origin, c.now())
	if fetch {
		e.rules, e.expires, e.err = c.fetchRobots(ctx, origin)
		close(e.ready)
	} else {
		select {
		case <-e.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if e.err != nil {
		return fmt.Errorf("fetching %s: %w: %w", u.Redacted(), ErrRobotsUnavailable, e.err)
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !e.rules.Allowed(c.opts.RobotsAgent, path) {
		return fmt.Errorf("fetching %s: %w", u.Redacted(), ErrDisallowed)
	}
	return nil
}

// crawlDelay returns the Crawl-delay that u's host asks of the client, capped
// at MaxCrawlDelay: 0 when its robots.txt asks for none, unknownDelay when
// the file has not been read (a feed's host is not asked for it) or the
// client ignores Crawl-delay.
func (c *Client) crawlDelay(u *url.URL) time.Duration {
	if c.opts.MaxCrawlDelay < 0 {
		return unknownDelay
	}
	rules, ok := c.robots.known(u.Scheme+"://"+hostKey(u), c.now())
	if !ok {
		return unknownDelay
	}
	d, _ := rules.CrawlDelay(c.opts.RobotsAgent)
	return min(d, c.opts.MaxCrawlDelay)
}

// known returns the rules of origin when they have been read and are still
// fresh.
func (rc *robotsCache) known(origin string, now time.Time) (*robots.Rules, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e, ok := rc.m[origin]
	if !ok {
		return nil, false
	}
	select {
	case <-e.ready:
		return e.rules, e.err == nil && now.Before(e.expires)
	default:
		return nil, false
	}
}

// entry returns the cache entry of origin, and true when the caller must
// fill it (it was missing or expired).
func (rc *robotsCache) entry(origin string, now time.Time) (*robotsEntry, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if e, ok := rc.m[origin]; ok {
		select {
		case <-e.ready:
			if now.Before(e.expires) {
				return e, false
			}
		default:
			return e, false // being fetched
		}
	}
	if len(rc.m) >= maxRobotsEntries {
		for k, e := range rc.m {
			select {
			case <-e.ready:
				if !now.Before(e.expires) {
					delete(rc.m, k)
				}
			default:
			}
		}
	}
	e := &robotsEntry{ready: make(chan struct{})}
	rc.m[origin] = e
	return e, true
}

// fetchRobots reads origin's robots.txt. Per RFC 9309: a 2xx is parsed; a 4xx
// means there are no rules; anything else (5xx, network failure) means the
// file is unreachable, an error remembered for robotsRetry.
func (c *Client) fetchRobots(ctx context.Context, origin string) (*robots.Rules, time.Time, error) {
	u, err := url.Parse(origin + "/robots.txt")
	if err != nil {
		return nil, c.now().Add(robotsRetry), err
	}
	if err := c.hosts.wait(ctx, hostKey(u), unknownDelay); err != nil {
		// The caller gave up; let the next one try.
		return nil, c.now(), err
	}
	res, err := c.do(ctx, Request{URL: u.String(), Kind: Robots}, u)
	now := c.now()
	if err != nil && ctx.Err() != nil {
		return nil, now, err
	}
	var se *StatusError
	switch {
	case err == nil:
		return robots.Parse(res.Body), now.Add(c.robots.ttl), nil
	case errors.As(err, &se) && se.Code >= 400 && se.Code < 500 && se.Code != http.StatusTooManyRequests:
		return nil, now.Add(c.robots.ttl), nil
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrContentType), errors.Is(err, ErrTooManyRedirects):
		// Unusable rather than unreachable: no rules.
		return nil, now.Add(c.robots.ttl), nil
	}
	return nil, now.Add(robotsRetry), err
}
