package cluster

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/internal/changes"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// A story that mixes two events began with one wrong join while it was
// small, and from then on drew the reports of both: against its centroid,
// a report of either scores high. Its members compared pair by pair still
// tell the events apart, so after each join the engine asks the model
// whether a group of the story's members tells another story than the rest
// (story.Model.Split) and moves that group into a cluster of its own. The
// decision of the article whose join showed it records the move
// (events.SplitCause), so that a restarted engine or a replica makes the
// same move when it replays the decision.

// divide moves the groups of st's members that tell another story than its
// largest group into clusters of their own, and returns why and the new
// clusters. The largest group keeps the story's id (of groups as large,
// the canonical's), so that few articles move: groups are counted by the
// members the story's centroid holds, and the copies of a member move with
// it. When the canonical leaves with another group, the story names the
// likeliest original of those that stay. It divides only a story
// whose every member is held: the model holds each member of a small story
// (story.Options.SplitMembers).
func (e *Engine) divide(st *state, now time.Time) ([]events.SplitCause, []*state) {
	if n := st.centroid.N; n < 2*max(2, e.opts.Story.SplitMin) || n > e.opts.Story.SplitMembers || st.centroid.Exemplars() != n {
		return nil, nil
	}
	if !e.membersHeld(st) {
		return nil, nil
	}
	var causes []events.SplitCause
	var made []*state
	for _, p := range e.model.Split(&st.centroid, e.storyTag(st, st.canon.id)) {
		ids := e.leaving(st, p.Tags)
		lost := st.canon.id
		t := e.moveOut(st, e.splitID(st, ids[0]), p.Tags, ids, now)
		if slices.Contains(ids, lost) {
			e.renameCanon(st)
		}
		causes = append(causes, events.SplitCause{ID: t.id, From: st.id, Members: ids, Score: p.Score,
			Threshold: e.opts.Story.SplitThreshold})
		made = append(made, t)
	}
	return causes, made
}

// membersHeld reports whether every member st's centroid holds is still
// held and in st: a member evicted, or revised in a story too large to
// hold each member (its older text is still in the centroid: see join),
// makes the story other than what its members are, and it is not divided.
func (e *Engine) membersHeld(st *state) bool {
	for _, t := range st.centroid.Tags() {
		if a := e.art(t); a == nil || e.find(a.slot) != st {
			return false
		}
	}
	return true
}

// storyTag returns the tag in st's centroid of the article id, or of the
// article it copies (a copy adds nothing to a centroid); MaxUint32 when
// there is none.
func (e *Engine) storyTag(st *state, id string) uint32 {
	for range 8 {
		seq, ok := e.byDoc[id]
		if !ok {
			break
		}
		a := e.art(seq)
		if a == nil {
			break
		}
		if r := relations[a.rel]; r == events.RelationNew || r == events.RelationRewrite {
			return seq
		}
		i := st.listed(id)
		if i < 0 {
			break
		}
		id = st.members[i].matchedID
	}
	return math.MaxUint32
}

// leaving returns the ids of the members of st that leave with the
// articles tags: those, and the copies of any of them, in the order
// listed.
func (e *Engine) leaving(st *state, tags []uint32) []string {
	out := map[string]bool{}
	for _, t := range tags {
		out[e.art(t).id] = true
	}
	for grew := true; grew; {
		grew = false
		for _, m := range st.members {
			if r := relations[m.rel]; !out[m.id] && out[m.matchedID] &&
				(r == events.RelationDuplicate || r == events.RelationNearDuplicate) {
				out[m.id], grew = true, true
			}
		}
	}
	var ids []string
	for _, m := range st.members {
		if out[m.id] {
			ids = append(ids, m.id)
		}
	}
	return ids
}

