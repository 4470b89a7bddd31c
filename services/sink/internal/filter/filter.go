// Package filter decides which clustered articles a sink output delivers.
//
// A filter is a comma-separated list of terms that must all hold. A term is
// FIELD=VALUES or FIELD!=VALUES, where VALUES is one value or several
// separated by '/' (no value holds '=' or '!'):
//
//	relation!=duplicate            everything but verbatim copies
//	relation=new                   only the first article of each story
//	lang=en/fr,relation!=duplicate English or French, no verbatim copies
//
// Fields: relation (new, duplicate, near_duplicate, rewrite), lang (the
// article's language tag), wire (the news agency, case-insensitive), source
// (the source kind: file, feed, http), cluster (a cluster id) and rule (the
// rule that decided the relation).
package filter

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("filter: invalid expression")

// Filter selects clustered articles. The zero value and nil select all.
type Filter struct {
	expr  string
	terms []term
}

type term struct {
	field  string
	negate bool
	values []string
}

// field describes one field a term can test.
type field struct {
	get func(a *events.ClusteredArticle) string
	// fold compares case-insensitively.
	fold bool
	// valid lists the only values allowed, when the set is closed.
	valid []string
}

var fields = map[string]field{
	"relation": {get: func(a *events.ClusteredArticle) string { return string(a.Cluster.Relation) },
		valid: []string{string(events.RelationNew), string(events.RelationDuplicate), string(events.RelationNearDuplicate), string(events.RelationRewrite)}},
	"lang":    {get: func(a *events.ClusteredArticle) string { return a.Language }, fold: true},
	"wire":    {get: func(a *events.ClusteredArticle) string { return a.Wire }, fold: true},
	"source":  {get: func(a *events.ClusteredArticle) string { return string(a.Source.Kind) }, valid: []string{string(events.SourceFeed), string(events.SourceFile), string(events.SourceHTTP)}},
	"cluster": {get: func(a *events.ClusteredArticle) string { return a.Cluster.ID }},
	"rule":    {get: func(a *events.ClusteredArticle) string { return a.Cluster.Rule }},
}

// aliases are other names accepted for a field.
var aliases = map[string]string{"language": "lang", "kind": "source", "cluster_id": "cluster"}

// Fields lists the names a term can test, sorted.
func Fields() []string {
	var names []string
	for n := range fields {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Parse parses a filter expression. An empty expression selects everything.
// It reports every problem of the expression at once.
func Parse(expr string) (*Filter, error) {
	f := &Filter{expr: strings.TrimSpace(expr)}
	if f.expr == "" {
		return f, nil
	}
	var errs []error
	for raw := range strings.SplitSeq(f.expr, ",") {
		t, err := parseTerm(strings.TrimSpace(raw))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f.terms = append(f.terms, t)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w %q: %w", ErrSyntax, expr, errors.Join(errs...))
	}
	return f, nil
}

func parseTerm(s string) (term, error) {
	var t term
	name, values, ok := strings.Cut(s, "!=")
	if ok {
		t.negate = true
	} else if name, values, ok = strings.Cut(s, "="); !ok {
		return t, fmt.Errorf("term %q is not FIELD=VALUE or FIELD!=VALUE", s)
	}
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[name]; ok {
		name = a
	}
	fd, ok := fields[name]
	if !ok {
		return t, fmt.Errorf("unknown field %q (fields: %s)", name, strings.Join(Fields(), ", "))
	}
	t.field = name
	for v := range strings.SplitSeq(values, "/") {
		v = strings.TrimSpace(v)
		if v == "" {
			return t, fmt.Errorf("term %q has an empty value", s)
		}
		if strings.ContainsAny(v, "=!") {
			// A mistyped separator or operator, which would select
			// nothing without a word.
			return t, fmt.Errorf("term %q has more than one operator (terms are separated by ',')", s)
		}
		if fd.fold {
			v = strings.ToLower(v)
		}
		if fd.valid != nil && !slices.Contains(fd.valid, v) {
			return t, fmt.Errorf("%s %q is not one of %s", name, v, strings.Join(fd.valid, ", "))
		}
		t.values = append(t.values, v)
	}
	return t, nil
}

// Match reports whether a passes every term of f.
func (f *Filter) Match(a *events.ClusteredArticle) bool {
	if f == nil {
		return true
	}
	for _, t := range f.terms {
		fd := fields[t.field]
		v := fd.get(a)
		if fd.fold {
			v = strings.ToLower(v)
		}
		if slices.Contains(t.values, v) == t.negate {
			return false
		}
	}
	return true
}

// String returns the expression f was parsed from.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return f.expr
}
