package htmltext

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// metaOf parses a page made of head and body at pageURL.
func metaOf(t *testing.T, pageURL, head, body string) Meta {
	t.Helper()
	page := "<html><head>" + head + "</head><body>" + body + "</body></html>"
	doc, err := Parse(context.Background(), []byte(page), Options{URL: pageURL, Now: now})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc.Meta
}

const storyURL = "https://www.dailyplanet.example/news/story"

// storyMeta parses a page of head and body, followed by a paragraph of
// article text, at pageURL, or at storyURL when pageURL is empty.
func storyMeta(t *testing.T, pageURL, head, body string) Meta {
	t.Helper()
	if pageURL == "" {
		pageURL = storyURL
	}
	return metaOf(t, pageURL, head, body+para)
}

// rfc3339 formats tm, or is empty when there is none.
func rfc3339(tm *time.Time) string {
	if tm == nil {
		return ""
	}
	return tm.Format(time.RFC3339)
}

// para is article text long enough for the page to have a main text.
const para = `<p>The council approved the budget on Monday after a long debate, with most members voting in favour of the plan.</p>`

func ld(js string) string { return `<script type="application/ld+json">` + js + `</script>` }

func TestJSONLDMeta(t *testing.T) {
	tests := []struct {
		name        string
		head        string
		wantTitle   string
		wantAuthors string
		wantWire    string
		wantDate    string
		wantSite    string
	}{
		{
			name:        "graph with author by reference",
			head:        ld(`{"@context":"https://schema.org","@graph":[{"@type":"Article","headline":"Budget passes","datePublished":"2025-08-05T10:00:00-04:00","author":{"@id":"#p1"}},{"@type":"Person","@id":"#p1","name":"Ann Lee"}]}`),
			wantTitle:   "Budget passes",
			wantAuthors: "Ann Lee",
			wantDate:    "2025-08-05T10:00:00-04:00",
		},
		{
			name:        "array of nested authors, organisation that is the site dropped",
			head:        `<meta property="og:site_name" content="The Daily Planet">` + ld(`{"@type":"NewsArticle","headline":"H","author":[{"@type":"Person","name":"Ann Lee"},[{"@type":"Person","name":"Bo Chen"}],{"@type":"Organization","name":"The Daily Planet"}]}`),
			wantTitle:   "H",
			wantAuthors: "Ann Lee|Bo Chen",
			wantSite:    "The Daily Planet",
		},
		{
			name:     "agency as author is the wire",
			head:     ld(`{"@type":"NewsArticle","headline":"H","author":{"@type":"Organization","name":"Associated Press"}}`),
			wantWire: "AP",
		},
		{
			name:     "agency as source organisation is the wire",
			head:     ld(`{"@type":"NewsArticle","headline":"H","author":{"@type":"Person","name":"Ann Lee"},"sourceOrganization":{"@type":"Organization","name":"Reuters"}}`),
			wantWire: "Reuters", wantAuthors: "Ann Lee",
		},
		{
			name:      "news article beats web page, web page fills the date",
			head:      ld(`[{"@type":"WebPage","name":"Page name | Planet","datePublished":"2025-08-01"},{"@type":"NewsArticle","headline":"Article headline"}]`),
			wantTitle: "Article headline",
			wantDate:  "2025-08-01T00:00:00Z",
		},
		{
			name:      "name when there is no headline",
			head:      ld(`{"@type":"BlogPosting","name":"Post name","dateCreated":"2025-07-30T08:00:00+02:00"}`),
			wantTitle: "Post name",
			wantDate:  "2025-07-30T08:00:00+02:00",
		},
		{
			name:        "entities escaped twice are decoded",
			head:        ld(`{"@type":"Article","headline":"Traveler&amp;#8217;s guide","author":{"@type":"Person","name":"Maria &amp; Katerina"}}`),
			wantTitle:   "Traveler’s guide",
			wantAuthors: "Maria|Katerina",
		},
		{
			name:      "the article of the page's own URL wins among several",
			head:      ld(`[{"@type":"NewsArticle","headline":"Other story","url":"https://www.dailyplanet.example/news/other"},{"@type":"NewsArticle","headline":"This story","url":"https://www.dailyplanet.example/news/story"}]`),
			wantTitle: "This story",
		},
		{
			name:      "broken script is skipped, the next read",
			head:      ld(`{"@type": "NewsArticle",`) + ld(`{"@type":"NewsArticle","headline":"Good one"}`),
			wantTitle: "Good one",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metaOf(t, storyURL, tt.head, para)
			if tt.wantTitle != "" && m.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", m.Title, tt.wantTitle)
			}
			if got := strings.Join(m.Authors, "|"); got != tt.wantAuthors {
				t.Errorf("authors = %q, want %q", got, tt.wantAuthors)
			}
			if m.Wire != tt.wantWire {
				t.Errorf("wire = %q, want %q", m.Wire, tt.wantWire)
			}
			if tt.wantWire != "" && m.Provenance["wire"] != events.FromJSONLD {
				t.Errorf("wire from %q, want %q", m.Provenance["wire"], events.FromJSONLD)
			}
			if tt.wantDate != "" && (m.PublishedAt == nil || m.PublishedAt.Format(time.RFC3339) != tt.wantDate) {
				t.Errorf("published = %v, want %s", m.PublishedAt, tt.wantDate)
			}
			if tt.wantSite != "" && m.SiteName != tt.wantSite {
				t.Errorf("site = %q, want %q", m.SiteName, tt.wantSite)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		head     string
		body     string
		want     string
		wantFrom string
	}{
		{
			name:     "shown headline beats a decorated og:title",
			head:     `<meta property="og:title" content="Best budget phones of 2025 | Top 10 picks">`,
			body:     `<h1>The best budget phones of 2025</h1>`,
			want:     "The best budget phones of 2025",
			wantFrom: events.FromHeading,
		},
		{
			name:     "the heading that matches the metadata among several",
			head:     `<title>Council passes budget | The Daily Planet</title>`,
			body:     `<h1>Latest news</h1><h1>Council passes budget</h1>`,
			want:     "Council passes budget",
			wantFrom: events.FromHeading,
		},
		{
			name:     "logo heading linking home is skipped",
			head:     `<meta property="og:title" content="Council passes budget">`,
			body:     `<h1><a href="/">Planet Weekly</a></h1><h1>Council passes the city budget</h1>`,
			want:     "Council passes the city budget",
			wantFrom: events.FromHeading,
		},
		{
			name:     "site name heading is skipped",
			head:     `<meta property="og:site_name" content="Planet Weekly"><meta property="og:title" content="Council passes budget">`,
			body:     `<h1>Planet Weekly</h1>`,
			want:     "Council passes budget",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "one-word label heading that matches nothing is skipped",
			head:     `<meta property="og:title" content="Council passes budget">`,
			body:     `<h1>Blog</h1>`,
			want:     "Council passes budget",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "site prefix with a colon",
			head:     `<title>Daily Planet: Council passes budget</title>`,
			want:     "Council passes budget",
			wantFrom: events.FromTitleTag,
		},
		{
			name:     "section of the URL as a suffix",
			url:      "https://www.example.org/opinion/2025/08/01/budget",
			head:     `<meta property="og:title" content="Why the budget matters | Opinion">`,
			want:     "Why the budget matters",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "host with a prefix label",
			url:      "https://www.getplanet.example/news/budget",
			head:     `<title>Council passes budget | Planet</title>`,
			want:     "Council passes budget",
			wantFrom: events.FromTitleTag,
		},
		{
			name:     "heading with a date before the title gives way to the title",
			head:     `<meta property="og:site_name" content="Ann's blog"><title>Preparing a transition | Ann's blog</title>`,
			body:     `<h1>Aug 1 2025 Preparing a transition</h1>`,
			want:     "Preparing a transition",
			wantFrom: events.FromTitleTag,
		},
		{
			name:     "headline laid out twice for phones and desktops is still the headline",
			head:     `<meta property="og:title" content="Council passes budget | Planet">`,
			body:     `<div class="mobile"><h1>Council passes the city budget</h1><p>By Ann Lee</p></div><div class="desktop"><h1>Council passes the city budget</h1></div>`,
			want:     "Council passes the city budget",
			wantFrom: events.FromHeading,
		},
		{
			name:     "site name repeated in headings is not the headline",
			head:     `<meta property="og:title" content="Council passes budget">`,
			body:     `<h1>Planet Weekly</h1><h1>Planet Weekly</h1>`,
			want:     "Council passes budget",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "site name holding the whole title is not a site name",
			head:     `<meta property="og:site_name" content="How to plan a budget | Planet"><meta property="og:title" content="How to plan a budget | Planet">`,
			body:     `<h1>How to plan a budget</h1>`,
			want:     "How to plan a budget",
			wantFrom: events.FromHeading,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := storyMeta(t, tt.url, tt.head, tt.body)
			if m.Title != tt.want || m.Provenance["title"] != tt.wantFrom {
				t.Errorf("title = %q from %q, want %q from %q", m.Title, m.Provenance["title"], tt.want, tt.wantFrom)
			}
		})
	}
}

