package attribution

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxAuthorFieldRunes caps an author field read: longer ones are bios or
// sentences.
const maxAuthorFieldRunes = 300

// maxMarkedWords caps the words of a part of a line of an author element
// read without a "By" label: longer parts are bios and headlines.
const maxMarkedWords = 6

// FieldKind says what kind of text an author field is, and so how sure it
// is to hold names.
type FieldKind int

// Field kinds, from the surest to the least sure.
const (
	// Structured is a field that can only hold authors: a meta tag or a
	// JSON-LD author. It may hold a user name ("jdoe") or a first name.
	Structured FieldKind = iota
	// Marked is the text of an element the page marks as its author's
	// (class "author", rel=author). Names are capitalised, but may be
	// one word ("Kristin").
	Marked
	// Prose is free text: a line that starts with "By". Every part must
	// be a capitalised full name.
	Prose
)

var (
	emailRe  = regexp.MustCompile(`[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+`)
	handleRe = regexp.MustCompile(`\(?@[\w.]{2,30}\)?`)
	// authorLabel opens an author field: "By", "Written by", "This post
	// was written by", "View all posts by", "Author:".
	authorLabel = regexp.MustCompile(`(?i)^(?:(?:(?:this\s+(?:post|article|story|piece)\s+(?:was\s+)?)?(?:written|posted|published|reported|compiled|edited)|words|story|text|article|(?:view\s+all\s+)?(?:posts|articles|stories))\s+by|by|von|par|por|door|di)\s*:?\s+|^(?:authors?|auteur|autor(?:in)?|autore|writer|written by)\s*:\s*`)
	// segmentSplit separates the parts of a field that may each be a
	// name or a title: commas, semicolons, bars and bullets.
	segmentSplit = regexp.MustCompile(`\s*(?:,|;|\||•|·)\s*`)
	// nameSplit separates names joined by "and" in a few languages or
	// an ampersand.
	nameSplit = regexp.MustCompile(`\s*(?:&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*`)
	// labelledSegment is the part of a byline line up to a bar or bullet:
	// "By Jane Doe | Mar 11, 2023 | Business".
	labelledSegment = regexp.MustCompile(`\s+[|•·]\s+`)
	// roleTail is a job title after a dash: "Jane Doe - Staff Writer".
	roleTail = regexp.MustCompile(`\s+[-–—]\s+.*$`)
	// bracketed is a bracketed aside: "(Reuters)", "(she/her)".
	bracketed = regexp.MustCompile(`\s*[(\[]([^()\[\]]{1,40})[)\]]`)
	// onBehalfTail is what follows a name to say whom it writes for:
	// "Jane Doe on behalf of the team", "Jane Doe for The Daily Planet".
	onBehalfTail = regexp.MustCompile(`(?i)\s+(?:on behalf of|for|at|from)\s+.*$`)
	// behalfTail is cut from a whole field: unlike "for" or "at", it
	// never joins two names.
	behalfTail = regexp.MustCompile(`(?i)\s+on behalf of\s+.*$`)
)

// notNames are what author fields hold when they hold no one: site roles,
// placeholders and generic credits.
var notNames = map[string]bool{
	"admin": true, "administrator": true, "author": true, "authors": true,
	"editor": true, "editors": true, "staff": true, "team": true,
	"guest": true, "guest author": true, "anonymous": true, "unknown": true,
	"the author": true, "editorial staff": true, "editorial team": true,
	"editorial": true, "newsroom": true, "news desk": true, "newsdesk": true,
	"web desk": true, "desk": true, "staff writer": true, "staff reporter": true,
	"contributor": true, "contributors": true, "redaktion": true,
	"rédaction": true, "redacción": true, "redazione": true, "redactie": true,
	"share": true, "follow": true, "view profile": true, "more": true,
	"read more": true, "posts": true, "all posts": true, "about": true,
	"email": true, "subscribe": true, "comments": true, "written by": true,
	"by": true, "none": true, "null": true, "n/a": true, "user": true,
	"full bio": true, "bio": true, "view bio": true, "author bio": true,
	"about the author": true, "more by": true, "see all": true,
	"articles": true, "profile": true, "website": true, "twitter": true,
	"facebook": true, "linkedin": true, "instagram": true, "youtube": true,
	"tiktok": true, "pinterest": true, "threads": true, "bluesky": true,
	"mastodon": true, "rss": true, "x": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true, "mon": true,
	"tue": true, "wed": true, "thu": true, "fri": true, "sat": true, "sun": true,
	"january": true, "february": true, "march": true, "april": true,
	"june": true, "july": true, "august": true, "september": true,
	"october": true, "november": true, "december": true, "updated": true,
	"published": true, "posted": true, "min read": true, "read": true,
}

