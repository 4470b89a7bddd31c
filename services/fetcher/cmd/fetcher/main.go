// Command fetcher runs the wirewatch fetcher stage against a NATS server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/time/rate"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/pkg/stage"
	"github.com/wirewatch/wirewatch/services/fetcher"
)

// version is the fetcher's version, set at build time with -ldflags; the
// User-Agent names it.
var version = "dev"

func main() {
	var cfg fetcher.Config
	var in, feeds, allowHosts list
	var contact *string
	var hostRate *float64
	var fromEnv envReader
	stage.Main(stage.Service{
		Name:    "fetcher",
		Streams: []string{events.StreamRaw, events.StreamFeeds, events.StreamDLQ},
		Flags: func(fs *flag.FlagSet, getenv func(string) string) {
			fromEnv = envReader{getenv: getenv}
			if v := getenv("WIREWATCH_INPUTS"); v != "" {
				in = filepath.SplitList(v)
			}
			feeds = strings.Fields(getenv("WIREWATCH_FEED_URLS"))
			allowHosts = hostList(getenv("WIREWATCH_ALLOW_HOSTS"))
			fs.Var(&in, "input", "input `directory` of article and feed files, repeatable (env WIREWATCH_INPUTS, a path list)")
			fs.Var(&feeds, "feed", "feed `URL` to poll, repeatable (env WIREWATCH_FEED_URLS, space-separated)")
			fs.StringVar(&cfg.FeedsFile, "feeds", getenv("WIREWATCH_FEEDS_FILE"), "`file` of feed URLs, one a line, or OPML (env WIREWATCH_FEEDS_FILE)")
			fs.BoolVar(&cfg.Watch, "watch", fromEnv.bool("WIREWATCH_WATCH"), "keep watching the inputs and polling the feeds, following the WIREWATCH_FEEDS bucket (env WIREWATCH_WATCH=true)")
			fs.DurationVar(&cfg.PollInterval, "poll-interval", 0, "how often watched inputs are scanned (default 2s)")
			fs.Int64Var(&cfg.MaxBytes, "max-bytes", fetcher.DefaultMaxBytes, "largest document published, in bytes")
			fs.BoolVar(&cfg.AllowPrivate, "allow-private", fromEnv.bool("WIREWATCH_ALLOW_PRIVATE"), "let fetches reach private and loopback addresses, for tests and local demos (env WIREWATCH_ALLOW_PRIVATE=true)")
			fs.Func("allow-host", "`host` or host:port that may resolve to private and loopback addresses while the guard stays on for every other host, repeatable (env WIREWATCH_ALLOW_HOSTS, space- or comma-separated)", func(v string) error {
				allowHosts = append(allowHosts, hostList(v)...)
				return nil
			})
			contact = fs.String("contact", envOr(getenv, "WIREWATCH_CONTACT", fetcher.DefaultContact), "contact `URL` named in the User-Agent (env WIREWATCH_CONTACT)")
			fs.StringVar(&cfg.UserAgent, "user-agent", getenv("WIREWATCH_USER_AGENT"), "User-Agent, replacing \"wirewatch/<version> (+<contact>)\" (env WIREWATCH_USER_AGENT)")
			fs.DurationVar(&cfg.MinInterval, "min-interval", fromEnv.duration("WIREWATCH_MIN_INTERVAL", fetcher.DefaultMinInterval), "shortest time between two polls of a feed (env WIREWATCH_MIN_INTERVAL)")
			fs.DurationVar(&cfg.MaxInterval, "max-interval", fromEnv.duration("WIREWATCH_MAX_INTERVAL", fetcher.DefaultMaxInterval), "longest time between two polls of a feed (env WIREWATCH_MAX_INTERVAL)")
			fs.IntVar(&cfg.FeedConcurrency, "feed-concurrency", fetcher.DefaultFeedConcurrency, "feeds polled at once")
			fs.IntVar(&cfg.HostConcurrency, "host-concurrency", fetcher.DefaultHostConcurrency, "requests in flight to one host")
			hostRate = fs.Float64("host-rate", float64(fetcher.DefaultHostRate), "requests started per second to one host (inf: no limit)")
			fs.DurationVar(&cfg.SeenTTL, "seen-ttl", fetcher.DefaultSeenTTL, "how long a handled feed item is remembered")
			fs.DurationVar(&cfg.MaxCrawlDelay, "max-crawl-delay", fromEnv.duration("WIREWATCH_MAX_CRAWL_DELAY", fetcher.DefaultMaxCrawlDelay), "cap on the Crawl-delay a host's robots.txt asks for; negative ignores Crawl-delay (env WIREWATCH_MAX_CRAWL_DELAY)")
			fs.IntVar(&cfg.FeedMoveAfter, "feed-move-after", fromEnv.int("WIREWATCH_FEED_MOVE_AFTER", fetcher.DefaultFeedMoveAfter), "successful polls in a row redirected permanently to one URL before a feed moves there; negative only reports it (env WIREWATCH_FEED_MOVE_AFTER)")
			fs.StringVar(&cfg.Replica, "replica", getenv("WIREWATCH_REPLICA"), "name of this replica in feed leases (default host/pid/start) (env WIREWATCH_REPLICA)")
		},
		Check: func(c stage.Common) error {
			cfg.Inputs = in
			cfg.Feeds = feeds
			cfg.AllowHosts = allowHosts
			cfg.HostRate = rate.Limit(*hostRate)
			cfg.KVReplicas = c.Replicas
			if cfg.UserAgent == "" {
				cfg.UserAgent = fetcher.UserAgent(version, *contact)
			}
			return errors.Join(append(fromEnv.errs, cfg.Validate())...)
		},
		Run: func(ctx context.Context, env stage.Env) error {
			cfg.Ops = env.Ops
			svc, err := fetcher.New(env.JS, cfg, env.Log)
			if err != nil {
				return err
			}
			return svc.Run(ctx)
		},
	})
}

// list is a repeatable flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, " ") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// hostList splits a list of hosts at spaces and commas.
func hostList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// envReader reads typed defaults from the environment, keeping every
// malformed value as an error for Check to report with the rest.
type envReader struct {
	getenv func(string) string
	errs   []error
}

func (e *envReader) bool(key string) bool {
	v := e.getenv(key)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s %q is not a boolean", key, v))
	}
	return b
}

func (e *envReader) int(key string, def int) int {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s %q is not a whole number", key, v))
		return def
	}
	return n
}

func (e *envReader) duration(key string, def time.Duration) time.Duration {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s %q is not a duration such as 90s or 5m", key, v))
		return def
	}
	return d
}