func TestAuthors(t *testing.T) {
	tests := []struct {
		name     string
		head     string
		body     string
		want     string
		wantFrom string
		wantWire string
	}{
		{
			name:     "meta author with a first name only",
			head:     `<meta name="author" content="Kristin">`,
			want:     "Kristin",
			wantFrom: events.FromMeta,
		},
		{
			name:     "meta author with credentials and an e-mail",
			head:     `<meta name="author" content="Doris Munoz, MD, FOMA (doris@example.org)">`,
			want:     "Doris Munoz",
			wantFrom: events.FromMeta,
		},
		{
			name:     "twitter label written by",
			head:     `<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" content="Ann Lee">`,
			want:     "Ann Lee",
			wantFrom: events.FromMeta,
		},
		{
			name:     "itemprop author with a name inside",
			body:     `<h1>Council passes budget</h1><div itemprop="author" itemscope><span itemprop="name">Ann Lee</span><span itemprop="jobTitle">Reporter</span></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "byline class with a job title after the name",
			body:     `<h1>Council passes budget</h1><div class="post-author"><span>Ann Lee</span><span>Senior Analyst</span></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "written-by label with the name in the next element",
			body:     `<h1>Council passes budget</h1><div><p>Written by</p><p><a href="/people/ann">Ann Lee</a></p></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "by text near the headline, two authors, agency after a comma",
			body:     `<h1>Council passes budget</h1><p>By Ann Lee and Bo Chen, Reuters</p>`,
			want:     "Ann Lee|Bo Chen",
			wantFrom: events.FromByline,
			wantWire: "Reuters",
		},
		{
			name:     "author link by its path, with a section after a bar",
			body:     `<h1>Council passes budget</h1><div>by <a href="/author/ann-lee/">Ann Lee</a> | Aug 1, 2025 | Politics</div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "byline nearest the headline beats an author box of another story",
			body:     `<h1>Council passes budget</h1><span class="author">Ann Lee</span>` + para + `<div class="related"><span class="author">Cy Dee</span></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "a user name in the metadata gives way to a byline's full name",
			head:     ld(`{"@type":"Article","headline":"H","author":{"@type":"Person","name":"alee"}}`),
			body:     `<h1>H</h1><span class="byline">By Ann Lee</span>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "a byline naming the same people and more wins",
			head:     `<meta name="author" content="Ann Lee">`,
			body:     `<h1>H</h1><div class="authors">Ann Lee, Bo Chen and Cy Dee</div>`,
			want:     "Ann Lee|Bo Chen|Cy Dee",
			wantFrom: events.FromByline,
		},
		{
			name: "page controls in an author box are not names",
			body: `<h1>H</h1><div class="author-box"><a>Member Login</a></div>`,
			want: "",
		},
		{
			name: "the site as author is dropped",
			head: `<meta property="og:site_name" content="Daily Planet News"><meta name="author" content="Daily Planet News">`,
			want: "",
		},
		{
			name:     "a personal site's owner is kept",
			head:     `<meta property="og:site_name" content="Ann Lee"><meta name="author" content="Ann Lee">`,
			want:     "Ann Lee",
			wantFrom: events.FromMeta,
		},
		{
			name:     "citation authors are last name first",
			head:     `<meta name="citation_author" content="Lee, Ann"><meta name="citation_author" content="Chen, Bo">`,
			want:     "Ann Lee|Bo Chen",
			wantFrom: events.FromMeta,
		},
		{
			name:     "by with a colon, the name and the date split by comments",
			body:     `<h1>Council passes budget</h1><p>by: <!-- -->Ann Lee<!-- -->,<!-- --> <!-- -->Dec 17, 2025</p>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "byline after a date and a reading time",
			body:     `<h1>Council passes budget</h1><p>March 15, 2022 · 3 min read · <span>By Ann Lee</span></p>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "author link holds the name a job title runs into",
			body:     `<h1>Council passes budget</h1><div class="author-info">Written By: <a href="/authors/ann-lee">Ann Lee</a> Executive Digital Editor and Master Gardener</div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "an editor's link beside the byline is not an author",
			body:     `<h1>Council passes budget</h1><div class="author-info">By <a href="/authors/ann-lee">Ann Lee</a> | Edited by <a href="/authors/bo-chen">Bo Chen</a></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "byline in a section placed under the menu",
			body:     `<div class="shopify-section under-menu"><h1>Council passes budget</h1><div class="author">Ann Lee</div></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name:     "RDFa author with a name inside",
			body:     `<h1>Council passes budget</h1><div vocab="https://schema.org/" typeof="Article"><span property="author" typeof="Person"><span property="name">Ann Lee</span>, <span property="jobTitle">Reporter</span></span></div>`,
			want:     "Ann Lee",
			wantFrom: events.FromByline,
		},
		{
			name: "template placeholder in the author tag",
			head: `<meta name="author" content="page.head.extra.author">`,
			want: "",
		},
		{
			name: "names in comments are not the article's",
			body: `<h1>H</h1>` + para + `<section id="comments"><p>By Cy Dee</p><span class="comment-author">Cy Dee</span></section>`,
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := storyMeta(t, "", tt.head, tt.body)
			got := strings.Join(m.Authors, "|")
			if got != tt.want || m.Provenance["authors"] != tt.wantFrom {
				t.Errorf("authors = %q from %q, want %q from %q", got, m.Provenance["authors"], tt.want, tt.wantFrom)
			}
			if m.Wire != tt.wantWire {
				t.Errorf("wire = %q, want %q", m.Wire, tt.wantWire)
			}
		})
	}
}

// TestAuthorCredit covers the organisation or team a page credits as its
// author, kept apart from the people it names, and the rules that choose
// between a visible byline and the metadata.
func TestAuthorCredit(t *testing.T) {
	tests := []struct {
		name           string
		url            string
		head           string
		body           string
		want           string
		wantCredit     string
		wantCreditFrom string
	}{
		{
			name:           "site named as author is the credit",
			head:           `<meta property="og:site_name" content="Supermove"><meta name="author" content="Supermove">`,
			wantCredit:     "Supermove",
			wantCreditFrom: events.FromMeta,
		},
		{
			name:           "organisation in JSON-LD that is the site is the credit",
			head:           `<meta property="og:site_name" content="Swoogo">` + ld(`{"@type":"BlogPosting","headline":"H","author":{"@type":"Organization","name":"Swoogo"}}`),
			wantCredit:     "Swoogo",
			wantCreditFrom: events.FromJSONLD,
		},
		{
			name:           "generic desk byline is the credit",
			body:           `<h1>Budget passes</h1><div class="author">by News Desk</div>`,
			wantCredit:     "News Desk",
			wantCreditFrom: events.FromByline,
		},
		{
			name:           "team byline beside the headline beats a JSON-LD person",
			head:           ld(`{"@type":"BlogPosting","headline":"H","author":{"@type":"Person","name":"Thao Dinh"}}`),
			body:           `<h1>Budget passes</h1><div class="post-author">Everfit Team</div>`,
			wantCredit:     "Everfit Team",
			wantCreditFrom: events.FromByline,
		},
		{
			name: "visible byline beats a meta author naming someone else",
			head: `<meta name="author" content="Stef Keegan">`,
			body: `<h1>Budget passes</h1><div class="byline">By Lizzie Streit</div>`,
			want: "Lizzie Streit",
		},
		{
			name: "meta author kept when the byline names them with a title",
			head: `<meta name="author" content="Chirag Bhardwaj">`,
			body: `<h1>Budget passes</h1><div class="byline">Chirag Bhardwaj VP</div>`,
			want: "Chirag Bhardwaj",
		},
		{
			name: "reviewer link is not a byline",
			head: `<meta name="author" content="Lisa Greene-Lewis">`,
			body: `<h1>Budget passes</h1><span>Reviewed by</span><a class="entry-byline-reviewer-link" href="/author/kkatt/">Kristina Katt</a>`,
			want: "Lisa Greene-Lewis",
		},
		{
			name: "unmarked name before the date beside the headline",
			body: `<h1>Budget passes</h1><p>Aaron Ricadela | Senior Writer | July 2, 2025</p>`,
			want: "Aaron Ricadela",
		},
		{
			name: "breadcrumb before a date names no one",
			body: `<h1>Budget passes</h1><p>Home | News | July 2, 2025</p>`,
		},
		{
			name:           "personal site named twice after its owner",
			body:           `<header><a href="/">Pierce Freeman</a></header><h1>Budget passes</h1><footer><a href="/">Pierce Freeman</a></footer>`,
			wantCredit:     "Pierce Freeman",
			wantCreditFrom: events.FromMeta,
		},
		{
			name: "business named twice is not a person",
			body: `<header><a href="/">Acme Media</a></header><h1>Budget passes</h1><footer><p>© 2025 Acme Media</p></footer>`,
		},
		{
			name:           "byline crediting the site after a date and a reading time",
			head:           `<meta property="og:site_name" content="Planet Online">`,
			body:           `<h1>Budget passes</h1><p>March 15, 2022 · 3 min read · <span>By Planet Online</span></p>`,
			wantCredit:     "Planet Online",
			wantCreditFrom: events.FromByline,
		},
		{
			name:           "site's team credited in a by label and the next element",
			url:            "https://www.meetingplanet.example/blog/budget",
			body:           `<h1>Budget passes</h1><div class="post-card__meta"><div>By</div><div>The Meetingplanet Team</div><div>|</div><div>6 mins</div></div>`,
			wantCredit:     "The Meetingplanet Team",
			wantCreditFrom: events.FromByline,
		},
		{
			name:           "author box far below the headline crediting the site",
			head:           `<meta property="og:site_name" content="Facet">`,
			body:           `<h1>Budget passes</h1>` + strings.Repeat(para, 150) + `<div class="author-box"><a href="/author/facet/">Facet</a></div>`,
			wantCredit:     "Facet",
			wantCreditFrom: events.FromByline,
		},
		{
			name:       "a far author box does not credit over a person named in the metadata",
			head:       `<meta property="og:site_name" content="Facet"><meta name="author" content="Ann Lee">`,
			body:       `<h1>Budget passes</h1>` + strings.Repeat(para, 150) + `<div class="author-box"><a href="/author/facet/">Facet</a></div>`,
			want:       "Ann Lee",
			wantCredit: "",
		},
		{
			name:       "a person named anywhere leaves no credit to fall back on but keeps the person",
			head:       `<meta property="og:site_name" content="Supermove"><meta name="author" content="Ann Lee">`,
			want:       "Ann Lee",
			wantCredit: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := storyMeta(t, tt.url, tt.head, tt.body)
			if got := strings.Join(m.Authors, "|"); got != tt.want {
				t.Errorf("authors = %q, want %q", got, tt.want)
			}
			if m.Credit != tt.wantCredit || m.Provenance["credit"] != tt.wantCreditFrom {
				t.Errorf("credit = %q from %q, want %q from %q", m.Credit, m.Provenance["credit"], tt.wantCredit, tt.wantCreditFrom)
			}
		})
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		name         string
		url          string
		head         string
		body         string
		want         string
		wantFrom     string
		wantModified string
	}{
		{
			name:     "metadata date keeps its offset",
			head:     `<meta property="article:published_time" content="2025-08-05T23:30:00-04:00">`,
			want:     "2025-08-05T23:30:00-04:00",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "the date shown under the headline beats the metadata",
			head:     `<meta property="article:published_time" content="2025-01-02T10:00:00Z">`,
			body:     `<h1>Budget passes</h1><div class="meta"><span>August 4, 2025</span></div>`,
			want:     "2025-08-04T00:00:00Z",
			wantFrom: events.FromText,
		},
		{
			name:         "time element labelled as an update is not the publication date",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2025-07-01T00:00:00Z"}`) + `<meta property="article:published_time" content="2025-07-01T00:00:00Z">`,
			body:         `<h1>Budget passes</h1><time datetime="2025-07-17">Last Updated: Jul 17, 2025</time>`,
			want:         "2025-07-01T00:00:00Z",
			wantFrom:     events.FromJSONLD,
			wantModified: "2025-07-17T00:00:00Z",
		},
		{
			name:     "a date in a sentence beside the headline is not shown as the article's",
			head:     `<meta property="article:published_time" content="2025-07-24T06:31:58Z">`,
			body:     `<h1>Budget passes</h1><p>The nomination process is now open and runs through July 31, 2025.</p>`,
			want:     "2025-07-24T06:31:58Z",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "a byline line before the date is not a sentence",
			head:     `<meta property="article:published_time" content="2025-01-02T10:00:00Z">`,
			body:     `<h1>Budget passes</h1><p>Aaron Ricadela | Senior Writer | July 2, 2025</p>`,
			want:     "2025-07-02T00:00:00Z",
			wantFrom: events.FromText,
		},
		{
			name:         "shown update that is one of disagreeing publication dates",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2018-04-03T16:50:31Z","dateModified":"2025-07-19T18:06:00Z"}`) + `<meta property="article:published_time" content="2025-07-19T18:06:00Z">`,
			body:         `<h1>Budget passes</h1><time datetime="2025-07-19T18:06:00Z">Updated: Jul 19, 2025</time>`,
			want:         "2025-07-19T18:06:00Z",
			wantFrom:     events.FromOpenGraph,
			wantModified: "2025-07-19T18:06:00Z",
		},
		{
			name:     "metadata of the shown day gives the time",
			head:     `<meta property="article:published_time" content="2025-08-04T09:15:00+02:00">`,
			body:     `<h1>Budget passes</h1><p>4 Aug 2025</p>`,
			want:     "2025-08-04T09:15:00+02:00",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:         "a shown date labelled as an update does not replace the publication date",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2025-01-02T10:00:00Z"}`) + `<meta name="pubdate" content="2025-01-02">`,
			body:         `<h1>H</h1><p>Last updated</p><p>Aug 4, 2025</p>`,
			want:         "2025-01-02T10:00:00Z",
			wantFrom:     events.FromJSONLD,
			wantModified: "2025-08-04T00:00:00Z",
		},
		{
			name:         "a shown date that is the modified date is an update",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2025-01-02T10:00:00Z","dateModified":"2025-08-04T10:00:00Z"}`) + `<meta property="article:published_time" content="2025-01-02T10:00:00Z">`,
			body:         `<h1>H</h1><time datetime="2025-08-04T10:00:00Z">August 4, 2025</time>`,
			want:         "2025-01-02T10:00:00Z",
			wantFrom:     events.FromJSONLD,
			wantModified: "2025-08-04T10:00:00Z",
		},
		{
			name:     "the day a time element shows beats its UTC attribute",
			body:     `<h1>H</h1><time datetime="2025-08-05T02:00:00Z">Aug 4, 2025</time>`,
			want:     "2025-08-04T00:00:00Z",
			wantFrom: events.FromTimeElem,
		},
		{
			name:     "published then updated in one line: the published",
			body:     `<h1>H</h1><p>August 16, 2019 - Updated July 9, 2025</p>`,
			want:     "2019-08-16T00:00:00Z",
			wantFrom: events.FromText,
		},
		{
			name:         "update label split from its date by comments",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2024-02-27T10:00:00Z"}`) + `<meta property="article:published_time" content="2024-02-27T10:00:00Z">`,
			body:         `<h1>H</h1><p>Updated<!-- -->: <!-- -->July 04, 2025</p>`,
			want:         "2024-02-27T10:00:00Z",
			wantFrom:     events.FromJSONLD,
			wantModified: "2025-07-04T00:00:00Z",
		},
		{
			name:         "microdata marks a shown date as the modification",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2024-02-27T10:00:00Z"}`) + `<meta property="article:published_time" content="2024-02-27T10:00:00Z">`,
			body:         `<h1>H</h1><p itemprop="dateModified">July 4, 2025</p>`,
			want:         "2024-02-27T10:00:00Z",
			wantFrom:     events.FromJSONLD,
			wantModified: "2025-07-04T00:00:00Z",
		},
		{
			name:     "RDFa publication date",
			body:     `<h1>H</h1><span property="schema:datePublished" content="2025-05-02T08:00:00Z">May 2</span>`,
			want:     "2025-05-02T08:00:00Z",
			wantFrom: events.FromMeta,
		},
		{
			name:     "a time element whose text is months from its attribute keeps the attribute",
			body:     `<h1>H</h1><time datetime="2024-12-20">August 28, 2024</time>`,
			want:     "2024-12-20T00:00:00Z",
			wantFrom: events.FromTimeElem,
		},
		{
			name:     "JSON-LD written into a meta tag",
			head:     `<meta name="script:ld+json" content="{&quot;@type&quot;:&quot;Article&quot;,&quot;datePublished&quot;:&quot;2025-05-17T09:00:00-05:00&quot;}">`,
			want:     "2025-05-17T09:00:00-05:00",
			wantFrom: events.FromJSONLD,
		},
		{
			name:     "dates of a list of stories beside the headline are not the article's",
			head:     `<meta property="article:published_time" content="2023-11-21T19:57:53Z">`,
			body:     `<h1>H</h1><ul><li><a>Other story</a><span>Jul 18, 2025</span></li><li><a>Another</a><span>May 19, 2025</span></li><li><a>A third</a><span>Jul 11, 2025</span></li></ul>`,
			want:     "2023-11-21T19:57:53Z",
			wantFrom: events.FromOpenGraph,
		},
		{
			name:     "the month in the URL overrules a date of another month",
			url:      "https://www.dailyplanet.example/2025/06/budget-passes",
			body:     `<h1>H</h1><p>June 20, 2025</p><p>Published January 17, 2025</p>`,
			want:     "2025-06-20T00:00:00Z",
			wantFrom: events.FromText,
		},
		{
			name:     "the month in the URL tells day from month in a numeric date",
			url:      "https://www.dailyplanet.example/blog/2023/october/03/budget-passes",
			body:     `<h1>H</h1><p>03/10/2023</p>`,
			want:     "2023-10-03T00:00:00Z",
			wantFrom: events.FromText,
		},
		{
			name:     "a page that dates itself only at its foot",
			body:     `<h1>H</h1>` + strings.Repeat(para, 150) + `<p>April 8, 2024</p>`,
			want:     "2024-04-08T00:00:00Z",
			wantFrom: events.FromText,
		},
		{
			name:     "a page's own publication tag",
			head:     `<meta name="published-date" content="2025-07-17">`,
			want:     "2025-07-17T00:00:00Z",
			wantFrom: events.FromMeta,
		},
		{
			name:     "the URL date is the last resort",
			url:      "https://www.dailyplanet.example/2025/07/30/budget-passes",
			body:     `<h1>H</h1><p>Posted 3 hours ago</p>`,
			want:     "2025-07-30T00:00:00Z",
			wantFrom: events.FromURL,
		},
		{
			name:         "a modification before the publication is dropped",
			head:         `<meta property="article:published_time" content="2025-08-01T10:00:00Z"><meta property="article:modified_time" content="2025-07-01T10:00:00Z">`,
			want:         "2025-08-01T10:00:00Z",
			wantFrom:     events.FromOpenGraph,
			wantModified: "",
		},
		{
			name:         "a page that declares no publication date in its meta tags dates itself by the update it shows",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2021-08-12T19:35:44Z","dateModified":"2025-02-22T22:13:14Z"}`) + `<meta property="article:modified_time" content="2025-02-22T22:13:14Z">`,
			body:         `<h1>H</h1><div class="byline">Last Updated: 2025-02-22</div>`,
			want:         "2025-02-22T00:00:00Z",
			wantFrom:     events.FromText,
			wantModified: "2025-02-22T22:13:14Z",
		},
		{
			name:         "an update shown below a long byline box is still the date the page shows",
			head:         ld(`{"@type":"Article","headline":"H","datePublished":"2015-04-06T13:52:00Z"}`),
			body:         `<h1>H</h1><div class="author-box">` + strings.Repeat(`<div><span><a href="/team">Ann Lee</a></span></div>`, 15) + `</div><div class="date">Updated July 28, 2025</div>`,
			want:         "2025-07-28T00:00:00Z",
			wantFrom:     events.FromText,
			wantModified: "",
		},
		{
			name:         "microdata alone is not a declaration in the meta tags",
			head:         ld(`{"@type":"Article","headline":"H"}`),
			body:         `<div itemscope itemtype="https://schema.org/Article"><meta itemprop="datePublished" content="2024-11-22T22:28:12Z"><meta itemprop="dateModified" content="2025-07-08T21:33:14Z"><h1>H</h1><span>Updated <time datetime="2025-07-08">July 8, 2025</time></span></div>`,
			want:         "2025-07-08T00:00:00Z",
			wantFrom:     events.FromTimeElem,
			wantModified: "2025-07-08T21:33:14Z",
		},
		{
			name:         "a time element whose text says it is an update is one, whatever its class",
			head:         `<meta property="article:published_time" content="2023-10-02T14:21:11Z"><meta property="article:modified_time" content="2024-12-06T11:29:12Z">`,
			body:         `<h1>H</h1><span>By Ann Lee</span><time class="entry-date published" datetime="2024-12-06T11:29:12Z"><strong>Last Updated:</strong> December 6, 2024</time>`,
			want:         "2023-10-02T14:21:11Z",
			wantFrom:     events.FromOpenGraph,
			wantModified: "2024-12-06T11:29:12Z",
		},
		{
			name:     "metadata that disagrees on the publication date is settled by the date the page shows as published",
			head:     ld(`{"@type":"Article","headline":"H","datePublished":"2025-07-29T12:28:31-05:00"}`) + `<meta property="article:published_time" content="2025-05-08T10:00:00Z">`,
			body:     `<h1>H</h1>` + strings.Repeat(para, 60) + `<div>Published <time pubdate datetime="2025-05-13">May 13, 2025</time></div>`,
			want:     "2025-05-13T00:00:00Z",
			wantFrom: events.FromTimeElem,
		},
		{
			name:     "a day-month date is read the way the page writes the same day out elsewhere",
			body:     `<h1>H</h1><ul><li><time datetime="02-06-2025">02-06-2025</time></li></ul>` + strings.Repeat(para, 20) + `<h4>Recent posts</h4><div><a href="/h">H</a><time datetime="2025-06-02">June 02, 2025</time></div>`,
			want:     "2025-06-02T00:00:00Z",
			wantFrom: events.FromTimeElem,
		},
		{
			name:         "a post time label marks the publication date",
			head:         `<meta property="og:updated_time" content="2025-07-23T07:02:15Z">`,
			body:         `<h1>H</h1>` + strings.Repeat(para, 320) + `<div style="text-align:right;">Post time: 01-04-2024</div>`,
			want:         "2024-01-04T00:00:00Z",
			wantFrom:     events.FromText,
			wantModified: "2025-07-23T07:02:15Z",
		},
		{
			name:         "dates of a list of stories further from the headline are not the article's",
			head:         `<meta property="og:updated_time" content="2024-04-12T10:00:00Z">`,
			body:         `<h1>H</h1>` + strings.Repeat(`<div><span>x</span></div>`, 40) + `<ul><li><a>Other story</a><span>Apr 9, 2024</span></li><li><a>Another</a><span>Aug 29, 2023</span></li><li><a>A third</a><span>Jun 29, 2023</span></li></ul>`,
			want:         "2024-04-12T10:00:00Z",
			wantFrom:     events.FromOpenGraph,
			wantModified: "2024-04-12T10:00:00Z",
		},
		{
			name:     "a citation date written year, month, day",
			head:     `<meta name="citation_publication_date" content="2023 Jan 7">`,
			want:     "2023-01-07T00:00:00Z",
			wantFrom: events.FromMeta,
		},
		{
			name:     "dates in the future and placeholders are skipped",
			head:     `<meta property="article:published_time" content="2031-01-01T00:00:00Z"><meta name="date" content="1970-01-01">`,
			body:     `<h1>H</h1><p>Published 12/24/2030</p>`,
			want:     "",
			wantFrom: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := storyMeta(t, tt.url, tt.head, tt.body)
			got := rfc3339(m.PublishedAt)
			if got != tt.want || m.Provenance["published_at"] != tt.wantFrom {
				t.Errorf("published = %q from %q, want %q from %q", got, m.Provenance["published_at"], tt.want, tt.wantFrom)
			}
			if gotMod := rfc3339(m.ModifiedAt); gotMod != tt.wantModified {
				t.Errorf("modified = %q, want %q", gotMod, tt.wantModified)
			}
		})
	}
}

