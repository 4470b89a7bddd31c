package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

func article(lang string, rel events.Relation, wire string) *events.ClusteredArticle {
	return &events.ClusteredArticle{
		Article: events.Article{Language: lang, Wire: wire, Source: events.Source{Kind: events.SourceFile}},
		Cluster: events.Assignment{ID: "c1", Relation: rel, Rule: "content_hash"},
	}
}

func TestMatch(t *testing.T) {
	en := article("en", events.RelationNew, "Reuters")
	dup := article("en", events.RelationDuplicate, "")
	fr := article("fr", events.RelationRewrite, "AFP")
	tests := []struct {
		expr string
		want []bool // en, dup, fr
	}{
		{"", []bool{true, true, true}},
		{"relation=new", []bool{true, false, false}},
		{"relation!=duplicate", []bool{true, false, true}},
		{"lang=EN", []bool{true, true, false}},
		{"language=en/fr, relation!=duplicate", []bool{true, false, true}},
		{"wire=reuters/afp", []bool{true, false, true}},
		{"source=file,cluster=c1,rule!=simhash_hamming", []bool{true, true, true}},
		{"relation=new/rewrite,lang!=fr", []bool{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			f, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range []*events.ClusteredArticle{en, dup, fr} {
				if got := f.Match(a); got != tt.want[i] {
					t.Errorf("Match(article %d) = %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"relation", "not FIELD=VALUE"},
		{"colour=red", `unknown field "colour"`},
		{"relation=copy", `relation "copy" is not one of`},
		{"lang=", "empty value"},
		{"lang=en/,source=ftp", "empty value"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Parse(tt.expr)
			if err == nil || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %v, want ErrSyntax containing %q", tt.expr, err, tt.want)
			}
		})
	}
	_, err := Parse("lang=en/,source=ftp")
	if err == nil || !strings.Contains(err.Error(), `source "ftp"`) {
		t.Errorf("error %v does not report every bad term", err)
	}
}

func TestNilFilterMatchesAll(t *testing.T) {
	var f *Filter
	if !f.Match(article("en", events.RelationDuplicate, "")) || f.String() != "" {
		t.Error("nil filter does not select everything")
	}
}

// A term with a second operator is a mistyped filter (a space or ';' for the
// ',' between terms, '==' or '=!' for '=' or '!='): over an open field such
// as lang it would select nothing, silently, so Parse refuses it.
func TestParseRefusesASecondOperatorInATerm(t *testing.T) {
	for _, expr := range []string{"lang=en relation=new", "lang=en;relation=new", "lang==en", "lang=!en", "wire=ap,rule=x!=y", "cluster=c1/c2=c3"} {
		t.Run(expr, func(t *testing.T) {
			if f, err := Parse(expr); err == nil || !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q) = %v, %v; want ErrSyntax", expr, f, err)
			}
		})
	}
	for _, expr := range []string{"lang=en,relation=new", "lang!=en", "wire=Agence France-Presse"} {
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%q): %v", expr, err)
		}
	}
}
