package deduper

import "time"

// SetClock makes s read the time from now: tests move a deduper through
// days without waiting for them.
func SetClock(s *Service, now func() time.Time) { s.now = now }
