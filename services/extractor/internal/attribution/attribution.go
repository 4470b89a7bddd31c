// Package attribution recognises the lines of news copy that say who wrote a
// story and where it came from: bylines ("By Gleb Bryanski and Mark
// Trevelyan"), datelines ("MOSCOW (Reuters) -"), and wire credits ("(With
// inputs from Reuters)", "(Reporting by ...; Editing by ...)").
package attribution

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits: attribution lines are short, and looking at long lines only
// costs time and invites false matches.
const (
	maxBylineRunes   = 160
	maxCreditRunes   = 800
	maxDatelineRunes = 80 // of the dateline itself, before the story starts
	maxNameRunes     = 60
)

// wires lists news agencies by canonical name with the lower-case forms they
// are written in.
var wires = []struct {
	name    string
	aliases []string
}{
	{"Reuters", []string{"reuters", "thomson reuters", "reuters staff"}},
	{"AP", []string{"ap", "associated press", "the associated press"}},
	{"AFP", []string{"afp", "agence france-presse", "agence france presse"}},
	{"Bloomberg", []string{"bloomberg", "bloomberg news"}},
	{"dpa", []string{"dpa", "deutsche presse-agentur"}},
	{"ANSA", []string{"ansa"}},
	{"EFE", []string{"efe"}},
	{"Xinhua", []string{"xinhua"}},
	{"TASS", []string{"tass"}},
	{"Interfax", []string{"interfax"}},
	{"RIA Novosti", []string{"ria", "ria novosti"}},
	{"Kyodo", []string{"kyodo", "kyodo news"}},
	{"Yonhap", []string{"yonhap"}},
	{"PA", []string{"pa", "pa media", "press association"}},
	{"UPI", []string{"upi", "united press international"}},
	{"ANI", []string{"ani"}},
	{"PTI", []string{"pti", "press trust of india"}},
	{"IANS", []string{"ians"}},
	{"Anadolu", []string{"anadolu", "anadolu agency"}},
	{"AAP", []string{"aap", "australian associated press"}},
	{"CP", []string{"cp", "the canadian press", "canadian press"}},
	{"APA", []string{"apa"}},
	{"ANP", []string{"anp"}},
	{"Belga", []string{"belga"}},
	{"Lusa", []string{"lusa"}},
	{"KNA", []string{"kna"}},
	{"epd", []string{"epd"}},
	{"Keystone-SDA", []string{"sda", "keystone-sda"}},
	{"Europa Press", []string{"europa press"}},
	{"Ukrinform", []string{"ukrinform"}},
	{"Bernama", []string{"bernama"}},
	{"Antara", []string{"antara"}},
}

var wireByAlias = func() map[string]string {
	m := make(map[string]string)
	for _, w := range wires {
		for _, a := range w.aliases {
			m[a] = w.name
		}
	}
	return m
}()

// WireName returns the canonical name of the news agency s names
// ("reuters", "The Associated Press", "AFP"), and whether it names one.
func WireName(s string) (string, bool) {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), ".,;:"))
	name, ok := wireByAlias[s]
	return name, ok
}

// Byline is what a byline says.
type Byline struct {
	Authors []string
	// Wire is the agency the byline credits ("By Jane Doe, Reuters").
	Wire string
}

var (
	relTime = `(?:\d{1,3}\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago|just now|yesterday|today)`
	// bylineRe matches "By ..." (or the German, French, Spanish, Italian
	// and Dutch word for it) with an optional relative-time prefix, as page
	// chrome writes it: "1 month Ago By Nikodem Baran".
	bylineRe = regexp.MustCompile(`(?i)^(?:(?:updated|published|posted)\s*:?\s*)?(?:` + relTime + `\s*[|•·,\-–—]?\s*)?(?:by|von|par|por|di|door)\s*:?\s+(.+)$`)
	// relTimeTail matches a relative time or "Updated ..." trailing a byline.
	relTimeTail  = regexp.MustCompile(`(?i)\s*[|•·,\-–—]?\s*(?:(?:updated|published|posted)\b.*|` + relTime + `)$`)
	inPlaceTail  = regexp.MustCompile(`\s+in\s+\p{Lu}[\p{L}\p{M}.'’\- ]{1,40}$`)
	bylineSplit  = regexp.MustCompile(`\s*[|•·]\s*`)
	namesSplitRe = regexp.MustCompile(`\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b)\s*`)
)

