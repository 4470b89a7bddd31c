// Package fetcher is the wirewatch stage that brings documents in: article
// files from input directories, and the items of RSS, Atom and JSON feeds
// polled over HTTP (or read from feed files in the input directories). It
// publishes each document once on news.raw.<kind>, the health of every feed
// after each poll on news.feed.health.<feed-id>, and dead-letters what cannot
// become a document on news.dlq.fetcher with the reason.
//
// Feed polling is polite (conditional requests, a schedule per feed, per-host
// limits, robots.txt for article pages, backoff that never gives a feed up)
// and safe (no private addresses, capped bodies, bounded time). Its state —
// validators and schedule per feed, the items already handled, which replica
// is polling which feed — lives in JetStream KV, so it survives restarts and
// is shared by replicas.
package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/feed"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/fetch"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/files"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/lease"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/poller"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/schedule"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/seen"
	"github.com/wirewatch/wirewatch/services/fetcher/internal/state"
)

// Defaults.
const (
	// DefaultMaxBytes is the largest document the fetcher publishes.
	DefaultMaxBytes = 4 << 20
	// DefaultMaxFeedBytes is the largest feed document read.
	DefaultMaxFeedBytes = 8 << 20
	// DefaultContact is the contact URL the default User-Agent names.
	DefaultContact = "https://github.com/wirewatch/wirewatch"

	DefaultMinInterval     = 5 * time.Minute
	DefaultMaxInterval     = 6 * time.Hour
	DefaultJitter          = 0.1
	DefaultMaxRetryAfter   = 24 * time.Hour
	DefaultFeedConcurrency = 16
	DefaultItemConcurrency = 4
	DefaultHostConcurrency = 2
	DefaultHostRate        = rate.Limit(2)
	DefaultRequestTimeout  = 30 * time.Second
	DefaultStallTimeout    = 10 * time.Second
	DefaultItemAttempts    = 3
	DefaultFullTextWords   = 150
	// DefaultMaxItems caps the items read from one feed document, the
	// first ones (feeds list their newest first). It also bounds the page
	// fetches a feed added with a long archive costs its host at first.
	DefaultMaxItems      = 200
	DefaultSeenTTL       = 30 * 24 * time.Hour
	DefaultLeaseTTL      = 30 * time.Second
	DefaultMaxCrawlDelay = fetch.DefaultMaxCrawlDelay
	DefaultFeedMoveAfter = 3
)

// KV buckets the fetcher keeps its state in.
const (
	// FeedsBucket lists feeds added at run time: any key, a feed URL as
	// the value. Deleting the key removes the feed. See AddFeed.
	FeedsBucket = "WIREWATCH_FEEDS"
	// StateBucket holds each feed's validators, schedule and counters.
	StateBucket = state.Bucket
	// SeenBucket is the seen-registry of feed items.
	SeenBucket = seen.Bucket
	// LeaseBucket holds which replica is polling which feed.
	LeaseBucket = lease.Bucket
)

// UserAgent is the fetcher's User-Agent: "wirewatch/<version> (+<contact>)".
func UserAgent(version, contact string) string {
	if version == "" {
		version = "dev"
	}
	if contact == "" {
		contact = DefaultContact
	}
	return "wirewatch/" + version + " (+" + contact + ")"
}

