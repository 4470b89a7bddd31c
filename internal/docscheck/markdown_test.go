package docscheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// doc is a markdown file of the repository.
type doc struct {
	path  string
	lines []string
}

func readDoc(t *testing.T, path string) doc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return doc{path: path, lines: strings.Split(string(b), "\n")}
}

// table is a markdown table with the section it is in.
type table struct {
	// section is the heading of the level-2 section the table is in.
	section string
	// line is the table's header line, counted from 1.
	line   int
	header []string
	rows   [][]string
}

// column is the index of the column named name, or -1.
func (t table) column(name string) int {
	for i, h := range t.header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return i
		}
	}
	return -1
}

func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	// An escaped \| is a | inside a cell.
	cells := strings.Split(strings.ReplaceAll(line, `\|`, "\x00"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(strings.ReplaceAll(cells[i], "\x00", "|"))
	}
	return cells
}

var delimiterRow = regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+\s*$`)

// tables are d's tables, outside fenced code.
func (d doc) tables() []table {
	var out []table
	section := ""
	fenced := false
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section = strings.TrimSpace(h)
			continue
		}
		if !strings.HasPrefix(line, "|") || i+1 >= len(d.lines) || !delimiterRow.MatchString(d.lines[i+1]) {
			continue
		}
		tb := table{section: section, line: i + 1, header: splitRow(line)}
		for i += 2; i < len(d.lines) && strings.HasPrefix(d.lines[i], "|"); i++ {
			tb.rows = append(tb.rows, splitRow(d.lines[i]))
		}
		out = append(out, tb)
	}
	return out
}

// span is a piece of code in a doc: an inline code span, or a line of a
// fenced block.
type span struct {
	line int
	text string
	// fenced says the span is a line of a fenced block.
	fenced bool
}

var inlineCode = regexp.MustCompile("`([^`]+)`")

// code is every piece of code in d.
func (d doc) code() []span {
	var out []span
	fenced := false
	for i, line := range d.lines {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			out = append(out, span{i + 1, line, true})
			continue
		}
		for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
			out = append(out, span{i + 1, m[1], false})
		}
	}
	return out
}

// codeSpans are the inline code spans of a table cell.
func codeSpans(cell string) []string {
	var out []string
	for _, m := range inlineCode.FindAllStringSubmatch(cell, -1) {
		out = append(out, m[1])
	}
	return out
}

var (
	envName  = regexp.MustCompile(`WIREWATCH_[A-Z0-9_]*`)
	flagName = regexp.MustCompile(`(?:^|[\s\[(|=])--([a-z][a-z0-9-]*)(\*)?`)
)

// flagsIn are the --flags of s; a name followed by * (--nats-tls-*) is a
// prefix, returned with its trailing -.
func flagsIn(s string) []string {
	var out []string
	for _, m := range flagName.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
