package poller

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/feed"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/link"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/seen"
)

// ErrNoContent means an item has neither a link nor any text.
var ErrNoContent = errors.New("poller: feed item has neither a link nor content")

// source is the feed the items come from.
type source struct {
	feedURL, title string
	// final means there is no later attempt: a page that fails now falls
	// back on the feed's text (a run without Watch, a feed file).
	final bool
}

type outcome int

const (
	skipped   outcome = iota // already seen
	published                // published now
	pending                  // left for a later poll
	failed                   // dead-lettered
)

// items handles a feed's items, ItemConcurrency at a time, and counts those
// published and those left for a later poll.
func (p *Poller) items(ctx context.Context, src source, items []feed.Item) (nPublished, nPending int) {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, p.opts.ItemConcurrency)
	)
	for _, it := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			mu.Lock()
			nPending++
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			o := p.item(ctx, src, it)
			mu.Lock()
			defer mu.Unlock()
			switch o {
			case published:
				nPublished++
			case pending:
				nPending++
			}
		})
	}
	wg.Wait()
	return nPublished, nPending
}

// item handles one item: unless the seen-registry knows it, it fetches the
// article page (or takes the feed's full text), publishes the document and
// records the item as seen.
func (p *Poller) item(ctx context.Context, src source, it feed.Item) outcome {
	target := ""
	if it.Link != "" {
		target = link.Clean(link.Unwrap(it.Link))
	}
	key := seen.ItemKey(src.feedURL, identity(it))
	if target != "" {
		key = seen.URLKey(target)
	}
	unclaim, err := p.claim(ctx, key)
	if err != nil {
		return pending
	}
	defer unclaim()
	e, found, err := p.st.Seen.Get(ctx, key)
	if err != nil {
		p.log.Warn("reading the seen-registry failed", zap.String("feed", src.feedURL), zap.Error(err))
		return pending
	}
	now := p.now()
	if found && e.Done && !newer(it.Updated, e.Updated) {
		p.c.known.Add(1)
		if p.st.Seen.Stale(e, now) {
			_ = p.st.Seen.Put(ctx, key, e, now)
		}
		return skipped
	}
	attempts := 0
	if found && !e.Done {
		attempts = e.Attempts
	}
	// A new revision of an item published from its page asks for the page
	// conditionally: a feed may stamp entries anew without changing them.
	page := fetch.Request{URL: target, Kind: fetch.Page}
	if found && e.Done && e.Doc != "" {
		page.ETag, page.LastModified = e.ETag, e.LastModified
	}

	full := it.FullText(p.opts.FullTextWords)
	var (
		doc    *events.RawDocument
		alsoAs string // a second seen key: the URL the page turned out to have
		// validators is the page's response, when the document is a page.
		validators *fetch.Response
	)
	switch {
	case target == "":
		text := firstOf(full, it.Content, it.Summary)
		s := events.Source{Kind: events.SourceFeed, URL: urn(src.feedURL, it), FeedURL: src.feedURL}
		if text == "" {
			return p.fail(ctx, key, it, s, events.ReasonInvalid, ErrNoContent)
		}
		doc = fromFeed(s, it, text, src.title, now)
	case full != "":
		doc = fromFeed(events.Source{Kind: events.SourceFeed, URL: target, FeedURL: src.feedURL}, it, full, src.title, now)
	default:
		res, err := p.client.Fetch(ctx, page)
		// The fetch may have waited for its host: the document is as of now.
		now = p.now()
		if err != nil {
			if ctx.Err() != nil {
				return pending
			}
			p.c.pageErrors.Add(1)
			if fetch.Temporary(err) && !src.final && attempts+1 < p.opts.ItemAttempts {
				if err := p.st.Seen.Put(ctx, key, seen.Entry{Attempts: attempts + 1}, now); err != nil {
					p.log.Warn("writing the seen-registry failed", zap.Error(err))
				}
				p.log.Debug("page unavailable, will retry", zap.String("url", target), zap.Error(err))
				return pending
			}
			s := events.Source{Kind: events.SourceFeed, URL: target, FeedURL: src.feedURL}
			text := firstOf(it.Content, it.Summary)
			if text == "" {
				reason := events.ReasonRead
				if errors.Is(err, fetch.ErrTooLarge) {
					reason = events.ReasonTooLarge
				}
				return p.fail(ctx, key, it, s, reason, err)
			}
			p.c.fallbacks.Add(1)
			p.log.Info("page unavailable, publishing the feed's text", zap.String("url", target), zap.Error(err))
			doc = fromFeed(s, it, text, src.title, now)
			break
		}
		p.c.pages.Add(1)
		if res.NotModified {
			// The page is the one already published.
			p.c.known.Add(1)
			e.Updated = it.Updated
			if err := p.st.Seen.Put(ctx, key, e, now); err != nil {
				p.log.Warn("writing the seen-registry failed", zap.String("url", target), zap.Error(err))
			}
			return skipped
		}
		validators = res
		docURL := link.Prefer(res.URL, link.Canonical(res.Body, res.URL))
		if k := seen.URLKey(docURL); k != key {
			if e, ok, _ := p.st.Seen.Get(ctx, k); ok && e.Done && !newer(it.Updated, e.Updated) {
				// The same article, reached through another link.
				p.c.known.Add(1)
				_ = p.st.Seen.Put(ctx, key, seen.Entry{Done: true, Doc: e.Doc, Updated: it.Updated}, now)
				return skipped
			}
			alsoAs = k
		}
		s := events.Source{Kind: events.SourceFeed, URL: docURL, FeedURL: src.feedURL}
		doc = &events.RawDocument{
			Schema: events.SchemaRawDocument, ID: events.DocumentID(s), Source: s, FetchedAt: now.UTC(),
			ContentType: res.ContentType, Charset: res.Charset, Body: res.Body, ContentHash: events.BytesHash(res.Body),
			Item: feedItem(it, src.title),
		}
	}
	if err := p.out.Document(ctx, doc); err != nil {
		p.log.Warn("publishing a feed item failed", zap.String("url", doc.Source.URL), zap.Error(err))
		return pending
	}
	p.c.items.Add(1)
	done := seen.Entry{Done: true, Doc: doc.ID, Updated: it.Updated}
	if validators != nil {
		done.ETag, done.LastModified = validators.ETag, validators.LastModified
	}
	for _, k := range []string{key, alsoAs} {
		if k == "" {
			continue
		}
		if err := p.st.Seen.Put(ctx, k, done, now); err != nil {
			// Published but not recorded: a later poll fetches it again,
			// and the stream's duplicate window and the sink drop the copy.
			p.log.Warn("writing the seen-registry failed", zap.String("url", doc.Source.URL), zap.Error(err))
		}
	}
	return published
}

