package stage

import (
	"math/rand/v2"
	"time"
)

// Backoff computes the redelivery delay after a retryable failure: Base
// doubled for each earlier delivery, capped at Max, with up to Jitter of it
// added at random so that many failures do not come back at once.
type Backoff struct {
	Base   time.Duration
	Max    time.Duration
	Jitter float64
}

// DefaultBackoff is 1s, 2s, 4s, ... up to one minute, with 20% jitter.
var DefaultBackoff = Backoff{Base: time.Second, Max: time.Minute, Jitter: 0.2}

// Delay is the wait before redelivering a message delivered numDelivered
// times so far.
func (b Backoff) Delay(numDelivered uint64) time.Duration {
	if b.Base <= 0 {
		return 0
	}
	d := b.Base
	for i := uint64(1); i < numDelivered && d < b.Max; i++ {
		d *= 2
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	if b.Jitter > 0 {
		d += time.Duration(rand.Float64() * b.Jitter * float64(d))
	}
	return d
}
