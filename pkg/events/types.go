package events

import (
	"fmt"
	"slices"
	"time"
)

// Schema names. Each names one event type and its major version; see
// docs/events.md for the versioning rules.
const (
	SchemaRawDocument      = "wirewatch.raw_document.v1"
	SchemaArticle          = "wirewatch.article.v1"
	SchemaClusteredArticle = "wirewatch.clustered_article.v1"
	SchemaClusterUpdate    = "wirewatch.cluster_update.v1"
	SchemaDeadLetter       = "wirewatch.dead_letter.v1"
	SchemaFeedHealth       = "wirewatch.feed_health.v1"
)

// SourceKind says how a document reached wirewatch.
type SourceKind string

// Source kinds.
const (
	SourceFeed SourceKind = "feed" // an item of an RSS, Atom or JSON feed
	SourceFile SourceKind = "file" // a file in an input directory
	SourceHTTP SourceKind = "http" // a page fetched by URL, outside any feed
)

func (k SourceKind) valid() bool {
	return k == SourceFeed || k == SourceFile || k == SourceHTTP
}

// Source says where a document came from. A file has Path; a web page has URL
// (and FeedURL when a feed pointed at it).
type Source struct {
	Kind    SourceKind `json:"kind"`
	FeedURL string     `json:"feed_url,omitempty"`
	URL     string     `json:"url,omitempty"`
	Path    string     `json:"path,omitempty"`
}

func (s Source) check(p *problems) {
	if !s.Kind.valid() {
		p.addf("source.kind %q is not feed, file or http", s.Kind)
	}
	if s.URL == "" && s.Path == "" {
		p.addf("source has neither url nor path")
	}
}

// FeedItem is what a feed said about one item, carried from the fetcher to
// the extractor so that metadata the page lacks can come from the feed.
type FeedItem struct {
	GUID       string     `json:"guid,omitempty"`
	Title      string     `json:"title,omitempty"`
	Link       string     `json:"link,omitempty"`
	Published  *time.Time `json:"published,omitempty"`
	Updated    *time.Time `json:"updated,omitempty"`
	Authors    []string   `json:"authors,omitempty"`
	Categories []string   `json:"categories,omitempty"`
	Summary    string     `json:"summary,omitempty"`
	// Content is the item's full content when the feed carries it.
	Content   string `json:"content,omitempty"`
	FeedTitle string `json:"feed_title,omitempty"`
}

// RawDocument is a fetched document: the bytes as they arrived and where they
// came from. Published by the fetcher on news.raw.<kind>.
type RawDocument struct {
	Schema      string    `json:"schema"`
	ID          string    `json:"id"`
	Source      Source    `json:"source"`
	FetchedAt   time.Time `json:"fetched_at"`
	ContentType string    `json:"content_type"`
	// Charset is the character set the transport declared, if any; the
	// extractor also looks inside the document.
	Charset string `json:"charset,omitempty"`
	// Body is the document, decompressed. JSON carries it as base64.
	Body []byte `json:"body"`
	// ContentHash is BytesHash(Body).
	ContentHash string    `json:"content_hash"`
	Item        *FeedItem `json:"item,omitempty"`
}

// SchemaName implements Event.
func (d *RawDocument) SchemaName() string { return SchemaRawDocument }

// DocID implements Event.
func (d *RawDocument) DocID() string { return d.ID }

// Revision implements Event.
func (d *RawDocument) Revision() string { return d.ContentHash }

// Validate reports every problem with d at once.
func (d *RawDocument) Validate() error {
	var p problems
	checkSchema(&p, d.Schema, SchemaRawDocument)
	if d.ID == "" {
		p.addf("id is empty")
	}
	d.Source.check(&p)
	if d.FetchedAt.IsZero() {
		p.addf("fetched_at is missing")
	}
	if len(d.Body) == 0 {
		p.addf("body is empty")
	}
	if d.ContentHash != BytesHash(d.Body) {
		p.addf("content_hash does not match body")
	}
	return p.err(SchemaRawDocument)
}