// fail dead-letters an item and records it as handled.
func (p *Poller) fail(ctx context.Context, key string, it feed.Item, s events.Source, reason string, cause error) outcome {
	if err := p.out.Failure(ctx, s, reason, cause); err != nil {
		p.log.Warn("dead-lettering a feed item failed", zap.String("url", s.URL), zap.Error(err))
		return pending
	}
	if err := p.st.Seen.Put(ctx, key, seen.Entry{Done: true, Updated: it.Updated}, p.now()); err != nil {
		p.log.Warn("writing the seen-registry failed", zap.Error(err))
	}
	return failed
}

// FeedFile handles a feed document read from an input directory like a
// fetched one: items with an http(s) link have their page fetched (unless
// the feed carries their full text), the others are published from the
// feed's text. A file that is not a readable feed is dead-lettered.
func (p *Poller) FeedFile(ctx context.Context, path string, body []byte) error {
	feedURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	parsed, err := p.parse(ctx, body, "", "")
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return p.out.Failure(ctx, events.Source{Kind: events.SourceFile, Path: path}, events.ReasonDecode, err)
	}
	_, left := p.items(ctx, source{feedURL: feedURL, title: parsed.Title, final: true}, parsed.Items)
	if left > 0 && ctx.Err() == nil {
		p.log.Warn("feed file items left unpublished; they are tried again when the file changes",
			zap.String("path", path), zap.Int("items", left))
	}
	return nil
}

// fromFeed is the document of an item published from the feed's own text.
func fromFeed(s events.Source, it feed.Item, text, feedTitle string, now time.Time) *events.RawDocument {
	page := it
	if strings.HasPrefix(s.URL, "http") {
		page.Link = s.URL
	} else {
		page.Link = ""
	}
	body := page.Document(text)
	return &events.RawDocument{
		Schema: events.SchemaRawDocument, ID: events.DocumentID(s), Source: s, FetchedAt: now.UTC(),
		ContentType: "text/html", Charset: "utf-8", Body: body, ContentHash: events.BytesHash(body),
		Item: feedItem(it, feedTitle),
	}
}

func feedItem(it feed.Item, feedTitle string) *events.FeedItem {
	return &events.FeedItem{
		GUID: it.GUID, Title: it.Title, Link: it.Link, Published: it.Published, Updated: it.Updated,
		Authors: it.Authors, Categories: it.Categories, Summary: it.Summary, Content: it.Content,
		FeedTitle: feedTitle,
	}
}

// identity names an item without a link within its feed.
func identity(it feed.Item) string {
	if it.GUID != "" {
		return "guid:" + it.GUID
	}
	id := "title:" + it.Title
	if it.Published != nil {
		id += "@" + it.Published.UTC().Format(time.RFC3339)
	}
	if it.Title == "" {
		id += "|" + events.BytesHash([]byte(it.Content+it.Summary))
	}
	return id
}

// urn is the URL of an item that has none: unique to its feed and identity.
func urn(feedURL string, it feed.Item) string {
	return "urn:wirewatch:item:" + seen.ItemKey(feedURL, identity(it))[1:]
}

// newer reports whether an item's updated time is after the one recorded.
func newer(now, recorded *time.Time) bool {
	return now != nil && recorded != nil && now.After(*recorded)
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