// ParseByline parses a byline line ("By ...", "Von ...", "Par ...", "Por
// ...", "Di ...", "Door ..."). It reports false for anything that is not
// one: every part after "By" must be a person's name, a role ("Staff
// Writer") or a news agency.
func ParseByline(line string) (Byline, bool) {
	line = strings.TrimSpace(line)
	if line == "" || utf8.RuneCountInString(line) > maxBylineRunes || !hasBylineWord(line) {
		return Byline{}, false
	}
	// "By Jane Doe | Updated 3 hours ago": the byline is the part with "By";
	// a part that is an agency's name alone ("By Jane Doe | AP") is its
	// wire.
	var b Byline
	if strings.ContainsAny(line, "|•·") {
		parts := bylineSplit.Split(line, -1)
		for i, p := range parts {
			if bylineRe.MatchString(p) {
				line = p
				for _, o := range parts[i+1:] {
					if w, ok := WireName(strings.TrimSpace(o)); ok {
						b.Wire = w
						break
					}
				}
				break
			}
		}
	}
	m := bylineRe.FindStringSubmatch(line)
	if m == nil {
		return Byline{}, false
	}
	rest := relTimeTail.ReplaceAllString(m[1], "")
	rest = strings.TrimSpace(rest)
	// "By Jane Doe (Reuters)"
	if i := strings.LastIndexByte(rest, '('); i > 0 && strings.HasSuffix(rest, ")") {
		if w, ok := WireName(rest[i+1 : len(rest)-1]); ok {
			b.Wire = w
			rest = strings.TrimSpace(rest[:i])
		}
	}
	// "By Jane Doe for The Associated Press"
	if r, w := cutWireTail(rest); w != "" {
		rest = r
		if b.Wire == "" {
			b.Wire = w
		}
	}
	names, wire, ok := splitNames(rest)
	if !ok || (len(names) == 0 && wire == "" && b.Wire == "") {
		return Byline{}, false
	}
	b.Authors = names
	if b.Wire == "" {
		b.Wire = wire
	}
	return b, true
}

// forWireTail is what follows a byline's names to say whom they write
// for: "Jane Doe for The Associated Press".
var forWireTail = regexp.MustCompile(`(?i)\s+for\s+(.+)$`)

// cutWireTail removes from s the agency its names write for ("Jane Doe
// for Reuters") and returns it, or returns s whole and "" when what
// follows "for" is no agency ("for the Daily Planet").
func cutWireTail(s string) (string, string) {
	m := forWireTail.FindStringSubmatchIndex(s)
	if m == nil {
		return s, ""
	}
	w, ok := WireName(s[m[2]:m[3]])
	if !ok {
		return s, ""
	}
	return strings.TrimSpace(s[:m[0]]), w
}

// hasBylineWord reports whether line has one of the words that open a
// byline: a cheap test before the regular expressions.
func hasBylineWord(line string) bool {
	for f := range strings.FieldsSeq(line) {
		if len(f) > 4 {
			continue
		}
		switch strings.ToLower(strings.TrimRight(f, ":")) {
		case "by", "von", "par", "por", "di", "door":
			return true
		}
	}
	return false
}

// ParseNames splits a list of people ("Jane Doe and John Roe", "Jane Doe,
// John Roe") into names. It reports false when a part is not a plausible
// name, role or agency.
func ParseNames(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxBylineRunes {
		return nil, false
	}
	if m := bylineRe.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	names, _, ok := splitNames(s)
	return names, ok && len(names) > 0
}

func splitNames(s string) (names []string, wire string, ok bool) {
	s = trimPlace(s)
	for _, part := range namesSplitRe.Split(s, -1) {
		part = strings.TrimSpace(inPlaceTail.ReplaceAllString(part, ""))
		if part == "" {
			continue
		}
		if w, isWire := wireOf(part); isWire {
			if wire == "" {
				wire = w
			}
			continue
		}
		if isRole(part) {
			continue
		}
		if !isName(part) {
			return nil, "", false
		}
		names = append(names, part)
	}
	return names, wire, true
}

// trimPlace removes the place after the last name of a byline ("Jane
// Doe in New York"), unless what follows "in" joins another name to the
// line ("Jane Doe in Kyiv and John Roe in Moscow"): then each name's place
// goes with its part.
func trimPlace(s string) string {
	loc := inPlaceTail.FindStringIndex(s)
	if loc == nil || namesSplitRe.MatchString(s[loc[0]:]) {
		return s
	}
	return s[:loc[0]]
}

// roleWords are the words of a byline's job titles ("Political
// Correspondent", "Staff Writer").
var roleWords = map[string]bool{
	"staff": true, "writer": true, "writers": true, "correspondent": true,
	"correspondents": true, "reporter": true, "reporters": true,
	"editor": true, "editors": true, "contributor": true, "columnist": true,
	"bureau": true, "chief": true, "senior": true, "political": true,
	"business": true, "foreign": true, "economics": true, "diplomatic": true,
	"news": true, "desk": true, "team": true, "special": true, "to": true,
	"the": true, "for": true, "of": true, "our": true, "deputy": true,
	"international": true, "affairs": true, "science": true, "health": true,
	"technology": true, "tech": true, "sports": true, "defence": true,
	"defense": true, "security": true, "europe": true, "europe's": true,
	"investigations": true, "data": true, "journalist": true,
}