// Span is a range of characters [Start, End) in an article's text. Offsets
// count Unicode code points, not bytes, so that any language indexes them the
// same way.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// BlockKind says what a block of an article's text is.
type BlockKind string

// Block kinds.
const (
	BlockParagraph BlockKind = "p"
	BlockHeading   BlockKind = "h"
	BlockQuote     BlockKind = "quote"
	BlockListItem  BlockKind = "li"
	BlockTableRow  BlockKind = "tr"
)

// Block is one paragraph, heading, quotation or list item of an article, as a
// span of its text.
type Block struct {
	Kind BlockKind `json:"kind"`
	Span
}

// EntityType classifies a named entity.
type EntityType string

// Entity types.
const (
	EntityPerson       EntityType = "person"
	EntityOrganization EntityType = "organization"
	EntityPlace        EntityType = "place"
	EntityOther        EntityType = "other"
)

// Entity is a named entity of an article with how often it is mentioned.
type Entity struct {
	Name     string     `json:"name"`
	Type     EntityType `json:"type"`
	Mentions int        `json:"mentions"`
}

// ClaimKind classifies a claim.
type ClaimKind string

// Claim kinds.
const (
	ClaimQuote     ClaimKind = "quote"     // a direct quotation
	ClaimStatement ClaimKind = "statement" // reported speech, an attributed claim
	ClaimNumber    ClaimKind = "number"    // a figure with what it counts
)

// Claim is something an article asserts or quotes.
type Claim struct {
	// ID is stable across articles: it is derived from the normalised text
	// and the speaker, so the same quote in two articles has one id.
	ID      string    `json:"id"`
	Kind    ClaimKind `json:"kind"`
	Text    string    `json:"text"`
	Speaker string    `json:"speaker,omitempty"`
	Cue     string    `json:"cue,omitempty"`
	Span
	// Value, Unit and Counts describe a number claim: "at least 72 people"
	// killed is Value 72, Unit "people", Counts "killed". A range gives its
	// lower bound as Value and its upper bound as Upper: "two or three
	// years" is Value 2, Upper 3.
	Value  *float64 `json:"value,omitempty"`
	Upper  *float64 `json:"upper,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	Counts string   `json:"counts,omitempty"`
}

// Provenance values: where a metadata field was found.
const (
	FromJSONLD    = "json-ld"
	FromOpenGraph = "opengraph"
	FromMeta      = "meta"
	FromTimeElem  = "time element"
	FromByline    = "byline"
	FromURL       = "url"
	FromFeedItem  = "feed item"
	FromText      = "text"
	FromTitleTag  = "title element"
	FromHeading   = "heading"
	FromFirstLine = "first line"
	FromDateline  = "dateline"
	FromDetector  = "detector"
)

// Article is the text and metadata extracted from one document. Published by
// the extractor on news.article.<language>.
type Article struct {
	Schema       string     `json:"schema"`
	ID           string     `json:"id"`
	Source       Source     `json:"source"`
	CanonicalURL string     `json:"canonical_url,omitempty"`
	Title        string     `json:"title"`
	Authors      []string   `json:"authors,omitempty"`
	PublishedAt  *time.Time `json:"published_at,omitempty"`
	ModifiedAt   *time.Time `json:"modified_at,omitempty"`
	// Language is a BCP 47 tag such as "en"; "und" when undetermined.
	Language    string   `json:"language"`
	SiteName    string   `json:"site_name,omitempty"`
	Description string   `json:"description,omitempty"`
	Image       string   `json:"image,omitempty"`
	Section     string   `json:"section,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	// Wire is the news agency the story comes from (Reuters, AP, AFP, ...).
	Wire string `json:"wire,omitempty"`
	// Dateline is the place line that opens a wire story ("MOSCOW").
	Dateline string `json:"dateline,omitempty"`
	// Provenance maps a metadata field name (title, authors, published_at,
	// wire, ...) to where its value was found (FromJSONLD, FromByline, ...).
	Provenance map[string]string `json:"provenance,omitempty"`
	Text       string            `json:"text"`
	Blocks     []Block           `json:"blocks,omitempty"`
	Entities   []Entity          `json:"entities,omitempty"`
	Claims     []Claim           `json:"claims,omitempty"`
	// ContentHash is TextHash(Text): the article's revision.
	ContentHash string    `json:"content_hash"`
	FetchedAt   time.Time `json:"fetched_at"`
	ExtractedAt time.Time `json:"extracted_at"`
}