// Config configures the fetcher. Zero values take the defaults above.
type Config struct {
	// Inputs are directories of article files (.html, .htm, .txt, .gz) and
	// feed files (.xml, .rss, .atom, .json).
	Inputs []string
	// Watch keeps watching the inputs for new and changed files and keeps
	// polling feeds on their schedules, following the feed list in
	// FeedsBucket. Without it every input is read once, every feed polled
	// once, and Run returns.
	Watch bool
	// PollInterval is how often watched inputs are scanned. Default 2s.
	PollInterval time.Duration
	// MaxBytes caps a document's size. Default DefaultMaxBytes.
	MaxBytes int64
	// OnPublished, if set, is called for each document published;
	// duplicate reports that the stream already had it.
	OnPublished func(docID string, duplicate bool)
	// OnFailed, if set, is called for each document dead-lettered.
	OnFailed func(docID string)

	// Feeds are feed URLs to poll.
	Feeds []string
	// FeedsFile names a file listing feed URLs: one a line, or OPML.
	FeedsFile string
	// AllowPrivate lets the fetcher reach private, loopback and link-local
	// addresses: for tests and local demos only.
	AllowPrivate bool
	// AllowHosts names hosts, "host" or "host:port", that may resolve to
	// private and loopback addresses (a feed server beside the fetcher on
	// a private network) while the guard stays on for every other host,
	// redirect targets included. Names match exactly, in any case.
	AllowHosts []string
	// UserAgent is sent with every request. Default UserAgent("dev",
	// DefaultContact).
	UserAgent string
	// MinInterval and MaxInterval clamp the time between two polls of a
	// feed; Jitter is the largest fraction added at random; MaxRetryAfter
	// caps how long a server's Retry-After is honoured.
	MinInterval, MaxInterval, MaxRetryAfter time.Duration
	Jitter                                  float64
	// FeedConcurrency bounds the feeds polled at once, ItemConcurrency the
	// items of one feed handled at once.
	FeedConcurrency, ItemConcurrency int
	// HostConcurrency bounds the requests in flight to one host, HostRate
	// those started per second (rate.Inf: no limit).
	HostConcurrency int
	HostRate        rate.Limit
	// MaxCrawlDelay caps the Crawl-delay a host's robots.txt asks for:
	// once the file is known (it is read before the host's first article
	// page), requests to the host start at least that delay apart, up to
	// this cap. Default DefaultMaxCrawlDelay; negative: Crawl-delay is
	// ignored.
	MaxCrawlDelay time.Duration
	// FeedMoveAfter is how many successful polls in a row a feed must be
	// permanently redirected (301, 308) to one URL before it is fetched
	// from there. The feed keeps its URL as its name; health reports where
	// it moved. Default DefaultFeedMoveAfter; negative: feeds never move,
	// redirects are only reported.
	FeedMoveAfter int
	// RequestTimeout bounds a whole HTTP exchange; StallTimeout aborts one
	// whose body sends nothing for that long.
	RequestTimeout, StallTimeout time.Duration
	// MaxFeedBytes caps a feed document. Default DefaultMaxFeedBytes.
	MaxFeedBytes int64
	// ItemAttempts is how many polls an article page that fails
	// temporarily is tried in before its item is published from the feed's
	// own text (or dead-lettered when the feed has none).
	ItemAttempts int
	// FullTextWords is how many words an item's content needs for the feed
	// to stand in for the article page.
	FullTextWords int
	// MaxItems bounds the items read from one feed document.
	MaxItems int
	// SeenTTL is how long a handled item is remembered after its feed last
	// listed it.
	SeenTTL time.Duration
	// LeaseTTL is how long a replica that died keeps the feeds it was
	// polling; leases are renewed every third of it.
	LeaseTTL time.Duration
	// KVReplicas is the replica count of the KV buckets. Default 1.
	KVReplicas int
	// Replica names this fetcher in leases. Default host/pid/start time.
	Replica string
	// Ops, if set, takes the fetcher's metrics and readiness check.
	Ops *stage.Ops
}