// splitID returns an id for the cluster that the members of st from first
// on found: derived from first's id, st's and st's version, so that it
// names no cluster a subscriber knew before. A cluster first founded, and
// merged away, would be ignored by a view that took it for an older state
// of that one; and a group that leaves st, is linked back, and leaves
// again must not revive the id it left with the first time, which the
// engine has forgotten by then.
func (e *Engine) splitID(st *state, first string) string {
	key := fmt.Sprintf("%s@split@%s@%d", first, st.id, st.version)
	id := events.ClusterID(key)
	for n := 1; ; n++ {
		if _, ok := e.slotOf[id]; !ok {
			return id
		}
		id = events.ClusterID(fmt.Sprintf("%s@%d", key, n))
	}
}

// moveOut moves the members ids of st (tags: those of them its centroid
// holds) into a new cluster of the given id, and returns it. The canonical
// of st may leave with them: the caller names another (renameCanon).
// The new cluster's canonical is the likeliest original of its
// members (see canonPick); their changes are set against it.
func (e *Engine) moveOut(st *state, id string, tags []uint32, ids []string, now time.Time) *state {
	t := e.newCluster(id, st.language, now)
	tslot := e.slotOf[id]
	t.centroid = e.model.Divide(&st.centroid, tags)
	if t.centroid.N == 0 && leavesAll(&st.centroid, tags) {
		// Every member st's centroid holds leaves: only a replica that
		// knows the members of a window, not those that stay, moves them.
		t.centroid, st.centroid = st.centroid, story.Centroid{}
	}
	if len(t.centroid.Terms) > 0 {
		e.post.Add(tslot, e.model.QueryTerms(story.Vector{Terms: t.centroid.Terms, Weights: t.centroid.Weights()}))
	}
	t.firstSeen = now.UTC()
	var seqs []uint32
	var pick canonPick
	for _, mid := range ids {
		i := st.listed(mid)
		if i < 0 {
			continue
		}
		m := st.members[i]
		seq, held := e.byDoc[mid]
		a := e.art(seq)
		var claims []events.Claim
		known := false
		if held && a != nil && e.find(a.slot) == st {
			claims, known = e.claimsOf(seq), e.claimsHeld(seq)
			if own, ok := e.clusters[a.slot]; ok && own != st {
				// It joined a cluster merged into st, which resolves
				// through st while it holds articles of its own.
				own.own--
				if own.mergedTo >= 0 && own.own <= 0 {
					e.forgetMerged(own, a.slot)
				}
			} else {
				st.own--
			}
			st.live--
			a.slot = tslot
			t.live++
			t.own++
			seqs = append(seqs, seq)
		}
		st.unlist(mid, claims, true)
		t.list(m)
		t.joined++
		t.spanLine(m)
		if j := time.Unix(0, m.joined).UTC(); j.Before(t.firstSeen) {
			t.firstSeen = j
		}
		pick.offer(lineCanon(m, claims), m.title, known)
	}
	t.canon, t.title = pick.pick()
	e.setAgainst(t, seqs)
	// What st spans in time, without them.
	st.from, st.to = 0, 0
	for i := range st.members {
		st.spanLine(st.members[i])
	}
	if t.centroid.Exemplars() > 0 {
		e.touchLink(t, e.head+uint32(len(e.arts))-1)
	}
	st.version++
	st.touch(now)
	t.version++
	t.touch(now)
	return t
}

// leavesAll reports whether c holds each of its members and tags names
// them all.
func leavesAll(c *story.Centroid, tags []uint32) bool {
	held := c.Tags()
	if c.N == 0 || len(held) != c.N {
		return false
	}
	for _, t := range held {
		if !slices.Contains(tags, t) {
			return false
		}
	}
	return true
}

// lineCanon is the member m as a candidate canonical, with its claims.
func lineCanon(m member, claims []events.Claim) canon {
	cand := canon{id: m.id, wire: m.origin&originWire != 0, byline: m.origin&originByline != 0,
		textLen: int(m.origin & originLen), claims: claims}
	if m.published != nil {
		cand.published = m.published.Unix()
	}
	return cand
}

// canonPick finds the likeliest original of a group of members, of those
// whose claims are held (recentClaims) if any: the members' changes and
// shared claims are set against what the canonical says, and one whose
// claims are gone would have each claim of a member listed as the
// member's alone.
type canonPick struct {
	all, known           canon
	allTitle, knownTitle string
}