// SchemaName implements Event.
func (a *Article) SchemaName() string { return SchemaArticle }

// DocID implements Event.
func (a *Article) DocID() string { return a.ID }

// Revision implements Event.
func (a *Article) Revision() string { return a.ContentHash }

// Validate reports every problem with a at once.
func (a *Article) Validate() error {
	var p problems
	checkSchema(&p, a.Schema, SchemaArticle)
	a.check(&p)
	return p.err(SchemaArticle)
}

func (a *Article) check(p *problems) {
	if a.ID == "" {
		p.addf("id is empty")
	}
	a.Source.check(p)
	if a.Title == "" {
		p.addf("title is empty")
	}
	if a.Text == "" {
		p.addf("text is empty")
	}
	if a.Language == "" {
		p.addf("language is empty")
	}
	if a.ContentHash == "" {
		p.addf("content_hash is empty")
	}
}

// Relation is how an article relates to the cluster it joined.
type Relation string

// Relations, from the closest to the loosest.
const (
	RelationNew           Relation = "new"            // first article of a story
	RelationDuplicate     Relation = "duplicate"      // the same text
	RelationNearDuplicate Relation = "near_duplicate" // the same text, lightly edited
	RelationRewrite       Relation = "rewrite"        // the same story in other words
)

func (r Relation) valid() bool {
	switch r {
	case RelationNew, RelationDuplicate, RelationNearDuplicate, RelationRewrite:
		return true
	}
	return false
}

// Assignment is the deduper's decision for one article: the cluster it
// joined, how, and why.
type Assignment struct {
	ID       string   `json:"id"`
	Relation Relation `json:"relation"`
	// CanonicalID is the id of the cluster's canonical article (the likely
	// original) at the time of the decision.
	CanonicalID string `json:"canonical_id"`
	// MatchedID is the member the article was matched against, if any.
	MatchedID string `json:"matched_id,omitempty"`
	// Rule names the rule that decided, e.g. "content_hash" or
	// "simhash_hamming".
	Rule string `json:"rule"`
	// Scores and Thresholds hold the measurements behind the decision,
	// keyed by name (e.g. "hamming": 2 against "hamming": 3).
	Scores     map[string]float64 `json:"scores,omitempty"`
	Thresholds map[string]float64 `json:"thresholds,omitempty"`
	// Version is the cluster's version after this article joined.
	Version uint64 `json:"version"`
	// Merged lists clusters this article's arrival merged into this one;
	// Merges says why, one entry for each, in the order they were made.
	Merged []string     `json:"merged,omitempty"`
	Merges []MergeCause `json:"merges,omitempty"`
	// Left is the cluster the article's older revision was in, when the
	// revision tells another story, at the version it has without it: a
	// replica that never held the older revision (it came before the
	// decisions the replica replays) still gives that cluster the same
	// version.
	Left *ClusterVersion `json:"left,omitempty"`
	// Splits lists the members that left the cluster the article joined,
	// each group for a cluster of its own, once the article showed they
	// tell another story than the rest: the article may be one of them,
	// and then ID is the cluster it is in now.
	Splits []SplitCause `json:"splits,omitempty"`
	// Changes compares the article's claims with the canonical article's:
	// what they share, what a rewrite reworded, numbers that disagree.
	Changes []ClaimChange `json:"changes,omitempty"`
}

// MergeCause is why a cluster was merged into the one an article joined:
// the rule, and the score held against the threshold.
type MergeCause struct {
	// ID is the cluster merged in.
	ID string `json:"id"`
	// Rule is "bridge" (the article surely tells both stories; merged
	// before it joined) or "link" (the members of the two stories, compared
	// pair by pair, tell one story; merged after it joined).
	Rule      string  `json:"rule"`
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	// Version is the merged cluster's version once merged: that of its
	// last state, which names merged_into. A replica that never held the
	// cluster (it came before the decisions it replays) learns it here.
	Version uint64 `json:"version,omitempty"`
}

