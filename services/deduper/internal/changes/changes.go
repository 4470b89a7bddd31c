// Package changes sets the claims of one version of a story against the
// canonical version's: the quotes and statements both carry, those a rewrite
// reworded, figures that disagree, and what only one of them says.
package changes

import (
	"sort"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// Thresholds of word overlap (Jaccard over content words).
const (
	// sameText: texts this similar say the same thing.
	sameText = 0.8
	// rewordedText: texts this similar are one claim in other words.
	rewordedText = 0.3
	// sameQuantity: number claims whose context overlaps this much count the
	// same thing.
	sameQuantity = 0.2
)

// Compare sets member's claims against canonical's and returns at most limit
// changes, most telling first: numbers that differ, reworded claims, shared
// claims, then claims only one side carries.
func Compare(canonical, member []events.Claim, limit int) []events.ClaimChange {
	cw := words(canonical)
	mw := words(member)
	usedC := make([]bool, len(canonical))
	var out []events.ClaimChange
	for i := range member {
		m := &member[i]
		best, bestSim := -1, 0.0
		for j := range canonical {
			c := &canonical[j]
			if usedC[j] || !comparable(m, c) {
				continue
			}
			sim := jaccard(mw[i], cw[j])
			if m.Kind == events.ClaimNumber {
				sim = jaccard(context(mw[i], m), context(cw[j], c))
			}
			if sim > bestSim {
				best, bestSim = j, sim
			}
		}
		ch := events.ClaimChange{Kind: events.ChangeOnlyMember, Claim: m}
		if best >= 0 {
			c := &canonical[best]
			switch {
			case m.Kind == events.ClaimNumber && bestSim >= sameQuantity:
				ch = events.ClaimChange{Kind: events.ChangeShared, Claim: m, Canonical: c, Similarity: round(bestSim)}
				if !sameValue(m, c) {
					ch.Kind = events.ChangeNumberDiffers
				}
			case m.Kind != events.ClaimNumber && ((m.ID != "" && m.ID == c.ID) || bestSim >= sameText):
				ch = events.ClaimChange{Kind: events.ChangeShared, Claim: m, Canonical: c, Similarity: round(bestSim)}
			case m.Kind != events.ClaimNumber && bestSim >= rewordedText:
				ch = events.ClaimChange{Kind: events.ChangeReworded, Claim: m, Canonical: c, Similarity: round(bestSim)}
			}
			if ch.Canonical != nil {
				usedC[best] = true
			}
		}
		out = append(out, ch)
	}
	for j := range canonical {
		if !usedC[j] && canonical[j].Kind != events.ClaimNumber {
			out = append(out, events.ClaimChange{Kind: events.ChangeOnlyCanonical, Canonical: &canonical[j]})
		}
	}
	rank := map[events.ChangeKind]int{events.ChangeNumberDiffers: 0, events.ChangeReworded: 1, events.ChangeShared: 2,
		events.ChangeOnlyMember: 3, events.ChangeOnlyCanonical: 4}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Kind] < rank[out[j].Kind] })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// comparable reports whether two claims can be versions of one another:
// same kind (a quote may be reported as a statement), and for quotes the same
// speaker when both name one.
func comparable(m, c *events.Claim) bool {
	if (m.Kind == events.ClaimNumber) != (c.Kind == events.ClaimNumber) {
		return false
	}
	if m.Kind == events.ClaimNumber {
		return unit(m.Unit) == unit(c.Unit) && m.Unit != ""
	}
	if m.Speaker != "" && c.Speaker != "" {
		return sameSpeaker(m.Speaker, c.Speaker)
	}
	return true
}

// sameSpeaker compares speakers by surname, so "Mangott" and "Gerhard
// Mangott" match.
func sameSpeaker(a, b string) bool {
	la, lb := lastWord(a), lastWord(b)
	return la != "" && la == lb
}

func lastWord(s string) string {
	f := strings.Fields(events.NormalizeText(s))
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

func unit(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	if len(u) > 3 && strings.HasSuffix(u, "s") {
		u = u[:len(u)-1]
	}
	return u
}

func sameValue(a, b *events.Claim) bool {
	if a.Value == nil || b.Value == nil {
		return events.NormalizeText(a.Text) == events.NormalizeText(b.Text)
	}
	return *a.Value == *b.Value
}

// stop words left out of the overlap of two claims.
var stop = map[string]bool{"the": true, "a": true, "an": true, "of": true, "to": true, "in": true, "and": true, "is": true,
	"it": true, "that": true, "for": true, "on": true, "with": true, "be": true, "was": true, "has": true, "have": true,
	"he": true, "she": true, "they": true, "this": true, "at": true, "by": true, "as": true, "but": true, "or": true}

func words(claims []events.Claim) []map[string]bool {
	out := make([]map[string]bool, len(claims))
	for i, c := range claims {
		set := map[string]bool{}
		for _, w := range strings.Fields(events.NormalizeText(c.Text + " " + c.Counts)) {
			if !stop[w] {
				set[w] = true
			}
		}
		out[i] = set
	}
	return out
}

// context is a number claim's words without its digits, so "four years of
// penalties" and "3-1/2 years of penalties" share their context.
func context(set map[string]bool, c *events.Claim) map[string]bool {
	out := map[string]bool{}
	for w := range set {
		if strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) >= 0 && !numberWord[w] {
			out[w] = true
		}
	}
	if c.Counts != "" {
		for _, w := range strings.Fields(events.NormalizeText(c.Counts)) {
			out[w] = true
		}
	}
	return out
}

var numberWord = map[string]bool{"one": true, "two": true, "three": true, "four": true, "five": true, "six": true,
	"seven": true, "eight": true, "nine": true, "ten": true, "half": true, "dozen": true, "hundred": true,
	"thousand": true, "million": true, "billion": true}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func round(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }
