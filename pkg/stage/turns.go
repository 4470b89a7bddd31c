package stage

import (
	"context"
	"fmt"
	"sync"
)

// turns lets the messages a runner holds publish in the order they were
// delivered (Config.Ordered): each waits until every message delivered
// before it is settled. A nil *turns orders nothing.
//
// The lowest turn not yet done always belongs to a message that is being
// handled or handed back, never to one waiting: workers take messages in
// the order delivered, so the wait always ends.
type turns struct {
	mu    sync.Mutex
	next  uint64              // every turn before it is done
	early map[uint64]struct{} // turns done out of order, all after next
	moved chan struct{}       // closed, and replaced, when next moves on
}

func newTurns() *turns {
	return &turns{early: map[uint64]struct{}{}, moved: make(chan struct{})}
}

// wait returns once every turn before t is done, or ctx's error.
func (o *turns) wait(ctx context.Context, t uint64) error {
	if o == nil {
		return nil
	}
	for {
		o.mu.Lock()
		next, moved := o.next, o.moved
		o.mu.Unlock()
		if next >= t {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return fmt.Errorf("waiting for the %d messages delivered before this one: %w", t-next, ctx.Err())
		}
	}
}

// done marks turn t as settled.
func (o *turns) done(t uint64) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if t < o.next {
		return
	}
	o.early[t] = struct{}{}
	advanced := false
	for {
		if _, ok := o.early[o.next]; !ok {
			break
		}
		delete(o.early, o.next)
		o.next++
		advanced = true
	}
	if advanced {
		close(o.moved)
		o.moved = make(chan struct{})
	}
}