// ClusterVersion names a cluster at one of its versions.
type ClusterVersion struct {
	ID      string `json:"id"`
	Version uint64 `json:"version"`
}

// SplitCause is a group of members that left a cluster for a new one:
// compared pair by pair, they tell another story than the members that
// stay.
type SplitCause struct {
	// ID is the new cluster, From the cluster they left.
	ID   string `json:"id"`
	From string `json:"from"`
	// Members are the ids of the articles that left, copies of them
	// included.
	Members []string `json:"members"`
	// Score is the mean score of the pairs of a member that left and one
	// that stayed, below Threshold.
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
}

// Merge rules.
const (
	MergeBridge = "bridge"
	MergeLink   = "link"
)

// ChangeKind says how a claim of one article compares with the canonical
// article's.
type ChangeKind string

// Change kinds.
const (
	ChangeShared        ChangeKind = "shared"         // both carry it
	ChangeReworded      ChangeKind = "reworded"       // the same quote or statement in other words
	ChangeNumberDiffers ChangeKind = "number_differs" // the same quantity with another value
	ChangeOnlyMember    ChangeKind = "only_member"    // only the member carries it
	ChangeOnlyCanonical ChangeKind = "only_canonical" // only the canonical article carries it
)

// ClaimChange is one claim of a member set against the canonical article.
type ClaimChange struct {
	Kind ChangeKind `json:"kind"`
	// MemberID is the member the change is about (in cluster state).
	MemberID string `json:"member_id,omitempty"`
	// Claim is the member's claim; Canonical the canonical article's.
	Claim     *Claim `json:"claim,omitempty"`
	Canonical *Claim `json:"canonical,omitempty"`
	// Similarity of the two texts (0..1) when both are present.
	Similarity float64 `json:"similarity,omitempty"`
}

func (c Assignment) check(p *problems) {
	if c.ID == "" {
		p.addf("cluster.id is empty")
	}
	if !c.Relation.valid() {
		p.addf("cluster.relation %q is not one of new, duplicate, near_duplicate, rewrite", c.Relation)
	}
	if c.CanonicalID == "" {
		p.addf("cluster.canonical_id is empty")
	}
	if c.Rule == "" {
		p.addf("cluster.rule is empty")
	}
	for i, m := range c.Merges {
		if m.ID == "" || (m.Rule != MergeBridge && m.Rule != MergeLink) {
			p.addf("cluster.merges[%d] needs an id and a rule of bridge or link", i)
		}
		if !slices.Contains(c.Merged, m.ID) {
			p.addf("cluster.merges[%d] names %q, which cluster.merged does not list", i, m.ID)
		}
	}
	if c.Left != nil && (c.Left.ID == "" || c.Left.ID == c.ID) {
		p.addf("cluster.left needs the id of another cluster than cluster.id")
	}
	for i, s := range c.Splits {
		if s.ID == "" || s.From == "" || len(s.Members) == 0 {
			p.addf("cluster.splits[%d] needs an id, the cluster it left and its members", i)
		}
	}
	if len(c.Merges) > 0 && len(c.Merges) != len(c.Merged) {
		p.addf("cluster.merges gives %d causes for %d merged clusters", len(c.Merges), len(c.Merged))
	}
}

// ClusteredArticle is an article with its cluster assignment. Published by the
// deduper on news.clustered.<language>; it is what the sink writes.
type ClusteredArticle struct {
	Schema string `json:"schema"`
	Article
	Cluster Assignment `json:"cluster"`
}

// SchemaName implements Event.
func (c *ClusteredArticle) SchemaName() string { return SchemaClusteredArticle }

// Validate reports every problem with c at once.
func (c *ClusteredArticle) Validate() error {
	var p problems
	checkSchema(&p, c.Schema, SchemaClusteredArticle)
	c.Article.check(&p)
	c.Cluster.check(&p)
	return p.err(SchemaClusteredArticle)
}

