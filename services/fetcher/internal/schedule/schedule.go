// Package schedule decides when a feed is polled next, from what the feed
// and its server said and how the last polls went, and keeps the queue of
// feeds in the order they fall due.
package schedule

import (
	"container/heap"
	"time"
)

// Policy bounds the intervals between polls.
type Policy struct {
	// Min and Max clamp every interval.
	Min, Max time.Duration
	// Jitter is the largest fraction of an interval added at random, so that
	// feeds polled together drift apart.
	Jitter float64
	// MaxRetryAfter caps how long a server's Retry-After is honoured. It may
	// exceed Max: a server that asks for a day off gets it.
	MaxRetryAfter time.Duration
}

// Signals are what is known about a feed after a poll.
type Signals struct {
	// TTL is the feed's own <ttl> (or syndication period).
	TTL time.Duration
	// Fresh is the response's freshness lifetime (Cache-Control max-age,
	// Expires).
	Fresh time.Duration
	// RetryAfter is the server's Retry-After.
	RetryAfter time.Duration
	// ItemsPerDay is the feed's publishing rate.
	ItemsPerDay float64
	// ErrorStreak counts the failed polls in a row, this one included; zero
	// after a success.
	ErrorStreak int
}

// Interval is how long to wait before the next poll, before jitter:
//
//   - after a failure, Min doubled for every failure in a row after the first,
//     capped at Max: a feed is never given up on, only polled less often;
//   - after a success, the time the feed takes to publish an item (from its
//     rate), but no sooner than its TTL or the response's freshness allow;
//
// clamped to [Min, Max], and then at least the Retry-After (up to
// MaxRetryAfter).
func (p Policy) Interval(s Signals) time.Duration {
	var d time.Duration
	if s.ErrorStreak > 0 {
		d = p.Min
		for i := 1; i < s.ErrorStreak && d < p.Max; i++ {
			d *= 2
		}
	} else {
		d = p.Min
		if s.ItemsPerDay > 0 {
			d = time.Duration(float64(24*time.Hour) / s.ItemsPerDay)
		}
		d = max(d, s.TTL, s.Fresh)
	}
	d = min(max(d, p.Min), p.Max)
	if s.RetryAfter > 0 {
		d = max(d, min(s.RetryAfter, p.MaxRetryAfter))
	}
	return d
}

// Next is when the next poll falls due: now plus the interval, plus up to
// Jitter of it as chosen by rnd, a number in [0, 1).
func (p Policy) Next(now time.Time, s Signals, rnd float64) time.Time {
	d := p.Interval(s)
	return now.Add(d + time.Duration(float64(d)*p.Jitter*rnd))
}

// Queue orders keys by due time. It is not safe for concurrent use.
type Queue struct {
	h   entries
	pos map[string]*entry
}

type entry struct {
	key   string
	due   time.Time
	index int
}

type entries []*entry

func (e entries) Len() int { return len(e) }
func (e entries) Less(i, j int) bool {
	if e[i].due.Equal(e[j].due) {
		return e[i].key < e[j].key
	}
	return e[i].due.Before(e[j].due)
}
func (e entries) Swap(i, j int) {
	e[i], e[j] = e[j], e[i]
	e[i].index, e[j].index = i, j
}
func (e *entries) Push(x any) {
	it := x.(*entry)
	it.index = len(*e)
	*e = append(*e, it)
}
func (e *entries) Pop() any {
	old := *e
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*e = old[:len(old)-1]
	return it
}

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{pos: map[string]*entry{}} }

// Set schedules key at due, moving it if it is already queued.
func (q *Queue) Set(key string, due time.Time) {
	if e, ok := q.pos[key]; ok {
		e.due = due
		heap.Fix(&q.h, e.index)
		return
	}
	e := &entry{key: key, due: due}
	heap.Push(&q.h, e)
	q.pos[key] = e
}

// Remove takes key out of the queue.
func (q *Queue) Remove(key string) {
	if e, ok := q.pos[key]; ok {
		heap.Remove(&q.h, e.index)
		delete(q.pos, key)
	}
}

// Peek returns the key due first, without removing it.
func (q *Queue) Peek() (key string, due time.Time, ok bool) {
	if len(q.h) == 0 {
		return "", time.Time{}, false
	}
	return q.h[0].key, q.h[0].due, true
}

// Pop removes and returns the key due first.
func (q *Queue) Pop() (key string, due time.Time, ok bool) {
	if len(q.h) == 0 {
		return "", time.Time{}, false
	}
	e := heap.Pop(&q.h).(*entry)
	delete(q.pos, e.key)
	return e.key, e.due, true
}

// Len is the number of queued keys.
func (q *Queue) Len() int { return len(q.h) }