func (p *canonPick) offer(c canon, title string, known bool) {
	if p.all.id == "" || better(c, p.all) {
		p.all, p.allTitle = c, title
	}
	if known && (p.known.id == "" || better(c, p.known)) {
		p.known, p.knownTitle = c, title
	}
}

func (p *canonPick) pick() (canon, string) {
	if p.known.id != "" {
		return p.known, p.knownTitle
	}
	return p.all, p.allTitle
}

// claimsHeld reports whether the claims of the article of seq are held.
func (e *Engine) claimsHeld(seq uint32) bool {
	return e.claims != nil && e.claims[seq%recentClaims].seq == seq
}

// setAgainst sets the claims of the articles seqs, members of st, against
// st's canonical: its changes and counts of shared claims.
func (e *Engine) setAgainst(st *state, seqs []uint32) {
	for _, seq := range seqs {
		a := e.art(seq)
		if a.id == st.canon.id {
			continue
		}
		claims := e.claimsOf(seq)
		st.countShared(claims, 1)
		e.recordChanges(st, a.id, changes.Compare(st.canon.claims, claims, e.opts.MaxChanges))
	}
}

// renameCanon names canonical of st, whose canonical left it, the
// likeliest original of the members it lists, and sets the members it
// holds against it: after a division that the canonical left with a
// smaller group, and on a replica (replaySplits), which knowing only the
// members of a window may have named canonical a member that the engine
// that decided did not.
func (e *Engine) renameCanon(st *state) {
	var seqs []uint32
	var pick canonPick
	for _, m := range st.members {
		var claims []events.Claim
		known := false
		if seq, ok := e.byDoc[m.id]; ok {
			if a := e.art(seq); a != nil && e.find(a.slot) == st {
				claims, known = e.claimsOf(seq), e.claimsHeld(seq)
				seqs = append(seqs, seq)
			}
		}
		pick.offer(lineCanon(m, claims), m.title, known)
	}
	st.shared, st.changes = nil, nil
	st.canon, st.title = pick.pick()
	e.setAgainst(st, seqs)
}

// spanLine widens the times of the story to include the publication time
// of the member m, as join did when it joined: unless it gave none, or one
// in the future of its join (see published).
func (st *state) spanLine(m member) {
	if m.published != nil && !m.published.After(time.Unix(0, m.joined)) {
		st.span(m.published.Unix(), m.published.Unix())
	}
}

// replaySplits makes again, restoring a decision, the moves it records: of
// the members the engine holds in the story they left. A replica that
// replays the decisions of a window may hold only some of the story: it
// may have named canonical a member that leaves, and then names the
// likeliest of those that stay; if all it held leave, it forgets the story.
func (e *Engine) replaySplits(splits []events.SplitCause, now time.Time) {
	for _, sc := range splits {
		slot, ok := e.slotOf[sc.From]
		if !ok {
			continue
		}
		st := e.find(slot)
		if st == nil {
			continue
		}
		var tags []uint32
		moving := false
		for _, id := range sc.Members {
			if seq, ok := e.byDoc[id]; ok {
				if a := e.art(seq); a != nil && e.find(a.slot) == st {
					moving = true
					if r := relations[a.rel]; r == events.RelationNew || r == events.RelationRewrite {
						tags = append(tags, seq)
					}
				}
			}
		}
		if _, held := e.slotOf[sc.ID]; held || !moving {
			// Replayed twice (the move was made), or a replica that holds
			// none of the members (they came before the decisions it
			// replays): nothing to move.
			continue
		}
		lost := st.canon.id
		e.moveOut(st, sc.ID, tags, sc.Members, now)
		switch {
		case st.live <= 0:
			// A replica that held only members that left: the engine that
			// decided held the others, which came before the replay.
			e.forget(st)
		case slices.Contains(sc.Members, lost):
			e.renameCanon(st)
		}
	}
}