// Member is one article of a cluster as the cluster state lists it.
type Member struct {
	ID          string             `json:"id"`
	Source      Source             `json:"source"`
	Title       string             `json:"title"`
	Relation    Relation           `json:"relation"`
	Rule        string             `json:"rule"`
	MatchedID   string             `json:"matched_id,omitempty"`
	Scores      map[string]float64 `json:"scores,omitempty"`
	Wire        string             `json:"wire,omitempty"`
	PublishedAt *time.Time         `json:"published_at,omitempty"`
	JoinedAt    time.Time          `json:"joined_at"`
}

// SharedClaim is a claim of the canonical article with the number of other
// members that carry it.
type SharedClaim struct {
	Claim
	Members int `json:"members"`
}

// ClusterUpdate is the state of one cluster after a change. Published by the
// deduper on news.cluster.<id>; the last message there is the current state.
type ClusterUpdate struct {
	Schema string `json:"schema"`
	ID     string `json:"id"`
	// Version grows by one with every change to the cluster.
	Version     uint64   `json:"version"`
	Language    string   `json:"language"`
	CanonicalID string   `json:"canonical_id"`
	Title       string   `json:"title"`
	Members     []Member `json:"members"`
	// MemberCount is how many articles joined the story, those of the
	// clusters merged into it included: Members lists the first 200 of them
	// and the canonical, so a long story has more than it lists.
	MemberCount int `json:"member_count,omitempty"`
	// SharedClaims are claims of the canonical article that other members
	// carry too, with how many do.
	SharedClaims []SharedClaim `json:"shared_claims,omitempty"`
	// Changes are the members' reworded quotes, disagreeing numbers and
	// claims only some carry, newest last (bounded).
	Changes   []ClaimChange `json:"changes,omitempty"`
	FirstSeen time.Time     `json:"first_seen"`
	UpdatedAt time.Time     `json:"updated_at"`
	// MergedInto is set on the last state of a cluster that was merged into
	// another one.
	MergedInto string `json:"merged_into,omitempty"`
}

// SchemaName implements Event.
func (u *ClusterUpdate) SchemaName() string { return SchemaClusterUpdate }

// DocID implements Event: a cluster update is about its cluster.
func (u *ClusterUpdate) DocID() string { return u.ID }

// Revision implements Event: each version of a cluster is a revision.
func (u *ClusterUpdate) Revision() string { return fmt.Sprintf("v%d", u.Version) }

// Validate reports every problem with u at once.
func (u *ClusterUpdate) Validate() error {
	var p problems
	checkSchema(&p, u.Schema, SchemaClusterUpdate)
	if u.ID == "" {
		p.addf("id is empty")
	}
	if u.Version == 0 {
		p.addf("version is 0")
	}
	if u.MergedInto == "" {
		if u.CanonicalID == "" {
			p.addf("canonical_id is empty")
		}
		if len(u.Members) == 0 {
			p.addf("members is empty")
		}
	}
	return p.err(SchemaClusterUpdate)
}