// roleTailWords are job titles that follow a name in a byline ("Jane Doe
// Staff Writer").
var roleTailWords = map[string]bool{
	"writer": true, "editor": true, "reporter": true, "contributor": true,
	"correspondent": true, "columnist": true, "journalist": true,
	"producer": true, "photographer": true,
}

// roleHeads end job titles ("Senior Analyst", "Chief Marketing Officer"):
// a part of a byline that ends with one is what the person does, not who.
var roleHeads = map[string]bool{
	"writer": true, "writers": true, "editor": true, "editors": true,
	"reporter": true, "correspondent": true, "columnist": true,
	"columnists": true, "contributor": true, "contributors": true,
	"journalist": true, "producer": true, "photographer": true,
	"analyst": true, "director": true, "officer": true, "manager": true,
	"executive": true, "president": true, "founder": true, "co-founder": true,
	"cofounder": true, "ceo": true, "cto": true, "cfo": true, "coo": true,
	"cmo": true, "head": true, "lead": true, "chief": true, "attorney": true,
	"lawyer": true, "engineer": true, "developer": true, "designer": true,
	"scientist": true, "researcher": true, "professor": true,
	"specialist": true, "consultant": true, "strategist": true,
	"expert": true, "associate": true, "assistant": true,
	"coordinator": true, "intern": true, "partner": true, "owner": true,
	"fellow": true, "advisor": true, "adviser": true, "marketer": true,
	"nutritionist": true, "dietitian": true, "therapist": true,
	"physician": true, "educator": true, "coach": true, "trainer": true,
	"instructor": true, "representative": true, "evangelist": true,
	"architect": true, "blogger": true, "creator": true, "host": true,
	"teacher": true, "reviewer": true, "tester": true, "expertin": true,
	"redakteur": true, "redakteurin": true, "journalistin": true,
	"autorin": true, "rédacteur": true, "rédactrice": true, "periodista": true,
	"redattore": true, "redactor": true, "redactora": true,
}

// uiWords are words of page controls that byline elements often hold
// ("Member Login", "More About Me"): a name with one is not a name.
var uiWords = map[string]bool{
	"login": true, "logout": true, "log": true, "sign": true,
	"subscribe": true, "menu": true, "search": true, "share": true,
	"follow": true, "comments": true, "comment": true, "reply": true,
	"contact": true, "home": true, "shop": true, "cart": true,
	"cookie": true, "cookies": true, "privacy": true, "newsletter": true,
	"more": true, "about": true, "view": true, "read": true, "posts": true,
	"articles": true, "shares": true, "name": true, "email": true,
	"print": true, "save": true, "listen": true, "min": true, "text": true,
	"size": true, "font": true, "spotlight": true, "toggle": true, "close": true, "open": true,
}

// functionWords are lower-case words of phrases, never of names.
var functionWords = map[string]bool{
	"of": true, "at": true, "the": true, "and": true, "for": true, "in": true,
	"on": true, "with": true, "to": true, "by": true, "a": true, "an": true,
	"is": true, "our": true, "your": true, "from": true,
}

// isJobTitle reports whether part is a job title: a word of several that
// ends with a title's head noun ("Senior Analyst", "Director of
// Operations").
func isJobTitle(part string) bool {
	words := strings.Fields(strings.ToLower(part))
	if len(words) == 0 {
		return false
	}
	if roleHeads[strings.Trim(words[len(words)-1], ".,")] && len(words) > 1 {
		return true
	}
	for i, w := range words {
		if roleHeads[w] && i+1 < len(words) && (words[i+1] == "of" || words[i+1] == "at") {
			return true
		}
	}
	return false
}

