// Package republish publishes events to a downstream JetStream subject, for
// systems that want wirewatch's output on a subject of their own. Each event
// is published with a Nats-Msg-Id derived from the subject and the event's
// key, so the downstream stream stores it once within its duplicate window.
package republish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
)

// ErrSubject is wrapped by the errors of CheckSubject.
var ErrSubject = errors.New("republish: invalid subject")

// CheckSubject reports whether subject can receive events: a literal subject
// (no wildcards, no empty tokens) outside the pipeline's own news.> subjects
// and the server's $ subjects.
func CheckSubject(subject string) error {
	switch {
	case subject == "":
		return fmt.Errorf("%w: empty", ErrSubject)
	case strings.ContainsAny(subject, "*> \t\r\n"):
		return fmt.Errorf("%w %q: wildcards and white space are not allowed", ErrSubject, subject)
	case strings.HasPrefix(subject, ".") || strings.HasSuffix(subject, ".") || strings.Contains(subject, ".."):
		return fmt.Errorf("%w %q: empty token", ErrSubject, subject)
	case subject == "news" || strings.HasPrefix(subject, "news."):
		return fmt.Errorf("%w %q: news.> belongs to the pipeline", ErrSubject, subject)
	case strings.HasPrefix(subject, "$"):
		return fmt.Errorf("%w %q: $ subjects belong to the server", ErrSubject, subject)
	}
	return nil
}

// StreamName is the stream Open creates for subject when none captures it.
func StreamName(subject string) string {
	return "WIREWATCH_OUT_" + strings.ToUpper(strings.NewReplacer("-", "_", "$", "_").Replace(events.Token(subject)))
}

// Publisher publishes events to one subject.
type Publisher struct {
	subject string
	stream  string
	pub     *stage.Publisher
	now     func() time.Time
}

// Open checks subject and makes sure a stream stores it: the one that
// already captures it, or a new one named StreamName(subject) that keeps
// messages for events.DefaultMaxAge.
func Open(ctx context.Context, js jetstream.JetStream, subject string, replicas int) (*Publisher, error) {
	if err := CheckSubject(subject); err != nil {
		return nil, err
	}
	stream, err := js.StreamNameBySubject(ctx, subject)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		stream = StreamName(subject)
		err = stage.RetryUnanswered(ctx, func(ctx context.Context) error {
			_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
				Name:        stream,
				Description: "wirewatch sink output to " + subject,
				Subjects:    []string{subject},
				Storage:     jetstream.FileStorage,
				Replicas:    max(replicas, 1),
				MaxAge:      events.DefaultMaxAge,
				Duplicates:  events.DefaultDuplicates,
				MaxMsgSize:  events.DefaultMaxMsgSize,
			})
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("republish: finding a stream for %s: %w", subject, err)
	}
	return &Publisher{subject: subject, stream: stream, pub: stage.NewPublisher(js, 10*time.Second, 3), now: time.Now}, nil
}

// Stream is the stream that stores what p publishes.
func (p *Publisher) Stream() string { return p.stream }

// MsgID is the Nats-Msg-Id of the event with key on subject.
func MsgID(subject, key string) string {
	sum := sha256.Sum256([]byte("republish\x00" + subject + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// Publish publishes data, the event with key about document docID, and waits
// for the stream's acknowledgement.
func (p *Publisher) Publish(ctx context.Context, key, docID string, data []byte) error {
	id := MsgID(p.subject, key)
	m := nats.NewMsg(p.subject)
	m.Data = data
	m.Header.Set(events.HeaderMsgID, id)
	m.Header.Set(events.HeaderCESpecVersion, events.CloudEventsSpecVersion)
	m.Header.Set(events.HeaderCEID, id)
	m.Header.Set(events.HeaderCEType, events.SchemaClusteredArticle)
	m.Header.Set(events.HeaderCESource, events.SourceURI(events.StageSink))
	m.Header.Set(events.HeaderCETime, p.now().UTC().Format(time.RFC3339Nano))
	m.Header.Set(events.HeaderCESubject, docID)
	m.Header.Set(events.HeaderContentType, events.ContentTypeJSON)
	if _, err := p.pub.Publish(ctx, m); err != nil {
		return fmt.Errorf("republishing %s: %w", docID, err)
	}
	return nil
}
