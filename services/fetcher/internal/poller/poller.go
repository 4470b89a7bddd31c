// Package poller polls feeds on their schedules and turns their new items
// into documents. Feeds come from the configuration and from a KV bucket
// watched at run time; each poll runs under a per-feed lease, so fetcher
// replicas split the feeds and never poll one feed at the same time; polling
// state and the seen-registry live in KV, so a restart resumes where the last
// run stopped and publishes nothing twice.
package poller

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/feed"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/lease"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/schedule"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/seen"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/state"
)

// Output receives what polling produces.
type Output interface {
	// Document publishes a document.
	Document(ctx context.Context, d *events.RawDocument) error
	// Failure dead-letters an item that cannot become a document.
	Failure(ctx context.Context, src events.Source, reason string, err error) error
	// Health publishes a feed's health after a poll.
	Health(ctx context.Context, h *events.FeedHealth) error
}

// Options configure a Poller. Every field must be set (the fetcher's Config
// supplies the defaults).
type Options struct {
	// Feeds are the configured feed URLs.
	Feeds []string
	// Watch keeps polling on schedule, and follows the feed-list bucket;
	// otherwise every feed is polled once, whatever its schedule (except a
	// pending Retry-After), and Run returns.
	Watch    bool
	Schedule schedule.Policy
	// FeedConcurrency bounds the feeds polled at once; ItemConcurrency the
	// items of one feed handled at once.
	FeedConcurrency, ItemConcurrency int
	// ItemAttempts is how many polls a page that fails temporarily is tried
	// in before the item falls back on the feed's own text. A run without
	// Watch tries once.
	ItemAttempts int
	// FullTextWords is how many words an item's content needs to stand in
	// for its page.
	FullTextWords int
	// MaxItems bounds the items read from one feed document.
	MaxItems int
	// LeaseRetry is how soon a feed another replica is polling is looked
	// at again.
	LeaseRetry time.Duration
	// MoveAfter is how many successful polls in a row must be permanently
	// redirected to one URL before the feed is fetched from there; 0:
	// never (the redirect is only reported).
	MoveAfter int
}

// Stores are the KV-backed state the poller shares with other replicas.
type Stores struct {
	State  *state.Store
	Seen   *seen.Registry
	Leases *lease.Leases
	// List is the feed-list bucket (key: any name, value: a feed URL);
	// nil for none.
	List jetstream.KeyValue
}

// Stats count what the poller did.
type Stats struct {
	Polls       uint64 // feed polls
	NotModified uint64 // polls answered 304
	FeedErrors  uint64 // polls that failed
	Items       uint64 // items published
	Known       uint64 // items skipped as already seen
	Pages       uint64 // article pages fetched
	PageErrors  uint64 // article pages that could not be fetched
	Fallbacks   uint64 // items published from the feed's text instead of their page
}

type counters struct {
	polls, notModified, feedErrors, items, known, pages, pageErrors, fallbacks atomic.Uint64
}

// Poller polls feeds.
type Poller struct {
	opts   Options
	client *fetch.Client
	st     Stores
	out    Output
	log    *zap.Logger
	now    func() time.Time
	rnd    func() float64
	c      counters

	mu     sync.Mutex
	health map[string]events.FeedHealth
	// claimed are the seen keys being handled now, so that one article
	// listed by two feeds polled together is fetched once.
	claimed map[string]chan struct{}
	// parsing bounds the feeds parsed at once: parsing is CPU work, and a
	// hostile feed at the size cap costs about ten times its size to parse.
	parsing chan struct{}
}

// New returns a poller.
func New(opts Options, client *fetch.Client, st Stores, out Output, log *zap.Logger) *Poller {
	return &Poller{opts: opts, client: client, st: st, out: out, log: log, now: time.Now, rnd: rand.Float64,
		health: map[string]events.FeedHealth{}, claimed: map[string]chan struct{}{},
		parsing: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
}

// Stats reports what the poller has done so far.
func (p *Poller) Stats() Stats {
	return Stats{
		Polls: p.c.polls.Load(), NotModified: p.c.notModified.Load(), FeedErrors: p.c.feedErrors.Load(),
		Items: p.c.items.Load(), Known: p.c.known.Load(), Pages: p.c.pages.Load(),
		PageErrors: p.c.pageErrors.Load(), Fallbacks: p.c.fallbacks.Load(),
	}
}

// Health returns the last health report of every feed this poller polled.
func (p *Poller) Health() []events.FeedHealth {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]events.FeedHealth, 0, len(p.health))
	for _, h := range p.health {
		out = append(out, h)
	}
	return out
}

