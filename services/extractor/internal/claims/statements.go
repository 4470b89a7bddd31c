package claims

import (
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// minStatementWords is the fewest words a statement says; "say the
// opposite" says too little to be compared across articles.
const minStatementWords = 3

// maxStatementTokens bounds what a statement says: a longer "sentence" is a
// run-on text without full stops, and its claims are not comparable.
const maxStatementTokens = 300

// statements finds reported speech outside quotations in sentence si.
func (f *finder) statements(si int) {
	d := f.d
	s := d.Sentences[si]
	for v := s.First; v < s.Last; v++ {
		class := f.classes[v]
		if class&(classStatement|classParticiple|classAccording) == 0 || f.usedCue[v] || d.QuoteAt(v) >= 0 {
			continue
		}
		w := f.word(v)
		switch {
		case class&classAccording != 0 && f.word(v+1) == "to":
			f.according(si, v)
		case class&classStatement != 0:
			f.reported(si, v, w)
		case class&classParticiple != 0 && f.punct(v-1) == ",":
			a, b, ok := f.leadingSubject(si, v)
			if !ok {
				continue
			}
			start := f.contentStart(v, w, s.Last)
			if start < 0 {
				continue
			}
			f.statement(si, a, b, start, s.Last, w)
		}
	}
}

// contentStart returns where what was said starts after the verb at v:
// past the person told, an adverbial and "that". It returns -1 for a
// verb of telling without anyone told.
func (f *finder) contentStart(v int, w string, end int) int {
	i := v + 1
	if tellVerbs[w] {
		j := f.skipObject(i, end)
		if j == i {
			return -1
		}
		i = j
	}
	i = f.skipAdverbial(i, end)
	if f.word(i) == "that" {
		i++
	}
	return i
}

// reported handles a finite verb of saying at v: "X said (that) ...",
// "..., X said.", "..., X said, ...".
func (f *finder) reported(si, v int, w string) {
	s := f.d.Sentences[si]
	start := f.contentStart(v, w, s.Last)
	if start < 0 {
		return
	}
	end := f.trimEnd(start, s.Last)
	if start >= end || f.punct(start) == "," {
		// The attribution ends the sentence or sits inside it:
		// "..., three sources close to the Kremlin told Reuters." The
		// subject then sits after a comma.
		j := f.skipAux(v-1, s.First)
		if j < s.First || beVerbs[f.word(j)] {
			return
		}
		c := j
		for c >= s.First && f.punct(c) != "," && j-c <= 10 {
			c--
		}
		if c <= s.First || j <= c || j-c > 10 {
			return
		}
		if start >= end {
			f.statement(si, c+1, j+1, s.First, c, w)
		} else {
			f.statement(si, c+1, j+1, s.First, s.Last, w)
		}
		return
	}
	a, b, ok := f.subjectBefore(v, s.First)
	if !ok {
		return
	}
	f.statement(si, a, b, start, s.Last, w)
}

// according handles "according to X" at v, opening or closing a sentence.
func (f *finder) according(si, v int) {
	s := f.d.Sentences[si]
	j := v + 2
	for j < s.Last && f.punct(j) == "" {
		if j-v > 14 {
			return
		}
		j++
	}
	end := f.trimEnd(j, s.Last)
	switch {
	case j >= end && f.punct(v-1) == ",":
		f.statement(si, v+2, j, s.First, v-1, "according to")
	case f.punct(j) == "," && (v == s.First || f.punct(v-1) == ","):
		f.statement(si, v+2, j, j+1, s.Last, "according to")
	}
}

// trimEnd drops the closing punctuation of tokens [first, last).
func (f *finder) trimEnd(first, last int) int {
	for last > first {
		switch f.punct(last - 1) {
		case ".", ",", ";", ":", "—", "–", "-":
			last--
			continue
		}
		break
	}
	return last
}

// statement records what the subject [a, b) said in tokens [first, last)
// of sentence si.
func (f *finder) statement(si, a, b, first, last int, cue string) {
	d := f.d
	for first < last && d.Tokens[first].Kind == segment.Punct && !isOpenQuote(d, first) {
		first++
	}
	last = f.trimEnd(first, last)
	if first >= last || last-first > maxStatementTokens || badStarts[f.word(first)] || countWords(d, first, last) < minStatementWords {
		return
	}
	// "X said: “…”" is a quotation, not a statement.
	if q := d.QuoteAt(first + 1); q >= 0 && d.Quotes[q].Open == first && d.Quotes[q].Close >= last-1 {
		return
	}
	sp, ok := f.speakerOf(a, b, si, false)
	if !ok || sp.name == "" {
		return
	}
	f.add(events.ClaimStatement, first, last, sp.name, cue)
	f.spoke(sp.name, sp.person, si)
	if sp.person && !sp.resolved {
		// A later "he said" means the person by their full name.
		if m, ok := f.ents.PersonIn(a, b); ok {
			f.lastPerson = m.Name
		}
	}
}

// isOpenQuote reports whether token i opens a quotation.
func isOpenQuote(d *segment.Doc, i int) bool {
	if i+1 >= len(d.Tokens) {
		return false
	}
	q := d.QuoteAt(i + 1)
	return q >= 0 && d.Quotes[q].Open == i
}
