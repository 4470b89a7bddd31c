package stage

import (
	"context"
	"time"

	"github.com/nats-io/nats.go"
)

// Delivery is one input message as a handler sees it.
type Delivery struct {
	Subject string
	Header  nats.Header
	Data    []byte
	// Stream and StreamSeq locate the message in its stream.
	Stream    string
	StreamSeq uint64
	// NumDelivered counts deliveries of this message, 1 on the first.
	NumDelivered uint64
	// Published is when the message was stored in the stream.
	Published time.Time
}

// Handler processes one delivery and returns the messages to publish for it.
// It returns an error to have the message retried, or a Permanent error to
// have it dead-lettered. Outputs are published before the input is
// acknowledged, so a handler that runs twice must return the same messages
// with the same Nats-Msg-Id (events.Encode does this).
type Handler func(ctx context.Context, d *Delivery) ([]*nats.Msg, error)

// Middleware wraps a handler with one cross-cutting concern.
type Middleware func(Handler) Handler

// Chain applies middleware so that the first one given is the outermost.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
