package sink_test

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wirewatch/wirewatch/services/sink"
)

// Every line the sink logs names its stage once: a key given twice makes
// JSON that log pipelines read differently (or refuse).
func TestSinkLogLinesNameTheStageOnce(t *testing.T) {
	js := withStreams(t)
	core, logs := observer.New(zap.DebugLevel)
	s, err := sink.New(js, sink.Config{OutDir: t.TempDir()}, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	waitFor(t, "the sink's first lines", func() bool { return logs.Len() >= 2 })
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	for _, e := range logs.All() {
		n := 0
		for _, f := range e.Context {
			if f.Key == "stage" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q has %d stage fields, want 1: %v", e.Message, n, e.ContextMap())
		}
	}
}
