package cli_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/wirewatch/wirewatch/internal/cli"
	"github.com/wirewatch/wirewatch/internal/pipeline"
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/sink"
)

// An article the sink dead-lettered (its webhook refused it) is re-driven
// once the endpoint is fixed: `dlq replay --stage sink` stores it again on
// its subject, without the deduper's fence, and the sink delivers it.
func TestSinkDeadLetterIsRedriven(t *testing.T) {
	srv, js := startServer(t)
	var accept atomic.Bool
	var delivered atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !accept.Load() {
			http.Error(w, "not today", http.StatusBadRequest)
			return
		}
		delivered.Add(1)
	}))
	defer hook.Close()
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "good.txt"), []byte("A headline\nThe council approved the budget for the new library on Tuesday after a long debate.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	webhook := sink.Config{Outputs: []sink.OutputSpec{{Kind: sink.KindWebhook, Target: hook.URL}},
		Webhook: sink.WebhookConfig{Attempts: 1, Timeout: 5 * time.Second}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := pipeline.Run(ctx, pipeline.Config{Inputs: []string{in}, OutDir: t.TempDir(), NATSURL: srv.ClientURL(), Once: true,
		Timeout: time.Minute, Sink: webhook}, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	if sum.DeadLetters != 1 {
		t.Fatalf("summary %+v, want the article dead-lettered by the sink", sum)
	}

	accept.Store(true)
	code, stdout, errs := run(t, nil, "dlq", "replay", "--nats", srv.ClientURL(), "--stage", "sink")
	if code != 0 || !strings.Contains(stdout, "re-drove") {
		t.Fatalf("dlq replay --stage sink: exit %d: %s%s", code, stdout, errs)
	}
	st, err := js.Stream(ctx, events.StreamClustered)
	if err != nil {
		t.Fatal(err)
	}
	last, err := st.GetLastMsgForSubject(ctx, events.SubjectClusteredPrefix+">")
	if err != nil {
		t.Fatal(err)
	}
	if last.Header.Get(cli.HeaderRedriveOf) == "" || last.Header.Get(jetstream.ExpectedLastSeqHeader) != "" {
		t.Errorf("re-driven decision's headers %v: want %s and no fence", last.Header, cli.HeaderRedriveOf)
	}

	// The sink, started again, delivers it.
	s, err := sink.New(js, webhook, zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)))
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- s.Run(sctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for delivered.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-ran; err != nil {
		t.Error(err)
	}
	if n := delivered.Load(); n != 1 {
		t.Errorf("webhook received %d articles after the re-drive, want 1", n)
	}
}
