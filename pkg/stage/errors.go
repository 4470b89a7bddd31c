package stage

import (
	"errors"
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// PermanentError marks a failure that no retry can fix: the input is bad.
// The runner dead-letters the message with Reason and terminates it.
type PermanentError struct {
	Reason string
	Err    error
}

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as permanent with a short reason such as
// events.ReasonInvalid. A nil err stays nil.
func Permanent(reason string, err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Reason: reason, Err: err}
}

// RetryError asks for redelivery after a given delay instead of the runner's
// backoff, e.g. when a downstream service said when to come back.
type RetryError struct {
	After time.Duration
	Err   error
}

func (e *RetryError) Error() string { return e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfter asks for redelivery of the message after d.
func RetryAfter(d time.Duration, err error) error {
	if err == nil {
		return nil
	}
	return &RetryError{After: d, Err: err}
}

// classify returns the dead-letter reason of a permanent error and true, or
// "" and false for an error worth retrying. Errors from decoding an event are
// permanent whether or not the handler marked them.
func classify(err error) (string, bool) {
	var pe *PermanentError
	switch {
	case errors.As(err, &pe):
		return pe.Reason, true
	case errors.Is(err, events.ErrMalformed):
		return events.ReasonDecode, true
	case errors.Is(err, events.ErrInvalid):
		return events.ReasonInvalid, true
	}
	return "", false
}

// errPanic is wrapped by the error Recover makes of a panic.
var errPanic = errors.New("stage: handler panicked")

func panicError(v any) error {
	return Permanent(events.ReasonPanic, fmt.Errorf("%w: %v", errPanic, v))
}