func TestFindDates(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		monthFirst bool
		want       []string
	}{
		{"month day year", "Published on September 4, 2025", true, []string{"2025-09-04"}},
		{"abbreviated with ordinal", "Sep. 4th 2025", true, []string{"2025-09-04"}},
		{"day month year", "4 September 2025", true, []string{"2025-09-04"}},
		{"german", "4. September 2025", false, []string{"2025-09-04"}},
		{"spanish", "4 de septiembre de 2025", false, []string{"2025-09-04"}},
		{"iso", "2025-09-04T10:00", true, []string{"2025-09-04"}},
		{"slashes year first", "2025/09/04", true, []string{"2025-09-04"}},
		{"american numeric", "09/04/2025", true, []string{"2025-09-04"}},
		{"european numeric", "04.09.2025", false, []string{"2025-09-04"}},
		{"unambiguous day first", "25/12/2024", true, []string{"2024-12-25"}},
		{"two dates in order", "August 16, 2019 - Updated July 9, 2025", true, []string{"2019-08-16", "2025-07-09"}},
		{"no day", "September 2025", true, nil},
		{"relative", "3 hours ago", true, nil},
		{"day, abbreviated month and year joined by dashes", "on 04-Aug-2021 5:11:10", true, []string{"2021-08-04"}},
		{"spanish abbreviation", "on 04-ago-2021 5:11:10", true, []string{"2021-08-04"}},
		{"ago is not a month in a relative date", "posted 2 days ago, 2021 archive", true, nil},
		{"impossible day", "February 30, 2025", true, nil},
		{"not a month", "Report 12, 2025", true, nil},
		{"year, month name, day", "Cureus. 2023 Jan 7;15(1):e33475", true, []string{"2023-01-07"}},
		{"year, month name, day with a comma", "Received 2022, Oct 12", true, []string{"2022-10-12"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range findDates(tt.in, tt.monthFirst) {
				got = append(got, d.t.Format(time.DateOnly))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("findDates(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateFromURL(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"https://example.org/2025/08/04/story", "2025-08-04"},
		{"https://example.org/news/2025-08-04-story.html", "2025-08-04"},
		{"https://example.org/20250804/story", "2025-08-04"},
		{"https://example.org/2025/08/story", ""},
		{"https://example.org/story?date=2025/08/04/", ""},
		{"https://example.org/2031/01/01/future", ""},
	}
	for _, tt := range tests {
		got := ""
		if d, ok := dateFromURL(tt.url, now); ok {
			got = d.Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("dateFromURL(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestMonthFromURL(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"https://example.org/2025/12/story", "2025-12"},
		{"https://example.org/blog/2023/october/03/story", "2023-10"},
		{"https://example.org/news/2022/12", "2022-12"},
		{"https://example.org/2025/6/story", "2025-06"},
		{"https://example.org/2025/13/story", ""},
		{"https://example.org/2025/top/story", ""},
		{"https://example.org/best-of-2025/story", ""},
		{"https://example.org/story?from=/2025/12/", ""},
	}
	for _, tt := range tests {
		got := ""
		if y, m, ok := monthFromURL(tt.url); ok {
			got = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		}
		if got != tt.want {
			t.Errorf("monthFromURL(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestIsFurniture(t *testing.T) {
	tests := []struct {
		class string
		want  bool
	}{
		{"main-menu", true},
		{"related-posts", true},
		{"comments-area", true},
		{"shopify-section under-menu", false},
		{"has-comments", false},
		{"page with-sidebar no-newsletter", false},
		{"menu-under", true},
	}
	for _, tt := range tests {
		n := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div, Attr: []html.Attribute{{Key: "class", Val: tt.class}}}
		if got := isFurniture(n); got != tt.want {
			t.Errorf("isFurniture(class=%q) = %v, want %v", tt.class, got, tt.want)
		}
	}
}

// FuzzFindDates reads dates out of arbitrary text: every date found is a
// real calendar day at midnight UTC, found where the text holds it, in
// order and once; a date parseDate accepts is plausible, in a zone some
// place has, and reads back the same when written out.
func FuzzFindDates(f *testing.F) {
	for _, s := range []string{"September 4, 2025", "4. September 2025", "2025/09/04", "09/04/25", "August 16, 2019 - Updated July 9, 2025",
		"2025-09-04T10:30:00+0200", "Thu, 04 Sep 2025 10:30:00 -0700"} {
		f.Add(s)
	}
	// Hostile text: many dates in one string, dates run together, a NUL, invalid UTF-8, digits without end.
	f.Add(strings.Repeat("1 Jan 2020, 2020-02-02, 3/3/21 09:00, Monday 4 May 2022; ", 12))
	f.Add(strings.Repeat("2020-01-01", 40))
	f.Add("Sept\x00ember 4,\xff 2025 \xef\xbb\xbf2025-09-04\u00a0T10:30:00\u2212 07:00")
	f.Add(strings.Repeat("9", 500) + "-01-01")
	f.Add("31 February 2024, 29 February 2023, 0000-00-00, 9999-12-31T23:59:60+14:01, 1989-12-31T23:59:59-14:00")
	f.Fuzz(func(t *testing.T, s string) {
		for _, monthFirst := range []bool{true, false} {
			prev := -1
			for _, d := range findDates(s, monthFirst) {
				if d.t.IsZero() || d.start < 0 || d.start >= len(s) || d.start <= prev {
					t.Fatalf("findDates(%q, %v) gave %+v after a date at %d", s, monthFirst, d, prev)
				}
				if d.t.Location() != time.UTC || d.t.Hour() != 0 || d.t.Minute() != 0 || d.t.Second() != 0 || d.t.Nanosecond() != 0 {
					t.Fatalf("findDates(%q, %v) gave %v, not a day", s, monthFirst, d.t)
				}
				if !strings.Contains(s, d.prefix) || strings.TrimSpace(d.prefix) != d.prefix {
					t.Fatalf("findDates(%q, %v) gave prefix %q", s, monthFirst, d.prefix)
				}
				prev = d.start
			}
		}
		got, ok := parseDate(s, now)
		if !ok {
			if !got.IsZero() {
				t.Fatalf("parseDate(%q) = %v with false", s, got)
			}
			return
		}
		// A date written without a zone is the page's local day or
		// time, which may be up to 14 hours ahead of UTC.
		if _, off := got.Zone(); !plausibleLocal(got, now) || off < -14*3600 || off > 14*3600 {
			t.Fatalf("parseDate(%q) = %v, not a plausible date", s, got)
		}
		again, ok := parseDate(got.Format(time.RFC3339Nano), time.Time{})
		if !ok || !again.Equal(got) {
			t.Fatalf("parseDate(%q) = %v, whose RFC 3339 form reads as %v, %v", s, got, again, ok)
		}
	})
}

// TestJSONLDReferencedNamesAreBounded: a page whose article names one
// person object by reference thousands of times, the person's name long and
// full of entities, reads a bounded number of bounded names rather than a
// copy of the name for each reference (hundreds of megabytes from a page of
// a hundred kilobytes).
func TestJSONLDReferencedNamesAreBounded(t *testing.T) {
	refs := `[` + strings.Repeat(`{"@id":"#p"},`, 2000) + `{"@id":"#p"}]`
	for _, person := range []string{
		`{"@id":"#p","@type":"Person","name":"` + strings.Repeat("Ann &amp; ", 10_000) + `"}`,
		`{"@id":"#p","@type":"Organization","givenName":"` + strings.Repeat("Ann ", 25_000) + `"}`,
	} {
		page := `{"@graph":[` + person + `,{"@type":"NewsArticle","headline":"H","author":` + refs +
			`,"sourceOrganization":` + refs + `}]}`
		a, ok := parseJSONLD([]string{page}, storyURL)
		if !ok {
			t.Fatal("no article")
		}
		if len(a.authors) != maxLDNames || len(a.sources) != maxLDNames {
			t.Errorf("%d authors, %d sources; want %d each", len(a.authors), len(a.sources), maxLDNames)
		}
		for _, n := range append(a.sources, a.authors[0].name) {
			if utf8.RuneCountInString(n) > maxMetaRunes {
				t.Fatalf("a name of %d runes, over %d", utf8.RuneCountInString(n), maxMetaRunes)
			}
		}
	}
}

// FuzzJSONLD reads arbitrary JSON-LD: what it gives is valid, trimmed
// UTF-8, and the same each time for the same scripts.
func FuzzJSONLD(f *testing.F) {
	f.Add(`{"@graph":[{"@type":"NewsArticle","headline":"H","author":{"@id":"#a"}},{"@id":"#a","@type":"Person","name":"Ann Lee"}]}`)
	f.Add(`[{"@type":["WebPage","Article"],"author":[[{"name":"x"}]],"publisher":"P"}]`)
	f.Add(`{"a":{"@type":"Article","headline":"A"},"b":{"@type":"Article","headline":"B"},"c":{"@type":"WebPage","name":"C"}}`)
	f.Add(`{"@type":"Article","author":[{"@id":"#x"},{"@id":"#x","@type":"Person","name":"A"},{"@id":"#x","@type":"Person","name":"B"}]}`)
	// Hostile JSON-LD: references in a cycle, deep nesting, huge and broken strings.
	f.Add(`{"@graph":[{"@id":"#a","@type":"NewsArticle","author":{"@id":"#b"},"isPartOf":{"@id":"#a"}},{"@id":"#b","@type":"Person","name":{"@id":"#a"},"author":{"@id":"#b"}}]}`)
	f.Add(`{"@type":"NewsArticle","author":` + strings.Repeat(`[{"author":`, 40) + `"x"` + strings.Repeat(`}]`, 40) + `}`)
	f.Add(`{"@type":"NewsArticle","headline":"` + strings.Repeat(`\u0000\ud800 \\"`, 200) + `","datePublished":"\u0000"}`)
	f.Add("{\"@type\":\"Article\",\"headline\":\"\xff\xfe\x00H\",\"author\":{\"name\":\"\xef\xbb\xbfA\\u200bB\"}}")
	f.Add(`{"@type":"NewsArticle","keywords":"` + strings.Repeat("a,", 300) + `","author":[` + strings.Repeat(`{"@type":"Person","name":"N"},`, 60) + `{}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := parseJSONLD([]string{s}, storyURL)
		if !ok {
			if !reflect.DeepEqual(a, ldArticle{}) {
				t.Fatalf("parseJSONLD(%q) = %+v with false", s, a)
			}
		}
		fields := []string{a.headline, a.description, a.datePublished, a.dateCreated, a.dateModified,
			a.publisher, a.siteName, a.image, a.url, a.language, a.section}
		fields = append(append(fields, a.sources...), a.keywords...)
		for _, au := range a.authors {
			fields = append(fields, au.name)
		}
		for _, v := range fields {
			if !utf8.ValidString(v) || strings.TrimSpace(v) != v {
				t.Fatalf("parseJSONLD(%q) gave field %q", s, v)
			}
			// Decoding JSON and entities grows a string at most
			// threefold (an invalid byte becomes U+FFFD).
			if len(v) > 3*len(s) {
				t.Fatalf("parseJSONLD(%q) gave a field of %d bytes", s, len(v))
			}
		}
		if len(a.authors) > maxLDNames || len(a.sources) > maxLDNames {
			t.Fatalf("parseJSONLD(%q) gave %d authors and %d sources", s, len(a.authors), len(a.sources))
		}
		for _, au := range a.authors {
			if utf8.RuneCountInString(au.name) > 2*maxMetaRunes+1 {
				t.Fatalf("parseJSONLD(%q) gave an author name of %d runes", s, utf8.RuneCountInString(au.name))
			}
		}
		// Objects are read from maps, whose order varies from run to
		// run: the article chosen must not.
		for range 8 {
			if again, _ := parseJSONLD([]string{s}, storyURL); !reflect.DeepEqual(again, a) {
				t.Fatalf("parseJSONLD(%q) gave %+v, then %+v", s, a, again)
			}
		}
	})
}
