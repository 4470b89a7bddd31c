package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// Event is implemented by every wirewatch event type.
type Event interface {
	// SchemaName is the schema the event is encoded with, e.g.
	// "wirewatch.article.v1". It is the CloudEvents type.
	SchemaName() string
	// DocID is the document (or cluster) the event is about. It is the
	// CloudEvents subject.
	DocID() string
	// Revision distinguishes versions of the same document (its content
	// hash) or cluster.
	Revision() string
	// Validate reports every problem with the event at once.
	Validate() error
}

// Errors returned by Decode. Both mean the input can never be processed: a
// stage dead-letters it instead of retrying.
var (
	// ErrMalformed means the payload is not JSON of the expected shape.
	ErrMalformed = errors.New("events: malformed payload")
	// ErrInvalid means the payload decoded but breaks the contract.
	ErrInvalid = errors.New("events: invalid event")
)

// Header names. The CloudEvents ones follow the NATS protocol binding of
// CloudEvents 1.0 in binary mode: the event's attributes travel as headers and
// the payload is the event data.
const (
	HeaderMsgID         = "Nats-Msg-Id"
	HeaderCESpecVersion = "ce-specversion"
	HeaderCEID          = "ce-id"
	HeaderCEType        = "ce-type"
	HeaderCESource      = "ce-source"
	HeaderCETime        = "ce-time"
	HeaderCESubject     = "ce-subject"
	HeaderContentType   = "content-type"
	// HeaderRedriveOf marks a message that `wirewatch dlq replay` published
	// again, with its dead letter's id: a copy of a message stored before,
	// not a new event (the deduper takes no decision from it).
	HeaderRedriveOf        = "Wirewatch-Redrive-Of"
	CloudEventsSpecVersion = "1.0"
	ContentTypeJSON        = "application/json"
)

// SourceURI returns the CloudEvents source of what a stage publishes.
func SourceURI(s Stage) string { return "/wirewatch/" + string(s) }

// Encode turns ev into a message for subject, published by stage at time now.
// It validates ev first: a stage never publishes an event that breaks the
// contract. The message id is MsgID(stage, ev.DocID(), ev.Revision(),
// schema), and is both the Nats-Msg-Id and the CloudEvents id.
func Encode(s Stage, subject string, ev Event, now time.Time) (*nats.Msg, error) {
	if err := ev.Validate(); err != nil {
		return nil, fmt.Errorf("encoding %s for %s: %w", ev.SchemaName(), subject, err)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encoding %s for %s: %w", ev.SchemaName(), subject, err)
	}
	id := MsgID(s, ev.DocID(), ev.Revision(), ev.SchemaName())
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(HeaderMsgID, id)
	m.Header.Set(HeaderCESpecVersion, CloudEventsSpecVersion)
	m.Header.Set(HeaderCEID, id)
	m.Header.Set(HeaderCEType, ev.SchemaName())
	m.Header.Set(HeaderCESource, SourceURI(s))
	m.Header.Set(HeaderCETime, now.UTC().Format(time.RFC3339Nano))
	m.Header.Set(HeaderCESubject, ev.DocID())
	m.Header.Set(HeaderContentType, ContentTypeJSON)
	return m, nil
}

// Decode parses data into ev and validates it. Unknown fields are allowed, so
// that a reader keeps working when a later minor revision adds fields. Errors
// wrap ErrMalformed or ErrInvalid.
func Decode(data []byte, ev Event) error {
	if err := json.Unmarshal(data, ev); err != nil {
		return fmt.Errorf("%w: decoding %s: %w", ErrMalformed, ev.SchemaName(), err)
	}
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// DecodeMsg is Decode for a message: it also checks that the message's
// CloudEvents type, when present, names ev's schema.
func DecodeMsg(h nats.Header, data []byte, ev Event) error {
	if t := h.Get(HeaderCEType); t != "" && t != ev.SchemaName() {
		return fmt.Errorf("%w: message type %q, want %q", ErrMalformed, t, ev.SchemaName())
	}
	return Decode(data, ev)
}

// ValidationError lists every problem found in one event.
type ValidationError struct {
	Schema   string
	Problems []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.Schema, strings.Join(e.Problems, "; "))
}

type problems []string

func (p *problems) addf(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

func (p problems) err(schema string) error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Schema: schema, Problems: p}
}

func checkSchema(p *problems, got, want string) {
	if got != want {
		p.addf("schema %q, want %q", got, want)
	}
}
