// Package lang guesses the language of a text and normalises declared
// language tags. Detection is small and dependency-free: scripts that belong
// to one language decide it outright, Cyrillic and Latin text is scored by the
// share of its words that are frequent function words of each language.
package lang

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Undetermined is the BCP 47 tag for a language that could not be told.
const Undetermined = "und"

// maxRunes bounds the work done on long texts: the first 20,000 letters tell
// the language as well as the whole.
const maxRunes = 20000

// Thresholds for stopword scoring, chosen on news text: a language wins when
// at least minHits of the words are its stopwords, they are at least minShare
// of all words, and it beats the runner-up by margin.
const (
	minHits  = 3
	minShare = 0.08
	margin   = 1.25
)

// stopwords holds frequent function words, chosen so that each list has many
// words the others lack. Words shared by several languages count for each.
var stopwords = map[string]map[string]bool{
	"en": set("the a of and to in is that for it was on with as he be by at are this his from have but not they or an which had were has been their its will said would who there can more also after about than into when she her we you what one up out over"),
	"de": set("der die das und ist nicht den dem des ein eine einer einem einen sich mit auf für von zu im auch als wie noch nach bei aus sie er es wird wurde werden sind hat haben über vor kann oder aber dass nur schon wenn durch zum zur sein seine ihre gegen diese dieser ich wir"),
	"fr": set("le la les des du de et est un une que qui dans pour pas sur au aux il elle ne se ce plus par avec sont ont été mais ou son sa ses leur cette comme nous vous être était fait aussi entre après"),
	"es": set("el la los las de del y que en un una es por para con no se su sus al lo como más pero fue ha han este esta sobre entre también sin muy ya desde hasta cuando porque ser está son hay todo"),
	"it": set("il lo la gli le di del della dei delle e che è un una per non con si sono da nel nella al alla ha anche come più ma questo questa essere stato sua suo loro dopo tra fra degli negli perché"),
	"pt": set("o a os as de do da dos das e que em um uma é não para com por no na nos nas ao se mais mas foi são como ser seu sua também já pelo pela está entre até quando muito isso ele ela"),
	"nl": set("de het een en van is dat in op te zijn voor met niet die er aan als ook maar om bij door dan was naar uit worden wordt heeft hebben nog over tot zich deze dit kan wel ze hij"),
	"ru": set("и в не на что с по как это он она они к у из за от о для то же но все так его ее их был была были было бы уже или если только еще когда может также этот этого при до после"),
}

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Detect returns the BCP 47 tag of the language text is most likely written
// in, or Undetermined when the text is too short or too mixed to tell.
// Latin-script languages it knows are en, de, fr, es, it, pt and nl;
// Cyrillic text is ru, or uk when Ukrainian letters show; texts in a script
// that one language owns (Greek, Hebrew, Hangul, kana, Han, Thai, Armenian,
// Georgian) get that language.
func Detect(text string) string {
	var scripts scriptCount
	n := 0
	for _, r := range text {
		if n >= maxRunes {
			break
		}
		if unicode.IsLetter(r) {
			scripts.add(r)
			n++
		}
	}
	if n == 0 {
		return Undetermined
	}
	script, count := scripts.dominant()
	if count*2 < n {
		return Undetermined
	}
	switch script {
	case scriptLatin:
		return byStopwords(text, latin...)
	case scriptCyrillic:
		// і, ї, є and ґ are Ukrainian letters Russian lacks.
		if scripts.ukrainian*200 > count {
			return "uk"
		}
		return byStopwords(text, "ru")
	case scriptGreek:
		return "el"
	case scriptHebrew:
		return "he"
	case scriptHangul:
		return "ko"
	case scriptKana:
		return "ja"
	case scriptHan:
		return "zh"
	case scriptThai:
		return "th"
	case scriptArmenian:
		return "hy"
	case scriptGeorgian:
		return "ka"
	}
	return Undetermined
}

type script int

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptHebrew
	scriptHangul
	scriptKana
	scriptHan
	scriptThai
	scriptArmenian
	scriptGeorgian
	numScripts
)

var scriptTables = []struct {
	s script
	t *unicode.RangeTable
}{
	{scriptLatin, unicode.Latin},
	{scriptCyrillic, unicode.Cyrillic},
	{scriptGreek, unicode.Greek},
	{scriptHebrew, unicode.Hebrew},
	{scriptHangul, unicode.Hangul},
	{scriptKana, unicode.Hiragana},
	{scriptKana, unicode.Katakana},
	{scriptHan, unicode.Han},
	{scriptThai, unicode.Thai},
	{scriptArmenian, unicode.Armenian},
	{scriptGeorgian, unicode.Georgian},
}

type scriptCount struct {
	n         [numScripts]int
	ukrainian int
}

func (c *scriptCount) add(r rune) {
	if r < utf8.RuneSelf {
		c.n[scriptLatin]++
		return
	}
	switch r {
	case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
		c.ukrainian++
	}
	for _, st := range scriptTables {
		if unicode.Is(st.t, r) {
			c.n[st.s]++
			return
		}
	}
	c.n[scriptOther]++
}

