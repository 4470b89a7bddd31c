package extractor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/natstest"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/extractor"
)

// TestArticleTooLargeToPublishIsDeadLettered checks that a document whose
// article is too large for a message (its text full of characters JSON
// escapes six bytes wide) is dead-lettered at once as too large, rather
// than retried until its deliveries run out while the publish fails the
// same way each time.
func TestArticleTooLargeToPublishIsDeadLettered(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	if err := stage.EnsureStreams(ctx, js, events.StreamOptions{}); err != nil {
		t.Fatal(err)
	}
	// 4 MiB of text, most of it "<", ">" and "&": a legal page whose
	// article encodes to well over the 8 MiB a message may hold.
	line := strings.Repeat("a <<>>&& b ", 3000) + "\n"
	body := strings.Repeat(line, (4<<20-1024)/len(line))
	raw := rawDoc(body, "text/plain")
	msg, err := events.Encode(events.StageFetcher, events.RawSubject(raw.Source.Kind), raw, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}

	svc, err := extractor.New(js, extractor.Config{Durable: "extractor-test", Concurrency: 1, Timeout: time.Minute},
		zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- svc.Run(runCtx) }()
	deadline := time.Now().Add(2 * time.Minute)
	for st := svc.Stats(); st.DeadLettered+st.Retried+st.Acked == 0; st = svc.Stats() {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-ran; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st := svc.Stats(); st.DeadLettered != 1 || st.Retried != 0 || st.Acked != 0 {
		t.Fatalf("stats %+v, want the document dead-lettered on its first delivery", st)
	}
	dlq, err := js.Stream(ctx, events.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	m, err := dlq.GetLastMsgForSubject(ctx, events.DLQSubject(events.StageExtractor))
	if err != nil {
		t.Fatal(err)
	}
	var dl events.DeadLetter
	if err := events.Decode(m.Data, &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Reason != events.ReasonTooLarge || dl.Document != raw.ID || !strings.Contains(dl.Error, "bytes") {
		t.Errorf("dead letter reason %q for %q, error %q; want %q for %q saying how large", dl.Reason, dl.Document, dl.Error, events.ReasonTooLarge, raw.ID)
	}
}
