package deduper

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/natstest"
)

// A write of the lease whose reply was lost (it timed out while a server
// was slow or a stream elected a leader) may have been stored. The key then
// holds this replica's id at a revision it never heard of: the lease is
// still its own, and must be neither given up nor waited out. Each case
// stores such a write behind the lease's back, through another handle of
// the bucket, as the server stores a write whose reply never arrives.
func TestLeaseKeepsAWriteWhoseReplyWasLost(t *testing.T) {
	// Long enough that renewals do not time out on a loaded machine: the
	// cases are about a write refused for its revision.
	const ttl = 3 * time.Second
	tests := []struct {
		name string
		// held: the lease is acquired before the write is stored, and
		// then held.
		held bool
		// id is what the stored write holds; empty for the lease's own id.
		id string
		// wantLost: whether hold is to give the lease up; for an acquire,
		// whether it is to wait for another replica's lease.
		wantLost bool
	}{
		{name: "renewal stored, reply lost", held: true},
		{name: "another replica's write", held: true, id: "another replica", wantLost: true},
		{name: "creation stored, reply lost"},
		{name: "another replica holds the key", id: "another replica", wantLost: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, js := natstest.Start(t)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			l, err := newLease(ctx, js, "deduper", ttl, 1, zap.NewNop())
			if err != nil {
				t.Fatal(err)
			}
			kv, err := js.KeyValue(ctx, LeaseBucket)
			if err != nil {
				t.Fatal(err)
			}
			id := l.id
			if tt.id != "" {
				id = []byte(tt.id)
			}
			if !tt.held {
				if _, err := kv.Create(ctx, l.key, id); err != nil {
					t.Fatal(err)
				}
				// Well before the stored key expires.
				actx, stop := context.WithTimeout(ctx, ttl/2)
				defer stop()
				waited := false
				err := l.acquire(actx, func() { waited = true }, nil)
				if tt.wantLost {
					if err == nil || !waited {
						t.Fatalf("acquire over another replica's key: %v, waited %v; want it to wait", err, waited)
					}
					return
				}
				if err != nil || waited {
					t.Fatalf("acquire over a key holding its own id: %v, waited %v; want the lease at once", err, waited)
				}
				checkHeld(t, kv, l)
				return
			}

			if err := l.acquire(ctx, nil, nil); err != nil {
				t.Fatal(err)
			}
			stored, err := kv.Update(ctx, l.key, id, l.rev)
			if err != nil {
				t.Fatal(err)
			}
			term, lost := context.WithCancel(ctx)
			held := make(chan struct{})
			go func() { defer close(held); l.hold(term, lost) }()
			// The first renewal meets the revision it did not expect: hold
			// either gives the lease up or renews it past the stored write.
			for term.Err() == nil {
				if e, err := kv.Get(ctx, l.key); err == nil && e.Revision() > stored {
					break
				}
				if ctx.Err() != nil {
					t.Fatal("hold neither gave the lease up nor renewed it")
				}
				time.Sleep(20 * time.Millisecond)
			}
			gave := term.Err() != nil
			lost()
			<-held
			if gave != tt.wantLost {
				t.Fatalf("hold gave the lease up: %v, want %v", gave, tt.wantLost)
			}
			if !tt.wantLost {
				checkHeld(t, kv, l)
			}
		})
	}
}

// checkHeld checks that the key holds l's id at the revision l knows.
func checkHeld(t *testing.T, kv jetstream.KeyValue, l *lease) {
	t.Helper()
	e, err := kv.Get(context.Background(), l.key)
	if err != nil {
		t.Fatal(err)
	}
	if string(e.Value()) != string(l.id) || e.Revision() != l.rev {
		t.Errorf("key holds %q at revision %d, want %q at %d", e.Value(), e.Revision(), l.id, l.rev)
	}
}