func (c *scriptCount) dominant() (script, int) {
	best, count := scriptOther, 0
	for s := scriptLatin; s < numScripts; s++ {
		if c.n[s] > count {
			best, count = s, c.n[s]
		}
	}
	// Kana texts carry many Han characters; kana at all signals Japanese.
	if best == scriptHan && c.n[scriptKana]*10 > c.n[scriptHan] {
		return scriptKana, c.n[scriptHan] + c.n[scriptKana]
	}
	return best, count
}

// latin are the Latin-script languages Detect tells apart.
var latin = []string{"en", "de", "fr", "es", "it", "pt", "nl"}

// byStopwords scores text against the stopword lists of the candidate
// languages and returns the winner, or Undetermined.
func byStopwords(text string, candidates ...string) string {
	hits, words := stopwordHits(text, candidates)
	best, second := -1, 0
	for i, h := range hits {
		switch {
		case best < 0 || h > hits[best]:
			if best >= 0 {
				second = hits[best]
			}
			best = i
		case h > second:
			second = h
		}
	}
	if best < 0 || words == 0 {
		return Undetermined
	}
	h := hits[best]
	if h < minHits || float64(h) < minShare*float64(words) || float64(h) < margin*float64(second) {
		return Undetermined
	}
	return candidates[best]
}

// stopwordHits counts, for each candidate language, the words of text that
// are its stopwords, and the words of text, up to the first maxRunes*2
// bytes of words.
func stopwordHits(text string, candidates []string) (hits []int, words int) {
	hits = make([]int, len(candidates))
	runes := 0
	for w := range strings.FieldsFuncSeq(text, notWordRune) {
		runes += len(w)
		if runes > maxRunes*2 {
			break
		}
		w = strings.ToLower(w)
		words++
		for i, c := range candidates {
			if stopwords[c][w] {
				hits[i]++
			}
		}
	}
	return hits, words
}

// Overruling a declared language takes a text of at least minOverruleWords
// words in which the detected language's stopwords outnumber the declared
// one's overruleMargin times.
const (
	minOverruleWords = 40
	overruleMargin   = 3
)

// Overrules reports whether text, declared to be in language declared, is
// plainly written in another language of the same script, and which: a
// site template's lang="en-US" on a Spanish article. Only languages whose
// stopwords Detect knows are judged, and only on clear evidence — a long
// enough text whose words are the other language's function words several
// times as often as the declared one's — so that a short or mixed text
// keeps what the page says of itself.
func Overrules(declared, text string) (string, bool) {
	if !slices.Contains(latin, declared) {
		return "", false
	}
	detected := Detect(text)
	if detected == declared || !slices.Contains(latin, detected) {
		return "", false
	}
	hits, words := stopwordHits(text, []string{declared, detected})
	if words < minOverruleWords || hits[1] < overruleMargin*max(hits[0], 1) {
		return "", false
	}
	return detected, true
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r)
}

// Normalize turns a declared language tag ("en-US", "en_GB", "DE", "pt-BR")
// into its lower-case primary language subtag ("en", "de", "pt"). It returns
// "" for anything that is not a language tag, including "und", "mul",
// "zxx" and private-use tags.
func Normalize(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return ""
		}
	}
	tag = strings.ToLower(tag)
	switch tag {
	case "und", "mul", "zxx", "mis":
		return ""
	}
	return tag
}

// tagScripts are the scripts the languages wirewatch meets are written in,
// by primary subtag. Languages written in more than one (Serbian) are left
// out.
var tagScripts = func() map[string]script {
	m := make(map[string]script)
	for s, tags := range map[script]string{
		scriptLatin: "en de fr es it pt nl pl cs sk sl hr bs ro hu sv da no nb nn fi et lv lt is ga cy " +
			"mt sq tr az id ms tl fil vi sw ca eu gl af lb",
		scriptCyrillic: "ru uk be bg mk kk ky tg mn",
		scriptGreek:    "el",
		scriptHebrew:   "he yi",
		scriptHangul:   "ko",
		scriptKana:     "ja",
		scriptHan:      "zh",
		scriptThai:     "th",
		scriptArmenian: "hy",
		scriptGeorgian: "ka",
	} {
		for _, t := range strings.Fields(tags) {
			m[t] = s
		}
	}
	return m
}()

// Contradicts reports whether a text detected as language detected (see
// Detect) cannot be in language declared: the two are written in
// different scripts. Languages of one script, which detection can confuse,
// never contradict each other, nor do Japanese and Chinese, both written
// with Han characters.
func Contradicts(declared, detected string) bool {
	d, ok1 := tagScripts[declared]
	t, ok2 := tagScripts[detected]
	if !ok1 || !ok2 || d == t {
		return false
	}
	cjk := func(s script) bool { return s == scriptHan || s == scriptKana }
	return !(cjk(d) && cjk(t))
}
