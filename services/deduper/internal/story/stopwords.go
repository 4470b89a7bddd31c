package story

// stopwords are English function words, the most common verbs and adverbs
// of news prose, and the time zones and labels of page chrome: they say
// nothing about which story a text tells.
var stopwords = toSet(`a about above after again against ago all almost also although always am among an and another any
anyone anything are around as at away back be became because become been before being below between both but by can
cannot could did do does doing done down during each either else even ever every few for from further get gets got had
has have having he her here hers herself him himself his how however i if in into is it its itself just last least less
like made make many may me might more most much must my myself near neither never new news next no nor not now of off
often on once one only or other others our ours ourselves out over own per perhaps rather said same say says several
she should since so some still such than that the their theirs them themselves then there these they this those though
through thus to too toward towards under until up upon us very via was we were what whatever when where whether which
while who whom whose why will with within without would yet you your yours yourself also told according added including
week weeks year years day days time today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
mr mrs ms dr people percent first two three four five six seven eight nine ten well way going says told reported report
reports reporting called call take took taken see seen know known think want wanted use used new old get go went come came
am pm gmt utc et pt est edt pst pdt cst cdt bst ist cet cest updated posted published copyright`)

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\n' || s[i] == '\t' {
			if start >= 0 {
				m[s[start:i]] = true
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return m
}

// Kinds of word in the lexicon.
const (
	isStop = 1 << iota
	isMonth
)

// maxLexicon is the length of the longest word of the lexicon.
var maxLexicon = func() int {
	n := 0
	for w := range lexicon {
		n = max(n, len(w))
	}
	return n
}()

// lexicon holds the kinds of the words scan needs to know, so that a token
// costs one lookup.
var lexicon = func() map[string]uint8 {
	m := map[string]uint8{}
	for w := range stopwords {
		m[w] |= isStop
	}
	for w := range months {
		m[w] |= isMonth
	}
	return m
}()
