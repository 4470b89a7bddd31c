package boilerplate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDateLineWords is the most words a line giving a date can have: longer
// lines are sentences that mention a date.
const maxDateLineWords = 14

// months are month names and their abbreviations, lower case, in English
// and in the languages that share them.
var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true,
	"may": true, "june": true, "july": true, "august": true,
	"september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true,
}

// DateLine reports whether a line is a date or time stamp, alone or with a
// few words around it ("Updated 1:39 am EST, Wednesday, November 20, 2019",
// "Jane Doe - Nov 19, 2019, 10:31 pm"), rather than a sentence that
// mentions one.
func DateLine(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxLineRunes {
		return false
	}
	if endsSentence(s) {
		return false
	}
	words := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '|' || r == '·' || r == '(' || r == ')' || r == '[' || r == ']'
	})
	if len(words) == 0 || len(words) > maxDateLineWords {
		return false
	}
	for i, w := range words {
		switch {
		case isClock(w), isNumericDate(w):
			return true
		case months[strings.ToLower(strings.TrimSuffix(w, "."))]:
			if nearNumber(words, i) {
				return true
			}
		}
	}
	return false
}

// endsSentence reports whether s ends like a sentence: with a full stop
// (not that of "a.m." or "p.m."), a question or an exclamation mark.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '!', '?':
		return true
	case '.':
		l := strings.ToLower(s)
		return !strings.HasSuffix(l, "a.m.") && !strings.HasSuffix(l, "p.m.")
	}
	return false
}

// isClock reports whether w is a time of day: "10:31", "8.41am", "5pm".
func isClock(w string) bool {
	w = strings.ToLower(w)
	for _, suf := range []string{"am", "pm", "a.m.", "p.m."} {
		if t, ok := strings.CutSuffix(w, suf); ok && t != "" {
			w = t
			if allDigits(w) && len(w) <= 2 {
				return true
			}
			break
		}
	}
	h, m, ok := strings.Cut(w, ":")
	if !ok {
		h, m, ok = strings.Cut(w, "h")
	}
	return ok && len(h) >= 1 && len(h) <= 2 && allDigits(h) && len(m) == 2 && allDigits(m)
}

// isNumericDate reports whether w is a date in digits: "2019-11-20",
// "11/19/2019", "20.11.2019".
func isNumericDate(w string) bool {
	parts := strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) != 3 {
		return false
	}
	year := false
	for _, p := range parts {
		if !allDigits(p) || len(p) > 4 {
			return false
		}
		if len(p) == 4 {
			year = true
		} else if len(p) > 2 {
			return false
		}
	}
	return year || len(parts[2]) == 2
}

// nearNumber reports whether a day or a year is next to words[i].
func nearNumber(words []string, i int) bool {
	for _, j := range []int{i - 1, i + 1, i + 2} {
		if j < 0 || j >= len(words) {
			continue
		}
		w := strings.TrimRight(words[j], ".,thstndrd")
		if allDigits(w) && (len(w) <= 2 || len(w) == 4) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// DateOnlyLine reports whether s is a date line and nothing else: a date
// with no more than a label, a weekday, a time and its zone ("March 9,
// 2026", "Published 9 March 2026 08:10 GMT", "Last updated: 2026-03-10").
// A line with other words ("By Oskar Brenne, March 9, 2026", "The strike
// of March 2, 2026 in numbers") is not one, nor is a line of numbers alone
// whose day and month could be read either way ("09/03/2026"). update
// tells whether its label makes it the time of an update.
func DateOnlyLine(s string) (only, update bool) {
	if !DateLine(s) {
		return false, false
	}
	month := false
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '|' || r == '(' || r == ')' || r == '·'
	}) {
		w = strings.Trim(w, ":.-–—")
		switch {
		case w == "":
		case dateLabels[w]:
			update = update || w == "updated" || w == "modified" || w == "update"
		case months[w], isoDate.MatchString(w):
			month = true
		case dateWords[w], dateNumber.MatchString(w):
		default:
			return false, false
		}
	}
	return month, update && month
}

// Words of a date line besides the date, lower case.
var (
	dateLabels = toSet("published posted updated update modified last first date on at")
	dateWords  = toSet("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun " +
		"am pm a.m p.m gmt utc bst cet cest eet eest est edt cst cdt mst mdt pst pdt ist jst aest aedt z")
	// dateNumber is a day, year, time or ordinal: "9", "9th", "2026", "08:10", "8.10am".
	dateNumber = regexp.MustCompile(`^\d{1,4}(st|nd|rd|th)?$|^\d{1,2}[:.]\d{2}([:.]\d{2})?(am|pm)?$|^[+-]\d{2}:?\d{2}$`)
	// isoDate is "2026-03-09" (or with slashes), year first: not ambiguous.
	isoDate = regexp.MustCompile(`^\d{4}[-/]\d{1,2}[-/]\d{1,2}(t[\d:.]+z?)?$`)
)

func toSet(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
