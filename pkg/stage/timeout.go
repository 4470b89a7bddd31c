package stage

import (
	"context"
	"time"

	"github.com/nats-io/nats.go"
)

// Timeout bounds each handler call by d. A handler that honours its context
// returns a retryable error when the time is up.
func Timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, del *Delivery) ([]*nats.Msg, error) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, del)
		}
	}
}