// hasRoleWord reports whether a word of part is one of a job title.
func hasRoleWord(part string) bool {
	for _, w := range strings.Fields(strings.ToLower(part)) {
		if roleHeads[w] || roleWords[w] && !particles[w] && !functionWords[w] {
			return true
		}
	}
	return false
}

// hasUIWord reports whether part holds a word of a page control.
func hasUIWord(part string) bool {
	for _, w := range strings.Fields(strings.ToLower(part)) {
		if uiWords[strings.Trim(w, ".,:!?")] {
			return true
		}
	}
	return false
}

// credentials are the letters after a name ("MD", "PhD", "RD") that name
// no one.
var credentials = map[string]bool{
	"phd": true, "ph.d.": true, "ph.d": true, "md": true, "m.d.": true,
	"mba": true, "rn": true, "rd": true, "ms": true, "ma": true, "bsc": true,
	"msc": true, "jd": true, "cpa": true, "dds": true, "dmd": true, "do": true,
	"np": true, "pa-c": true, "lcsw": true, "lpc": true, "cfa": true, "cfp": true,
	"jr": true, "jr.": true, "sr": true, "sr.": true, "esq": true, "esq.": true,
}

// ParseAuthors reads the people an author field names: a meta tag, a
// JSON-LD author name or a line of a byline element ("By Jane Doe and John
// Roe", "Jane Doe, MD", "jdoe"). It drops labels, e-mail addresses, social
// handles, credentials, job titles and placeholders ("Staff", "admin"),
// and returns a news agency the field names as wire. How sure it is that a
// part is a name depends on kind; a Prose field fails as a whole when any
// part is not a name.
func ParseAuthors(s string, kind FieldKind) (names []string, wire string) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxAuthorFieldRunes || strings.Contains(s, "://") || isPlaceholder(s) {
		return nil, ""
	}
	s = emailRe.ReplaceAllString(s, "")
	s = handleRe.ReplaceAllString(s, "")
	s = strings.Join(strings.Fields(s), " ")
	// "jdoe@example.com (Jane Doe)", the RSS form, leaves "(Jane Doe)".
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && strings.Count(s, "(") == 1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	labelled := false
	for range 2 {
		if m := authorLabel.FindStringIndex(s); m != nil {
			s, labelled = s[m[1]:], true
		}
	}
	if labelled {
		// What follows the byline after a bar is a date or a section.
		s = labelledSegment.Split(s, 2)[0]
	}
	s = relTimeTail.ReplaceAllString(s, "")
	s = onDateTail.ReplaceAllString(s, "")
	s = trimPlace(s)
	if r, w := cutWireTail(s); w != "" {
		s, wire = r, w
	}
	s = behalfTail.ReplaceAllString(s, "")
	s = bracketed.ReplaceAllStringFunc(s, func(b string) string {
		if w, ok := WireName(strings.Trim(strings.TrimSpace(b), "()[]")); ok && wire == "" {
			wire = w
		}
		return ""
	})
	s = strings.Trim(s, " .,;:-–—|")
	if w, ok := WireName(s); ok {
		// Two capitals alone in an author element are more likely
		// someone's initials than an agency.
		if kind == Marked && !labelled && ambiguousWires[strings.ToLower(s)] {
			return nil, ""
		}
		return nil, w
	}
	rejected := false
	segs := segmentSplit.Split(s, -1)
	if kind == Marked && !labelled {
		// A line of an author element with a long part is a headline
		// or a bio, not a byline.
		for _, seg := range segs {
			if len(strings.Fields(seg)) > maxMarkedWords {
				return nil, ""
			}
		}
	}
	for _, seg := range segs {
		seg = strings.Trim(seg, " .,:-–—&")
		// "Associated Press Writer", "AFP": the agency the byline
		// credits, before a title or capitals take it.
		if w, ok := wireOf(seg); ok && !(kind == Marked && !labelled && ambiguousWires[strings.ToLower(seg)]) {
			if wire == "" {
				wire = w
			}
			continue
		}
		// "Head of Marketing and Community Development" is one title;
		// "Jane Doe Writer" is a name with one.
		if seg == "" || isRole(seg) || isCredential(seg) || isDate(seg) {
			continue
		}
		if isJobTitle(seg) {
			if t := trimRole(seg, kind); t == seg || !isName(t) || hasRoleWord(t) {
				continue
			}
		}
		for _, part := range nameSplit.Split(seg, -1) {
			part = strings.Trim(inPlaceTail.ReplaceAllString(part, ""), " .,:-–—")
			if part == "" {
				continue
			}
			if w, ok := wireOf(part); ok {
				// Two capitals alone in an author element are more
				// likely someone's initials than an agency.
				if kind == Marked && !labelled && ambiguousWires[strings.ToLower(part)] {
					rejected = true
					continue
				}
				if wire == "" {
					wire = w
				}
				continue
			}
			if isCredential(part) || notNames[strings.ToLower(part)] || isRole(part) {
				continue
			}
			if kind != Prose && hasUIWord(part) {
				rejected = true
				continue
			}
			// "Jane Doe Writer" is a name with a title after it;
			// "Senior Writer" is a title alone.
			part = trimRole(part, kind)
			if isJobTitle(part) || hasRoleWord(part) && !isName(part) {
				continue
			}
			switch {
			case isName(part):
				names = append(names, part)
			case kind != Prose && looseName(part, kind == Structured) && !notNames[strings.ToLower(part)]:
				names = append(names, part)
			case kind == Prose:
				return nil, ""
			default:
				rejected = true
			}
		}
	}
	// In a line that names someone in full, a single word is a label or a
	// category ("Jane Doe, Hardware").
	if kind != Structured && len(names) > 1 {
		full := names[:0:0]
		for _, n := range names {
			if strings.ContainsRune(n, ' ') {
				full = append(full, n)
			}
		}
		if len(full) > 0 {
			names = full
		}
	}
	// "Center for Drug Evaluation and Research": a structured field whose
	// parts are not all names, but that reads as an organisation, is one
	// organisation.
	if rejected && kind == Structured && HasOrganisationWord(s) && orgName(s) {
		return []string{s}, wire
	}
	return names, wire
}

