package deploytest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// TestNoServiceCanReadAnothersReplies checks the inbox permissions: each
// service gets JetStream answers on its own inbox prefix, and is refused a
// subscription to any other service's prefix or to the default _INBOX, so
// it cannot read the replies (API answers, pulled messages) meant for
// another. TestEveryServiceDoesItsJobWithItsOwnIdentity shows the whole
// pipeline still works under these permissions.
func TestNoServiceCanReadAnothersReplies(t *testing.T) {
	s := startStack(t)
	createStreams(t, s)
	for _, svc := range services {
		t.Run(svc, func(t *testing.T) {
			c := s.connect(t, svc)
			js, err := jetstream.New(c.nc)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := js.AccountInfo(ctx); err != nil {
				t.Fatalf("%s asking JetStream on its own inbox: %v (violations %q)", svc, err, c.Violations())
			}
			if v := c.Violations(); len(v) > 0 {
				t.Fatalf("violations on %s's own inbox: %q", svc, v)
			}
			for _, other := range append([]string{"_INBOX"}, services...) {
				if other == svc {
					continue
				}
				subject := other + ".>"
				if other != "_INBOX" {
					subject = "_INBOX_" + other + ".>"
				}
				sub, err := c.nc.SubscribeSync(subject)
				if err != nil {
					t.Fatal(err)
				}
				c.waitViolation(t, subject)
				_ = sub.Unsubscribe()
			}
		})
	}
}

// TestAReplyDoesNotReachAnotherService has the sink make JetStream requests
// while the extractor, with its own identity, tries to listen on the sink's
// inbox: the extractor sees nothing.
func TestAReplyDoesNotReachAnotherService(t *testing.T) {
	s := startStack(t)
	createStreams(t, s)
	spy := s.connect(t, "extractor")
	sub, err := spy.nc.SubscribeSync("_INBOX_sink.>")
	if err != nil {
		t.Fatal(err)
	}
	spy.waitViolation(t, "_INBOX_sink.>")

	sink := s.connect(t, "sink")
	js, err := jetstream.New(sink.nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 3 {
		if _, err := js.AccountInfo(ctx); err != nil {
			t.Fatalf("sink asking JetStream: %v", err)
		}
	}
	if msg, err := sub.NextMsg(500 * time.Millisecond); err == nil {
		t.Fatalf("the extractor read a reply meant for the sink: %s %q", msg.Subject, msg.Data)
	}
}