func (c Config) withDefaults() Config {
	set := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	setInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxFeedBytes == 0 {
		c.MaxFeedBytes = DefaultMaxFeedBytes
	}
	if c.UserAgent == "" {
		c.UserAgent = UserAgent("dev", DefaultContact)
	}
	set(&c.MinInterval, DefaultMinInterval)
	set(&c.MaxInterval, max(DefaultMaxInterval, c.MinInterval))
	set(&c.MaxRetryAfter, DefaultMaxRetryAfter)
	set(&c.RequestTimeout, DefaultRequestTimeout)
	set(&c.StallTimeout, DefaultStallTimeout)
	set(&c.SeenTTL, DefaultSeenTTL)
	set(&c.LeaseTTL, DefaultLeaseTTL)
	if c.Jitter == 0 {
		c.Jitter = DefaultJitter
	}
	setInt(&c.FeedConcurrency, DefaultFeedConcurrency)
	setInt(&c.ItemConcurrency, DefaultItemConcurrency)
	setInt(&c.HostConcurrency, DefaultHostConcurrency)
	setInt(&c.ItemAttempts, DefaultItemAttempts)
	setInt(&c.FullTextWords, DefaultFullTextWords)
	setInt(&c.MaxItems, DefaultMaxItems)
	setInt(&c.KVReplicas, 1)
	setInt(&c.FeedMoveAfter, DefaultFeedMoveAfter)
	if c.HostRate == 0 {
		c.HostRate = DefaultHostRate
	}
	if c.Replica == "" {
		host, _ := os.Hostname()
		c.Replica = host + "/" + strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return c
}

// Validate reports every problem with c at once.
func (c Config) Validate() error {
	var errs []error
	if len(c.Inputs) == 0 && len(c.Feeds) == 0 && c.FeedsFile == "" && !c.Watch {
		errs = append(errs, errors.New("fetcher: no inputs and no feeds"))
	}
	for _, u := range c.Feeds {
		if err := feed.CheckURL(u); err != nil {
			errs = append(errs, fmt.Errorf("fetcher: --feed %w", err))
		}
	}
	if _, err := fetch.ParseAllowedHosts(c.AllowHosts); err != nil {
		errs = append(errs, fmt.Errorf("fetcher: allow host: %w", err))
	}
	for name, v := range map[string]int64{"max bytes": c.MaxBytes, "max feed bytes": c.MaxFeedBytes} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("fetcher: %s %d is negative", name, v))
		}
	}
	for name, v := range map[string]time.Duration{
		"poll interval": c.PollInterval, "min interval": c.MinInterval, "max interval": c.MaxInterval,
		"max retry-after": c.MaxRetryAfter, "request timeout": c.RequestTimeout, "stall timeout": c.StallTimeout,
		"seen TTL": c.SeenTTL,
	} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("fetcher: %s %s is negative", name, v))
		}
	}
	if c.MinInterval > 0 && c.MaxInterval > 0 && c.MinInterval > c.MaxInterval {
		errs = append(errs, fmt.Errorf("fetcher: min interval %s is over max interval %s", c.MinInterval, c.MaxInterval))
	}
	if c.LeaseTTL != 0 && c.LeaseTTL < time.Second {
		errs = append(errs, fmt.Errorf("fetcher: lease TTL %s is under a second", c.LeaseTTL))
	}
	if c.Jitter < 0 || c.Jitter > 1 {
		errs = append(errs, fmt.Errorf("fetcher: jitter %v is not within [0, 1]", c.Jitter))
	}
	for name, v := range map[string]int{
		"feed concurrency": c.FeedConcurrency, "item concurrency": c.ItemConcurrency,
		"host concurrency": c.HostConcurrency, "item attempts": c.ItemAttempts, "full-text words": c.FullTextWords,
		"max items": c.MaxItems, "KV replicas": c.KVReplicas,
	} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("fetcher: %s %d is negative", name, v))
		}
	}
	if c.HostRate < 0 {
		errs = append(errs, fmt.Errorf("fetcher: host rate %v is negative", c.HostRate))
	}
	if strings.ContainsAny(c.UserAgent, "\r\n") {
		errs = append(errs, errors.New("fetcher: user agent holds a line break"))
	}
	return errors.Join(errs...)
}

// readyCheck names the fetcher's readiness check: it passes while the
// fetcher runs with its state buckets open.
const readyCheck = "fetcher"

var (
	errNotStarted = errors.New("not started")
	errStopped    = errors.New("stopped")
)

// Stats counts what the fetcher did.
type Stats struct {
	Published  uint64 // new documents stored
	Duplicates uint64 // documents the stream already had
	Failed     uint64 // documents dead-lettered

	Polls       uint64 // feed polls
	NotModified uint64 // feed polls answered 304 Not Modified
	FeedErrors  uint64 // feed polls that failed
	Items       uint64 // feed items published
	KnownItems  uint64 // feed items skipped as already handled
	Pages       uint64 // article pages fetched
	PageErrors  uint64 // article pages that could not be fetched
	Fallbacks   uint64 // items published from the feed's text for want of their page
}

// Service is a running fetcher.
type Service struct {
	cfg    Config
	js     jetstream.JetStream
	feeds  []string
	pub    *stage.Publisher
	log    *zap.Logger
	now    func() time.Time
	client *fetch.Client

	mu     sync.Mutex
	poller *poller.Poller

	published, duplicates, failed atomic.Uint64
	metrics                       *metrics
}

