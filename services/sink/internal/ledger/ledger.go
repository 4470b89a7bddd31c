// Package ledger remembers which events an output has delivered, in a
// JetStream key-value bucket, for outputs that cannot tell by themselves (a
// webhook, a downstream stream, standard output): checked before delivering,
// written after, so a redelivered event is not delivered again, across
// restarts and by any replica.
//
// JetStream can hand one event to two replicas at once (its AckWait ran out
// while the first was cut off from the server, or a consumer leader moved),
// so checking and then delivering is not enough: a sender first claims the
// event (Begin), atomically, and only the holder of the claim delivers it.
// Another replica handed the same event waits until the claim ends: marked
// delivered (Claim.Done), given up (Claim.Abandon), or left by a sender that
// died, for the claim timeout.
package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/stage"
)

// Bucket is the key-value bucket every ledger lives in.
const Bucket = "WIREWATCH_SINK_LEDGER"

// opTimeout bounds one read or write of the bucket.
const opTimeout = 5 * time.Second

// DefaultClaimTimeout is how long a claim keeps other replicas from
// delivering an event, unless Open is given another bound. The holder's
// delivery must end within it (see Claim.Deadline), so that only a claim
// whose holder died, or lost the server before it could mark the event, is
// taken over.
const DefaultClaimTimeout = 30 * time.Second

// claimPrefix starts the value of a claimed entry; any other value (the time
// it was written) marks the event delivered.
const claimPrefix = "sending "

// pollInterval is how often a claim held by another replica is looked at.
const pollInterval = 100 * time.Millisecond

// Ledger is the record of one output's deliveries.
type Ledger struct {
	kv *stage.KeyValue
	ns string
	// owner names this ledger's claims.
	owner string
	claim time.Duration
	now   func() time.Time

	mu sync.Mutex
	// sent are the events this ledger delivered but could not mark: a
	// redelivery marks them without delivering again.
	sent map[string]bool
}

var owners atomic.Uint64

// ownerName names one opened ledger among every sink process.
func ownerName() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatUint(owners.Add(1), 10)
	}
	return hex.EncodeToString(b[:])
}

// Open opens the ledger of namespace ns (one token: letters, digits, '-',
// '_'), creating the bucket if needed. Entries expire after ttl; claims
// after claim (0: DefaultClaimTimeout).
func Open(ctx context.Context, js jetstream.JetStream, ns string, ttl, claim time.Duration, replicas int, log *zap.Logger) (*Ledger, error) {
	if claim <= 0 {
		claim = DefaultClaimTimeout
	}
	cfg := jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "wirewatch sink: events each output has delivered",
		TTL:         ttl,
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	}
	kv, err := stage.OpenKeyValue(ctx, js, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("ledger: opening bucket %s: %w", Bucket, err)
	}
	return &Ledger{kv: kv, ns: ns, owner: ownerName(), claim: claim, now: time.Now, sent: map[string]bool{}}, nil
}

