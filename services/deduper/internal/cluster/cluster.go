// Package cluster assigns articles to stories, in tiers, and keeps the
// stories' state. Every decision records its rule, scores and threshold:
//
//   - duplicate: the same normalised text (content hash);
//   - near_duplicate: a 64-bit SimHash within a small Hamming distance of an
//     earlier article, found through permuted tables (package simindex);
//   - rewrite: the same story in other words (package story), candidates
//     retrieved through an inverted index of salient terms and verified
//     against each story's centroid;
//   - new: the first article of a story.
//
// Stories that began apart merge when an article surely tells both
// (bridge, before it joins) or when, after it joined one, the members of
// that story and another candidate, compared pair by pair, tell one story
// (link). Each merge is recorded with its rule, score and threshold.
//
// Articles older than a time window are evicted, so memory stays bounded.
// The engine is deterministic: fed the same articles in the same order it
// makes the same decisions, which is how a restarted deduper rebuilds it
// (Restore) from its own output.
package cluster

import (
	"encoding/hex"
	"slices"
	"sort"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/internal/changes"
	"github.com/wirewatch/wirewatch/services/deduper/internal/simhash"
	"github.com/wirewatch/wirewatch/services/deduper/internal/simindex"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// Rule names recorded on every decision.
const (
	RuleContentHash = "content_hash"
	RuleSimHash     = "simhash_hamming"
	RuleStory       = "story_similarity"
	RuleNew         = "new"
	// RuleRepeat marks an article seen before, this very revision, that
	// does not get its first decision again: the streams' duplicate window
	// has passed since, or the decision is no longer remembered in full.
	// It names the cluster the article is in now.
	RuleRepeat = "repeat"
)

// Defaults.
const (
	// DefaultMaxHamming is the near-duplicate threshold: Manku et al. (2007)
	// found k = 3 right for 64-bit fingerprints of web pages.
	DefaultMaxHamming = 3
	// DefaultWindow is how long after it arrived an article can still be
	// matched.
	DefaultWindow = 72 * time.Hour
	// DefaultApart is how far apart in publication time an article and
	// the dated members of a story may be for the article to tell it.
	DefaultApart = 14 * 24 * time.Hour
	// DefaultLinkRecent is how many of the latest articles keep the stories
	// they joined able to link and to be divided: a story keeps its first
	// members for Link (story.Options.Exemplars), and all of them while it
	// is small enough to be divided (story.Options.SplitMembers), until
	// that many articles arrived after its last, so that their memory is
	// bounded by the rate of news, not by the window. A story that has not
	// grown in a while is linked and divided no more (story.Model.Link and
	// Split cannot tell without its members).
	DefaultLinkRecent = 50_000
	// DefaultMaxChanges bounds the claim changes carried per article and
	// per cluster state.
	DefaultMaxChanges = 32
	// maxMembersListed bounds the members a cluster state lists.
	maxMembersListed = 200
)

// Options tune an Engine.
type Options struct {
	MaxHamming int
	Window     time.Duration
	Apart      time.Duration
	MaxChanges int
	LinkRecent int
	Story      story.Options
}

func (o Options) withDefaults() Options {
	if o.MaxHamming <= 0 {
		o.MaxHamming = DefaultMaxHamming
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Apart <= 0 {
		o.Apart = DefaultApart
	}
	if o.MaxChanges <= 0 {
		o.MaxChanges = DefaultMaxChanges
	}
	if o.LinkRecent <= 0 {
		o.LinkRecent = DefaultLinkRecent
	}
	if o.Story.TopTerms == 0 {
		o.Story = story.DefaultOptions
	}
	return o
}

// article is what the engine keeps of one indexed article, in 56 bytes.
type article struct {
	id    string
	hash  uint64
	fp    uint64
	at    int64
	seq   uint32
	slot  int32
	rel   uint8 // index in relations
	alive bool
}

// relations are the relations an article can have, indexed by article.rel.
var relations = [...]events.Relation{events.RelationNew, events.RelationDuplicate, events.RelationNearDuplicate,
	events.RelationRewrite}

func relIndex(r events.Relation) uint8 {
	for i, x := range relations {
		if x == r {
			return uint8(i)
		}
	}
	return 0
}

// canon is what the engine keeps of a cluster's canonical article.
//
// The canonical stays when its article leaves the window, or leaves the
// story for another with a new revision, while the story lives on: it is
// still the likeliest original of what the story's articles said, and the
// state still lists it among its members — the member list is the
// story's history, not what the engine can still match (eviction bounds
// memory, and changes no state: no state is published for it, and the
// next one would otherwise name a canonical nobody published a decision
// for). Picking another would also take what the engine does not keep of
// the other members (bylines, lengths, claims). A replica that replays the
// decisions of a window (Restore) knows only the members within it: for a
// story that began before, it names the likeliest of those, lists only
// them, and has a later first_seen (see TestRandomStreamsRestartMidWindow).
type canon struct {
	id        string
	wire      bool
	byline    bool
	published int64
	textLen   int
	claims    []events.Claim
}

// member is what a cluster keeps of one member, rendered as an
// events.Member on publication: its score as a number, not a map (a map of
// one entry costs ~170 bytes), its source kind, relation and rule as
// indexes, its join time as a number. 144 bytes against ~400.
type member struct {
	id, title, matchedID, wire string
	feedURL, url, path         string
	published                  *time.Time
	joined                     int64 // Unix nanoseconds, UTC
	score                      float64
	kind, rel, rule, scoreKey  uint8
	// origin packs what tells a likely original (canon) that a member line
	// does not keep otherwise: the length of its text (low 30 bits),
	// whether it names authors (bit 31) and is a wire story with its
	// dateline (bit 30). A story divided (split.go) chooses its canonical
	// by it.
	origin uint32
}

const (
	originByline = 1 << 31
	originWire   = 1 << 30
	originLen    = originWire - 1
)

// Tables of the indexes a member keeps.
var (
	sourceKinds = [...]events.SourceKind{events.SourceFeed, events.SourceFile, events.SourceHTTP}
	rules       = [...]string{RuleNew, RuleContentHash, RuleSimHash, RuleStory, RuleRepeat}
	scoreKeys   = [...]string{"", "combined", "hamming"}
)

func index[T comparable](table []T, x T) uint8 {
	for i, y := range table {
		if y == x {
			return uint8(i)
		}
	}
	return 0
}

// newMember keeps of a decision's scores the one the rule decided by
// ("combined", "hamming"): the full scores are on the article's
// assignment; a cluster keeps a line per member. A new story's founder
// keeps none: its scores (against the nearest story) say why it joined
// nothing.
func newMember(a *events.Article, asg events.Assignment, now time.Time) member {
	m := member{id: a.ID, title: a.Title, matchedID: asg.MatchedID, wire: a.Wire, feedURL: a.Source.FeedURL,
		url: a.Source.URL, path: a.Source.Path, published: a.PublishedAt, joined: now.UnixNano(),
		kind: index(sourceKinds[:], a.Source.Kind), rel: relIndex(asg.Relation), rule: index(rules[:], asg.Rule),
		origin: uint32(min(len(a.Text), originLen))}
	if len(a.Authors) > 0 {
		m.origin |= originByline
	}
	if a.Wire != "" && a.Dateline != "" {
		m.origin |= originWire
	}
	for k := 1; k < len(scoreKeys) && asg.Relation != events.RelationNew; k++ {
		if x, ok := asg.Scores[scoreKeys[k]]; ok {
			m.score, m.scoreKey = x, uint8(k)
			break
		}
	}
	return m
}

func (m *member) render() events.Member {
	out := events.Member{ID: m.id, Source: events.Source{Kind: sourceKinds[m.kind], FeedURL: m.feedURL, URL: m.url, Path: m.path},
		Title: m.title, Relation: relations[m.rel], Rule: rules[m.rule], MatchedID: m.matchedID, Wire: m.wire,
		PublishedAt: m.published, JoinedAt: time.Unix(0, m.joined).UTC()}
	if m.scoreKey > 0 {
		out.Scores = map[string]float64{scoreKeys[m.scoreKey]: m.score}
	}
	return out
}

// appendMember appends to a member list growing it by a quarter, not the
// double append would: most stories are small and live long.
func appendMember(ms []member, m member) []member {
	if len(ms) == cap(ms) {
		grown := make([]member, len(ms), len(ms)+max(1, len(ms)/4))
		copy(grown, ms)
		ms = grown
	}
	return append(ms, m)
}

type state struct {
	id       string
	version  uint64
	language string
	title    string
	centroid story.Centroid
	members  []member
	// joined counts the members the story has had, listed or not.
	joined int
	live   int
	// own counts the articles held that joined this cluster itself, not
	// one merged into it: a merged cluster is held, to resolve its id,
	// while it has any.
	own       int
	canon     canon
	shared    map[string]int
	changes   []events.ClaimChange
	firstSeen time.Time
	updated   time.Time
	mergedTo  int32
	// linked is the seq of the last article that joined the story while
	// it kept exemplars (see Options.LinkRecent).
	linked uint32
	// from and to bound the publication times of the story's members that
	// give one (Unix seconds; both 0 while none has).
	from, to int64
	// replayed marks a cluster a replayed decision merged that the
	// replica never knew (mergedBeforeReplay).
	replayed bool
}

// published returns the publication time of a, if it gives one that is
// not in the future.
func published(a *events.Article, now time.Time) (int64, bool) {
	if a.PublishedAt == nil || a.PublishedAt.After(now) {
		return 0, false
	}
	return a.PublishedAt.Unix(), true
}

// within reports whether an article published at pub (ok false: it gives
// no date) may tell the story st: it is no further than Options.Apart
// from the publication times of the story's dated members. An article
// published months before a story that is still held (it arrived late, or
// a feed republished its archive) tells another story with the same cast,
// however alike its words. Without dates on either side, time says
// nothing.
func (e *Engine) within(st *state, pub int64, ok bool) bool {
	if !ok || (st.from == 0 && st.to == 0) {
		return true
	}
	w := int64(e.opts.Apart / time.Second)
	return pub >= st.from-w && pub <= st.to+w
}

// Engine is the clustering state. It is not safe for concurrent use.
type Engine struct {
	opts     Options
	model    *story.Model
	sims     *simindex.Index
	post     *story.Postings
	byHash   map[uint64]uint32
	byDoc    map[string]uint32
	arts     []article // in arrival order; arts[0] has seq head
	head     uint32
	clusters map[int32]*state
	slotOf   map[string]int32
	nextSlot int32
	recent   recentDecisions
	absorbed map[int32][]int32 // the slots merged into a slot, at any depth
	seen     []*state          // scratch space of Assign
	others   []*state          // the candidates Link is asked about
	// linking lists, oldest first, the joins to stories that keep
	// exemplars: each story lets them go when its last join falls out.
	linking []linkJoin
	linkOut int // linking[:linkOut] are spent
	// gone holds the last version of each cluster forgotten within the
	// last window, goneList them in the order forgotten: a cluster founded
	// again under the same id (its founding article revised or fetched
	// again) continues from there, since subscribers keep the highest
	// version of a cluster and ignore the others, and the stream drops a
	// state whose id and version it already holds.
	gone     map[string]goneCluster
	goneList []burial
	goneOut  int   // goneList[:goneOut] are spent
	clock    int64 // Unix seconds of the decision being made
	// forgotten counts the clusters forgotten since the index of terms
	// was last swept of them; heldSlot and goneSlot ask about a slot.
	forgotten          int
	heldSlot, goneSlot func(int32) bool
	// born is the clock of the first decision made or replayed (Unix
	// seconds); replayed lists the slots of mergedBeforeReplay.
	born     int64
	replayed []int32
	// claims holds the claims of the last recentClaims articles, by
	// seq modulo recentClaims, so that their changes can be set against
	// a new canonical (realign).
	claims []heldClaims
}

// heldClaims are the claims of the article of seq.
type heldClaims struct {
	seq    uint32
	claims []events.Claim
}

// recentClaims is how many of the latest articles keep their claims (a few
// megabytes), and realignMax how many of a story's members are compared
// again when its canonical changes.
const (
	recentClaims = 4096
	realignMax   = 64
)

// goneCluster is what the engine remembers of a forgotten cluster.
type goneCluster struct {
	version uint64
	at      int64     // when it was forgotten, Unix seconds
	updated time.Time // its last state's updated_at
}

// burial is a cluster forgotten at a time.
type burial struct {
	id string
	at int64
}

// linkJoin is an article's join to a story that keeps exemplars.
type linkJoin struct {
	seq  uint32
	slot int32
}

// recentDecisions remembers the last decisions made, and when, so that an
// article redelivered within the streams' duplicate window gets exactly the
// decision it got the first time.
type recentDecisions struct {
	byKey map[string]events.Assignment
	at    map[string]int64 // Unix seconds
	ring  []string
	next  int
}

const recentSize = 4096

// redeliveryWindow is how long after its decision an article delivered
// again gets that decision again (and an older revision, delivered again
// after a newer one was decided, is taken for a redelivery): the streams'
// duplicate window, within which the decision made again is dropped as a
// duplicate of the first.
const redeliveryWindow = int64(events.DefaultDuplicates / time.Second)

// within returns the decision made for key, if it was made less than
// redeliveryWindow before clock.
func (r *recentDecisions) within(key string, clock int64) (events.Assignment, bool) {
	a, ok := r.byKey[key]
	return a, ok && clock-r.at[key] < redeliveryWindow
}

func (r *recentDecisions) put(key string, a events.Assignment, at int64) {
	if r.byKey == nil {
		r.byKey = make(map[string]events.Assignment, recentSize)
		r.at = make(map[string]int64, recentSize)
		r.ring = make([]string, recentSize)
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.byKey, old)
		delete(r.at, old)
	}
	r.ring[r.next] = key
	r.next = (r.next + 1) % recentSize
	r.byKey[key] = a
	r.at[key] = at
}

// New returns an empty engine.
func New(opts Options) *Engine {
	opts = opts.withDefaults()
	e := &Engine{
		opts:     opts,
		model:    story.NewModel(opts.Story),
		sims:     simindex.New(opts.MaxHamming),
		post:     story.NewPostings(opts.Story.MaxPostings),
		byHash:   map[uint64]uint32{},
		byDoc:    map[string]uint32{},
		clusters: map[int32]*state{},
		slotOf:   map[string]int32{},
		absorbed: map[int32][]int32{},
		gone:     map[string]goneCluster{},
	}
	e.heldSlot = func(slot int32) bool { _, ok := e.clusters[slot]; return ok }
	e.goneSlot = func(slot int32) bool { return !e.heldSlot(slot) }
	return e
}

// Decision is the outcome of assigning one article: its assignment and the
// new state of every cluster it changed (the one it joined, and any merged
// into it, which announce merged_into).
type Decision struct {
	Assignment events.Assignment
	Updates    []*events.ClusterUpdate
}

// Len is the number of articles indexed.
func (e *Engine) Len() int { return len(e.byDoc) }

// Clusters is the number of live clusters.
func (e *Engine) Clusters() int { return len(e.clusters) }

// Terms is the number of terms the story model keeps statistics of.
func (e *Engine) Terms() int { return e.model.Terms() }

func hashKey(h string) uint64 {
	b, err := hex.DecodeString(h[:min(16, len(h))])
	if err != nil || len(b) < 8 {
		var x uint64
		for i := 0; i < len(h); i++ {
			x = x*131 + uint64(h[i])
		}
		return x
	}
	var x uint64
	for _, c := range b[:8] {
		x = x<<8 | uint64(c)
	}
	return x
}

func (e *Engine) art(seq uint32) *article {
	if seq < e.head || int(seq-e.head) >= len(e.arts) {
		return nil
	}
	a := &e.arts[seq-e.head]
	if !a.alive {
		return nil
	}
	return a
}

// find follows merges to the cluster a slot now belongs to.
func (e *Engine) find(slot int32) *state {
	for {
		st, ok := e.clusters[slot]
		if !ok {
			return nil
		}
		if st.mergedTo < 0 {
			return st
		}
		slot = st.mergedTo
	}
}

// Assign places a in a story, updates the state, and returns the decision.
// Assigning the same revision of a document again changes nothing and
// returns its current assignment.
func (e *Engine) Assign(a *events.Article, now time.Time) Decision {
	e.evict(now)
	e.endReplay()
	if seq, ok := e.byDoc[a.ID]; ok {
		old := e.art(seq)
		if old != nil && old.hash == hashKey(a.ContentHash) {
			// Within the streams' duplicate window the decision made the
			// first time is repeated: the stream drops it as a duplicate,
			// and the pipeline sees one decision. Later the stream stores
			// what is decided, so the engine says what it is, a repeat of
			// the article where it is now: a replica that replays it
			// changes nothing (redelivered), where the first decision
			// read again, naming clusters since merged at versions since
			// passed, would be taken for one made afresh.
			st := e.find(old.slot)
			asg, ok := e.recent.within(a.ID+"@"+a.ContentHash, e.clock)
			if !ok {
				asg = events.Assignment{ID: st.id, Relation: relations[old.rel], CanonicalID: st.canon.id, Rule: RuleRepeat, Version: st.version}
			}
			return Decision{Assignment: asg, Updates: []*events.ClusterUpdate{e.update(st)}}
		}
		// An older revision delivered again after a newer one was
		// decided (its ack was lost): its decision, made again, would be
		// dropped by the stream as a duplicate, so the engine must not
		// take the older text back either.
		if asg, ok := e.olderRevisionAgain(a, old); ok {
			return Decision{Assignment: asg, Updates: []*events.ClusterUpdate{e.update(e.find(old.slot))}}
		}
	}
	hash := hashKey(a.ContentHash)
	fp := simhash.Fingerprint(a.Text)
	asg := events.Assignment{Relation: events.RelationNew, Rule: RuleNew}
	var target *state
	var matched *article
	if seq, ok := e.byHash[hash]; ok {
		if m := e.art(seq); m != nil && m.id != a.ID {
			matched = m
			asg.Relation, asg.Rule = events.RelationDuplicate, RuleContentHash
		}
	}
	if matched == nil {
		if seq, d, ok := e.sims.Nearest(fp); ok {
			if m := e.art(seq); m != nil && m.id != a.ID {
				matched = m
				asg.Relation, asg.Rule = events.RelationNearDuplicate, RuleSimHash
				asg.Scores = map[string]float64{"hamming": float64(d)}
				asg.Thresholds = map[string]float64{"hamming": float64(e.opts.MaxHamming)}
			}
		}
	}
	var merged []*state
	var vec story.Vector
	var query []uint32
	if matched != nil {
		target = e.find(matched.slot)
		asg.MatchedID = matched.id
	} else {
		vec = e.model.Vectorize(a.Title, a.Text, true)
		query = e.model.QueryTerms(vec)
		pub, dated := published(a, now)
		// The best story the article tells is its target. Other stories
		// are folded into it only when the article surely tells both
		// (Match.Bridge) and the two do not report different events
		// (Model.Contradicts): merging on every story it merely resembles
		// chains the events of a topic together (ECB+ through the
		// pipeline: B-cubed F1 0.880 against 0.910).
		var bestSt *state
		var best, nearest story.Match
		compared := false
		var bridges []*state
		var bridgeScores []float64
		seen := e.seen[:0]
		e.others = e.others[:0]
		for _, slot := range e.post.HeldCandidates(e.model, query, e.opts.Story.Candidates, e.heldSlot) {
			st := e.find(slot)
			if st == nil || slices.Contains(seen, st) {
				continue
			}
			seen = append(seen, st)
			if !e.within(st, pub, dated) {
				continue
			}
			m := e.model.Compare(vec, &st.centroid)
			if !compared || m.Score > nearest.Score {
				nearest, compared = m, true
			}
			if m.Score >= e.opts.Story.LinkFloor {
				e.others = append(e.others, st)
			}
			if !m.Same {
				continue
			}
			if m.Bridge {
				bridges = append(bridges, st)
				bridgeScores = append(bridgeScores, m.Score)
			}
			if bestSt == nil || m.Score > best.Score || (m.Score == best.Score && st.id < bestSt.id) {
				bestSt, best = st, m
			}
		}
		if bestSt != nil {
			target = bestSt
			if best.Bridge {
				for i, st := range bridges {
					if st != target && !e.model.Contradicts(&target.centroid, &st.centroid) {
						merged = append(merged, st)
						asg.Merges = append(asg.Merges, events.MergeCause{ID: st.id, Rule: events.MergeBridge,
							Score: bridgeScores[i], Threshold: e.opts.Story.BridgeThreshold})
					}
				}
			}
			e.others = slices.DeleteFunc(e.others, func(st *state) bool { return st == target || slices.Contains(merged, st) })
			asg.Relation, asg.Rule = events.RelationRewrite, RuleStory
			asg.Scores = best.Scores()
			asg.Scores["combined"] = best.Score
			asg.Thresholds = map[string]float64{"combined": best.Threshold}
			asg.MatchedID = target.canon.id
		} else if compared {
			// A new story: why, by the nearest story and its threshold.
			asg.Scores = nearest.Scores()
			asg.Scores["combined"] = nearest.Score
			asg.Thresholds = map[string]float64{"combined": nearest.Threshold}
		}
		clear(seen)
		e.seen = seen[:0]
	}
	if target == nil {
		target = e.newCluster(e.foundingID(a), a.Language, now)
	}
	var updates []*events.ClusterUpdate
	for _, m := range merged {
		e.merge(target, m, now)
		asg.Merged = append(asg.Merged, m.id)
		for i := range asg.Merges {
			if asg.Merges[i].ID == m.id {
				asg.Merges[i].Version = m.version
			}
		}
		updates = append(updates, e.update(m))
	}
	left, displaced := e.join(target, a, asg, hash, fp, vec, query, now)
	if left != nil {
		updates = append(updates, e.update(left))
		asg.Left = &events.ClusterVersion{ID: left.id, Version: left.version}
	}
	if target.centroid.N >= 2 {
		// The article joined a story that was: the other candidates get a
		// second chance, member by member.
		for _, st := range e.others {
			if st == target || !e.held(st) {
				// The story itself: a revision the story tier found new
				// goes back to the cluster named after it, which may
				// have been a candidate. Merged by now, or forgotten:
				// an article's new revision leaves the story its old
				// one was alone in.
				continue
			}
			if l := e.model.Link(&target.centroid, &st.centroid); l.Same && !e.undone(target, st) {
				e.merge(target, st, now)
				asg.Merged = append(asg.Merged, st.id)
				asg.Merges = append(asg.Merges, events.MergeCause{ID: st.id, Rule: events.MergeLink, Score: l.Score, Threshold: l.Threshold,
					Version: st.version})
				updates = append(updates, e.update(st))
			}
		}
	}
	clear(e.others)
	e.others = e.others[:0]
	if len(vec.Terms) > 0 {
		// The join may show that some of the story's members tell another
		// story than the rest (split.go); the article may be among them.
		causes, made := e.divide(target, now)
		if len(made) > 0 {
			asg.Splits = causes
			from := target
			for i, t := range made {
				if slices.Contains(causes[i].Members, a.ID) {
					target = t
				} else {
					updates = append(updates, e.update(t))
				}
			}
			if target != from {
				updates = append(updates, e.update(from))
			}
		}
	}
	asg.ID = target.id
	asg.Version = target.version
	asg.CanonicalID = target.canon.id
	switch {
	case target.canon.id != a.ID:
		asg.Changes = changes.Compare(target.canon.claims, a.Claims, e.opts.MaxChanges)
		e.recordChanges(target, a.ID, asg.Changes)
	case displaced.id != "" && target.listed(displaced.id) >= 0:
		// The article displaced the canonical: what it changed is told
		// against the one it displaced, now a member (demote listed it),
		// unless a division since left the two in different clusters.
		asg.Changes = changes.Compare(a.Claims, displaced.claims, e.opts.MaxChanges)
		for i := range asg.Changes {
			asg.Changes[i].MemberID = displaced.id
		}
	}
	e.recent.put(a.ID+"@"+a.ContentHash, asg, e.clock)
	// The joined cluster's state goes last: it is the current one.
	updates = append(updates, e.update(target))
	return Decision{Assignment: asg, Updates: updates}
}

// foundingID returns the id of the cluster a founds: derived from its
// document id, unless a cluster of that id is held with other articles
// than a's older revision — a founded it, and its revision tells a story
// none of them tells. That story is the revision's own, under an id
// derived from its document id and revision; the cluster it left keeps
// its members and what it is about.
func (e *Engine) foundingID(a *events.Article) string {
	id := events.ClusterID(a.ID)
	slot, ok := e.slotOf[id]
	if !ok {
		return id
	}
	st := e.find(slot)
	if st == nil {
		return id
	}
	others := st.live
	if seq, ok := e.byDoc[a.ID]; ok {
		if old := e.art(seq); old != nil && e.find(old.slot) == st {
			others--
		}
	}
	if others <= 0 {
		return id
	}
	return events.ClusterID(a.ID + "@" + a.ContentHash)
}

func (e *Engine) newCluster(id, lang string, now time.Time) *state {
	if slot, ok := e.slotOf[id]; ok {
		if st := e.find(slot); st != nil {
			return st
		}
	}
	slot := e.nextSlot
	e.nextSlot++
	st := &state{id: id, language: lang, firstSeen: now.UTC(), mergedTo: -1}
	if g, ok := e.gone[id]; ok {
		// Its states go on from the last one published, in versions and
		// in time, if the clock went back since.
		st.version, st.updated = g.version, g.updated
		delete(e.gone, id)
	}
	e.clusters[slot] = st
	e.slotOf[id] = slot
	return st
}

// join adds a to st as a member with the relation of asg. It returns the
// story the article's older revision leaves, when that is another story
// still held (at a new version: it lists the article no more, unless the
// article stays its canonical), and the canonical the article displaced,
// if it did.
func (e *Engine) join(st *state, a *events.Article, asg events.Assignment, hash, fp uint64, vec story.Vector, query []uint32, now time.Time) (left *state, displaced canon) {
	// The article counts in st before its older revision leaves the index:
	// a revision that stays in the story its old text was alone in keeps
	// the story (its ids, its version) instead of emptying it.
	st.live++
	st.own++
	var prev *state
	var prevClaims []events.Claim
	if seq, ok := e.byDoc[a.ID]; ok {
		if old := e.art(seq); old != nil {
			prev, prevClaims = e.find(old.slot), e.claimsOf(seq)
			// Its older text leaves what its story is about, where the
			// story holds each member (a small one) and keeps others to
			// be about, or takes the new text in its place.
			if prev != nil && e.held(prev) && (prev == st && len(vec.Terms) > 0 || prev != st && prev.centroid.N >= 2) {
				e.model.Remove(&prev.centroid, seq)
			}
		}
		e.drop(seq)
	}
	seq := e.head + uint32(len(e.arts))
	slot := e.slotOf[st.id]
	e.arts = append(e.arts, article{seq: seq, id: a.ID, hash: hash, fp: fp, slot: slot, at: now.Unix(), rel: relIndex(asg.Relation), alive: true})
	if pub, ok := published(a, now); ok {
		st.span(pub, pub)
	}
	e.byDoc[a.ID] = seq
	e.holdClaims(seq, a.Claims)
	if _, ok := e.byHash[hash]; !ok {
		e.byHash[hash] = seq
	}
	e.sims.Add(seq, fp)
	if len(vec.Terms) > 0 {
		// Copies add nothing to what a story is about; only new articles
		// and rewrites shape its centroid.
		e.model.AddTagged(&st.centroid, vec, seq)
		e.post.Add(slot, query)
		e.touchLink(st, seq)
		e.unlink(seq)
	}
	st.version++
	st.touch(now)
	if prev == st {
		// A revision in its own story: its line and what it was counted
		// with give way to the new text's.
		st.unlist(a.ID, prevClaims, false)
	} else if prev != nil && e.held(prev) {
		// It left another story, which lists it no more (a canonical
		// stays: see canon). The story gets a new version even when the
		// article stays its canonical: a replica that knew the story only
		// in part may name another canonical (see canon), and the
		// versions of a story must not depend on which member it names.
		if prev.canon.id != a.ID {
			prev.unlist(a.ID, prevClaims, true)
		}
		prev.version++
		prev.touch(now)
		left = prev
	}
	cand := canon{id: a.ID, wire: a.Wire != "" && a.Dateline != "", byline: len(a.Authors) > 0, textLen: len(a.Text), claims: a.Claims}
	if a.PublishedAt != nil {
		cand.published = a.PublishedAt.Unix()
	}
	if st.canon.id == "" || st.canon.id == a.ID || better(cand, st.canon) {
		// A revised canonical stays the canonical, with its new claims.
		lost := st.canon
		e.recanon(st, cand, a.Title)
		if lost.id != "" && lost.id != a.ID {
			displaced = lost
		}
	}
	m := newMember(a, asg, now)
	if prev == st {
		// The revision takes its older text's line, and its place.
		if i := st.listed(a.ID); i >= 0 {
			st.members[i] = m
		} else {
			st.list(m)
		}
	} else {
		st.list(m)
		st.joined++
	}
	if st.canon.id != a.ID {
		st.countShared(a.Claims, 1)
	}
	return left, displaced
}

// recanon makes cand the canonical of st. Every change the state listed was
// against the canonical that lost, and so were the counts of its shared
// claims: the members whose claims are held are set against cand again
// (realign), the counts of the others carried over for the claims both
// canonicals carry (a quote has one id in every article that carries it).
// A canonical that a likelier original displaced becomes a member
// (demote); a revised canonical is compared with nothing.
func (e *Engine) recanon(st *state, cand canon, title string) {
	lost, counted := st.canon, st.shared
	st.canon, st.title, st.shared = cand, title, nil
	if lost.id == "" {
		return
	}
	st.changes = nil
	st.carry(counted)
	if lost.id != cand.id {
		e.demote(st, lost)
	}
	e.realign(st, lost, nil)
}

// carry adds to st's counts of shared claims those of counted, made against
// another canonical, for the claims st's canonical carries too.
func (st *state) carry(counted map[string]int) {
	added := map[string]bool{}
	for _, c := range st.canon.claims {
		if n := counted[c.ID]; n > 0 && !added[c.ID] {
			if st.shared == nil {
				st.shared = map[string]int{}
			}
			st.shared[c.ID] += n
			added[c.ID] = true
		}
	}
}

// demote makes lost, a canonical that a likelier original displaced, a
// member of st: its claims are counted and compared with st's canonical,
// as a member's that came after.
func (e *Engine) demote(st *state, lost canon) {
	st.countShared(lost.claims, 1)
	e.recordChanges(st, lost.id, changes.Compare(st.canon.claims, lost.claims, e.opts.MaxChanges))
}

// unlist takes the member id out of st: the changes listed for it, its
// counts of shared claims (from claims, its text's, when still held), and,
// when it left the story (gone), its line in the member list and its place
// in the member count.
func (st *state) unlist(id string, claims []events.Claim, gone bool) {
	if i := st.listed(id); gone && i >= 0 {
		st.members = slices.Delete(st.members, i, i+1)
	}
	st.changes = slices.DeleteFunc(st.changes, func(c events.ClaimChange) bool { return c.MemberID == id })
	if id != st.canon.id {
		st.countShared(claims, -1)
	}
	if gone && st.joined > 0 {
		st.joined--
	}
}

// countShared counts (delta 1) or uncounts (-1) the claims of the
// canonical that a member's claims carry.
func (st *state) countShared(claims []events.Claim, delta int) {
	for _, c := range changes.Compare(st.canon.claims, claims, len(claims)+len(st.canon.claims)) {
		if c.Kind == events.ChangeShared && c.Canonical != nil {
			st.addShared(c.Canonical.ID, delta)
		}
	}
}

func (st *state) addShared(id string, delta int) {
	if st.shared == nil {
		st.shared = map[string]int{}
	}
	if st.shared[id] += delta; st.shared[id] <= 0 {
		delete(st.shared, id)
	}
}

// listed returns the index of the line of the member id, or -1.
func (st *state) listed(id string) int {
	return slices.IndexFunc(st.members, func(m member) bool { return m.id == id })
}

// list adds a member line to the story's list, which keeps its first
// maxMembersListed members and its canonical: a canonical that came after
// the list filled (a wire story after its copies) takes the last place, so
// that the state lists the article it names canonical.
func (st *state) list(m member) {
	switch {
	case len(st.members) < maxMembersListed:
		st.members = appendMember(st.members, m)
	case m.id == st.canon.id:
		st.members[len(st.members)-1] = m
	}
}

// better reports whether a is a likelier original than b: a wire story with
// its dateline first, then the earlier published, then the one that names
// its authors (copies and edits drop the byline more often than they add
// one: of two versions published the same day, as a date without a time
// gives them, the signed one is the original), then the more complete.
func better(a, b canon) bool {
	if a.wire != b.wire {
		return a.wire
	}
	if a.published != 0 && b.published != 0 && a.published != b.published {
		return a.published < b.published
	}
	if (a.published != 0) != (b.published != 0) {
		return a.published != 0
	}
	if a.byline != b.byline {
		return a.byline
	}
	return a.textLen > b.textLen
}

func (e *Engine) recordChanges(st *state, memberID string, chs []events.ClaimChange) {
	// A member compared again (a revision of it, or set against a new
	// canonical) is listed with what the latest comparison says.
	st.changes = slices.DeleteFunc(st.changes, func(c events.ClaimChange) bool { return c.MemberID == memberID })
	for _, c := range chs {
		if c.Kind == events.ChangeShared || c.Kind == events.ChangeOnlyCanonical {
			continue
		}
		c.MemberID = memberID
		st.changes = append(st.changes, c)
	}
	// Over the bound, the least telling go first, the oldest of them
	// first: a figure that disagrees or a reworded quote outlasts what
	// only a member says, however many members came after it.
	for len(st.changes) > e.opts.MaxChanges {
		drop := 0
		for i, c := range st.changes {
			if weight(c.Kind) < weight(st.changes[drop].Kind) {
				drop = i
			}
		}
		st.changes = slices.Delete(st.changes, drop, drop+1)
	}
}

// weight orders the kinds of change a state lists by what they tell a
// reader.
func weight(k events.ChangeKind) int {
	switch k {
	case events.ChangeNumberDiffers:
		return 3
	case events.ChangeReworded:
		return 2
	}
	return 1
}

// holdClaims keeps the claims of the article of seq among the recent ones,
// in place of the article's recentClaims before it.
func (e *Engine) holdClaims(seq uint32, claims []events.Claim) {
	if e.claims == nil {
		e.claims = make([]heldClaims, recentClaims)
	}
	e.claims[seq%recentClaims] = heldClaims{seq: seq, claims: claims}
}

// claimsOf returns the claims of the article of seq, if they are still
// held.
func (e *Engine) claimsOf(seq uint32) []events.Claim {
	if e.claims == nil {
		return nil
	}
	if h := e.claims[seq%recentClaims]; h.seq == seq {
		return h.claims
	}
	return nil
}

// realign sets the members of st whose claims are still held, up to the
// realignMax latest, against st's canonical, when it changed from lost: a
// change a state lists is always against the canonical it names, and so
// is a count of shared claims. Only members that joined one of the slots
// in against are (all, when nil): a merge leaves the others' lines as they
// are. Those listed already (compared with this canonical), the canonical
// itself and lost (compared by demote) are not compared again; the
// others, older, lose what they were listed with, and their counts stay
// as carried.
func (e *Engine) realign(st *state, lost canon, against map[int32]bool) {
	if e.claims == nil {
		return
	}
	listed := map[string]bool{st.canon.id: true, lost.id: true}
	for _, c := range st.changes {
		listed[c.MemberID] = true
	}
	var seqs []uint32
	for _, h := range e.claims {
		a := e.art(h.seq)
		if a == nil || len(h.claims) == 0 || listed[a.id] || (against != nil && !against[a.slot]) || e.find(a.slot) != st {
			continue
		}
		seqs = append(seqs, h.seq)
	}
	slices.Sort(seqs)
	if len(seqs) > realignMax {
		seqs = seqs[len(seqs)-realignMax:]
	}
	carried := map[string]bool{}
	for _, c := range st.canon.claims {
		carried[c.ID] = true
	}
	for _, seq := range seqs {
		claims := e.claims[seq%recentClaims].claims
		// What the member was counted with against lost, as carried over,
		// gives way to what it shares with the canonical.
		for _, c := range changes.Compare(lost.claims, claims, len(claims)+len(lost.claims)) {
			if c.Kind == events.ChangeShared && c.Canonical != nil && carried[c.Canonical.ID] {
				st.addShared(c.Canonical.ID, -1)
			}
		}
		chs := changes.Compare(st.canon.claims, claims, len(claims)+len(st.canon.claims))
		for _, c := range chs {
			if c.Kind == events.ChangeShared && c.Canonical != nil {
				st.addShared(c.Canonical.ID, 1)
			}
		}
		e.recordChanges(st, e.art(seq).id, chs)
	}
}

// touch notes a change of the story at now. Its updated_at never goes
// back, nor before its first_seen, when the clock does (a replica whose
// clock is behind took over): subscribers order the states of a cluster by
// them, and take a state updated before the first_seen they hold for one
// of an earlier cluster of that id.
func (st *state) touch(now time.Time) {
	if t := now.UTC(); t.After(st.updated) {
		st.updated = t
	}
}

// span widens the times of the story's members to include from..to.
func (st *state) span(from, to int64) {
	if st.from == 0 && st.to == 0 {
		st.from, st.to = from, to
		return
	}
	st.from, st.to = min(st.from, from), max(st.to, to)
}

// held reports whether st is a cluster the engine still holds as itself:
// not merged into another, not forgotten.
func (e *Engine) held(st *state) bool {
	slot, ok := e.slotOf[st.id]
	return ok && st.mergedTo < 0 && e.clusters[slot] == st
}

// undone reports whether merging st into dst would be undone by the
// division that follows (story.Model.Undone): the same two groups of
// members, only under other ids.
func (e *Engine) undone(dst, st *state) bool {
	if !e.membersHeld(dst) || !e.membersHeld(st) {
		return false // the union would not be divided
	}
	keep := e.storyTag(dst, dst.canon.id)
	if better(st.canon, dst.canon) {
		keep = e.storyTag(st, st.canon.id) // the canonical the merge keeps
	}
	return e.model.Undone(&dst.centroid, &st.centroid, keep)
}

// touchLink notes that the story st, if it keeps exemplars, changed with
// the article seq.
func (e *Engine) touchLink(st *state, seq uint32) {
	if st.centroid.Exemplars() == 0 {
		return
	}
	st.linked = seq
	e.linking = append(e.linking, linkJoin{seq: seq, slot: e.slotOf[st.id]})
}

// unlink lets go of the exemplars of the stories whose last join is
// Options.LinkRecent articles before seq.
func (e *Engine) unlink(seq uint32) {
	for e.linkOut < len(e.linking) && e.linking[e.linkOut].seq+uint32(e.opts.LinkRecent) <= seq {
		j := e.linking[e.linkOut]
		e.linkOut++
		if st := e.find(j.slot); st != nil && st.linked == j.seq {
			st.centroid.DropExemplars()
		}
	}
	if e.linkOut > 1024 && e.linkOut*2 > len(e.linking) {
		n := copy(e.linking, e.linking[e.linkOut:])
		e.linking, e.linkOut = e.linking[:n], 0
	}
}

// merge folds src into dst.
func (e *Engine) merge(dst, src *state, now time.Time) {
	e.model.Merge(&dst.centroid, &src.centroid)
	e.touchLink(dst, e.head+uint32(len(e.arts)))
	if src.from != 0 || src.to != 0 {
		dst.span(src.from, src.to)
	}
	// The merged story is reached only through dst from now on.
	src.centroid = story.Centroid{}
	// The canonical that loses is a member from now on; the members of its
	// story were counted against it, which holds for the claims both
	// canonicals carry (a quote has one id in every article that carries
	// it).
	lost, counted := src.canon, src.shared
	loser := e.slotOf[src.id]
	if better(src.canon, dst.canon) {
		lost, counted = dst.canon, dst.shared
		dst.canon, dst.title, dst.shared = src.canon, src.title, src.shared
		// The changes of the story that won were against the canonical
		// that stays; the other's against the one that lost.
		dst.changes = src.changes
		loser = e.slotOf[dst.id]
	}
	// The members of the story whose canonical lost, by the slots they
	// joined: only they are to be set against the canonical that stays.
	against := map[int32]bool{loser: true}
	for _, s := range e.absorbed[loser] {
		against[s] = true
	}
	dst.carry(counted)
	e.demote(dst, lost)
	for _, m := range src.members {
		dst.list(m)
	}
	dst.live += src.live
	dst.joined += src.joined
	if src.firstSeen.Before(dst.firstSeen) {
		dst.firstSeen = src.firstSeen
	}
	// Its members are dst's now: the merged cluster's last state announces
	// merged_into without them, and it is held only to resolve its id,
	// until the last article that joined it leaves (forgetMerged) or dst
	// is forgotten.
	src.members, src.changes, src.shared, src.canon.claims, src.joined = nil, nil, nil, nil, 0
	src.mergedTo = e.slotOf[dst.id]
	srcSlot := e.slotOf[src.id]
	e.absorbed[src.mergedTo] = append(append(e.absorbed[src.mergedTo], srcSlot), e.absorbed[srcSlot]...)
	delete(e.absorbed, srcSlot)
	src.version++
	src.touch(now)
	if src.own <= 0 {
		// None of its own articles is held (they left; it held those of
		// clusters merged into it): nothing resolves through it.
		e.forgetMerged(src, srcSlot)
	}
	// Now that src's members resolve to dst, those listed against the
	// canonical that lost are set against the one that stays.
	e.realign(dst, lost, against)
}

// drop removes an article from the index (an older revision, or evicted).
func (e *Engine) drop(seq uint32) {
	a := e.art(seq)
	if a == nil {
		return
	}
	a.alive = false
	e.sims.Remove(seq, a.fp)
	if e.byHash[a.hash] == seq {
		delete(e.byHash, a.hash)
		// The oldest copy of the text still held takes its place, so that
		// the next copy is a duplicate still. Copies of one text have one
		// fingerprint.
		e.sims.Each(a.fp, func(id uint32) {
			if b := e.art(id); b != nil && b.hash == a.hash {
				if cur, ok := e.byHash[a.hash]; !ok || id < cur {
					e.byHash[a.hash] = id
				}
			}
		})
	}
	if e.byDoc[a.id] == seq {
		delete(e.byDoc, a.id)
	}
	if st := e.find(a.slot); st != nil {
		st.live--
		if st.live <= 0 {
			e.forget(st)
		}
	}
	if st, ok := e.clusters[a.slot]; ok {
		st.own--
		if st.mergedTo >= 0 && st.own <= 0 {
			e.forgetMerged(st, a.slot)
		}
	}
}

// forgetMerged removes a cluster merged into another once the last article
// that joined it leaves: its id no longer resolves, and the cluster it was
// merged into, which may go on for many windows, does not hold on to it.
func (e *Engine) forgetMerged(st *state, slot int32) {
	if root := e.find(slot); root != nil {
		// The clusters merged into it resolve past it.
		rs := e.slotOf[root.id]
		e.absorbed[rs] = slices.DeleteFunc(e.absorbed[rs], func(s int32) bool { return s == slot })
		for _, s := range e.absorbed[rs] {
			if other := e.clusters[s]; other.mergedTo == slot {
				other.mergedTo = st.mergedTo
			}
		}
	}
	delete(e.clusters, slot)
	delete(e.slotOf, st.id)
	e.bury(st)
	e.forgotten++
}

// forget removes a cluster with no live members, and the clusters merged
// into it (not by a scan of every cluster: at a million articles that
// was milliseconds for each cluster the window let go).
func (e *Engine) forget(st *state) {
	slot := e.slotOf[st.id]
	for _, s := range e.absorbed[slot] {
		if other, ok := e.clusters[s]; ok {
			delete(e.clusters, s)
			delete(e.slotOf, other.id)
			e.bury(other)
		}
	}
	e.forgotten += 1 + len(e.absorbed[slot])
	delete(e.absorbed, slot)
	delete(e.clusters, slot)
	delete(e.slotOf, st.id)
	e.bury(st)
	if e.forgotten > len(e.clusters)+1024 {
		// Once as many clusters were forgotten as are held: each sweep
		// costs a pass over the index, paid for by the forgetting.
		e.post.Sweep(e.goneSlot)
		e.forgotten = 0
	}
}

// bury remembers the last version of a forgotten cluster for a window.
func (e *Engine) bury(st *state) {
	e.gone[st.id] = goneCluster{version: st.version, at: e.clock, updated: st.updated}
	e.goneList = append(e.goneList, burial{id: st.id, at: e.clock})
}

// unbury lets go of the versions of the clusters forgotten before cutoff.
func (e *Engine) unbury(cutoff int64) {
	for e.goneOut < len(e.goneList) && e.goneList[e.goneOut].at < cutoff {
		b := e.goneList[e.goneOut]
		// Unless founded again since, or forgotten again later.
		if g, ok := e.gone[b.id]; ok && g.at == b.at {
			delete(e.gone, b.id)
		}
		e.goneList[e.goneOut] = burial{}
		e.goneOut++
	}
	if e.goneOut > 1024 && e.goneOut*2 > len(e.goneList) {
		n := copy(e.goneList, e.goneList[e.goneOut:])
		e.goneList, e.goneOut = e.goneList[:n], 0
	}
}

// evict drops the articles that arrived longer than the window before now.
// The window runs on arrival, not publication: fed last March's news in
// November (a replay of an old recording, an archive read in), the engine
// matches them with each other as it did when they were new, where a
// window on publication time would let each go as soon as the next came.
// How far apart in publication time an article and a story may be is
// Options.Apart's (within).
func (e *Engine) evict(now time.Time) {
	e.clock = now.Unix()
	if e.born == 0 {
		e.born = e.clock
	}
	cutoff := now.Add(-e.opts.Window).Unix()
	// Term statistics come in generations a window long, counted from
	// the Unix epoch so that every replica ages at the same moments: the
	// model learns from the articles of the last one or two windows, and
	// its memory stays bounded however long the deduper runs.
	gen := now.Unix() / max(1, int64(e.opts.Window/time.Second))
	e.model.Age(gen)
	e.post.Age(gen)
	e.unbury(cutoff)
	n := 0
	for n < len(e.arts) && (!e.arts[n].alive || e.arts[n].at < cutoff) {
		if e.arts[n].alive {
			e.drop(e.arts[n].seq)
		}
		n++
	}
	if n > 0 {
		// A queue: slicing off the head copies nothing (copying a million
		// records on every eviction was the cost of an assignment); the
		// next growth of the array leaves the evicted behind.
		e.arts = e.arts[n:]
		e.head += uint32(n)
	}
}

// update renders the state of a cluster.
func (e *Engine) update(st *state) *events.ClusterUpdate {
	u := &events.ClusterUpdate{
		Schema:      events.SchemaClusterUpdate,
		ID:          st.id,
		Version:     st.version,
		Language:    st.language,
		CanonicalID: st.canon.id,
		Title:       st.title,
		MemberCount: st.joined,
		Changes:     append([]events.ClaimChange(nil), st.changes...),
		FirstSeen:   st.firstSeen,
		UpdatedAt:   st.updated,
	}
	if len(st.members) > 0 {
		u.Members = make([]events.Member, len(st.members))
		for i := range st.members {
			u.Members[i] = st.members[i].render()
		}
	}
	if st.mergedTo >= 0 {
		if dst := e.find(st.mergedTo); dst != nil {
			u.MergedInto = dst.id
		}
	}
	for _, c := range st.canon.claims {
		if n := st.shared[c.ID]; n > 0 {
			u.SharedClaims = append(u.SharedClaims, events.SharedClaim{Claim: c, Members: n})
		}
	}
	sort.SliceStable(u.SharedClaims, func(i, j int) bool { return u.SharedClaims[i].Members > u.SharedClaims[j].Members })
	return u
}

// olderRevisionAgain returns the decision made for a, an older revision of
// the article held as cur, if it was made within the streams' duplicate
// window: a comes again only as a redelivery (the pipeline drops a text it
// saw within the window), and changes nothing.
func (e *Engine) olderRevisionAgain(a *events.Article, cur *article) (events.Assignment, bool) {
	if cur == nil {
		return events.Assignment{}, false
	}
	return e.recent.within(a.ID+"@"+a.ContentHash, e.clock)
}

// Restore replays a decision the deduper made before (read back from its
// output stream), so that a restarted engine continues with the same clusters,
// ids and versions. Decisions must be restored in the order they were made.
// The decision of an article delivered again, which changed nothing, changes
// nothing here either (redelivered).
func (e *Engine) Restore(ca *events.ClusteredArticle, now time.Time) {
	e.RestorePrepared(&Prepared{ca: ca}, now)
}

// Prepared is a decision to restore, with what Restore computes from its
// article alone computed ahead, off the engine's goroutine (Preparer).
type Prepared struct {
	ca     *events.ClusteredArticle
	counts map[uint32]float64 // the text analysed; nil: analyse it in Restore
	fp     uint64
	hasFP  bool
}

// Preparer prepares decisions for RestorePrepared on a goroutine of its
// own: it analyses and fingerprints their articles' text, half the cost of
// restoring one. A Preparer is not safe for concurrent use; each goroutine
// has its own.
type Preparer struct {
	z *story.Analyzer
}

// Preparer returns a preparer for e. Call it on e's goroutine.
func (e *Engine) Preparer() *Preparer { return &Preparer{z: e.model.Analyzer()} }

// Prepare computes ahead what restoring ca takes from its article alone.
func (p *Preparer) Prepare(ca *events.ClusteredArticle) *Prepared {
	out := &Prepared{ca: ca, fp: simhash.Fingerprint(ca.Article.Text), hasFP: true}
	if r := ca.Cluster.Relation; p.z != nil && (r == events.RelationNew || r == events.RelationRewrite) {
		out.counts = p.z.Counts(ca.Article.Title, ca.Article.Text)
	}
	return out
}

// RestorePrepared is Restore for a decision prepared ahead.
func (e *Engine) RestorePrepared(p *Prepared, now time.Time) {
	ca := p.ca
	a := &ca.Article
	e.evict(now)
	if seq, ok := e.byDoc[a.ID]; ok {
		old := e.art(seq)
		if old != nil && old.hash == hashKey(a.ContentHash) {
			return
		}
		if _, again := e.olderRevisionAgain(a, old); again {
			return
		}
	}
	asg := ca.Cluster
	if e.redelivered(a, &asg) {
		return
	}
	// An article that left the story it joined, with others, joined the
	// story they left first.
	joined := asg.ID
	for _, sc := range asg.Splits {
		if slices.Contains(sc.Members, a.ID) {
			joined = sc.From
		}
	}
	var target *state
	if slot, ok := e.slotOf[joined]; ok {
		target = e.find(slot)
	}
	if target == nil {
		target = e.newCluster(joined, a.Language, now)
	}
	// Bridges were merged before the article joined, links after.
	linked := map[string]bool{}
	versions := map[string]uint64{}
	for _, m := range asg.Merges {
		if m.Rule == events.MergeLink {
			linked[m.ID] = true
		}
		versions[m.ID] = m.Version
	}
	mergeIn := func(link bool) {
		for _, id := range asg.Merged {
			if linked[id] != link {
				continue
			}
			slot, ok := e.slotOf[id]
			if !ok {
				e.mergedBeforeReplay(target, id, versions[id], now)
				continue
			}
			if src := e.find(slot); src != nil && src != target {
				e.merge(target, src, now)
			}
		}
	}
	mergeIn(false)
	var vec story.Vector
	var query []uint32
	if asg.Relation == events.RelationNew || asg.Relation == events.RelationRewrite {
		if p.counts != nil {
			vec = e.model.VectorizeCounts(p.counts, true)
		} else {
			vec = e.model.Vectorize(a.Title, a.Text, true)
		}
		query = e.model.QueryTerms(vec)
	}
	fp := p.fp
	if !p.hasFP {
		fp = simhash.Fingerprint(a.Text)
	}
	if seq, ok := e.byDoc[a.ID]; ok && asg.Left == nil {
		// The engine that decided held no older revision of the article
		// in another story: it had let it go when its window passed. This
		// engine, which first saw it later (a redelivery of the older
		// revision, decided again once its duplicate window had passed),
		// lets it go now as that engine did, without a version of the
		// story it was in.
		if old := e.art(seq); old != nil && e.find(old.slot) != target {
			e.drop(seq)
		}
	}
	e.join(target, a, asg, hashKey(a.ContentHash), fp, vec, query, now)
	if asg.Left != nil {
		// The story the older revision left has the version the engine
		// that decided gave it, whether this engine held that revision
		// there or not (it came before the decisions replayed).
		if slot, ok := e.slotOf[asg.Left.ID]; ok {
			if st := e.find(slot); st != nil && st.id == asg.Left.ID && asg.Left.Version > st.version {
				st.version = asg.Left.Version
			}
		}
	}
	mergeIn(true)
	if len(asg.Splits) > 0 {
		e.replaySplits(asg.Splits, now)
		if slot, ok := e.slotOf[asg.ID]; ok {
			if st := e.find(slot); st != nil {
				target = st
			}
		}
	}
	if asg.Version > target.version {
		target.version = asg.Version
	}
	if target.canon.id != a.ID {
		// A canonical's changes are those of the canonical it displaced,
		// which join listed.
		e.recordChanges(target, a.ID, asg.Changes)
	}
	// A redelivery after a restart, within the duplicate window, gets the
	// decision it got the first time, as it would from the engine that
	// made it.
	e.recent.put(a.ID+"@"+a.ContentHash, asg, e.clock)
}

// redelivered reports whether asg, read back from the stream, is the
// decision of an article delivered again while the engine that decided it
// held the article: that engine changed nothing, and neither may a replica
// that replays it. A replica that replays the decisions of a window holds
// no article decided before it, so it cannot tell by the article, as
// Assign does; it tells by the decision: a repeat, or one that names a
// cluster since merged, or a version its cluster has gone past — a
// decision made afresh names a cluster it has just moved on. So does a
// cluster the decision merged in: made afresh, the merge gave it a version
// past the one the replica holds it at.
//
// A cluster merged before the replica knew it (mergedBeforeReplay) is
// named afresh only once the engine that decided forgot it (its articles
// left the window) and an article founded it again: the article it is
// named after (a new revision), extracted since the replay began, new in
// it, at a version past the one it was merged at (at least 2: forgotten
// clusters keep counting). A redelivery of an article whose cluster the
// replica does not know at all is not told from a decision made afresh: it
// founds that cluster, as the decision says, and the replica holds the
// article a while longer than the engine that decided. Engines record such
// a redelivery as a repeat once the duplicate window has passed, the only
// time the stream stores it; decisions stored by older engines may still
// be of this kind.
func (e *Engine) redelivered(a *events.Article, asg *events.Assignment) bool {
	if asg.Rule == RuleRepeat {
		return true
	}
	for _, m := range asg.Merges {
		if slot, ok := e.slotOf[m.ID]; ok && m.Version > 0 {
			if st := e.clusters[slot]; st != nil && st.version >= m.Version {
				return true
			}
		}
	}
	slot, ok := e.slotOf[asg.ID]
	if !ok {
		return false
	}
	st := e.clusters[slot]
	if st.replayed && asg.Relation == events.RelationNew && asg.Version > max(2, st.version) && !a.ExtractedAt.IsZero() &&
		a.ExtractedAt.Unix() >= e.born && (asg.ID == events.ClusterID(a.ID) || asg.ID == events.ClusterID(a.ID+"@"+a.ContentHash)) {
		e.forgetMerged(st, slot)
		return false
	}
	return st.mergedTo >= 0 || asg.Version <= st.version
}

// mergedBeforeReplay notes that the cluster id, which a replayed decision
// merged into dst, was merged, although the replica does not know it:
// its articles all came before the decisions replayed. Its id then
// resolves to dst, as it did for the engine that decided, and a
// redelivery of one of its articles does not found it again (see
// redelivered), until the replay ends: the engine that decided forgot it
// by then, its articles having left the window. version is the cluster's
// version once merged, as the decision recorded it (0: not recorded).
func (e *Engine) mergedBeforeReplay(dst *state, id string, version uint64, now time.Time) {
	src := e.newCluster(id, dst.language, now)
	src.mergedTo, src.replayed = e.slotOf[dst.id], true
	e.absorbed[src.mergedTo] = append(e.absorbed[src.mergedTo], e.slotOf[id])
	e.replayed = append(e.replayed, e.slotOf[id])
	src.version = max(src.version+1, version)
	src.touch(now)
}

// endReplay forgets, when the engine decides for itself, the clusters it
// held only to tell the redeliveries among the decisions it replayed.
func (e *Engine) endReplay() {
	for _, slot := range e.replayed {
		if st, ok := e.clusters[slot]; ok && st.replayed {
			e.forgetMerged(st, slot)
		}
	}
	e.replayed = nil
}
