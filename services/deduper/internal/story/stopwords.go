package story

// stopwords are English function words and the most common verbs and
// adverbs of news prose: they say nothing about which story a text tells.
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
reports reporting called call take took taken see seen know known think want wanted use used new old get go went come came`)

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
