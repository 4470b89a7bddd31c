// Package cluster assigns articles to story clusters. This first clusterer
// has two tiers: the same normalised text (content hash) is a duplicate, and a
// 64-bit SimHash within a Hamming threshold of an earlier article is a near
// duplicate; anything else founds a new cluster. Rewrites are a later tier.
package cluster

import (
	"slices"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/deduper/internal/simhash"
)

// Rule names recorded on every decision.
const (
	RuleContentHash = "content_hash"
	RuleSimHash     = "simhash_hamming"
	RuleNew         = "new"
)

// DefaultMaxHamming is the near-duplicate threshold: Manku et al. (2007)
// found k = 3 right for 64-bit fingerprints of web pages.
const DefaultMaxHamming = 3

// Options tune a Clusterer.
type Options struct {
	// MaxHamming is the largest SimHash distance of a near duplicate.
	MaxHamming int
}

type member struct {
	article    events.Member
	hash       string
	fp         uint64
	clusterID  string
	assignment events.Assignment
	textLen    int
	dateline   string
}

type state struct {
	id        string
	version   uint64
	language  string
	members   []*member
	firstSeen time.Time
	updatedAt time.Time
}

// Clusterer holds the index and the clusters, in memory. It is not safe for
// concurrent use: the deduper assigns one article at a time.
type Clusterer struct {
	opts     Options
	byHash   map[string]*member
	byDoc    map[string]*member
	members  []*member
	clusters map[string]*state
}

// New returns an empty clusterer.
func New(opts Options) *Clusterer {
	if opts.MaxHamming <= 0 {
		opts.MaxHamming = DefaultMaxHamming
	}
	return &Clusterer{
		opts:     opts,
		byHash:   map[string]*member{},
		byDoc:    map[string]*member{},
		clusters: map[string]*state{},
	}
}

// Assign places a in a cluster and returns the decision and the cluster's
// new state. Assigning the same revision of a document again returns the
// first decision and the current state, so a redelivered article changes
// nothing.
func (c *Clusterer) Assign(a *events.Article, now time.Time) (events.Assignment, *events.ClusterUpdate) {
	if m, ok := c.byDoc[a.ID]; ok && m.hash == a.ContentHash {
		return m.assignment, c.update(c.clusters[m.clusterID])
	}
	fp := simhash.Fingerprint(a.Text)
	asg := events.Assignment{Relation: events.RelationNew, Rule: RuleNew}
	var match *member
	if m, ok := c.byHash[a.ContentHash]; ok && m.article.ID != a.ID {
		match = m
		asg.Relation, asg.Rule = events.RelationDuplicate, RuleContentHash
		asg.Scores = map[string]float64{"hamming": float64(simhash.Distance(fp, m.fp))}
	} else {
		best, bestD := (*member)(nil), c.opts.MaxHamming+1
		for _, m := range c.members {
			if m.article.ID == a.ID {
				continue
			}
			if d := simhash.Distance(fp, m.fp); d < bestD {
				best, bestD = m, d
			}
		}
		if best != nil {
			match = best
			asg.Relation, asg.Rule = events.RelationNearDuplicate, RuleSimHash
			asg.Scores = map[string]float64{"hamming": float64(bestD)}
			asg.Thresholds = map[string]float64{"hamming": float64(c.opts.MaxHamming)}
		}
	}

	var st *state
	if match != nil {
		st = c.clusters[match.clusterID]
		asg.MatchedID = match.article.ID
	} else {
		id := events.ClusterID(a.ID)
		st = &state{id: id, language: a.Language, firstSeen: now}
		c.clusters[id] = st
	}
	if old, ok := c.byDoc[a.ID]; ok {
		c.remove(old)
	}
	m := &member{
		article: events.Member{
			ID: a.ID, Source: a.Source, Title: a.Title, Relation: asg.Relation, Rule: asg.Rule,
			MatchedID: asg.MatchedID, Scores: asg.Scores, Wire: a.Wire, PublishedAt: a.PublishedAt, JoinedAt: now.UTC(),
		},
		hash: a.ContentHash, fp: fp, clusterID: st.id, textLen: len(a.Text), dateline: a.Dateline,
	}
	st.members = append(st.members, m)
	st.version++
	st.updatedAt = now.UTC()
	c.members = append(c.members, m)
	c.byDoc[a.ID] = m
	if _, ok := c.byHash[a.ContentHash]; !ok {
		c.byHash[a.ContentHash] = m
	}
	asg.ID = st.id
	asg.Version = st.version
	asg.CanonicalID = canonical(st).article.ID
	m.assignment = asg
	return asg, c.update(st)
}

// remove drops an older revision of a document from the index and its cluster.
func (c *Clusterer) remove(old *member) {
	c.members = slices.DeleteFunc(c.members, func(m *member) bool { return m == old })
	if c.byHash[old.hash] == old {
		delete(c.byHash, old.hash)
	}
	if st := c.clusters[old.clusterID]; st != nil {
		st.members = slices.DeleteFunc(st.members, func(m *member) bool { return m == old })
	}
}

// canonical picks the likely original of a cluster: a wire story with its
// dateline first, then the earliest published, then the most complete.
func canonical(st *state) *member {
	best := st.members[0]
	for _, m := range st.members[1:] {
		if better(m, best) {
			best = m
		}
	}
	return best
}

func better(a, b *member) bool {
	aw, bw := a.article.Wire != "" && a.dateline != "", b.article.Wire != "" && b.dateline != ""
	if aw != bw {
		return aw
	}
	ap, bp := a.article.PublishedAt, b.article.PublishedAt
	if ap != nil && bp != nil && !ap.Equal(*bp) {
		return ap.Before(*bp)
	}
	return a.textLen > b.textLen
}

func (c *Clusterer) update(st *state) *events.ClusterUpdate {
	if st == nil || len(st.members) == 0 {
		return nil
	}
	canon := canonical(st)
	u := &events.ClusterUpdate{
		Schema:      events.SchemaClusterUpdate,
		ID:          st.id,
		Version:     st.version,
		Language:    st.language,
		CanonicalID: canon.article.ID,
		Title:       canon.article.Title,
		FirstSeen:   st.firstSeen.UTC(),
		UpdatedAt:   st.updatedAt,
	}
	for _, m := range st.members {
		u.Members = append(u.Members, m.article)
	}
	return u
}