// feedEntry is one feed of the running set.
type feedEntry struct {
	url    string
	static bool
	// keys are the feed-list bucket keys naming this feed.
	keys map[string]bool
}

// change is an addition to or removal from the feed-list bucket.
type change struct {
	key, url string
	removed  bool
}

// result is the outcome of one poll.
type result struct {
	id   string
	next time.Time
	// done means a run without Watch is finished with the feed.
	done bool
}

// Run polls the feeds until ctx ends or, without Watch, until every feed has
// been polled once.
func (p *Poller) Run(ctx context.Context) error {
	feeds := map[string]*feedEntry{}
	listKeys := map[string]string{} // bucket key -> feed id
	add := func(url string, static bool, key string) (string, bool) {
		id := events.FeedID(url)
		e, existed := feeds[id]
		if !existed {
			e = &feedEntry{url: url, keys: map[string]bool{}}
			feeds[id] = e
		}
		e.static = e.static || static
		if key != "" {
			e.keys[key] = true
			listKeys[key] = id
		}
		return id, !existed
	}
	for _, u := range p.opts.Feeds {
		add(u, true, "")
	}
	changes := make(chan change)
	if p.st.List != nil {
		initial, err := p.followList(ctx, changes)
		if err != nil {
			return err
		}
		for _, c := range initial {
			add(c.url, false, c.key)
		}
	}
	if len(feeds) == 0 && !p.opts.Watch {
		return nil
	}

	start := p.now()
	q := schedule.NewQueue()
	for id, e := range feeds {
		q.Set(id, p.firstDue(ctx, e.url, start))
	}
	results := make(chan result)
	inFlight := map[string]bool{}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := p.now()
		for len(inFlight) < p.opts.FeedConcurrency {
			id, due, ok := q.Peek()
			if !ok || due.After(now) {
				break
			}
			q.Pop()
			e := feeds[id]
			if e == nil || inFlight[id] {
				continue
			}
			inFlight[id] = true
			go func() { results <- p.poll(ctx, id, e.url, start) }()
		}
		if !p.opts.Watch && len(inFlight) == 0 && q.Len() == 0 {
			return nil
		}
		wait := time.Hour
		if _, due, ok := q.Peek(); ok && len(inFlight) < p.opts.FeedConcurrency {
			wait = max(due.Sub(now), 0)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			for len(inFlight) > 0 {
				r := <-results
				delete(inFlight, r.id)
			}
			return nil
		case r := <-results:
			delete(inFlight, r.id)
			if feeds[r.id] != nil && !r.done {
				q.Set(r.id, r.next)
			}
		case c := <-changes:
			if old, ok := listKeys[c.key]; ok && (c.removed || old != events.FeedID(c.url)) {
				delete(listKeys, c.key)
				if e := feeds[old]; e != nil {
					delete(e.keys, c.key)
					if !e.static && len(e.keys) == 0 {
						delete(feeds, old)
						q.Remove(old)
						p.mu.Lock()
						delete(p.health, old)
						p.mu.Unlock()
						p.log.Info("feed removed", zap.String("feed", e.url))
					}
				}
			}
			if c.removed {
				continue
			}
			if id, isNew := add(c.url, false, c.key); isNew {
				p.log.Info("feed added", zap.String("feed", c.url))
				q.Set(id, p.firstDue(ctx, c.url, p.now()))
			}
		case <-timer.C:
		}
	}
}

// firstDue is when a feed joining the running set is first polled: when its
// stored state says (a restart resumes the schedule), or at once.
func (p *Poller) firstDue(ctx context.Context, url string, now time.Time) time.Time {
	if !p.opts.Watch {
		return now
	}
	st, err := p.st.State.Get(ctx, url)
	if err != nil || st.NextDue.Before(now) {
		return now
	}
	return st.NextDue
}

