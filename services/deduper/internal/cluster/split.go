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
// canonical's into clusters of their own, and returns why and the new
// clusters. It divides only a story whose every member is held: the model
// holds each member of a small story (story.Options.SplitMembers).
func (e *Engine) divide(st *state, now time.Time) ([]events.SplitCause, []*state) {
	if n := st.centroid.N; n < 2*max(2, e.opts.Story.SplitMin) || n > e.opts.Story.SplitMembers || st.centroid.Exemplars() != n {
		return nil, nil
	}
	tags := st.centroid.Tags()
	for _, t := range tags {
		if a := e.art(t); a == nil || e.find(a.slot) != st {
			// A member evicted, or revised since (its older text is still in
			// the centroid): the story is not what its members are.
			return nil, nil
		}
	}
	keep := e.storyTag(st, st.canon.id)
	var causes []events.SplitCause
	var made []*state
	for _, p := range e.model.Split(&st.centroid, keep) {
		ids := e.leaving(st, p.Tags)
		if slices.Contains(ids, st.canon.id) {
			continue
		}
		t := e.moveOut(st, e.splitID(st, ids[0]), p.Tags, ids, now)
		causes = append(causes, events.SplitCause{ID: t.id, From: st.id, Members: ids, Score: p.Score,
			Threshold: e.opts.Story.SplitThreshold})
		made = append(made, t)
	}
	return causes, made
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
// on found: derived from first's id and st's, so that it names no cluster
// a subscriber knew before (a cluster first founded, and merged away,
// would be ignored by a view that took it for an older state of that one).
func (e *Engine) splitID(st *state, first string) string {
	key := first + "@split@" + st.id
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
// of st stays. The new cluster's canonical is the likeliest original of its
// members; their changes are set against it.
func (e *Engine) moveOut(st *state, id string, tags []uint32, ids []string, now time.Time) *state {
	t := e.newCluster(id, st.language, now)
	tslot := e.slotOf[id]
	t.centroid = e.model.Divide(&st.centroid, tags)
	if len(t.centroid.Terms) > 0 {
		e.post.Add(tslot, e.model.QueryTerms(story.Vector{Terms: t.centroid.Terms, Weights: t.centroid.Weights()}))
	}
	t.firstSeen = now.UTC()
	var seqs []uint32
	for _, mid := range ids {
		i := st.listed(mid)
		if i < 0 {
			continue
		}
		m := st.members[i]
		seq, held := e.byDoc[mid]
		a := e.art(seq)
		var claims []events.Claim
		if held && a != nil {
			claims = e.claimsOf(seq)
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
		if m.published != nil {
			t.span(m.published.Unix(), m.published.Unix())
		}
		if j := time.Unix(0, m.joined).UTC(); j.Before(t.firstSeen) {
			t.firstSeen = j
		}
		cand := canon{id: m.id, wire: m.origin&originWire != 0, byline: m.origin&originByline != 0,
			textLen: int(m.origin & originLen), claims: claims}
		if m.published != nil {
			cand.published = m.published.Unix()
		}
		if t.canon.id == "" || better(cand, t.canon) {
			t.canon, t.title = cand, m.title
		}
	}
	// The members' claims against the new canonical.
	for _, seq := range seqs {
		a := e.art(seq)
		if a.id == t.canon.id {
			continue
		}
		claims := e.claimsOf(seq)
		t.countShared(claims, 1)
		e.recordChanges(t, a.id, changes.Compare(t.canon.claims, claims, e.opts.MaxChanges))
	}
	// What st spans in time, without them.
	st.from, st.to = 0, 0
	for _, m := range st.members {
		if m.published != nil {
			st.span(m.published.Unix(), m.published.Unix())
		}
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

// replaySplits makes again, restoring a decision, the moves it records.
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
		for _, id := range sc.Members {
			if seq, ok := e.byDoc[id]; ok {
				if a := e.art(seq); a != nil && e.find(a.slot) == st {
					if r := relations[a.rel]; r == events.RelationNew || r == events.RelationRewrite {
						tags = append(tags, seq)
					}
				}
			}
		}
		if _, held := e.slotOf[sc.ID]; held || slices.Contains(sc.Members, st.canon.id) {
			// Replayed twice (the move was made), or not a move the engine
			// makes: a canonical stays.
			continue
		}
		e.moveOut(st, sc.ID, tags, sc.Members, now)
	}
}
