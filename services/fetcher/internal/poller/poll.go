package poller

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/services/fetcher/internal/feed"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/lease"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/schedule"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/state"
)

// kvTimeout bounds the state and health writes that close a poll, which run
// even while the fetcher shuts down.
const kvTimeout = 10 * time.Second

// poll polls one feed under its lease and returns when it is due next.
// runStart is when Run started: without Watch, a feed another replica polled
// since then is not polled again.
func (p *Poller) poll(ctx context.Context, id, url string, runStart time.Time) result {
	retry := result{id: id, next: p.now().Add(p.opts.LeaseRetry)}
	held, release, err := p.st.Leases.Hold(ctx, id)
	if err != nil {
		if errors.Is(err, lease.ErrHeld) || ctx.Err() != nil {
			return retry
		}
		p.log.Warn("taking a feed lease failed", zap.String("feed", url), zap.Error(err))
		retry.done = !p.opts.Watch
		return retry
	}
	defer release()
	st, err := p.st.State.Get(held, url)
	if err != nil {
		p.log.Warn("reading feed state failed", zap.String("feed", url), zap.Error(err))
		retry.done = !p.opts.Watch
		return retry
	}
	now := p.now()
	if p.opts.Watch && st.NextDue.After(now) {
		// Another replica polled it since this one queued it.
		return result{id: id, next: st.NextDue}
	}
	if !p.opts.Watch {
		if !st.LastAttempt.Before(runStart) {
			return result{id: id, done: true}
		}
		if st.RetryUntil.After(now) {
			p.log.Info("feed asked not to be polled yet", zap.String("feed", url), zap.Time("until", st.RetryUntil))
			return result{id: id, done: true}
		}
	}
	st = p.pollFeed(held, st, now)
	if held.Err() != nil {
		// Shutting down, or the lease was lost: leave the state as it was.
		retry.done = ctx.Err() != nil || !p.opts.Watch
		return retry
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), kvTimeout)
	defer cancel()
	if err := p.st.State.Put(wctx, st); err != nil {
		p.log.Warn("storing feed state failed", zap.String("feed", url), zap.Error(err))
	}
	h := st.Health()
	p.mu.Lock()
	p.health[id] = *h
	p.mu.Unlock()
	if err := p.out.Health(wctx, h); err != nil {
		p.log.Warn("publishing feed health failed", zap.String("feed", url), zap.Error(err))
	}
	return result{id: id, next: st.NextDue, done: !p.opts.Watch}
}

// pollFeed fetches the feed (conditionally), handles its items and returns
// its new state.
func (p *Poller) pollFeed(ctx context.Context, st state.Feed, now time.Time) state.Feed {
	st.LastAttempt = now
	st.Polls++
	p.c.polls.Add(1)
	res, err := p.client.Fetch(ctx, fetch.Request{URL: st.Fetch(), Kind: fetch.Feed, ETag: st.ETag, LastModified: st.LastModified})
	// The next poll is counted from the answer: the request may have waited
	// for a slot on its host.
	now = p.now()
	if err != nil {
		return p.failed(st, now, err)
	}
	st.LastStatus = res.Status
	if res.NotModified {
		p.c.notModified.Add(1)
		st.NotModified++
		if res.ETag != "" {
			st.ETag = res.ETag
		}
		if res.LastModified != "" {
			st.LastModified = res.LastModified
		}
		p.log.Debug("feed not modified", zap.String("feed", st.URL))
		return p.succeeded(st, now, res)
	}
	parsed, err := p.parse(ctx, res.Body, res.Charset, res.URL)
	if err != nil {
		st.ETag, st.LastModified = "", ""
		return p.failed(st, now, err)
	}
	published, pending := p.items(ctx, source{feedURL: st.URL, title: parsed.Title, final: !p.opts.Watch}, parsed.Items)
	st.Title, st.TTL = parsed.Title, parsed.TTL
	if r := feed.ItemsPerDay(parsed.Items, now); r > 0 {
		st.ItemsPerDay = r
	}
	if t := newestItem(parsed.Items, now); t.After(st.LastItem) {
		st.LastItem = t
	}
	st.Items += uint64(published)
	if pending == 0 {
		st.ETag, st.LastModified = res.ETag, res.LastModified
	} else {
		// Items are left for the next poll: it must get the full feed
		// again, not a 304.
		st.ETag, st.LastModified = "", ""
	}
	p.log.Debug("feed polled", zap.String("feed", st.URL), zap.Int("items", len(parsed.Items)),
		zap.Int("published", published), zap.Int("pending", pending))
	return p.succeeded(st, now, res)
}

