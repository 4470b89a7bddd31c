package main

import (
	"sort"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Change says what a cluster state did to the view.
type Change int

// Changes.
const (
	Ignored Change = iota // an older or repeated state: the view already has a newer one
	Created               // a cluster the view did not have
	Updated               // a newer state of a cluster the view has
	Merged                // the cluster was merged into another and left the view
)

func (c Change) String() string {
	return [...]string{"ignored", "created", "updated", "merged"}[c]
}

// View is a materialised view of the clusters: the latest state of each
// live cluster, and where merged clusters went.
type View struct {
	clusters map[string]*events.ClusterUpdate
	merged   map[string]string // merged cluster id → the cluster it joined
	latest   map[string]stamp  // newest state seen of every cluster, merged ones too
}

// stamp orders the states of one cluster id.
type stamp struct {
	firstSeen, updatedAt time.Time
	version              uint64
}

func stampOf(u *events.ClusterUpdate) stamp { return stamp{u.FirstSeen, u.UpdatedAt, u.Version} }

// after reports whether s is a newer state than o: a higher version of
// the same cluster, or the first state of the id founded anew (its
// founding article read again after the deduper forgot the cluster),
// which starts again at version 1 after everything the old one did. A
// merge may move first_seen earlier, never past an earlier state's
// updated_at.
func (s stamp) after(o stamp) bool {
	switch {
	case s.firstSeen.After(o.updatedAt):
		return true // founded anew after the last state held
	case o.firstSeen.After(s.updatedAt):
		return false // a state of the id's earlier cluster
	}
	return s.version > o.version
}

// NewView returns an empty view.
func NewView() *View {
	return &View{clusters: map[string]*events.ClusterUpdate{}, merged: map[string]string{}, latest: map[string]stamp{}}
}

// Apply folds one cluster state into the view. States of one cluster are
// ordered by version (and an id founded anew comes after its earlier
// cluster): an older or repeated one (a redelivery, or the replay of a
// subject's last state after a reconnect) changes nothing.
func (v *View) Apply(u *events.ClusterUpdate) Change {
	s := stampOf(u)
	if held, ok := v.latest[u.ID]; ok && !s.after(held) {
		return Ignored
	}
	v.latest[u.ID] = s
	if u.MergedInto != "" {
		delete(v.clusters, u.ID)
		v.merged[u.ID] = u.MergedInto
		return Merged
	}
	_, known := v.clusters[u.ID]
	delete(v.merged, u.ID) // founded anew after it was merged away
	v.clusters[u.ID] = u
	if known {
		return Updated
	}
	return Created
}

// Resolve follows merges from a cluster id (say, one an article was assigned
// to before a merge) to the live cluster that holds its articles now.
func (v *View) Resolve(id string) string {
	for range len(v.merged) + 1 {
		next, ok := v.merged[id]
		if !ok {
			return id
		}
		id = next
	}
	return id // a cycle: the contract rules it out
}

// Get returns the current state of the live cluster id, after merges.
func (v *View) Get(id string) (*events.ClusterUpdate, bool) {
	u, ok := v.clusters[v.Resolve(id)]
	return u, ok
}

// Len is the number of live clusters.
func (v *View) Len() int { return len(v.clusters) }

// Clusters returns the live clusters, largest first.
func (v *View) Clusters() []*events.ClusterUpdate {
	out := make([]*events.ClusterUpdate, 0, len(v.clusters))
	for _, u := range v.clusters {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Members) != len(out[j].Members) {
			return len(out[i].Members) > len(out[j].Members)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
