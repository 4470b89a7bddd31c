package fetch

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// hosts holds a concurrency slot pool and a rate limiter per host. An entry
// nobody uses and whose limiter is full again carries no state, so it is
// dropped: the map holds only hosts being fetched from.
type hosts struct {
	mu    sync.Mutex
	m     map[string]*host
	conc  int
	limit rate.Limit
}

type host struct {
	slots chan struct{}
	lim   *rate.Limiter
	users int
}

func newHosts(conc int, limit rate.Limit) *hosts {
	return &hosts{m: map[string]*host{}, conc: conc, limit: limit}
}

// burst lets a host take as many requests at once as it has slots.
func (h *hosts) burst() int { return h.conc }

func (h *hosts) enter(name string) *host {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.m[name]
	if e == nil {
		e = &host{slots: make(chan struct{}, h.conc), lim: rate.NewLimiter(h.limit, h.burst())}
		h.m[name] = e
	}
	e.users++
	return e
}

func (h *hosts) leave(name string, e *host) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e.users--
	if e.users == 0 && (h.limit == rate.Inf || e.lim.Tokens() >= float64(h.burst())) {
		delete(h.m, name)
	}
}

// acquire waits for a slot on host name and for its rate limiter, and returns
// the function that gives the slot back.
func (h *hosts) acquire(ctx context.Context, name string) (func(), error) {
	e := h.enter(name)
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

// wait waits for the rate limiter of host name only: for requests that must
// not queue behind the slots (robots.txt, fetched while a page holds one).
func (h *hosts) wait(ctx context.Context, name string) error {
	e := h.enter(name)
	defer h.leave(name, e)
	return e.lim.Wait(ctx)
}
