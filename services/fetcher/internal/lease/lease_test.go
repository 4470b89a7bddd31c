package lease

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

func TestHoldIsExclusiveRenewedAndReleased(t *testing.T) {
	srv := natstest.Server(t)
	_, jsA := natstest.Connect(t, srv)
	ncB, jsB := natstest.Connect(t, srv)
	ctx := context.Background()
	const ttl = time.Second
	a, err := Open(ctx, jsA, ttl, 1, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, jsB, ttl, 1, "b")
	if err != nil {
		t.Fatal(err)
	}

	held, release, err := a.Hold(ctx, "feed1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Hold(ctx, "feed1"); !errors.Is(err, ErrHeld) {
		t.Fatalf("second holder: %v, want ErrHeld", err)
	}
	if _, rel, err := b.Hold(ctx, "feed2"); err != nil {
		t.Fatalf("another key: %v", err)
	} else {
		rel()
	}
	// Renewed past its TTL.
	time.Sleep(2 * ttl)
	if held.Err() != nil {
		t.Fatalf("lease lost while renewed: %v", context.Cause(held))
	}
	if _, _, err := b.Hold(ctx, "feed1"); !errors.Is(err, ErrHeld) {
		t.Fatalf("after two TTLs of renewal: %v, want ErrHeld", err)
	}
	release()
	if held.Err() == nil {
		t.Error("held context still live after release")
	}
	_, relB, err := b.Hold(ctx, "feed1")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}

	// A holder that dies leaves the lease to expire.
	ncB.Close()
	_ = relB
	deadline := time.Now().Add(5 * ttl)
	for {
		_, rel, err := a.Hold(ctx, "feed1")
		if err == nil {
			rel()
			break
		}
		if !errors.Is(err, ErrHeld) || time.Now().After(deadline) {
			t.Fatalf("lease of a dead holder: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
