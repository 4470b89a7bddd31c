package fetch

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// hosts holds a concurrency slot pool and a rate limiter per host. An entry
// nobody uses and whose limiter is full again carries no state, so it is
// dropped: the map holds only hosts being fetched from.
//
// A host whose robots.txt asks for a Crawl-delay gets a limiter that starts
// one request per delay (burst 1), or slower when the configured rate is
// slower still.
type hosts struct {
	mu    sync.Mutex
	m     map[string]*host
	conc  int
	limit rate.Limit
	// held are the hosts that answered 429 or 503 with a Retry-After, until
	// it passes; kept apart from m, which forgets idle hosts.
	held map[string]hold
}

// hold is a host's request to be left alone.
type hold struct {
	until time.Time
	code  int
}

type host struct {
	slots chan struct{}
	lim   *rate.Limiter
	users int
	// delay is the Crawl-delay the limiter follows; 0 for none.
	delay time.Duration
}

// unknownDelay tells enter that the caller does not know the host's
// Crawl-delay: the entry keeps the one it has.
const unknownDelay = time.Duration(-1)

func newHosts(conc int, limit rate.Limit) *hosts {
	return &hosts{m: map[string]*host{}, conc: conc, limit: limit, held: map[string]hold{}}
}

// limits returns the rate and burst for a host with Crawl-delay delay.
func (h *hosts) limits(delay time.Duration) (rate.Limit, int) {
	if delay <= 0 {
		return h.limit, h.conc
	}
	return min(h.limit, rate.Every(delay)), 1
}

func (h *hosts) enter(name string, delay time.Duration) *host {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.m[name]
	if e == nil {
		d := max(delay, 0)
		limit, burst := h.limits(d)
		e = &host{slots: make(chan struct{}, h.conc), lim: rate.NewLimiter(limit, burst), delay: d}
		h.m[name] = e
	} else if delay != unknownDelay && delay != e.delay {
		limit, burst := h.limits(delay)
		e.lim.SetLimit(limit)
		e.lim.SetBurst(burst)
		e.delay = delay
	}
	e.users++
	return e
}

func (h *hosts) leave(name string, e *host) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e.users--
	if e.users == 0 && (e.lim.Limit() == rate.Inf || e.lim.Tokens() >= float64(e.lim.Burst())) {
		delete(h.m, name)
	}
}

// acquire waits for a slot on host name and for its rate limiter, and returns
// the function that gives the slot back. delay is the host's Crawl-delay (0
// for none), or unknownDelay.
func (h *hosts) acquire(ctx context.Context, name string, delay time.Duration) (func(), error) {
	e := h.enter(name, delay)
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		h.leave(name, e)
		return nil, ctx.Err()
	}
	if err := e.lim.Wait(ctx); err != nil {
		<-e.slots
		h.leave(name, e)
		return nil, err
	}
	return func() {
		<-e.slots
		h.leave(name, e)
	}, nil
}

// wait waits for the rate limiter of host name only, delay being its
// Crawl-delay or unknownDelay: for requests that must not queue behind the
// slots (robots.txt, fetched while a page holds one; the redirect hops of an
// exchange, which holds the first host's slot — waiting for another host's
// slot then could deadlock two exchanges that redirect into each other's
// hosts).
func (h *hosts) wait(ctx context.Context, name string, delay time.Duration) error {
	e := h.enter(name, delay)
	defer h.leave(name, e)
	return e.lim.Wait(ctx)
}

// hold records that host name asked (with code) not to be fetched until
// until; a later end already recorded stays. Holds that have passed are
// dropped.
func (h *hosts) hold(name string, code int, until, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, v := range h.held {
		if !v.until.After(now) {
			delete(h.held, k)
		}
	}
	if v, ok := h.held[name]; !ok || until.After(v.until) {
		h.held[name] = hold{until: until, code: code}
	}
}

// holding returns the hold of host name, if it has not passed at now.
func (h *hosts) holding(name string, now time.Time) (hold, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.held[name]
	if ok && !v.until.After(now) {
		delete(h.held, name)
		return hold{}, false
	}
	return v, ok
}