// New returns a fetcher publishing to js. It reads the feeds file, if any;
// the KV buckets are opened by Run.
func New(js jetstream.JetStream, cfg Config, log *zap.Logger) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	feeds := append([]string(nil), cfg.Feeds...)
	if cfg.FeedsFile != "" {
		f, err := os.Open(cfg.FeedsFile)
		if err != nil {
			return nil, fmt.Errorf("fetcher: opening the feeds file: %w", err)
		}
		listed, err := feed.ReadList(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("fetcher: %s: %w", cfg.FeedsFile, err)
		}
		feeds = append(feeds, listed...)
	}
	s := &Service{
		cfg:   cfg,
		js:    js,
		feeds: feeds,
		pub:   stage.NewPublisher(js, 10*time.Second, 5),
		log:   log.With(zap.String("stage", string(events.StageFetcher))),
		now:   time.Now,
	}
	allow, err := fetch.ParseAllowedHosts(cfg.AllowHosts)
	if err != nil {
		return nil, fmt.Errorf("fetcher: allow host: %w", err)
	}
	s.metrics = newMetrics(s, cfg.Ops)
	cfg.Ops.SetReady(readyCheck, errNotStarted)
	s.client = fetch.New(fetch.Options{
		UserAgent:       cfg.UserAgent,
		AllowPrivate:    cfg.AllowPrivate,
		AllowHosts:      allow,
		MaxFeedBytes:    cfg.MaxFeedBytes,
		MaxPageBytes:    cfg.MaxBytes,
		Timeout:         cfg.RequestTimeout,
		StallTimeout:    cfg.StallTimeout,
		HostConcurrency: cfg.HostConcurrency,
		HostRate:        cfg.HostRate,
		MaxCrawlDelay:   cfg.MaxCrawlDelay,
		MaxRetryAfter:   cfg.MaxRetryAfter,
	})
	return s, nil
}

// Stats reports what the fetcher has done so far.
func (s *Service) Stats() Stats {
	st := Stats{Published: s.published.Load(), Duplicates: s.duplicates.Load(), Failed: s.failed.Load()}
	s.mu.Lock()
	p := s.poller
	s.mu.Unlock()
	if p != nil {
		ps := p.Stats()
		st.Polls, st.NotModified, st.FeedErrors = ps.Polls, ps.NotModified, ps.FeedErrors
		st.Items, st.KnownItems, st.Pages, st.PageErrors, st.Fallbacks = ps.Items, ps.Known, ps.Pages, ps.PageErrors, ps.Fallbacks
	}
	return st
}

// FeedHealth returns the last health report of every feed this fetcher
// polled.
func (s *Service) FeedHealth() []events.FeedHealth {
	s.mu.Lock()
	p := s.poller
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	return p.Health()
}

// Run reads every input and polls every feed. Without Watch it returns when
// all have been read and polled once, else when ctx ends. If reading the
// inputs or polling fails for good (an input directory gone, a document that
// could not be published), it stops the other and returns the error.
func (s *Service) Run(ctx context.Context) error {
	defer s.client.Close()
	p, err := s.openPoller(ctx)
	if err != nil {
		s.cfg.Ops.SetReady(readyCheck, err)
		return err
	}
	s.cfg.Ops.SetReady(readyCheck, nil)
	defer s.cfg.Ops.SetReady(readyCheck, errStopped)
	var sources []func(context.Context) error
	if len(s.cfg.Inputs) > 0 {
		sc := files.New(files.Options{
			Dirs: s.cfg.Inputs, Watch: s.cfg.Watch, Interval: s.cfg.PollInterval,
			MaxBytes: s.cfg.MaxBytes, MaxFeedBytes: s.cfg.MaxFeedBytes,
		})
		sources = append(sources, func(ctx context.Context) error { return sc.Run(ctx, s) })
	}
	sources = append(sources, p.Run)
	// A source that fails stops the others: a watching fetcher must not go
	// on polling feeds while its files are no longer read, with the error
	// held back until shutdown.
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	errs := make([]error, len(sources))
	for i, run := range sources {
		wg.Go(func() {
			if errs[i] = run(sctx); errs[i] != nil {
				stop()
			}
		})
	}
	wg.Wait()
	var failures []error
	for _, e := range errs {
		// What stopping cut short is not a failure of its own.
		if e != nil && !(errors.Is(e, context.Canceled) && sctx.Err() != nil) {
			failures = append(failures, e)
		}
	}
	err = errors.Join(failures...)
	st := s.Stats()
	s.log.Info("fetcher stopped", zap.Uint64("published", st.Published),
		zap.Uint64("duplicates", st.Duplicates), zap.Uint64("failed", st.Failed),
		zap.Uint64("polls", st.Polls), zap.Uint64("not_modified", st.NotModified), zap.Uint64("feed_errors", st.FeedErrors))
	return err
}