// Check reports whether the bucket is there, for a readiness check. A
// bucket that is gone (deleted to start deliveries afresh, or lost with the
// servers' storage) is created again, empty, here or by the next call: what
// it recorded is lost, so an article delivered before and redelivered now is
// sent again (a receiver tells by its idempotency key).
func (l *Ledger) Check(ctx context.Context) error {
	if err := l.kv.Check(ctx); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

func (l *Ledger) entry(key string) string {
	sum := sha256.Sum256([]byte(key))
	return l.ns + "." + hex.EncodeToString(sum[:16])
}

// Has reports whether key was marked delivered.
func (l *Ledger) Has(ctx context.Context, key string) (bool, error) {
	e, err := l.get(ctx, l.entry(key))
	return e != nil, err
}

// markTimeout bounds Mark's attempts together.
const markTimeout = 30 * time.Second

// Mark records key as delivered. A write no server answered (one lost while
// the bucket's leader moved) is tried again: a delivery left unrecorded
// would be delivered again when its article comes back.
func (l *Ledger) Mark(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, markTimeout)
	defer cancel()
	value := []byte(time.Now().UTC().Format(time.RFC3339))
	err := stage.RetryUnanswered(ctx, func(ctx context.Context) error {
		_, err := l.kv.Put(ctx, l.entry(key), value)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: marking %s: %w", key, err)
	}
	return nil
}

// Claim is the right to deliver one event, taken by Begin.
type Claim struct {
	l        *Ledger
	key      string
	rev      uint64
	deadline time.Time
}

// Begin claims key for delivery. done reports that the event is delivered
// already, and then there is no claim. While another replica holds the
// claim, Begin waits for it to end; it takes over a claim older than the
// claim timeout. A caller must not call Begin again for a key whose claim it
// holds.
func (l *Ledger) Begin(ctx context.Context, key string) (c *Claim, done bool, err error) {
	entry := l.entry(key)
	mine := claimPrefix + l.owner
	for {
		e, err := l.get(ctx, entry)
		if err != nil {
			return nil, false, err
		}
		var rev uint64
		switch {
		case e == nil:
			rev, err = l.create(ctx, entry, mine)
		case !strings.HasPrefix(string(e.Value()), claimPrefix):
			return nil, true, nil
		case string(e.Value()) == mine:
			// Left by an earlier attempt of this ledger's own.
			l.mu.Lock()
			sent := l.sent[key]
			l.mu.Unlock()
			if sent {
				return nil, true, (&Claim{l: l, key: key, rev: e.Revision()}).Done(ctx)
			}
			rev, err = l.update(ctx, entry, mine, e.Revision())
		case l.now().Sub(e.Created()) > l.claim:
			rev, err = l.update(ctx, entry, mine, e.Revision())
		default:
			// Another replica is delivering it.
			select {
			case <-ctx.Done():
				return nil, false, fmt.Errorf("ledger: waiting for another replica delivering %s: %w", key, ctx.Err())
			case <-time.After(pollInterval):
			}
			continue
		}
		if conflict(err) {
			// Claimed or marked since it was read: look again.
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("ledger: claiming %s: %w", key, err)
		}
		return &Claim{l: l, key: key, rev: rev, deadline: l.now().Add(l.claim - l.claim/5)}, false, nil
	}
}

// Deadline is when the delivery under the claim must have ended: a fifth of
// the claim timeout before another replica may take it over.
func (c *Claim) Deadline() time.Time { return c.deadline }

// Done marks the claimed event delivered. A mark that cannot be written is
// remembered, so that a redelivery to this ledger is marked and not
// delivered again.
func (c *Claim) Done(ctx context.Context) error {
	if err := c.l.Mark(ctx, c.key); err != nil {
		c.l.mu.Lock()
		c.l.sent[c.key] = true
		c.l.mu.Unlock()
		return err
	}
	c.l.mu.Lock()
	delete(c.l.sent, c.key)
	c.l.mu.Unlock()
	return nil
}

// Abandon gives the claim up, undelivered, so that the event's next
// delivery need not wait for the claim timeout.
func (c *Claim) Abandon(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	_ = c.l.kv.Delete(ctx, c.l.entry(c.key), jetstream.LastRevision(c.rev))
}

// get reads an entry; nil when there is none.
func (l *Ledger) get(ctx context.Context, entry string) (jetstream.KeyValueEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	e, err := l.kv.Get(ctx, entry)
	switch {
	case err == nil:
		return e, nil
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return nil, nil
	}
	return nil, fmt.Errorf("ledger: looking up %s: %w", entry, err)
}

func (l *Ledger) create(ctx context.Context, entry, value string) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return l.kv.Create(ctx, entry, []byte(value))
}

// update writes value over revision rev.
func (l *Ledger) update(ctx context.Context, entry, value string, rev uint64) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return l.kv.Update(ctx, entry, []byte(value), rev)
}

// conflict reports whether a write failed because the entry changed since it
// was read. On a replicated bucket Create over a delete marker reports a
// conflict as the server's raw "wrong last sequence" (code 10164), which
// nats.go does not map to ErrKeyExists.
func conflict(err error) bool {
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return true
	}
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