func (p *Poller) succeeded(st state.Feed, now time.Time, res *fetch.Response) state.Feed {
	st = p.moved(st, res.Moved)
	st.ItemsPerDay = quietRate(st.ItemsPerDay, st.LastItem, now)
	st.ErrorStreak = 0
	st.LastError = ""
	st.LastSuccess = now
	st.NextDue = p.opts.Schedule.Next(now, schedule.Signals{
		TTL: st.TTL, Fresh: res.Fresh, RetryAfter: res.RetryAfter, ItemsPerDay: st.ItemsPerDay,
	}, p.rnd())
	if res.RetryAfter > 0 {
		st.RetryUntil = now.Add(min(res.RetryAfter, p.opts.Schedule.MaxRetryAfter))
	}
	return st
}

// newestItem is the date of the newest item not dated after now; zero when
// none is dated.
func newestItem(items []feed.Item, now time.Time) time.Time {
	var newest time.Time
	for _, it := range items {
		t := it.Published
		if t == nil {
			t = it.Updated
		}
		if t != nil && !t.After(now) && t.After(newest) {
			newest = *t
		}
	}
	return newest
}

// quietFraction is the share of a feed's silence its next poll waits at
// least: as HTTP's heuristic freshness takes a tenth of the time since a
// resource last changed, a feed quiet for ten days is polled no more than
// once a day, within the schedule's bounds.
const quietFraction = 0.1

// quietRate is a feed's publishing rate, given that its newest item is dated
// last: the rate from its items' dates, or from an earlier poll when none of
// them is recent or the feed was not modified, but never more than one item
// per quietFraction of the time since the newest. So the estimate of a feed
// that went quiet decays, and its interval grows, for as long as it stays
// quiet; a feed whose items are all too old to give a rate gets the bound.
func quietRate(rate float64, last, now time.Time) float64 {
	quiet := now.Sub(last)
	if last.IsZero() || quiet <= 0 {
		return rate
	}
	bound := 1 / (quietFraction * quiet.Hours() / 24)
	if rate <= 0 {
		return bound
	}
	return min(rate, bound)
}

// maxErrorText bounds the error kept in a feed's state and health.
const maxErrorText = 512

func (p *Poller) failed(st state.Feed, now time.Time, err error) state.Feed {
	p.c.feedErrors.Add(1)
	st.Errors++
	st.ErrorStreak++
	st.LastError = err.Error()
	if len(st.LastError) > maxErrorText {
		st.LastError = st.LastError[:maxErrorText]
	}
	st.LastStatus = 0
	var se *fetch.StatusError
	if errors.As(err, &se) {
		st.LastStatus = se.Code
	}
	if st.Location != "" && !fetch.Temporary(err) && st.ErrorStreak >= max(p.opts.MoveAfter, 1) {
		// The new location is gone for good: go back to the feed's own URL,
		// which may redirect somewhere else by now.
		p.log.Warn("feed location failing, going back to the feed's URL", zap.String("feed", st.URL),
			zap.String("location", st.Location), zap.Error(err))
		st.Location, st.ETag, st.LastModified = "", "", ""
	}
	ra := fetch.RetryAfter(err)
	st.NextDue = p.opts.Schedule.Next(now, schedule.Signals{ErrorStreak: st.ErrorStreak, RetryAfter: ra}, p.rnd())
	if ra > 0 {
		st.RetryUntil = now.Add(min(ra, p.opts.Schedule.MaxRetryAfter))
	}
	p.log.Warn("polling feed failed", zap.String("feed", st.URL), zap.Int("error_streak", st.ErrorStreak),
		zap.Time("next_poll", st.NextDue), zap.Error(err))
	return st
}

// moved notes where a successful poll was permanently redirected, and moves
// the feed there once MoveAfter polls in a row agree. One 301 is not enough:
// a misconfigured server, a captive portal or a domain that changed hands
// can send one, and a temporary redirect (302, 307) never moves a feed. The
// redirected fetch must also have succeeded, so a move to a page that is
// not a feed never counts. The feed keeps its URL (and so its id and the
// identity of its items); only where it is fetched from changes.
func (p *Poller) moved(st state.Feed, to string) state.Feed {
	if to == "" || to == st.Fetch() {
		st.MovedTo, st.MovedSeen = "", 0
		return st
	}
	if to == st.MovedTo {
		st.MovedSeen++
	} else {
		st.MovedTo, st.MovedSeen = to, 1
	}
	if p.opts.MoveAfter <= 0 || st.MovedSeen < p.opts.MoveAfter {
		return st
	}
	p.log.Info("feed moved permanently", zap.String("feed", st.URL), zap.String("from", st.Fetch()),
		zap.String("to", to), zap.Int("polls", st.MovedSeen))
	st.Location = to
	if to == st.URL {
		st.Location = ""
	}
	st.MovedTo, st.MovedSeen = "", 0
	return st
}