// openPoller opens the KV buckets and makes the feed poller.
func (s *Service) openPoller(ctx context.Context) (*poller.Poller, error) {
	octx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	st, err := state.Open(octx, s.js, s.cfg.KVReplicas, s.log)
	if err != nil {
		return nil, fmt.Errorf("fetcher: %w", err)
	}
	sn, err := seen.Open(octx, s.js, s.cfg.SeenTTL, s.cfg.KVReplicas, s.log)
	if err != nil {
		return nil, fmt.Errorf("fetcher: %w", err)
	}
	ls, err := lease.Open(octx, s.js, s.cfg.LeaseTTL, s.cfg.KVReplicas, s.cfg.Replica, s.log)
	if err != nil {
		return nil, fmt.Errorf("fetcher: %w", err)
	}
	list, err := OpenFeedList(octx, s.js, s.cfg.KVReplicas, s.log)
	if err != nil {
		return nil, err
	}
	p := poller.New(poller.Options{
		Feeds: s.feeds,
		Watch: s.cfg.Watch,
		Schedule: schedule.Policy{
			Min: s.cfg.MinInterval, Max: s.cfg.MaxInterval, Jitter: s.cfg.Jitter, MaxRetryAfter: s.cfg.MaxRetryAfter,
		},
		FeedConcurrency: s.cfg.FeedConcurrency,
		ItemConcurrency: s.cfg.ItemConcurrency,
		ItemAttempts:    s.cfg.ItemAttempts,
		FullTextWords:   s.cfg.FullTextWords,
		MaxItems:        s.cfg.MaxItems,
		LeaseRetry:      min(s.cfg.LeaseTTL/3, s.cfg.MinInterval),
		MoveAfter:       max(s.cfg.FeedMoveAfter, 0),
	}, s.client, poller.Stores{State: st, Seen: sn, Leases: ls, List: list}, s, s.log)
	s.mu.Lock()
	s.poller = p
	s.mu.Unlock()
	return p, nil
}

// OpenFeedList opens (creating it if needed) the bucket of feeds added at
// run time.
func OpenFeedList(ctx context.Context, js jetstream.JetStream, replicas int, log *zap.Logger) (jetstream.KeyValue, error) {
	kv, err := stage.OpenKeyValue(ctx, js, jetstream.KeyValueConfig{
		Bucket:      FeedsBucket,
		Description: "wirewatch fetcher: feeds added at run time (any key, a feed URL as the value)",
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    max(replicas, 1),
	}, log)
	if err != nil {
		return nil, fmt.Errorf("fetcher: creating bucket %s: %w", FeedsBucket, err)
	}
	return kv, nil
}

// ErrFeedNotListed is returned by RemoveFeed for a feed not in the run-time
// feed list.
var ErrFeedNotListed = errors.New("fetcher: feed is not in the run-time feed list")

