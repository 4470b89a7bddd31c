package claims

import (
	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// maxScareWords is the length up to which a quotation without a named
// speaker and a verb of saying is taken for scare quotes ("disgusting").
const maxScareWords = 3

// quotes finds the quotations that open in sentence si and their speakers.
func (f *finder) quotes(si int) {
	d := f.d
	s := d.Sentences[si]
	// Quotations do not overlap and are in text order.
	for ; f.nextQuote < len(d.Quotes) && d.Quotes[f.nextQuote].Open < s.Last; f.nextQuote++ {
		qi := f.nextQuote
		q := d.Quotes[qi]
		if q.Open < s.First {
			continue
		}
		// The text around the quotation, up to the next or previous
		// quotation in the sentence.
		beforeFrom, afterTo := s.First, s.Last
		if qi > 0 {
			if c := d.Quotes[qi-1].Close; c >= beforeFrom && c < q.Open {
				beforeFrom = c + 1
			}
		}
		if qi+1 < len(d.Quotes) && d.Quotes[qi+1].Open < afterTo {
			afterTo = d.Quotes[qi+1].Open
		}
		sp, cue, ok := speaker{}, "", false
		if q.Close >= 0 {
			sp, cue, ok = f.cueAfter(si, q.Close+1, afterTo)
		}
		if !ok {
			sp, cue, ok = f.cueBefore(si, q, beforeFrom, afterTo)
		}
		if !ok && f.lastQuote.name != "" && f.lastQuoteSent >= si-1 && q.Open == s.First {
			// A quotation that carries on the last one without a
			// cue of its own, as wire copy does over paragraphs.
			sp, ok = f.lastQuote, true
			sp.resolved = true
		}
		nwords := countWords(d, q.First, q.Last)
		if nwords == 0 || !ok && f.titleLike(q.First, q.Last) {
			continue
		}
		if nwords <= maxScareWords && (cue == "" || !sp.person || sp.name == "" || sp.resolved && f.commaBefore(q.Open, s.First)) {
			continue
		}
		f.add(events.ClaimQuote, q.First, q.Last, sp.name, cue)
		if sp.name != "" {
			f.lastQuote, f.lastQuoteSent = sp, si
			f.spoke(sp.name, sp.person, si)
		}
	}
}

func countWords(d *segment.Doc, first, last int) int {
	n := 0
	for i := first; i < last; i++ {
		if d.Tokens[i].Kind != segment.Punct {
			n++
		}
	}
	return n
}

// cueAfter reads an attribution after a quotation, in tokens [from, to):
// "…,” said Gerhard Mangott", "…,” he said", "…,” X told reporters",
// "…,” according to X".
func (f *finder) cueAfter(si, from, to int) (speaker, string, bool) {
	i := from
	for i < to && (f.punct(i) == "," || f.punct(i) == "—" || f.punct(i) == "–") {
		i++
	}
	if i >= to || f.d.Tokens[i].Kind == segment.Punct {
		return speaker{}, "", false
	}
	w := f.verb(i)
	switch {
	case quoteCues[w]:
		// Verb first: "said Gerhard Mangott, an Austrian analyst".
		j := i + 1
		for j < to && j < i+8 && f.d.Tokens[j].Kind != segment.Punct && !openerWords[f.word(j)] {
			j++
		}
		// "said Kremlin spokesman Dmitry Peskov": the person is
		// the speaker, whatever comes before the name.
		sp, ok := f.speakerOf(i+1, j, si, true)
		if !ok {
			return speaker{}, "", false
		}
		f.usedCue[i] = true
		return sp, w, true
	case f.word(i) == "according" && f.word(i+1) == "to":
		j := i + 2
		for j < to && f.punct(j) == "" {
			j++
		}
		sp, ok := f.speakerOf(i+2, j, si, true)
		return sp, "according to", ok
	}
	// Subject first: "he said", "Putin told reporters", "the minister
	// later added", or with an apposition: "the company's chief
	// executive, Peter Aaland, said".
	commas := 0
	for k := i; k < to && k < i+8+6*commas; k++ {
		if f.d.Tokens[k].Kind == segment.Punct {
			if f.punct(k) == "," && commas < maxAppositionCommas && k > i {
				commas++
				continue
			}
			break
		}
		v := f.verb(k)
		if !quoteCues[v] || k == i {
			if commas > 0 && (subjectStops[f.word(k)] || openerWords[f.word(k)]) {
				// "…,” the report, which she said …": a
				// clause, not an apposition.
				break
			}
			continue
		}
		j := f.skipAux(k-1, i) + 1
		a, b := i, j
		if commas > 0 {
			// A title or a name opens an apposition; "…” mutually
			// shared by X, Y said" goes on with the sentence.
			if !f.isCap(i) && !nounOpeners[f.word(i)] {
				break
			}
			a, b = f.appositivePart(i, j)
		}
		sp, ok := f.speakerOf(a, b, si, true)
		if !ok {
			return speaker{}, "", false
		}
		f.usedCue[k] = true
		return sp, v, true
	}
	return speaker{}, "", false
}

// nounOpeners open a noun phrase: "the company's chief executive".
var nounOpeners = setOf(`the a an its his her their our my`)

// maxAppositionCommas is how many commas the subject of a verb of saying
// after a quotation may hold: a title and a name set off by two.
const maxAppositionCommas = 2

// cueBefore reads an attribution before a quotation, in tokens [from,
// q.Open): "X said: “…”", "X said the visit was a “last, desperate
// attempt”", "X described the talks as a “last-ditch effort”", or the
// passive "described as “…” by X".
func (f *finder) cueBefore(si int, q segment.Quote, from, afterTo int) (speaker, string, bool) {
	for v := q.Open - 1; v >= from; v-- {
		w := f.verb(v)
		switch {
		case f.word(v) == "according" && f.word(v+1) == "to":
			j := v + 2
			for j < q.Open && f.punct(j) == "" {
				j++
			}
			sp, ok := f.speakerOf(v+2, j, si, true)
			return sp, "according to", ok
		case w == "described" || w == "describes":
			if !f.hasAs(v+1, q.Open) {
				continue
			}
			if q.Close >= 0 && f.word(q.Close+1) == "by" {
				j := q.Close + 2
				for j < afterTo && f.punct(j) == "" {
					j++
				}
				sp, ok := f.speakerOf(q.Close+2, j, si, true)
				if ok {
					f.usedCue[v] = true
				}
				return sp, w, ok
			}
		case participleCues[w]:
			a, b, ok := f.leadingSubject(si, v)
			if !ok {
				return speaker{}, "", false
			}
			sp, ok := f.speakerOf(a, b, si, true)
			return sp, w, ok
		case !quoteCues[w]:
			continue
		}
		a, b, ok := f.subjectBefore(v, from)
		if !ok {
			return speaker{}, "", false
		}
		sp, ok := f.speakerOf(a, b, si, true)
		return sp, w, ok
	}
	return speaker{}, "", false
}

// hasAs reports whether "as" is among tokens [from, to).
func (f *finder) hasAs(from, to int) bool {
	for i := from; i < to; i++ {
		if f.word(i) == "as" {
			return true
		}
	}
	return false
}

// titleLike reports whether tokens [first, last) read as the title of a
// work or an event rather than speech: every longer word capitalised.
func (f *finder) titleLike(first, last int) bool {
	n := 0
	for i := first; i < last; i++ {
		t := &f.d.Tokens[i]
		if t.Kind == segment.Punct || t.REnd-t.RStart < 4 {
			continue
		}
		if !t.Cap && t.Kind != segment.Number {
			return false
		}
		n++
	}
	return n > 0 && last-first <= 12
}

// commaBefore reports whether a comma comes between the verb of saying
// before the quotation at open and the quotation: then the verb may belong
// to another clause ("he asked about X, called Y a “terrorist”").
func (f *finder) commaBefore(open, first int) bool {
	for i := open - 1; i >= first; i-- {
		if f.punct(i) == "," {
			return true
		}
		if quoteCues[f.verb(i)] || participleCues[f.verb(i)] {
			return false
		}
	}
	return false
}