// isPlaceholder reports whether an author field holds a template's
// placeholder instead of a value: "{{ author }}", "${author}", "%AUTHOR%",
// or a variable's path ("page.head.extra.author").
func isPlaceholder(s string) bool {
	if strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "${") ||
		len(s) > 2 && s[0] == '%' && s[len(s)-1] == '%' {
		return true
	}
	if strings.ContainsRune(s, ' ') || strings.Count(s, ".") < 2 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if len(part) < 2 || strings.IndexFunc(part, func(r rune) bool { return !unicode.IsLower(r) && r != '_' }) >= 0 {
			return false
		}
	}
	return true
}

// ambiguousWires are agency names that are also common initials.
var ambiguousWires = map[string]bool{"cp": true, "pa": true, "ani": true, "apa": true, "anp": true, "kna": true, "sda": true, "ria": true, "epd": true, "efe": true}

// wireOf reads a part of a byline that names a news agency: "Reuters",
// "Reuters Staff", or the agency with the job title wire copy gives its
// writers ("Associated Press Writer", "AP Business Writer").
func wireOf(part string) (string, bool) {
	if w, ok := WireName(part); ok {
		return w, true
	}
	// "For The Associated Press", after a byline's comma.
	if len(part) > len("for ") && strings.EqualFold(part[:len("for ")], "for ") {
		return WireName(part[len("for "):])
	}
	words := strings.Fields(part)
	n := len(words)
	for n > 1 {
		w := strings.ToLower(words[n-1])
		if !roleWords[w] && !roleHeads[w] || particles[w] || functionWords[w] {
			break
		}
		n--
	}
	if n == len(words) {
		return "", false
	}
	return WireName(strings.Join(words[:n], " "))
}

// trimRole removes what follows a name to say what the person does or
// whom they write for: "Jane Doe - Staff Writer", "Jane Doe Staff Writer",
// "Jane Doe on behalf of the team".
func trimRole(part string, kind FieldKind) string {
	ok := func(t string) bool { return isName(t) || kind != Prose && looseName(t, kind == Structured) }
	if t := roleTail.ReplaceAllString(part, ""); t != part && ok(t) {
		part = t
	}
	if t := onBehalfTail.ReplaceAllString(part, ""); t != part && isName(t) {
		part = t
	}
	words := strings.Fields(part)
	n := len(words)
	for n > 2 && roleTailWords[strings.ToLower(words[n-1])] {
		n--
	}
	if n < len(words) {
		part = strings.Join(words[:n], " ")
	}
	return part
}