// feedList opens the run-time feed list as it is, creating it (with one
// replica) only when it does not exist yet: a tool must not change the
// replication a deployment chose.
func feedList(ctx context.Context, js jetstream.JetStream) (jetstream.KeyValue, error) {
	kv, err := js.KeyValue(ctx, FeedsBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return OpenFeedList(ctx, js, 1, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("fetcher: opening bucket %s: %w", FeedsBucket, err)
	}
	return kv, nil
}

// AddFeed adds a feed to the run-time feed list: every watching fetcher
// starts polling it, without a restart. Its key is events.FeedID(url).
func AddFeed(ctx context.Context, js jetstream.JetStream, url string) error {
	if err := feed.CheckURL(url); err != nil {
		return fmt.Errorf("fetcher: adding feed: %w", err)
	}
	kv, err := feedList(ctx, js)
	if err != nil {
		return err
	}
	if _, err := kv.Put(ctx, events.FeedID(url), []byte(url)); err != nil {
		return fmt.Errorf("fetcher: adding feed %s: %w", url, err)
	}
	return nil
}

// RemoveFeed removes a feed AddFeed added; watching fetchers stop polling it.
// It returns ErrFeedNotListed when the feed is not in the list (a feed given
// to a fetcher by flag or file is removed there).
func RemoveFeed(ctx context.Context, js jetstream.JetStream, url string) error {
	kv, err := feedList(ctx, js)
	if err != nil {
		return err
	}
	// The list may hold a feed under any key (see FeedsBucket): remove
	// every key naming it.
	keys, err := kv.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("fetcher: listing bucket %s: %w", FeedsBucket, err)
	}
	removed := 0
	for k := range keys.Keys() {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("fetcher: reading feed %s: %w", k, err)
		}
		if k != events.FeedID(url) && string(e.Value()) != url {
			continue
		}
		if err := kv.Delete(ctx, k); err != nil {
			return fmt.Errorf("fetcher: removing feed %s: %w", url, err)
		}
		removed++
	}
	if removed == 0 {
		return fmt.Errorf("removing %s: %w", url, ErrFeedNotListed)
	}
	return nil
}

// FeedStatus is what the fetcher's buckets say of one feed.
type FeedStatus struct {
	// FeedHealth is the feed's state as a health report; a feed never
	// polled has only its URL and id.
	events.FeedHealth
	// Listed reports that the feed is in the run-time feed list (AddFeed);
	// a feed polled but not listed came from a fetcher's flags or feeds
	// file.
	Listed bool `json:"listed"`
}

// ListFeeds returns every feed of the run-time feed list and every feed a
// fetcher has polled, sorted by URL, with its state. It creates nothing.
func ListFeeds(ctx context.Context, js jetstream.JetStream) ([]FeedStatus, error) {
	byID := map[string]*FeedStatus{}
	kv, err := js.KeyValue(ctx, FeedsBucket)
	switch {
	case errors.Is(err, jetstream.ErrBucketNotFound):
	case err != nil:
		return nil, fmt.Errorf("fetcher: opening bucket %s: %w", FeedsBucket, err)
	default:
		keys, err := kv.ListKeys(ctx)
		if err != nil {
			return nil, fmt.Errorf("fetcher: listing bucket %s: %w", FeedsBucket, err)
		}
		for k := range keys.Keys() {
			e, err := kv.Get(ctx, k)
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("fetcher: reading feed %s: %w", k, err)
			}
			u := string(e.Value())
			if feed.CheckURL(u) != nil {
				continue
			}
			id := events.FeedID(u)
			byID[id] = &FeedStatus{FeedHealth: events.FeedHealth{Schema: events.SchemaFeedHealth, ID: id, FeedURL: u}, Listed: true}
		}
	}
	states, err := state.List(ctx, js)
	if err != nil {
		return nil, fmt.Errorf("fetcher: %w", err)
	}
	for _, st := range states {
		h := st.Health()
		fs := byID[h.ID]
		if fs == nil {
			fs = &FeedStatus{}
			byID[h.ID] = fs
		}
		fs.FeedHealth = *h
	}
	out := make([]FeedStatus, 0, len(byID))
	for _, fs := range byID {
		out = append(out, *fs)
	}
	slices.SortFunc(out, func(a, b FeedStatus) int { return strings.Compare(a.FeedURL, b.FeedURL) })
	return out, nil
}

