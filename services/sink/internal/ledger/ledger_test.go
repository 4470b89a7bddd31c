package ledger

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestMarkThenHasPerNamespace(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	a, err := Open(ctx, js, "webhook-aa", time.Hour, 0, 1, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, js, "stdout-bb", time.Hour, 0, 1, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	key := "0123456789abcdef01234567@" + "ff"
	if has, err := a.Has(ctx, key); err != nil || has {
		t.Fatalf("Has before Mark = %v, %v", has, err)
	}
	if err := a.Mark(ctx, key); err != nil {
		t.Fatal(err)
	}
	if has, err := a.Has(ctx, key); err != nil || !has {
		t.Errorf("Has after Mark = %v, %v; want true", has, err)
	}
	if has, _ := b.Has(ctx, key); has {
		t.Error("another output's ledger has the key")
	}
	// A second sink process opening the same ledger sees the mark.
	again, err := Open(ctx, js, "webhook-aa", time.Hour, 0, 1, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := again.Has(ctx, key); !has {
		t.Error("a reopened ledger lost the mark")
	}
}

// Two replicas handed one event at once: only one claims it, the other
// waits and finds it delivered, or claims it once the first gives up or
// dies.
func TestOneReplicaDeliversAClaimedEvent(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	const claim = 500 * time.Millisecond
	open := func() *Ledger {
		l, err := Open(ctx, js, "webhook-cc", time.Hour, claim, 1, zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := open(), open()
	type begun struct {
		c    *Claim
		done bool
		err  error
		at   time.Time
	}
	beginIn := func(l *Ledger, key string) <-chan begun {
		ch := make(chan begun, 1)
		go func() {
			c, done, err := l.Begin(ctx, key)
			ch <- begun{c, done, err, time.Now()}
		}()
		return ch
	}
	for _, tc := range []struct {
		name string
		// end ends a's claim; wantDone is what b's Begin then reports.
		end      func(c *Claim) error
		wantDone bool
	}{
		{"delivered", func(c *Claim) error { return c.Done(ctx) }, true},
		{"abandoned", func(c *Claim) error { c.Abandon(ctx); return nil }, false},
		{"holder died", func(*Claim) error { return nil }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "event@" + tc.name
			ca, done, err := a.Begin(ctx, key)
			if err != nil || done {
				t.Fatalf("first Begin = %v, %v", done, err)
			}
			started := time.Now()
			got := beginIn(b, key)
			select {
			case r := <-got:
				t.Fatalf("a second replica got past a held claim: %+v", r)
			case <-time.After(100 * time.Millisecond):
			}
			if err := tc.end(ca); err != nil {
				t.Fatal(err)
			}
			var r begun
			select {
			case r = <-got:
			case <-time.After(10 * time.Second):
				t.Fatal("the second replica still waits")
			}
			if r.err != nil || r.done != tc.wantDone || (r.c == nil) != tc.wantDone {
				t.Fatalf("second Begin = %v, %v, %v; want done %v", r.c, r.done, r.err, tc.wantDone)
			}
			if tc.name == "holder died" && r.at.Sub(started) < claim/2 {
				t.Errorf("a live-looking claim was taken over after %v", r.at.Sub(started))
			}
			if r.c != nil {
				if err := r.c.Done(ctx); err != nil {
					t.Fatal(err)
				}
				if has, _ := a.Has(ctx, key); !has {
					t.Error("the event is not marked delivered")
				}
			}
		})
	}
}

// A ledger whose bucket is deleted (by an operator starting deliveries
// afresh, or lost with the servers' storage) creates it again instead of
// failing every delivery from then on, and says so; what it recorded is
// gone with it.
func TestDeletedBucketIsCreatedAgain(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	core, logs := observer.New(zap.WarnLevel)
	l, err := Open(ctx, js, "webhook-dd", time.Hour, 0, 1, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	mark := func(key string) {
		t.Helper()
		c, done, err := l.Begin(ctx, key)
		if err != nil || done {
			t.Fatalf("Begin(%s) = done %v, %v", key, done, err)
		}
		if err := c.Done(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mark("first")
	if err := js.DeleteKeyValue(ctx, Bucket); err != nil {
		t.Fatal(err)
	}
	// The next delivery finds the bucket gone, creates it and goes on.
	mark("second")
	if has, err := l.Has(ctx, "second"); err != nil || !has {
		t.Errorf("Has(second) after the bucket came back = %v, %v", has, err)
	}
	if has, err := l.Has(ctx, "first"); err != nil || has {
		t.Errorf("Has(first) = %v, %v: the deleted bucket's record cannot have survived", has, err)
	}
	if n := logs.FilterMessageSnippet("created again").Len(); n != 1 {
		t.Errorf("%d warnings that the bucket was created again, want 1", n)
	}

	// The readiness check does the same when no delivery comes.
	if err := js.DeleteKeyValue(ctx, Bucket); err != nil {
		t.Fatal(err)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatalf("Check with the bucket gone = %v, want it created again", err)
	}
	if _, err := js.KeyValue(ctx, Bucket); err != nil {
		t.Errorf("bucket after Check: %v", err)
	}
	if err := l.Check(ctx); err != nil {
		t.Errorf("Check with the bucket there = %v", err)
	}
	if n := logs.FilterMessageSnippet("created again").Len(); n != 2 {
		t.Errorf("%d warnings that the bucket was created again, want 2", n)
	}
}
