package stage

import (
	"context"

	"github.com/nats-io/nats.go"
)

// Recover turns a handler panic into a permanent error, so the message is
// dead-lettered with reason "panic" and the stage keeps going.
func Recover() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, d *Delivery) (out []*nats.Msg, err error) {
			defer func() {
				if v := recover(); v != nil {
					out, err = nil, panicError(v)
				}
			}()
			return next(ctx, d)
		}
	}
}
