package changes

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// FuzzCompare compares claims as a producer may send them, spans that
// slice nothing and texts of any runes included: Compare returns at most
// limit changes, most telling first, pairs each canonical claim once, and
// returns the same for the same claims.
func FuzzCompare(f *testing.F) {
	f.Add("Gerhard Mangott|The visit is a last-ditch effort|0|31\nthe sources|four years of war|5|15",
		"Mangott|a “last, desperate attempt”|2|30\n|3-1/2 years|0|11", 8)
	f.Add("Witkoff|it was “preposterous” to think so|0|33\nSteve Witkoff|preposterous|8|20", "x|\xff\xfe|-3|99", 1)
	f.Add("", "a|b|0|0", 0)
	f.Add("|a 5 years b|-9223372036854775808|9223372036854775807\n|5 years|9223372036854775806|9223372036854775807", "|5 years|0|7", 4)
	f.Fuzz(func(t *testing.T, canonical, member string, limit int) {
		limit %= 64
		cs, ms := fuzzClaims("c", canonical), fuzzClaims("m", member)
		got := Compare(cs, ms, limit)
		if len(got) > max(limit, 0) {
			t.Fatalf("%d changes, limit %d", len(got), limit)
		}
		seen := map[string]bool{}
		for i, c := range got {
			if i > 0 && rank(c.Kind) < rank(got[i-1].Kind) {
				t.Fatalf("%s after %s", c.Kind, got[i-1].Kind)
			}
			if (c.Claim == nil) != (c.Kind == events.ChangeOnlyCanonical) || (c.Canonical == nil) != (c.Kind == events.ChangeOnlyMember) {
				t.Fatalf("%s change with claim %v and canonical %v", c.Kind, c.Claim, c.Canonical)
			}
			if c.Canonical != nil && c.Kind != events.ChangeOnlyCanonical {
				if seen[c.Canonical.ID] {
					t.Fatalf("canonical claim %q paired twice", c.Canonical.Text)
				}
				seen[c.Canonical.ID] = true
			}
			if c.Similarity < 0 || c.Similarity > 1 {
				t.Fatalf("similarity %v", c.Similarity)
			}
		}
		if again := Compare(cs, ms, limit); !reflect.DeepEqual(again, got) {
			t.Fatalf("the same claims compared twice gave two answers")
		}
	})
}

// fuzzClaims reads claims, one a line: speaker|text|start|end, numbers
// when the text starts with a digit. Their ids, prefix and line number,
// tell apart claims alike.
func fuzzClaims(prefix, s string) []events.Claim {
	var out []events.Claim
	for i, line := range strings.Split(s, "\n") {
		f := strings.Split(line, "|")
		for len(f) < 4 {
			f = append(f, "")
		}
		c := events.Claim{ID: prefix + strconv.Itoa(i), Kind: events.ClaimQuote, Speaker: f[0], Text: f[1], Span: events.Span{Start: atoi(f[2]), End: atoi(f[3])}}
		switch {
		case f[1] != "" && f[1][0] >= '0' && f[1][0] <= '9':
			v := float64(f[1][0] - '0')
			c.Kind, c.Value, c.Unit, c.Counts = events.ClaimNumber, &v, "years", f[0]
		case i%2 == 1:
			c.Kind = events.ClaimStatement
		}
		out = append(out, c)
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
