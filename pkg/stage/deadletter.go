package stage

import (
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// DeadLetterFor builds the dead letter of a delivery that stage s could not
// process. The payload travels inline up to events.MaxDeadLetterPayload; a
// larger one is left in its stream, which the letter points at.
func DeadLetterFor(s events.Stage, d *Delivery, reason string, cause error, now time.Time) *events.DeadLetter {
	dl := &events.DeadLetter{
		Schema:      events.SchemaDeadLetter,
		ID:          events.DeadLetterID(s, d.Stream, d.StreamSeq, d.Subject),
		Stage:       s,
		Reason:      reason,
		Error:       cause.Error(),
		Document:    d.Header.Get(events.HeaderCESubject),
		Subject:     d.Subject,
		Stream:      d.Stream,
		StreamSeq:   d.StreamSeq,
		Deliveries:  d.NumDelivered,
		PayloadSize: len(d.Data),
		FailedAt:    now.UTC(),
	}
	if len(d.Header) > 0 {
		dl.Headers = map[string][]string(d.Header)
	}
	if len(d.Data) <= events.MaxDeadLetterPayload {
		dl.Payload = d.Data
	} else {
		dl.PayloadTruncated = true
	}
	return dl
}

// DeadLetterMsg encodes a dead letter for publishing on news.dlq.<stage>.
func DeadLetterMsg(dl *events.DeadLetter, now time.Time) (*nats.Msg, error) {
	return events.Encode(dl.Stage, events.DLQSubject(dl.Stage), dl, now)
}
