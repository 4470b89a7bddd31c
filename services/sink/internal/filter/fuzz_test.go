package filter

import (
	"errors"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// FuzzParse feeds filter expressions (from flags and environment variables)
// to Parse: it never panics, a failure is a syntax error, and a filter it
// accepts can judge any article.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "relation=new", "relation!=duplicate", "lang=en/fr, relation!=duplicate",
		"wire=reuters/afp", "source=file,cluster=c1,rule!=simhash_hamming", "=", ",,", "lang=", "relation=bogus", "x!=!=y"} {
		f.Add(s)
	}
	arts := []*events.ClusteredArticle{
		article("en", events.RelationNew, "Reuters"),
		article("", events.RelationDuplicate, ""),
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
		for _, a := range arts {
			_ = flt.Match(a)
		}
	})
}
