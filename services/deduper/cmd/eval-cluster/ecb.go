package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/wirewatch/wirewatch/services/deduper/evaluate"
	"github.com/wirewatch/wirewatch/services/deduper/internal/story"
)

// doc is one ECB+ document. The first line of its text is its headline.
type doc struct {
	ID    string `json:"doc_id"`
	Topic int    `json:"topic"`
	Event string `json:"event_id"`
	Text  string `json:"text"`
}

func (d doc) split() (title, body string) {
	title, body, _ = strings.Cut(d.Text, "\n")
	return title, body
}

func loadDocs(path string) ([]doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", path, err)
		}
		out = append(out, d)
	}
	return out, sc.Err()
}

// shuffled returns the documents in the s-th random order.
func shuffled(docs []doc, s int) []doc {
	order := append([]doc(nil), docs...)
	r := rand.New(rand.NewPCG(uint64(s+1), orderSeed))
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

// perTopic makes evaluateECB print the B-cubed F1 of each topic.
var perTopic bool

// orderSeed is the second seed of the random orders (the pipeline eval
// of the root module uses 0x5eed).
var orderSeed uint64 = 42

// evaluateECB clusters the documents in several orders and averages the
// scores.
func evaluateECB(opts story.Options, docs []doc, shuffles int, merge, explain bool) (bcubed, pairwise evaluate.PRF) {
	gold := map[string]string{}
	for _, d := range docs {
		gold[d.ID] = d.Event
	}
	var bc, pw []evaluate.PRF
	topicF := map[int]float64{}
	for s := range shuffles {
		order := shuffled(docs, s)
		pred := cluster(opts, order, merge)
		if explain && s == 0 {
			explainErrors(order, pred, gold)
		}
		bc = append(bc, evaluate.BCubed(pred, gold))
		pw = append(pw, evaluate.Pairwise(pred, gold))
		if perTopic {
			byTopic := map[int][2]map[string]string{}
			for _, d := range docs {
				t, ok := byTopic[d.Topic]
				if !ok {
					t = [2]map[string]string{{}, {}}
					byTopic[d.Topic] = t
				}
				t[0][d.ID], t[1][d.ID] = pred[d.ID], gold[d.ID]
			}
			for t, pg := range byTopic {
				topicF[t] += evaluate.BCubed(pg[0], pg[1]).F1 / float64(shuffles)
			}
		}
	}
	if perTopic {
		var b strings.Builder
		for t := range 100 {
			if f, ok := topicF[t]; ok {
				fmt.Fprintf(&b, " %d:%.2f", t, f)
			}
		}
		fmt.Println("  B-cubed F1 by topic:" + b.String())
	}
	return evaluate.Mean(bc), evaluate.Mean(pw)
}

// clusterer is the online loop of the cluster package, reduced to the
// story tier: vectorize and learn, retrieve candidates, verify them, join
// the best that tells the same story or found a new one, then merge the
// story with any other candidate Link calls the same. Merged stories
// keep their postings; a union-find maps them to the story they joined.
type clusterer struct {
	m      *story.Model
	post   *story.Postings
	cents  []*story.Centroid
	parent []int32
	merge  bool
	// oracle, when set, may overrule the decision: an experiment that
	// measures what each kind of error costs.
	oracle func(best int32) int32
	// onMerge, when set, hears of every merge, and onSplit of the members
	// (by their tags: their index + 1) that left s for ns.
	onMerge func(dst, src int32)
	onSplit func(s, ns int32, tags []uint32)
	// major returns the event most of a story's articles report.
	major func(s int32) string
	// cands are the candidates of the last article, with their scores.
	cands []cand
	// of is each article's story as a split left it (-1: none did), and n
	// how many articles came.
	of []int32
	n  int
}

// cand is a candidate story of an article and its score.
type cand struct {
	s     int32
	score float64
}

func newClusterer(opts story.Options, merge bool) *clusterer {
	return &clusterer{m: newModel(opts), post: story.NewPostings(opts.MaxPostings), merge: merge}
}

func (c *clusterer) find(s int32) int32 {
	for c.parent[s] != s {
		c.parent[s] = c.parent[c.parent[s]]
		s = c.parent[s]
	}
	return s
}

// assign places one article and returns its story, with the best score of
// the candidates and the runner-up's.
func (c *clusterer) assign(title, body string) (best int32, score, second float64) {
	m := c.m
	v := m.Vectorize(title, body, true)
	q := m.QueryTerms(v)
	best, score, second = -1, -1, -1
	bestScore := -1.0
	var seen, same, linkable []int32
	c.cands = c.cands[:0]
	for _, s := range c.post.Candidates(m, q, m.Options().Candidates) {
		s = c.find(s)
		if contains(seen, s) {
			continue
		}
		seen = append(seen, s)
		r := m.Compare(v, c.cents[s])
		c.cands = append(c.cands, cand{s, r.Score})
		if r.Score >= m.Options().LinkFloor {
			linkable = append(linkable, s)
		}
		if r.Bridge {
			same = append(same, s)
		}
		if r.Same && r.Score > bestScore {
			best, bestScore = s, r.Score
		}
		if r.Score > score {
			second, score = score, r.Score
		} else if r.Score > second {
			second = r.Score
		}
	}
	if contrastFloor > 0 && best >= 0 {
		best = c.contrastChoice(v, best, bestScore)
	}
	if c.oracle != nil {
		best = c.oracle(best)
	}
	if best < 0 {
		best = int32(len(c.cents))
		c.cents = append(c.cents, &story.Centroid{})
		c.parent = append(c.parent, best)
	}
	tag := uint32(c.n + 1)
	c.n++
	c.of = append(c.of, -1)
	defer func() { c.split(c.find(best)) }()
	if bridge && best >= 0 && contains(same, best) {
		// Every other story the article surely tells too is folded in.
		for _, o := range same {
			if o != best && c.find(o) == o && !m.Contradicts(c.cents[best], c.cents[o]) && !c.oracleRefuses("bridge", best, o) {
				if c.onMerge != nil {
					c.onMerge(best, o)
				}
				m.Merge(c.cents[best], c.cents[o])
				c.cents[o] = nil
				c.parent[o] = best
			}
		}
	}
	m.AddTagged(c.cents[best], v, tag)
	c.post.Add(best, q)
	if !c.merge || c.cents[best].N < 2 {
		// A story the article founded was just compared with every
		// candidate: merging it would be a second try at the same join.
		return best, score, second
	}
	for _, o := range linkable {
		if o == best || c.find(o) != o {
			continue
		}
		if m.Link(c.cents[best], c.cents[o]).Same && !c.oracleRefuses("link", best, o) {
			if c.onMerge != nil {
				c.onMerge(best, o)
			}
			m.Merge(c.cents[best], c.cents[o])
			c.cents[o] = nil
			c.parent[o] = best
		}
	}
	return best, score, second
}

// split moves the members of story s that Split finds telling another
// story into stories of their own; the first member's part stays.
func (c *clusterer) split(s int32) {
	cent := c.cents[s]
	tags := cent.Tags()
	if len(tags) == 0 {
		return
	}
	for _, p := range c.m.Split(cent, tags[0]) {
		part := c.m.Divide(cent, p.Tags)
		ns := int32(len(c.cents))
		c.cents = append(c.cents, &part)
		c.parent = append(c.parent, ns)
		c.post.Add(ns, c.m.QueryTerms(story.Vector{Terms: part.Terms, Weights: part.Weights()}))
		for _, t := range p.Tags {
			c.of[t-1] = ns
		}
		if c.onSplit != nil {
			c.onSplit(s, ns, p.Tags)
		}
	}
}

// oracleRefuses reports whether the oracle refuses a merge of the given
// kind (link, bridge) of story o into best: they report different events.
// A story that reports nothing yet (the article just founded it) is refused
// nothing.
func (c *clusterer) oracleRefuses(kind string, best, o int32) bool {
	if !strings.Contains(oracleFix, kind) || c.major == nil {
		return false
	}
	mb := c.major(best)
	return mb != "" && mb != c.major(o)
}

func contains(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// bridge makes an article that surely tells several stories (Match.Bridge)
// merge them.
var bridge = true

// oracleFix names the kinds of error an oracle corrects: found (joined
// where it should have founded), wrong (joined another event's story),
// rival (the same, only when the article's own story reached the threshold
// too: what a rule that chooses among the stories that qualify could be
// worth), split (founded where its event had a story), link and bridge
// (merged two stories of different events).
var oracleFix string

// trace, when set, sees every decision of cluster: the article, the
// events of the story it joined before it joined (none for a new story),
// and the best and second-best scores.
var trace func(d doc, joined []string, score, second float64)

// cluster returns the story of every document, fed in the given order.
func cluster(opts story.Options, docs []doc, merge bool) map[string]string {
	c := newClusterer(opts, merge)
	stories := make([]int32, len(docs))
	counts := map[int32]map[string]int{}
	major := func(s int32) string {
		best, n := "", 0
		for e, k := range counts[s] {
			if k > n || (k == n && e < best) {
				best, n = e, k
			}
		}
		return best
	}
	home := func(event string) int32 {
		best, n := int32(-1), 0
		for s, m := range counts {
			if m[event] > n && major(s) == event {
				best, n = s, m[event]
			}
		}
		return best
	}
	c.major = major
	c.onMerge = func(dst, src int32) {
		if counts[dst] == nil {
			counts[dst] = map[string]int{}
		}
		for e, k := range counts[src] {
			counts[dst][e] += k
		}
		delete(counts, src)
	}
	c.onSplit = func(s, ns int32, tags []uint32) {
		counts[ns] = map[string]int{}
		for _, t := range tags {
			if int(t) == c.n {
				continue // the article itself, counted once placed
			}
			e := docs[t-1].Event
			counts[s][e]--
			counts[ns][e]++
		}
	}
	var events []string
	for i, d := range docs {
		if oracleFix != "" {
			c.oracle = func(best int32) int32 {
				h := home(d.Event)
				switch {
				case best >= 0 && h < 0 && strings.Contains(oracleFix, "found"):
					return -1
				case best >= 0 && h >= 0 && best != h && strings.Contains(oracleFix, "rival"):
					// Only when the article's own story qualified too.
					for _, x := range c.cands {
						if c.find(x.s) == h && x.score >= opts.Threshold {
							return h
						}
					}
					return best
				case best >= 0 && h >= 0 && best != h && strings.Contains(oracleFix, "wrong"):
					return h
				case best < 0 && h >= 0 && strings.Contains(oracleFix, "split"):
					return h
				}
				return best
			}
		}
		title, body := d.split()
		s, score, second := c.assign(title, body)
		if c.of[i] >= 0 {
			s = c.of[i]
		}
		stories[i] = s
		s = c.find(s)
		if trace != nil && i < len(docs) && opts.Threshold >= 0 {
			events = events[:0]
			for e, k := range counts[s] {
				for range k {
					events = append(events, e)
				}
			}
			sort.Strings(events)
			trace(d, events, score, second)
		}
		if counts[s] == nil {
			counts[s] = map[string]int{}
		}
		counts[s][d.Event]++
	}
	trace = nil // only the first order
	pred := map[string]string{}
	for i, d := range docs {
		pred[d.ID] = fmt.Sprint(c.find(stories[i]))
		if c.of[i] >= 0 {
			pred[d.ID] = fmt.Sprint(c.find(c.of[i]))
		}
	}
	return pred
}

// explainErrors prints, for each predicted cluster that mixes gold events,
// its composition and the order in which the events arrived, and for each
// gold event split over several clusters, the split.
func explainErrors(order []doc, pred, gold map[string]string) {
	byPred := map[string]map[string]int{}
	byGold := map[string]map[string]int{}
	for id, p := range pred {
		g := gold[id]
		if byPred[p] == nil {
			byPred[p] = map[string]int{}
		}
		byPred[p][g]++
		if byGold[g] == nil {
			byGold[g] = map[string]int{}
		}
		byGold[g][p]++
	}
	var lines []string
	for p, evs := range byPred {
		if len(evs) > 1 {
			var seq []string
			for _, d := range order {
				if pred[d.ID] == p {
					seq = append(seq, d.ID)
				}
			}
			if len(seq) > 6 {
				seq = seq[:6]
			}
			lines = append(lines, fmt.Sprintf("  mixed cluster %s: %v first %v", p, evs, seq))
		}
	}
	for g, ps := range byGold {
		if len(ps) > 1 {
			// The documents that went astray, in parts of one or two.
			var astray []string
			for _, d := range order {
				if gold[d.ID] == g && ps[pred[d.ID]] <= 2 {
					t := d.Text
					if len(t) > 100 {
						t = t[:100]
					}
					astray = append(astray, fmt.Sprintf("\n      %s: %q", d.ID, t))
				}
			}
			parts := map[string][]string{}
			for _, d := range order {
				if gold[d.ID] == g {
					parts[pred[d.ID]] = append(parts[pred[d.ID]], d.ID)
				}
			}
			for p, ids := range parts {
				astray = append(astray, fmt.Sprintf("\n    part %s: %v", p[:6], ids))
			}
			lines = append(lines, fmt.Sprintf("  split event %s: %v%s", g, ps, strings.Join(astray, "")))
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
}

// topicHalf keeps the documents of the odd or the even topics ("" keeps
// all), so that a setting chosen on one half can be checked on the other.
func topicHalf(docs []doc, half string) ([]doc, error) {
	var rem int
	switch half {
	case "":
		return docs, nil
	case "odd":
		rem = 1
	case "even":
		rem = 0
	default:
		return nil, fmt.Errorf("--topics %q: want odd or even", half)
	}
	var out []doc
	for _, d := range docs {
		if d.Topic%2 == rem {
			out = append(out, d)
		}
	}
	return out, nil
}
