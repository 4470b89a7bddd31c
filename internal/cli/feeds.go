package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/wirewatch/wirewatch/services/fetcher"
)

const feedsUsage = `Usage:
  wirewatch feeds add URL...
  wirewatch feeds remove URL...
  wirewatch feeds list [--json]

add puts feeds in the run-time feed list (the fetcher's KV bucket
WIREWATCH_FEEDS): every watching fetcher starts polling them, without a
restart. remove takes them out again; feeds given to a fetcher with --feed or
--feeds are removed there. list shows the feeds of the list and every feed a
fetcher has polled, with its health: last success, error streak, next poll,
and where a permanent redirect moved it.
`

// feedsVerb manages the run-time feed list of running fetchers.
func feedsVerb(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "remove" && args[0] != "list") {
		fmt.Fprint(env.Stderr, feedsUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return errors.New("feeds: want 'add', 'remove' or 'list'")
	}
	sub := args[0]
	fs := flag.NewFlagSet("feeds "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), feedsUsage+"\n"); fs.PrintDefaults() }
	natsOpts := natsFlags(fs, env)
	asJSON := fs.Bool("json", false, "list: print each feed as a JSON line (its health report and whether it is listed)")
	// Flags may come after the URLs too: `feeds add URL --nats X` must
	// not add URL to the default server and then take --nats for a URL.
	urls, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case sub == "list" && len(urls) > 0:
		return fmt.Errorf("feeds list: unexpected arguments %q", urls)
	case sub != "list" && len(urls) == 0:
		return fmt.Errorf("feeds %s: no URL given", sub)
	case sub != "list" && *asJSON:
		return fmt.Errorf("feeds %s: --json applies to list only", sub)
	}
	nc, js, err := connect(natsOpts, "wirewatch-feeds")
	if err != nil {
		return err
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	switch sub {
	case "add":
		for _, u := range urls {
			if err := fetcher.AddFeed(ctx, js, u); err != nil {
				return fmt.Errorf("feeds add: %w", err)
			}
			fmt.Fprintln(env.Stderr, "added", u)
		}
		return nil
	case "remove":
		var errs []error
		for _, u := range urls {
			if err := fetcher.RemoveFeed(ctx, js, u); err != nil {
				errs = append(errs, err)
				continue
			}
			fmt.Fprintln(env.Stderr, "removed", u)
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("feeds remove: %w", err)
		}
		return nil
	}
	feeds, err := fetcher.ListFeeds(ctx, js)
	if err != nil {
		return fmt.Errorf("feeds list: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		for _, f := range feeds {
			if err := enc.Encode(f); err != nil {
				return fmt.Errorf("feeds list: writing: %w", err)
			}
		}
		return nil
	}
	if err := printFeeds(env, feeds, time.Now()); err != nil {
		return fmt.Errorf("feeds list: writing: %w", err)
	}
	return nil
}

// printFeeds writes the feeds as a table, one line each, and a note under it
// for each feed that moved or is failing.
func printFeeds(env Env, feeds []fetcher.FeedStatus, now time.Time) error {
	if len(feeds) == 0 {
		fmt.Fprintln(env.Stderr, "no feeds: add one with 'wirewatch feeds add URL'")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tLISTED\tPOLLS\t304s\tERRORS\tSTREAK\tITEMS\tLAST SUCCESS\tNEXT POLL")
	for _, f := range feeds {
		listed := "no"
		if f.Listed {
			listed = "yes"
		}
		last, next := "never", "-"
		if f.LastSuccess != nil {
			last = ago(now, *f.LastSuccess)
		}
		if !f.NextPoll.IsZero() {
			next = until(now, f.NextPoll)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", f.FeedURL, listed, f.Polls, f.NotModified, f.Errors,
			f.ErrorStreak, f.Items, last, next)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Notes go under the table, where long URLs and errors do not widen it.
	for _, f := range feeds {
		if f.Location != "" {
			fmt.Fprintf(env.Stdout, "%s: moved permanently, now fetched from %s\n", f.FeedURL, f.Location)
		}
		if f.MovedTo != "" {
			fmt.Fprintf(env.Stdout, "%s: redirected permanently to %s on the last %d polls\n", f.FeedURL, f.MovedTo, f.MovedSeen)
		}
		if f.ErrorStreak > 0 && f.LastError != "" {
			fmt.Fprintf(env.Stdout, "%s: failing: %s\n", f.FeedURL, f.LastError)
		}
	}
	return nil
}

// ago says how long before now t was, roughly.
func ago(now, t time.Time) string {
	return roughly(now.Sub(t)) + " ago"
}

// until says how long after now t is, roughly.
func until(now, t time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "due"
	}
	return "in " + roughly(d)
}

func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + "h"
	}
	return strconv.Itoa(int(d.Hours()/24)) + "d"
}
