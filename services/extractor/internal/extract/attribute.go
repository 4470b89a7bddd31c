package extract

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/attribution"
	"github.com/wirewatch/wirewatch/services/extractor/internal/boilerplate"
	"github.com/wirewatch/wirewatch/services/extractor/internal/textnorm"
)

// datelineParagraphs is how many paragraphs from the start a dateline is
// looked for in: a caption or standfirst may come before it.
const datelineParagraphs = 2

// checkEvery is how many blocks are processed between context checks.
const checkEvery = 256

// maxAuthors caps the authors taken from bylines and feed items.
const maxAuthors = 10

// namedClaim is a name the page gives (a news agency, an organisation
// credited as author) and where it was found.
type namedClaim struct {
	name, from string
}

// attribute takes bylines, datelines, wire credits, page furniture and
// blocks without a letter or digit out of blocks and records what they say
// in a. The wire is taken, in order, from a
// dateline, a byline, the page's metadata (pageWire), a credit line, and a
// Reuters-style "(Reporting by ...; Editing by ...)" trailer.
func attribute(ctx context.Context, a *events.Article, blocks []block, pageWire namedClaim) ([]block, error) {
	var (
		bylineWire, creditWire namedClaim
		houseStyle             bool
		authors                []string
	)
	out := blocks[:0]
	paras := 0
	for i, b := range blocks {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if strings.IndexFunc(b.text, isWordRune) < 0 || boilerplate.Line(b.text) {
			continue
		}
		if b.kind == events.BlockParagraph || b.kind == events.BlockHeading {
			if len(out) < nameLineBlocks && namesOnly(b.text, a.Authors) {
				// The byline of a page that names its authors in its
				// metadata, without "By": <div class="author">.
				continue
			}
			if by, ok := attribution.ParseByline(b.text); ok {
				authors = append(authors, by.Authors...)
				if by.Wire != "" && bylineWire.name == "" {
					bylineWire = namedClaim{by.Wire, events.FromByline}
				}
				continue
			}
		}
		if c, ok := attribution.ParseCredit(b.text); ok {
			if c.Wire != "" && creditWire.name == "" {
				creditWire = namedClaim{c.Wire, events.FromText}
			}
			houseStyle = houseStyle || c.HouseStyle
			continue
		}
		if b.kind == events.BlockParagraph && paras < datelineParagraphs && a.Dateline == "" {
			paras++
			if dl, ok := attribution.ParseDateline(b.text); ok {
				a.Dateline = dl.Place
				a.Provenance["dateline"] = events.FromDateline
				if dl.Wire != "" {
					a.Wire = dl.Wire
					a.Provenance["wire"] = events.FromDateline
				}
				b.text = dl.Rest
				if strings.IndexFunc(b.text, isWordRune) < 0 {
					continue
				}
			}
		}
		out = append(out, b)
	}
	if len(a.Authors) == 0 {
		if a.Authors = dedupe(authors, maxAuthors); len(a.Authors) > 0 {
			a.Provenance["authors"] = events.FromByline
		}
	}
	for _, w := range []namedClaim{bylineWire, pageWire, creditWire} {
		if a.Wire == "" && w.name != "" {
			a.Wire = w.name
			a.Provenance["wire"] = w.from
		}
	}
	if a.Wire == "" && houseStyle {
		a.Wire = "Reuters"
		a.Provenance["wire"] = events.FromText
	}
	return out, nil
}

// maxFeedLag is how much earlier than its feed item a page may date
// itself: an older date is an archive or template date, not the story's.
const maxFeedLag = 365 * 24 * time.Hour

// fromFeedItem fills what the document lacked from what its feed said, and
// checks the page's dates against the feed's: a page dated more than a
// year before its feed item takes the item's date, and a modification
// date before the publication date is dropped.
func fromFeedItem(a *events.Article, item *events.FeedItem, now time.Time) {
	if item != nil {
		fillFromFeedItem(a, item, now)
	}
	if a.ModifiedAt != nil && a.PublishedAt != nil && a.ModifiedAt.Before(*a.PublishedAt) {
		a.ModifiedAt = nil
		delete(a.Provenance, "modified_at")
	}
}

func fillFromFeedItem(a *events.Article, item *events.FeedItem, now time.Time) {
	set(a, "title", &a.Title, textnorm.Line(item.Title), events.FromFeedItem)
	if len(a.Authors) == 0 {
		var names []string
		for _, n := range item.Authors {
			found, wire := attribution.ParseAuthors(textnorm.Line(n), attribution.Structured)
			names = append(names, found...)
			if wire != "" && a.Wire == "" {
				a.Wire = wire
				a.Provenance["wire"] = events.FromFeedItem
			}
		}
		if a.Authors = dedupe(names, maxAuthors); len(a.Authors) > 0 {
			a.Provenance["authors"] = events.FromFeedItem
		}
	}
	if item.Published != nil && !item.Published.IsZero() && !item.Published.After(now) {
		stale := a.PublishedAt != nil && a.PublishedAt.Before(item.Published.Add(-maxFeedLag))
		if a.PublishedAt == nil || stale {
			t := *item.Published
			a.PublishedAt = &t
			a.Provenance["published_at"] = events.FromFeedItem
		}
	}
	if a.ModifiedAt == nil && item.Updated != nil && !item.Updated.IsZero() && !item.Updated.After(now) {
		t := *item.Updated
		a.ModifiedAt = &t
		a.Provenance["modified_at"] = events.FromFeedItem
	}
	set(a, "description", &a.Description, summaryText(item.Summary), events.FromFeedItem)
	set(a, "site_name", &a.SiteName, textnorm.Line(item.FeedTitle), events.FromFeedItem)
	if len(a.Tags) == 0 {
		var tags []string
		for _, c := range item.Categories {
			tags = append(tags, textnorm.Line(c))
		}
		if a.Tags = dedupe(tags, 20); len(a.Tags) > 0 {
			a.Provenance["tags"] = events.FromFeedItem
		}
	}
}