func isRole(part string) bool {
	words := strings.Fields(strings.ToLower(part))
	if len(words) == 0 {
		return false
	}
	hasRole := false
	for _, w := range words {
		switch {
		case roleWords[w]:
			hasRole = true
		case w == "and":
		default:
			if _, ok := wireByAlias[w]; !ok {
				return false
			}
		}
	}
	return hasRole
}

// particles may appear lower-case inside a name ("Ursula von der Leyen").
var particles = map[string]bool{
	"de": true, "del": true, "della": true, "der": true, "den": true,
	"van": true, "von": true, "da": true, "das": true, "do": true,
	"dos": true, "di": true, "du": true, "la": true, "le": true, "bin": true,
	"ibn": true, "al": true, "el": true, "ten": true, "ter": true, "zu": true,
}

// isName reports whether s looks like a person's name: two to five words,
// each capitalised (or a particle), of letters and the punctuation names use.
func isName(s string) bool {
	if utf8.RuneCountInString(s) > maxNameRunes {
		return false
	}
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	for i, w := range words {
		if i > 0 && particles[w] {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(first) {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsMark(r) && !strings.ContainsRune(".-'’", r) {
				return false
			}
		}
	}
	return true
}

// Dateline is a dateline split from the start of a paragraph.
type Dateline struct {
	// Place is the place the dateline names ("MOSCOW").
	Place string
	// Wire is the agency in the dateline ("Reuters"), if any.
	Wire string
	// Rest is the paragraph after the dateline.
	Rest string
}

var (
	// wiredDateline: "MOSCOW (Reuters) -", "WASHINGTON, Aug 6 (Reuters) -",
	// "KYIV, Ukraine (AP) —", "Berlin (dpa) -".
	wiredDateline = regexp.MustCompile(`^([^,()\n]{2,50}?)(,[^()\n]{1,50}?)?\s*\(([^()\n]{2,40})\)\s*(?:-{1,2}|–|—|:)\s*`)
	// plainDateline: "MOSCOW —", "NEW YORK, Aug. 6 —". Only em and en
	// dashes and "--" count: a hyphen after capitals is too often a
	// compound ("U.S. - China").
	plainDateline = regexp.MustCompile(`^(\p{Lu}[\p{Lu}\p{M} .'’/\-]{1,40}?)(,[^()\n—–]{1,40}?)?\s*(?:—|–|--)\s*`)
)

// ParseDateline splits a dateline from the start of paragraph p. A dateline
// with an agency in brackets may name its place in any case ("Moscow
// (AFP) -"); one without must name it in capitals ("MOSCOW —").
func ParseDateline(p string) (Dateline, bool) {
	if m := wiredDateline.FindStringSubmatchIndex(p); m != nil {
		place := strings.TrimSpace(p[m[2]:m[3]])
		wire, ok := WireName(p[m[6]:m[7]])
		rest := strings.TrimSpace(p[m[1]:])
		if ok && rest != "" && isPlace(place, false) {
			return Dateline{Place: place, Wire: wire, Rest: rest}, true
		}
	}
	if m := plainDateline.FindStringSubmatchIndex(p); m != nil {
		place := strings.TrimSpace(p[m[2]:m[3]])
		rest := strings.TrimSpace(p[m[1]:])
		if rest != "" && isPlace(place, true) {
			return Dateline{Place: place, Rest: rest}, true
		}
	}
	return Dateline{}, false
}

// isPlace reports whether s can be a dateline's place: one to five
// capitalised words ("St Petersburg", "KYIV/MOSCOW"), all capitals when
// upper is set, with at least three letters.
func isPlace(s string, upper bool) bool {
	if utf8.RuneCountInString(s) > maxDatelineRunes {
		return false
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '/' })
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	letters := 0
	for i, w := range words {
		if i > 0 && particles[w] {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(first) {
			return false
		}
		for _, r := range w {
			switch {
			case unicode.IsLetter(r):
				letters++
				if upper && unicode.IsLower(r) {
					return false
				}
			case unicode.IsMark(r), strings.ContainsRune(".-'’", r):
			default:
				return false
			}
		}
	}
	return letters >= 3
}

// outletName reports whether s can be the name of the outlet a credit
// line names beside an agency ("FRANCE 24", "The Daily Planet"): up to four
// words, each capitalised or a number.
func outletName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// allWires returns the first of the agencies s lists ("AFP and Reuters"),
// and whether s lists agencies only.
func allWires(s string) (string, bool) {
	first := ""
	for _, part := range namesSplitRe.Split(s, -1) {
		w, ok := WireName(part)
		if !ok {
			return "", false
		}
		if first == "" {
			first = w
		}
	}
	return first, first != ""
}

// Credit is what a credit line says.
type Credit struct {
	// Wire is the agency credited, if the line names one.
	Wire string
	// HouseStyle is set when the line is a Reuters-style trailer
	// "(Reporting by ...; Editing by ...)" that names no agency.
	HouseStyle bool
}

var (
	inputsCredit = regexp.MustCompile(`(?i)^\(?\s*(?:with|includes?|contains?)\s+(?:additional\s+)?(?:inputs?|reporting|contributions?|information|material|reports?)\s+(?:from|by)\s+(.{2,200}?)\s*\)?\.?$`)
	agencyCredit = regexp.MustCompile(`(?i)^\(?\s*(?:with\s+)?(?:agency|agencies|wire|wires|news agency)(?:\s+inputs?)?\s*\)?\.?$`)
	// trailerCredit: "(Reporting by X in Moscow; Editing by Y)".
	trailerCredit = regexp.MustCompile(`(?i)^\(\s*(?:additional\s+)?(?:reporting|writing|compiled|editing|graphics|research|production)\s+by\s+.{2,700}\)\.?$`)
	// bareTrailer is the same without brackets; a ";" or a second "... by"
	// tells it from a sentence.
	bareTrailer = regexp.MustCompile(`(?i)^(?:additional\s+)?reporting\s+by\s+[^.]{2,300}(?:;|\.)\s*(?:additional\s+reporting|writing|editing|compiled)\s+by\s+.{2,300}$`)
	apCredit    = regexp.MustCompile(`(?i)^(?:the\s+)?associated\s+press\s+(?:writers?|reporters?|journalists?|correspondents?|videographers?|photographers?)\s+.{2,300}\s+contributed(?:\s+to\s+this\s+(?:report|story))?\.?$`)
	sourceLine  = regexp.MustCompile(`(?i)^(?:(?:source|sources|credit)\s*:\s*|[-–—]\s*|\(\s*)([^()]{2,60}?)\s*\)?\.?$`)
	// withCredit: "(With AFP)", "— With AP and Reuters"; withOutletCredit:
	// "(FRANCE 24 with AFP)". What follows "with" must be agencies only.
	withCredit       = regexp.MustCompile(`(?i)^(?:[-–—]\s*)?\(?\s*with\s+([^()]{2,80}?)\s*\)?\.?$`)
	withOutletCredit = regexp.MustCompile(`(?i)^\(\s*([^()]{1,30}?)\s+with\s+([^()]{2,80}?)\s*\)\.?$`)
	// creditStart matches how every credit line starts; lines that start
	// otherwise skip the other patterns.
	creditStart = regexp.MustCompile(`(?i)^(?:\(|[-–—]|with\b|includes?\b|contains?\b|agenc|wires?\b|news agency|(?:additional\s+)?reporting\b|(?:the\s+)?associated\b|sources?\s*:|credit\s*:)`)
	houseStyle  = regexp.MustCompile(`(?i)\bediting\s+by\b`)
)

// ParseCredit recognises a wire credit line: "(With inputs from Reuters)",
// "(Reporting by ...; Editing by ...)", "Associated Press writer ...
// contributed.", "Source: AFP". It reports false for anything else.
func ParseCredit(line string) (Credit, bool) {
	line = strings.TrimSpace(line)
	if line == "" || utf8.RuneCountInString(line) > maxCreditRunes || !creditStart.MatchString(line) {
		return Credit{}, false
	}
	if m := inputsCredit.FindStringSubmatch(line); m != nil {
		var c Credit
		for _, part := range namesSplitRe.Split(m[1], -1) {
			for _, p := range strings.Split(part, "/") {
				if w, ok := WireName(p); ok {
					c.Wire = w
					return c, true
				}
			}
		}
		return c, true
	}
	if agencyCredit.MatchString(line) {
		return Credit{}, true
	}
	if trailerCredit.MatchString(line) || bareTrailer.MatchString(line) {
		return Credit{HouseStyle: houseStyle.MatchString(line)}, true
	}
	if apCredit.MatchString(line) {
		return Credit{Wire: "AP"}, true
	}
	if m := withCredit.FindStringSubmatch(line); m != nil {
		if w, ok := allWires(m[1]); ok {
			return Credit{Wire: w}, true
		}
	}
	if m := withOutletCredit.FindStringSubmatch(line); m != nil && outletName(m[1]) {
		if w, ok := allWires(m[2]); ok {
			return Credit{Wire: w}, true
		}
	}
	if m := sourceLine.FindStringSubmatch(line); m != nil {
		if w, ok := WireName(m[1]); ok {
			return Credit{Wire: w}, true
		}
	}
	return Credit{}, false
}