// followList reads the feed-list bucket: it returns what it holds now and,
// with Watch, keeps sending its changes to changes until ctx ends.
func (p *Poller) followList(ctx context.Context, changes chan<- change) ([]change, error) {
	born := listBorn(ctx, p.st.List)
	w, initial, err := p.readList(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		return nil, err
	}
	if !p.opts.Watch {
		_ = w.Stop()
		return initial, nil
	}
	held := map[string]bool{}
	for _, c := range initial {
		held[c.key] = true
	}
	send := func(c change) bool {
		if c.removed {
			delete(held, c.key)
		} else {
			held[c.key] = true
		}
		select {
		case changes <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer func() {
			if w != nil {
				_ = w.Stop()
			}
		}()
		check := time.NewTicker(listCheck(p.opts.Schedule.Min))
		defer check.Stop()
		var updates <-chan jetstream.KeyValueEntry
		if w != nil {
			updates = w.Updates()
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-check.C:
				// A bucket deleted (and perhaps created again by a tool
				// adding a feed) is not followed by the watch, which
				// goes on from the old bucket's last sequence: read the
				// new one afresh. What the old one held and the new one
				// does not is removed.
				if r, ok := p.st.List.(restorer); ok {
					if _, err := r.Restore(ctx); err != nil {
						p.log.Warn("feed list bucket", zap.Error(err))
					}
				}
				now := listBorn(ctx, p.st.List)
				if now.IsZero() || now.Equal(born) {
					continue
				}
				nw, cur, err := p.readList(ctx)
				if err != nil {
					p.log.Warn("reading the feed list again", zap.Error(err))
					continue
				}
				if w != nil {
					_ = w.Stop()
				}
				w, updates, born = nw, nw.Updates(), now
				p.log.Warn("the feed list bucket was created again; following the new one")
				keep := map[string]bool{}
				for _, c := range cur {
					keep[c.key] = true
				}
				for k := range held {
					if !keep[k] && !send(change{key: k, removed: true}) {
						return
					}
				}
				for _, c := range cur {
					if !send(c) {
						return
					}
				}
			case e, ok := <-updates:
				if !ok {
					updates = nil
					continue
				}
				if e == nil {
					continue
				}
				if c, ok := p.listChange(e); ok && !send(c) {
					return
				}
			}
		}
	}()
	return initial, nil
}

// restorer is a bucket that can be created again when it is gone
// (stage.KeyValue).
type restorer interface {
	Restore(ctx context.Context) (bool, error)
}

// listCheck is how often a watching poller looks at whether the feed-list
// bucket is still the one it follows: as often as feeds may be polled, at
// least every ten seconds.
func listCheck(minInterval time.Duration) time.Duration {
	if minInterval <= 0 {
		return 10 * time.Second
	}
	return min(minInterval, 10*time.Second)
}

// listBorn returns when the feed-list bucket was created; zero when that
// cannot be told.
func listBorn(ctx context.Context, kv jetstream.KeyValue) time.Time {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := kv.Status(ctx)
	if err != nil {
		return time.Time{}
	}
	bs, ok := st.(*jetstream.KeyValueBucketStatus)
	if !ok || bs.StreamInfo() == nil {
		return time.Time{}
	}
	return bs.StreamInfo().Created
}

// readList watches the whole feed list and returns the watch and what the
// list holds now.
func (p *Poller) readList(ctx context.Context) (jetstream.KeyWatcher, []change, error) {
	w, err := p.st.List.WatchAll(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("watching the feed list: %w", err)
	}
	var initial []change
	for {
		var e jetstream.KeyValueEntry
		select {
		case <-ctx.Done():
			_ = w.Stop()
			return nil, nil, ctx.Err()
		case e = <-w.Updates():
		}
		if e == nil {
			break
		}
		if c, ok := p.listChange(e); ok && !c.removed {
			initial = append(initial, c)
		}
	}
	return w, initial, nil
}

func (p *Poller) listChange(e jetstream.KeyValueEntry) (change, bool) {
	if e.Operation() != jetstream.KeyValuePut {
		return change{key: e.Key(), removed: true}, true
	}
	url := string(e.Value())
	if err := feed.CheckURL(url); err != nil {
		p.log.Warn("ignoring a bad feed-list entry", zap.String("key", e.Key()), zap.Error(err))
		return change{}, false
	}
	return change{key: e.Key(), url: url}, true
}

// claim waits until no other item of this poller is being handled under key,
// and returns the function that lets the next one in.
func (p *Poller) claim(ctx context.Context, key string) (func(), error) {
	for {
		p.mu.Lock()
		ch, busy := p.claimed[key]
		if !busy {
			ch = make(chan struct{})
			p.claimed[key] = ch
			p.mu.Unlock()
			return func() {
				p.mu.Lock()
				delete(p.claimed, key)
				p.mu.Unlock()
				close(ch)
			}, nil
		}
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// parse parses a feed document, waiting for a parsing slot.
func (p *Poller) parse(ctx context.Context, body []byte, charset, base string) (*feed.Feed, error) {
	select {
	case p.parsing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.parsing }()
	return feed.Parse(body, charset, base, feed.Options{MaxItems: p.opts.MaxItems})
}