// Document publishes a fetched document. A document that breaks the contract
// (an empty body, say) is dead-lettered instead.
func (s *Service) Document(ctx context.Context, d *events.RawDocument) error {
	msg, err := events.Encode(events.StageFetcher, events.RawSubject(d.Source.Kind), d, s.now())
	if err != nil {
		return s.Failure(ctx, d.Source, events.ReasonInvalid, err)
	}
	if int64(len(msg.Data)) > events.DefaultMaxMsgSize {
		return s.Failure(ctx, d.Source, events.ReasonTooLarge, fmt.Errorf("encoded document is %d bytes", len(msg.Data)))
	}
	dup, err := s.pub.Publish(ctx, msg)
	if err != nil {
		return fmt.Errorf("fetcher: publishing %s: %w", d.ID, err)
	}
	if dup {
		s.duplicates.Add(1)
	} else {
		s.published.Add(1)
		s.cfg.Ops.Processed(events.StageFetcher)
		if d.Source.FeedURL != "" {
			s.metrics.items.WithLabelValues(d.Source.FeedURL).Inc()
		}
	}
	s.log.Debug("published", zap.String("doc_id", d.ID), zap.Bool("duplicate", dup))
	if s.cfg.OnPublished != nil {
		s.cfg.OnPublished(d.ID, dup)
	}
	return nil
}

// FeedFile reads a feed file found in an input directory like a fetched
// feed.
func (s *Service) FeedFile(ctx context.Context, path string, body []byte) error {
	s.mu.Lock()
	p := s.poller
	s.mu.Unlock()
	return p.FeedFile(ctx, path, body)
}

// Health publishes a feed's health report on news.feed.health.<feed-id>.
func (s *Service) Health(ctx context.Context, h *events.FeedHealth) error {
	msg, err := events.Encode(events.StageFetcher, events.FeedHealthSubject(h.ID), h, s.now())
	if err != nil {
		return err
	}
	if _, err := s.pub.Publish(ctx, msg); err != nil {
		return fmt.Errorf("fetcher: publishing the health of %s: %w", h.FeedURL, err)
	}
	return nil
}

// Failure dead-letters a source that could not become a document.
func (s *Service) Failure(ctx context.Context, src events.Source, reason string, cause error) error {
	now := s.now()
	id := events.DocumentID(src)
	where := src.Path
	if where == "" {
		where = src.URL
	}
	dl := &events.DeadLetter{
		Schema:   events.SchemaDeadLetter,
		ID:       events.DeadLetterID(events.StageFetcher, "", uint64(now.UnixNano()), where),
		Stage:    events.StageFetcher,
		Reason:   reason,
		Error:    cause.Error(),
		Document: id,
		Subject:  events.RawSubject(src.Kind),
		Headers:  map[string][]string{"source": {where}},
		FailedAt: now.UTC(),
	}
	if src.FeedURL != "" {
		dl.Headers["feed"] = []string{src.FeedURL}
	}
	msg, err := stage.DeadLetterMsg(dl, now)
	if err != nil {
		return err
	}
	if _, err := s.pub.Publish(ctx, msg); err != nil {
		return fmt.Errorf("fetcher: dead-lettering %s: %w", where, err)
	}
	s.failed.Add(1)
	s.cfg.Ops.Failed(events.StageFetcher, reason)
	s.cfg.Ops.DeadLettered(events.StageFetcher, reason)
	s.log.Warn("dead-lettered", zap.String("doc_id", id), zap.String("source", where),
		zap.String("reason", reason), zap.Error(cause))
	if s.cfg.OnFailed != nil {
		s.cfg.OnFailed(id)
	}
	return nil
}

// FileDocument reads one article file into a raw document, as the fetcher
// would publish it. maxBytes caps its size after decompression (0: the
// default cap).
func FileDocument(path string, maxBytes int64, now time.Time) (*events.RawDocument, error) {
	if maxBytes == 0 {
		maxBytes = DefaultMaxBytes
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("fetcher: resolving %s: %w", path, err)
	}
	body, err := files.Read(abs, maxBytes)
	if err != nil {
		return nil, err
	}
	ctype, ok := files.ContentType(abs)
	if !ok {
		// Not named like an article file: judge by the content.
		ctype, _, _ = strings.Cut(http.DetectContentType(body), ";")
	}
	src := events.Source{Kind: events.SourceFile, Path: abs}
	return &events.RawDocument{
		Schema: events.SchemaRawDocument, ID: events.DocumentID(src), Source: src, FetchedAt: now.UTC(),
		ContentType: ctype, Body: body, ContentHash: events.BytesHash(body),
	}, nil
}
