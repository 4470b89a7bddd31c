package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// FuzzParse feeds filter expressions (from flags and environment variables)
// to Parse: it never panics, a failure is a syntax error, a filter it
// accepts can judge any article, reads back the same from its String, and
// selects exactly what all of its terms, parsed one by one, select.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "relation=new", "relation!=duplicate", "lang=en/fr, relation!=duplicate",
		"wire=reuters/afp", "source=file,cluster=c1,rule!=simhash_hamming", "=", ",,", "lang=", "relation=bogus", "x!=!=y",
		"LANG=EN , Wire=REUTERS", "cluster_id=c1/c2,kind!=feed",
		// Hostile expressions: NULs, invalid UTF-8, letters whose case
		// folds oddly (Kelvin sign, dotted I), many terms and values.
		"lang=e\x00n,wire=\xff\xfe", "wire=\u212a/\u0130/ǅ,lang!=İ", strings.Repeat("lang=en/fr/", 50) + "de," + strings.Repeat("relation!=new,", 40) + "wire=ap",
		" \t relation = new \t,\u00a0lang=en"} {
		f.Add(s)
	}
	arts := []*events.ClusteredArticle{
		article("en", events.RelationNew, "Reuters"),
		article("", events.RelationDuplicate, ""),
		article("FR", events.RelationRewrite, "afp"),
		{},
	}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Parse(expr)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q): %v does not wrap ErrSyntax", expr, err)
			}
			return
		}
		again, err := Parse(flt.String())
		if err != nil {
			t.Fatalf("Parse(%q) gave %q, which does not parse: %v", expr, flt.String(), err)
		}
		var terms []*Filter
		if strings.TrimSpace(expr) != "" {
			for raw := range strings.SplitSeq(expr, ",") {
				term, err := Parse(raw)
				if err != nil || strings.TrimSpace(raw) == "" {
					t.Fatalf("Parse(%q) accepted its term %q, alone: %v", expr, raw, err)
				}
				terms = append(terms, term)
			}
		}
		for _, a := range arts {
			want := true
			for _, term := range terms {
				want = want && term.Match(a)
			}
			if got := flt.Match(a); got != want || again.Match(a) != got {
				t.Fatalf("Parse(%q).Match(%+v) = %v, its reparse %v, its terms together %v", expr, a, got, again.Match(a), want)
			}
		}
	})
}
