package deduper

import (
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/internal/cluster"
)

// readAheadDepth is how many stored decisions a replay reads and decodes
// ahead of the engine.
const readAheadDepth = 512

// stored is one stored decision, read ahead of the engine, decoded and
// prepared off its goroutine: decoding is a quarter of what a replay costs,
// analysing the article's text a third, and the engine folds decisions in
// one at a time.
type stored struct {
	// wait is the iterator's failure in place of a decision: a timeout
	// (nothing came within the wait) or the end of the iterator.
	wait error
	seq  uint64
	cons string // the consumer that delivered it, and its delivery sequence
	dseq uint64
	by   string // the Wirewatch-Decided-By of the decision
	// redrive marks a dead letter re-driven to the sink: no decision.
	redrive bool
	at      time.Time
	ca      *cluster.Prepared // the decision, with its article analysed
	err     error             // the decision does not decode
	msg     jetstream.Msg
	ready   chan struct{}
}

// readAhead reads an iterator of stored decisions in a goroutine of its own
// and decodes them with a few workers, handing them on in stream order.
type readAhead struct {
	out  chan *stored
	it   jetstream.MessagesContext
	done sync.WaitGroup
}

// newReadAhead starts reading it; every item waits up to wait for the next
// message. Its workers prepare the decisions for e (call it on e's
// goroutine). close stops it.
func newReadAhead(it jetstream.MessagesContext, wait time.Duration, e *cluster.Engine) *readAhead {
	r := &readAhead{out: make(chan *stored, readAheadDepth), it: it}
	work := make(chan *stored, readAheadDepth)
	workers := max(1, min(runtime.GOMAXPROCS(0)-1, 4))
	r.done.Add(1 + workers)
	for range workers {
		p := e.Preparer()
		go func() {
			defer r.done.Done()
			for x := range work {
				x.decode(p)
			}
		}()
	}
	go func() {
		defer r.done.Done()
		defer close(work)
		defer close(r.out)
		for {
			m, err := it.Next(jetstream.NextMaxWait(wait))
			if err != nil {
				x := &stored{wait: err, ready: make(chan struct{})}
				close(x.ready)
				r.out <- x
				if errors.Is(err, nats.ErrTimeout) {
					continue
				}
				return
			}
			x := &stored{msg: m, ready: make(chan struct{})}
			r.out <- x
			work <- x
		}
	}()
	return r
}

// decode reads the decision's metadata and event, and prepares it with p.
func (x *stored) decode(p *cluster.Preparer) {
	defer close(x.ready)
	m := x.msg
	x.msg = nil
	meta, err := m.Metadata()
	if err != nil {
		x.err = err
		return
	}
	x.seq, x.cons, x.dseq = meta.Sequence.Stream, meta.Consumer, meta.Sequence.Consumer
	x.by = m.Headers().Get(headerDecidedBy)
	if x.redrive = m.Headers().Get(events.HeaderRedriveOf) != ""; x.redrive {
		return
	}
	x.at = decidedAt(m.Headers(), meta.Timestamp)
	var ca events.ClusteredArticle
	if err := events.DecodeMsg(m.Headers(), m.Data(), &ca); err != nil {
		x.err = err
		return
	}
	x.ca = p.Prepare(&ca)
}

// next returns the next stored decision, decoded, or the iterator's
// failure in its place; ok is false once the reader has stopped.
func (r *readAhead) next() (x *stored, ok bool) {
	x, ok = <-r.out
	if ok {
		<-x.ready
	}
	return x, ok
}

// close stops the iterator and waits for the reader and its workers.
func (r *readAhead) close() {
	r.it.Stop()
	// The reader may be blocked handing on what nobody reads any more.
	go func() {
		for range r.out {
		}
	}()
	r.done.Wait()
}