// orgName reports whether s can be an organisation's name: up to eight
// words of letters and the punctuation names use.
func orgName(s string) bool {
	if len(strings.Fields(s)) > 8 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !strings.ContainsRune(" &.-'’", r) {
			return false
		}
	}
	return true
}

// isCredential reports whether s is a credential rather than a name: a
// known one, or two to six capitals ("FOMA", "CPP").
func isCredential(s string) bool {
	if credentials[strings.ToLower(s)] {
		return true
	}
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 6 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// looseName reports whether s can be the name an author field gives when it
// is not a full name: a first name, a pen name or a user name ("Kristin",
// "jdoe"). Up to five words, with a letter, and no sentence punctuation;
// capitalised unless lower is set.
func looseName(s string, lower bool) bool {
	if utf8.RuneCountInString(s) > maxNameRunes {
		return false
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r):
			letters++
		case unicode.IsDigit(r), r == ' ', strings.ContainsRune(".-'’_", r):
		default:
			return false
		}
	}
	if letters < 2 {
		return false
	}

	if lower {
		for _, w := range words {
			if functionWords[strings.ToLower(w)] {
				return false
			}
		}
		return true
	}
	// A lower-case word is a phrase ("view all posts"), unless it is a
	// particle of a name.
	for i, w := range words {
		first, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(first) && !(i > 0 && particles[w]) {
			return false
		}
	}
	return true
}

// orgWords are words of organisations' names, rarely of people's.
var orgWords = map[string]bool{
	"news": true, "media": true, "times": true, "post": true, "daily": true,
	"today": true, "tribune": true, "herald": true, "journal": true,
	"gazette": true, "magazine": true, "press": true, "network": true,
	"group": true, "team": true, "staff": true, "inc": true, "llc": true,
	"ltd": true, "gmbh": true, "corp": true, "company": true, "blog": true,
	"online": true, "digital": true, "tv": true, "radio": true,
	"channel": true, "agency": true, "solutions": true, "services": true,
	"marketing": true, "institute": true, "university": true,
	"college": true, "association": true, "foundation": true,
	"clinic": true, "hospital": true, "center": true, "centre": true,
	"department": true, "office": true, "ministry": true, "bank": true,
	"insurance": true, "editors": true, "editorial": true, "desk": true,
	"newsroom": true, "official": true, "report": true, "review": true,
	"weekly": true, "monthly": true, "magazin": true, "zeitung": true,
	"redaktion": true, "the": true, "of": true, "for": true,
	"int": true, "hotel": true, "hotels": true, "store": true, "shop": true,
}

// HasOrganisationWord reports whether name, of two words or more, holds a
// word organisations use ("News", "Network", "Institute").
func HasOrganisationWord(name string) bool {
	words := strings.Fields(name)
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		if orgWords[strings.ToLower(strings.Trim(w, ".,'’"))] {
			return true
		}
	}
	return false
}

// LooksLikeOrganisation reports whether name reads as an organisation's
// rather than a person's: one word ("Supermove"), a word in capitals of
// three letters or more ("USA TODAY"), or a word organisations use
// ("News", "Media", "The").
func LooksLikeOrganisation(name string) bool {
	words := strings.Fields(name)
	if len(words) < 2 {
		return true
	}
	for _, w := range words {
		w = strings.Trim(w, ".,'’")
		if orgWords[strings.ToLower(w)] {
			return true
		}
		if n := utf8.RuneCountInString(w); n >= 3 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			return true
		}
	}
	return false
}

// maxCreditWords caps the words of an organisation or team credit.
const maxCreditWords = 6

// teamCredits are generic credits that name the site's own staff rather
// than no one: shown as the author when a page names no person.
var teamCredits = map[string]bool{
	"editor": true, "editors": true, "staff": true, "team": true,
	"anonymous": true, "editorial staff": true, "editorial team": true,
	"editorial": true, "newsroom": true, "news desk": true, "newsdesk": true,
	"web desk": true, "desk": true, "staff writer": true, "staff reporter": true,
	"contributor": true, "contributors": true, "redaktion": true,
	"rédaction": true, "redacción": true, "redazione": true, "redactie": true,
}