// DeadLetter records a message a stage could not process: where it was, why
// it failed, and the message itself. Published on news.dlq.<stage>.
type DeadLetter struct {
	Schema string `json:"schema"`
	ID     string `json:"id"`
	Stage  Stage  `json:"stage"`
	// Reason is a short machine-readable cause (ReasonDecode, ...); Error
	// is the full error text.
	Reason string `json:"reason"`
	Error  string `json:"error"`
	// Document is the id of the document the message was about, when known.
	Document   string              `json:"doc_id,omitempty"`
	Subject    string              `json:"subject"`
	Stream     string              `json:"stream,omitempty"`
	StreamSeq  uint64              `json:"stream_seq,omitempty"`
	Deliveries uint64              `json:"deliveries,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	// Payload is the original message. It is left out when larger than
	// MaxDeadLetterPayload; PayloadSize and Stream/StreamSeq then point at
	// the original.
	Payload          []byte    `json:"payload,omitempty"`
	PayloadSize      int       `json:"payload_size"`
	PayloadTruncated bool      `json:"payload_truncated,omitempty"`
	FailedAt         time.Time `json:"failed_at"`
}

// MaxDeadLetterPayload is the largest original payload a dead letter carries
// inline.
const MaxDeadLetterPayload = 1 << 20

// Dead-letter reasons.
const (
	ReasonDecode        = "decode"         // the payload is not a valid event
	ReasonInvalid       = "invalid"        // the input is well-formed but unusable
	ReasonMaxDeliveries = "max_deliveries" // retried MaxDeliver times
	ReasonPanic         = "panic"          // the handler panicked
	ReasonRead          = "read"           // the fetcher could not read the source
	ReasonTooLarge      = "too_large"      // the input is over a size limit
)

// SchemaName implements Event.
func (d *DeadLetter) SchemaName() string { return SchemaDeadLetter }

// DocID implements Event.
func (d *DeadLetter) DocID() string { return d.Document }

// Revision implements Event.
func (d *DeadLetter) Revision() string { return d.ID }

// Validate reports every problem with d at once.
func (d *DeadLetter) Validate() error {
	var p problems
	checkSchema(&p, d.Schema, SchemaDeadLetter)
	if d.ID == "" {
		p.addf("id is empty")
	}
	if d.Stage == "" {
		p.addf("stage is empty")
	}
	if d.Reason == "" {
		p.addf("reason is empty")
	}
	if d.FailedAt.IsZero() {
		p.addf("failed_at is missing")
	}
	return p.err(SchemaDeadLetter)
}

// FeedHealth is how one feed has fared: published by the fetcher on
// news.feed.health.<feed-id> after every poll, so that the last message on the
// subject is the feed's current health.
type FeedHealth struct {
	Schema string `json:"schema"`
	// ID is FeedID(FeedURL).
	ID      string `json:"id"`
	FeedURL string `json:"feed_url"`
	// Location is where the feed is fetched from since permanent redirects
	// moved it; empty while it is fetched from FeedURL. The feed keeps its
	// FeedURL and ID.
	Location string `json:"location,omitempty"`
	// MovedTo is a permanent redirect (301, 308) answered on the last
	// MovedSeen successful polls in a row; the fetcher moves the feed there
	// once it has been seen often enough.
	MovedTo   string `json:"moved_to,omitempty"`
	MovedSeen int    `json:"moved_seen,omitempty"`
	Title     string `json:"title,omitempty"`
	// Polls counts every poll of the feed; NotModified those answered 304;
	// Errors those that failed.
	Polls       uint64 `json:"polls"`
	NotModified uint64 `json:"not_modified"`
	Errors      uint64 `json:"errors"`
	// NotModifiedRatio is NotModified / Polls.
	NotModifiedRatio float64 `json:"not_modified_ratio"`
	// ErrorStreak counts the polls that failed since the last success.
	ErrorStreak int    `json:"error_streak"`
	LastError   string `json:"last_error,omitempty"`
	LastStatus  int    `json:"last_status,omitempty"`
	// Items counts the new items the feed brought; ItemsPerDay is its
	// publishing rate, estimated from the dates of its items.
	Items       uint64     `json:"items"`
	ItemsPerDay float64    `json:"items_per_day"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	LastAttempt time.Time  `json:"last_attempt"`
	NextPoll    time.Time  `json:"next_poll"`
}

// SchemaName implements Event.
func (h *FeedHealth) SchemaName() string { return SchemaFeedHealth }

// DocID implements Event: a health report is about its feed.
func (h *FeedHealth) DocID() string { return h.ID }

// Revision implements Event: each poll of a feed is a revision of its health.
func (h *FeedHealth) Revision() string { return fmt.Sprintf("p%d", h.Polls) }

// Validate reports every problem with h at once.
func (h *FeedHealth) Validate() error {
	var p problems
	checkSchema(&p, h.Schema, SchemaFeedHealth)
	if h.ID == "" {
		p.addf("id is empty")
	}
	if h.FeedURL == "" {
		p.addf("feed_url is empty")
	}
	if h.LastAttempt.IsZero() {
		p.addf("last_attempt is missing")
	}
	return p.err(SchemaFeedHealth)
}
