package deduper

import (
	"context"
	"time"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

// SetClock makes s read the time from now: tests move a deduper through
// days without waiting for them.
func SetClock(s *Service, now func() time.Time) { s.now = now }

// Lead makes s the leader without a lease or a runner: it catches up from
// the stored decisions and opens a term, ended by the returned function.
// Tests then hand it deliveries through Handle, one at a time.
func Lead(ctx context.Context, s *Service) (end func(), err error) {
	if _, err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	tctx, cancel := context.WithCancel(ctx)
	s.setTerm(tctx, cancel)
	return cancel, nil
}

// Leading reports whether s's term is still open.
func Leading(s *Service) bool {
	t := s.term.Load()
	return t != nil && t.ctx.Err() == nil
}

// Indexed returns how many articles s's engine holds. Call it only while
// s is not running.
func Indexed(s *Service) int { return s.engine.Len() }

// SetPublishTimeout makes s wait up to d for each acknowledgement of what
// it publishes, over 3 attempts.
func SetPublishTimeout(s *Service, d time.Duration) { s.pub = stage.NewPublisher(s.js, d, 3) }
