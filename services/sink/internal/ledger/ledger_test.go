package ledger

import (
	"context"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestMarkThenHasPerNamespace(t *testing.T) {
	_, _, js := natstest.Start(t)
	ctx := context.Background()
	a, err := Open(ctx, js, "webhook-aa", time.Hour, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, js, "stdout-bb", time.Hour, 0, 1)
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
	again, err := Open(ctx, js, "webhook-aa", time.Hour, 0, 1)
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
		l, err := Open(ctx, js, "webhook-cc", time.Hour, claim, 1)
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