// OrganisationCredit reads an author field that credits an organisation or a team
// rather than people: "Supermove", "Everfit Team", "By News Desk". It is
// the author a page shows when it names no person. It fails on
// placeholders ("admin", "Author"), addresses, page controls and text too
// long or too punctuated to be a name.
func OrganisationCredit(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxNameRunes || strings.Contains(s, "://") {
		return "", false
	}
	s = strings.Join(strings.Fields(handleRe.ReplaceAllString(emailRe.ReplaceAllString(s, ""), "")), " ")
	if m := authorLabel.FindStringIndex(s); m != nil {
		s = labelledSegment.Split(s[m[1]:], 2)[0]
	}
	s = onDateTail.ReplaceAllString(s, "")
	// "Eliz - Product marketer": what follows a dash is a role.
	s = roleTail.ReplaceAllString(s, "")
	s = strings.Trim(s, " .,;:-–—|")
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > maxCreditWords || isDate(s) || strings.IndexFunc(s, unicode.IsLetter) < 0 || initials(s) {
		return "", false
	}
	l := strings.ToLower(s)
	if notNames[l] && !teamCredits[l] || hasUIWord(s) || functionWords[strings.ToLower(words[len(words)-1])] {
		return "", false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" &.-'’!", r) {
			return "", false
		}
	}
	return s, true
}

// initials reports whether s is two capital letters alone: the initials an
// avatar shows in place of a photo ("CP"), not a credit.
func initials(s string) bool {
	return len(s) == 2 && unicode.IsUpper(rune(s[0])) && unicode.IsUpper(rune(s[1]))
}

// ownNameNoise is what surrounds a site's name in a copyright line or a
// feed's title: "© 2025 Jane Doe. All rights reserved.", "Jane Doe - RSS".
var ownNameNoise = regexp.MustCompile(`(?i)©|&copy;|\bcopyright\b|\(c\)|\b(?:19|20)\d{2}\b|[-–]|\ball rights reserved\b.*$|\b(?:rss|atom|feed|comments feed|home)\b|»|[|:,.]\s*$`)

// PersonalSiteName reads the name a site gives itself (a copyright line,
// a feed's title, its home link) and returns it when it is a person's
// full name: a personal site is named after its author. "© 2025 Jane
// Doe. All rights reserved." gives "Jane Doe"; "Acme News" gives nothing.
func PersonalSiteName(s string) (string, bool) {
	s = strings.Join(strings.Fields(ownNameNoise.ReplaceAllString(s, " ")), " ")
	s = strings.Trim(s, " .,;:|")
	if n := len(strings.Fields(s)); n < 2 || n > 3 {
		return "", false
	}
	if !isName(s) || LooksLikeOrganisation(s) || hasRoleWord(s) || hasUIWord(s) || notNames[strings.ToLower(s)] {
		return "", false
	}
	return s, true
}

// monthWords are English month names and their abbreviations.
var monthWords = map[string]bool{
	"jan": true, "january": true, "feb": true, "february": true, "mar": true,
	"march": true, "apr": true, "april": true, "may": true, "jun": true,
	"june": true, "jul": true, "july": true, "aug": true, "august": true,
	"sep": true, "sept": true, "september": true, "oct": true, "october": true,
	"nov": true, "november": true, "dec": true, "december": true,
}

// onDateTail is a date after a byline's name: "Jane Doe on 04-08-2021",
// "Jane Doe on March 3, 2025".
var onDateTail = regexp.MustCompile(`(?i)\s+on\s+(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d).*$`)

// isDate reports whether a part of a byline is a date rather than a name:
// a number beside a month ("Dec 17", "17 December 2025") or numbers alone
// ("2025", "12/17/2025").
func isDate(part string) bool {
	if strings.IndexFunc(part, unicode.IsDigit) < 0 {
		return false
	}
	if strings.IndexFunc(part, unicode.IsLetter) < 0 {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(part), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if monthWords[w] {
			return true
		}
	}
	return false
}
