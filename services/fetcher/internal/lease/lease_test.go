package lease

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

// ttl is the lease TTL of the tests on one server.
const ttl = time.Second

// twoReplicas opens the leases of replicas "a" and "b" on one server, each
// on its own connection; ncB is b's.
func twoReplicas(t *testing.T) (a, b *Leases, ncB *nats.Conn) {
	t.Helper()
	srv := natstest.Server(t)
	_, jsA := natstest.Connect(t, srv)
	ncB, jsB := natstest.Connect(t, srv)
	ctx := context.Background()
	a, err := Open(ctx, jsA, ttl, 1, "a", zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	b, err = Open(ctx, jsB, ttl, 1, "b", zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	return a, b, ncB
}

func TestHoldIsExclusiveRenewedAndReleased(t *testing.T) {
	a, b, ncB := twoReplicas(t)
	ctx := context.Background()

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

// On a replicated bucket, replicas taking and releasing one lease over and
// over see it either taken or held by another: never an error of the
// server's own.
func TestContendedLeaseOnAReplicatedBucket(t *testing.T) {
	c := natstest.StartCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var replicas []*Leases
	for i, s := range c.Servers[:2] {
		_, js := natstest.Connect(t, s)
		l, err := Open(ctx, js, 5*time.Second, 3, fmt.Sprintf("replica-%d", i), zap.NewNop())
		if err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, l)
	}
	var wg sync.WaitGroup
	var taken, held atomic.Int64
	for _, l := range replicas {
		wg.Go(func() {
			for range 60 {
				_, release, err := l.Hold(ctx, "feed")
				switch {
				case err == nil:
					taken.Add(1)
					release()
				case errors.Is(err, ErrHeld):
					held.Add(1)
				default:
					t.Errorf("taking a contended lease: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if taken.Load() == 0 {
		t.Error("no replica ever took the lease")
	}
	t.Logf("taken %d times, found held %d times", taken.Load(), held.Load())
}

// A renewal stored though its reply was lost leaves the key at a revision
// the holder never heard of: the lease is kept, renewed and released all
// the same. A key that names another replica ends the lease.
func TestRenewalWhoseReplyWasLost(t *testing.T) {
	a, b, _ := twoReplicas(t)
	ctx := context.Background()

	held, release, err := a.Hold(ctx, "feed1")
	if err != nil {
		t.Fatal(err)
	}
	// The write a renewal stored: the same name, a revision a never saw.
	if _, err := a.kv.Put(ctx, "feed1", []byte("a")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * ttl)
	if held.Err() != nil {
		t.Fatalf("lease given up after a renewal whose reply was lost: %v", context.Cause(held))
	}
	if _, _, err := b.Hold(ctx, "feed1"); !errors.Is(err, ErrHeld) {
		t.Fatalf("another replica: %v, want ErrHeld", err)
	}
	release()
	if _, rel, err := b.Hold(ctx, "feed1"); err != nil {
		t.Fatalf("after release: %v, want the lease free at once", err)
	} else {
		rel()
	}

	held, release, err = a.Hold(ctx, "feed2")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := a.kv.Put(ctx, "feed2", []byte("b")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held.Done():
		if !errors.Is(context.Cause(held), ErrHeld) {
			t.Errorf("lease ended with %v, want ErrHeld", context.Cause(held))
		}
	case <-time.After(2 * ttl):
		t.Error("lease kept after the key named another replica")
	}
}
