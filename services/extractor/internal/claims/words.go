package claims

import "strings"

// The word lists of the rules, for English news copy.

// quoteCues are the verbs that attribute a quotation to its speaker.
var quoteCues = setOf(`said says say told tells added adds posted wrote writes warned warns insisted insists
stated declared asked replied explained noted argued claimed continued tweeted quipped urged stressed recalled
admitted acknowledged described describes predicted vowed promised announced remarked conceded cautioned
suggested responded answered complained boasted joked shouted`)

// statementCues are the verbs of reported speech: "X said (that) ...".
var statementCues = setOf(`said says say told tells tell added adds warned warns insisted insists stated states
announced announces claimed claims argued argues reported reports noted notes confirmed confirms acknowledged
acknowledges admitted admits indicated indicates indicate hinted hints suggested suggests assessed estimated
estimates predicted predicts wrote writes posted stressed stresses explained explains maintained maintains
concluded declared reiterated reiterates alleged alleges`)

// participleCues open a clause whose speaker is the main clause's subject:
// "the Kremlin defended itself, saying that ...".
var participleCues = setOf(`saying stating telling adding warning insisting claiming arguing noting writing
posting declaring explaining`)

// tellVerbs take the person told as an object before what was said.
var tellVerbs = setOf(`told tells tell telling`)

// skipBefore are auxiliaries and adverbs between a subject and its verb:
// "Zelenskiy has said", "Putin later said".
var skipBefore = setOf(`has have had also later previously repeatedly reportedly earlier again then recently
publicly privately separately already once would will did does do long often`)

// subjectStops end a subject when it is read backwards from its verb.
var subjectStops = setOf(`that which who whom whose because if when while although though since despite but so
after before as where whether than what how why is was are were be been being not it its this these those
said says say told tells`)

// openerWords at the start of a subject are an adverbial, not the subject:
// "On Wednesday Putin said".
var openerWords = setOf(`in on at during after before for with by from last this earlier later since despite
meanwhile however but and also then yet still so`)

// objectWords can make up the person or body told: "told reporters", "told
// a news conference", "telling Russian state media".
var objectWords = setOf(`reporters journalists media state news agency television tv radio newspaper
lawmakers parliament interviewer audience supporters crowd conference briefing broadcaster channel outlet
him her them us me officials delegates students viewers listeners the a an`)

// adverbNouns make up an adverbial after a verb of saying: "said in a
// telephone interview", "said on Wednesday".
var adverbNouns = setOf(`statement interview telephone phone conference news briefing post video address
speech message call broadcast email letter televised separate later earlier recent joint written social media
press week month year weekend morning afternoon evening night day remarks comments meeting`)

// adverbs after a verb of saying.
var adverbs = setOf(`earlier later yesterday today tonight previously repeatedly again also publicly
privately separately recently then late early`)

// badStarts cannot open the content of a statement.
var badStarts = setOf(`is was are were be been has have had in on at to by for with of from as and but so or
nor than then there's it's`)

func setOf(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// spelled are the numbers written as words that count something. "dozens",
// "hundreds" and "thousands" are given their least value.
var spelled = map[string]float64{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "dozens": 24, "hundreds": 200,
	"thousands": 2000, "millions": 2e6, "billions": 2e9,
}

// multipliers scale the number before them: "$5 billion", "14 million".
var multipliers = map[string]float64{
	"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"mln": 1e6, "bln": 1e9, "bn": 1e9, "mn": 1e6, "tn": 1e12,
}

// suffixes scale a number written with them: "5bn", "200m".
var suffixes = map[string]float64{
	"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12,
}

// currencySymbols give a unit code to a sign written before a number.
var currencySymbols = map[string]string{
	"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₴": "UAH", "₹": "INR", "₩": "KRW", "₺": "TRY",
}

// qualifiers before a number belong to the figure: "at least 72".
var qualifiers1 = setOf(`nearly almost about around some over roughly approximately only just under exactly
more than less fewer least most up between`)

// unitStops cannot be what a number counts.
var unitStops = setOf(`the a an of or and to in on at by for with from as is was are were be been has have had
will would can could may might that which who it its this these those than more less per cent percent times
than then also not no so but if when while after before ago later earlier again each every other another one
such all both either neither what how why where whom whose`)

// unitAdjectives stand between a number and what it counts: "72 more
// people", "three new cases".
var unitAdjectives = setOf(`more new other additional further consecutive separate different full straight
extra young old small large big major minor senior junior civilian military`)

// countVerbs after a figure say what it counts: "72 people were killed".
var countVerbs = setOf(`killed died injured wounded dead missing arrested detained displaced evacuated hurt fled
sentenced jailed freed released captured deported executed hospitalised hospitalized rescued infected
affected employed rose fell grew lost won cost paid spent raised cut gained dropped jumped climbed`)

// beVerbs may stand between a figure and its verb: "were killed".
var beVerbs = setOf(`were was are is have has had been being remain remained`)