// maxSummaryRunes caps a description taken from a feed summary.
const maxSummaryRunes = 1000

// summaryText returns the text of a feed summary, which may be HTML.
func summaryText(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		return clip(textnorm.Line(html.UnescapeString(s)), maxSummaryRunes)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for b.Len() < maxSummaryRunes*4 {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.TextToken {
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
	return clip(textnorm.Line(b.String()), maxSummaryRunes)
}

// nameLineBlocks is how many blocks from the start a line that only names
// the authors is taken for a byline: further down, a name alone is a
// subheading or a caption.
const nameLineBlocks = 3

// namesOnly reports whether line names the authors and nothing else: one of
// them, or several joined by commas, "and" or "&" ("Elin Vik", "Elin Vik
// and Jon Berg").
func namesOnly(line string, authors []string) bool {
	if len(authors) == 0 || utf8.RuneCountInString(line) > 200 {
		return false
	}
	known := make(map[string]bool, len(authors))
	for _, n := range authors {
		known[nameKey(n)] = true
	}
	line = strings.NewReplacer(" and ", ",", " & ", ",", ";", ",").Replace(line)
	parts := strings.Split(line, ",")
	for _, p := range parts {
		if !known[nameKey(p)] {
			return false
		}
	}
	return true
}

// nameKey is a name as namesOnly compares it: lower case, single spaces,
// no punctuation around it.
func nameKey(name string) string {
	name = strings.TrimFunc(name, func(r rune) bool { return !unicode.IsLetter(r) })
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// dedupe returns names without empty and repeated (case-insensitively)
// entries, at most max of them.
func dedupe(names []string, max int) []string {
	var out []string
	seen := make(map[string]bool)
	for _, n := range names {
		k := strings.ToLower(n)
		if n == "" || seen[k] {
			continue
		}
		if len(out) == max {
			break
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}

// Title fallback limits: a title made from the text is its first sentence,
// cut at a word boundary to about titleRunes runes.
const (
	titleRunes    = 110
	minTitleRunes = 40
)

// titleFromText makes a title from the first sentence of the first
// paragraph (or of the first block, when there is no paragraph).
func titleFromText(blocks []block) string {
	text := blocks[0].text
	for _, b := range blocks {
		if b.kind == events.BlockParagraph {
			text = b.text
			break
		}
	}
	s := firstSentence(text)
	if utf8.RuneCountInString(s) <= titleRunes {
		if t := strings.TrimRight(s, ". "); t != "" {
			return t
		}
		return s
	}
	cut := clip(s, titleRunes)
	if i := strings.LastIndexByte(cut, ' '); i > 0 && utf8.RuneCountInString(cut[:i]) >= minTitleRunes {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—(", r)
	}) + "…"
}

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "capt": true,
	"gov": true, "sen": true, "rep": true, "rev": true, "jr": true, "sr": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "no": true, "nos": true, "inc": true,
	"co": true, "corp": true, "ltd": true, "vs": true, "etc": true,
	"approx": true, "mt": true, "ft": true, "fig": true, "est": true,
	"dept": true, "univ": true, "ave": true,
}

// firstSentence returns the first sentence of s: up to a ".", "!" or "?"
// (and any closing quotes) followed by a space and a capital, a digit or an
// opening quote, where the word before a period is not an abbreviation, an
// initial or an acronym ("U.S.").
func firstSentence(s string) string {
	for i, r := range s {
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		end := i + 1
		for end < len(s) {
			q, size := utf8.DecodeRuneInString(s[end:])
			if !unicode.In(q, unicode.Pf, unicode.Pe) && q != '"' && q != '\'' {
				break
			}
			end += size
		}
		if end >= len(s) || s[end] != ' ' {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[end+1:])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !unicode.In(next, unicode.Pi, unicode.Ps) && next != '"' {
			continue
		}
		if r == '.' && !endsSentence(s[:i]) {
			continue
		}
		if strings.IndexFunc(s[:i], isWordRune) < 0 {
			continue
		}
		return s[:end]
	}
	return s
}

// endsSentence reports whether the word before a period (the end of s) can
// end a sentence.
func endsSentence(s string) bool {
	word := s[strings.LastIndexFunc(s, unicode.IsSpace)+1:]
	word = strings.TrimLeftFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if word == "" {
		return true
	}
	if strings.Contains(word, ".") || utf8.RuneCountInString(word) == 1 {
		return false
	}
	return !abbreviations[strings.ToLower(word)]
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
