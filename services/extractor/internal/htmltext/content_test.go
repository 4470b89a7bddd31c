package htmltext

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Paragraphs of a made-up story, each distinct, long enough to score.
var story = []string{
	"The city council voted on Tuesday to close the old bridge, citing cracks found in its deck during an inspection last month.",
	"Engineers said the repairs would take at least a year, and that a temporary crossing would open downstream by the spring.",
	"Shop owners near the bridge, who rely on passing trade, said they feared losing customers while the work goes on.",
	"The mayor promised a fund to help them, though she did not say how large it would be or when it would be paid out.",
}

func paras(ps ...string) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("<p>" + p + "</p>")
	}
	return b.String()
}

func storyBlocks(ps ...string) []Block {
	var bs []Block
	for _, p := range ps {
		bs = append(bs, Block{"p", p})
	}
	return bs
}

func TestMainTextRegion(t *testing.T) {
	teaser := `<div class="item"><h3><a href="/other">A headline for another story entirely</a></h3><p>A summary of that other story, long enough to read like a paragraph, with commas, clauses and more.</p></div>`
	comment := `<div class="comment-body"><p>I have lived here for thirty years, and I have never seen the bridge in such a state, frankly, it is a disgrace, and someone should pay for it.</p></div>`
	tests := []struct {
		name string
		page string
		want []Block
	}{
		{
			name: "teasers for other pages do not outscore a short story",
			page: `<body><div class="story">` + paras(story[:2]...) + `</div><div class="more">` + strings.Repeat(teaser, 6) + `</div></body>`,
			want: storyBlocks(story[:2]...),
		},
		{
			name: "comments do not become the article",
			page: `<body><div class="story">` + paras(story[:2]...) + `</div><div id="comments">` + strings.Repeat(comment, 5) + `</div></body>`,
			want: storyBlocks(story[:2]...),
		},
		{
			name: "article in a region named like furniture is kept",
			page: `<body><div class="sidebar-layout"><div class="content-sidebar">` + paras(story...) + `</div><div class="sidebar"><ul><li><a href="/a">Most read one</a></li><li><a href="/b">Most read two</a></li></ul></div></div></body>`,
			want: storyBlocks(story...),
		},
		{
			name: "sections named like furniture and styled like the article's are kept",
			page: `<body><div class="content-nav-section">` + paras(story[:2]...) + `</div><div class="content-nav-section">` + paras(story[2:]...) + `</div><div class="footer-nav"><a href="/">Home</a></div></body>`,
			want: storyBlocks(story...),
		},
		{
			name: "sections of a page builder are gathered",
			page: `<body><nav><a href="/">Home</a> <a href="/about">About us</a></nav><div class="page">` +
				`<section><div><div>` + paras(story[0]) + `</div></div></section>` +
				`<section><div><div><h2>What next</h2></div></div></section>` +
				`<section><div><div>` + paras(story[1:3]...) + `</div></div></section>` +
				`<section><div><div>` + paras(story[3]) + `</div></div></section></div></body>`,
			want: []Block{{"p", story[0]}, {"h", "What next"}, {"p", story[1]}, {"p", story[2]}, {"p", story[3]}},
		},
		{
			name: "hidden article shown by a script is kept",
			page: `<body><div id="shell"><p>Loading the page, please wait for a moment or two.</p></div><div hidden id="S:0">` + paras(story...) + `</div></body>`,
			want: storyBlocks(story...),
		},
		{
			name: "copy of the story for another screen size is left out",
			page: `<body><div class="desktop">` + paras(story...) + `</div><div class="mobile">` + paras(story...) + `</div></body>`,
			want: storyBlocks(story...),
		},
		{
			name: "table between parts of the story is kept",
			page: `<body><div><div class="text">` + paras(story[:3]...) + `</div><table><tr><th>Year</th><th>Cost</th></tr><tr><td>2024</td><td>$1m</td></tr></table>` + paras(story[3]) + `</div></body>`,
			want: append(storyBlocks(story[:3]...), Block{"tr", "Year | Cost"}, Block{"tr", "2024 | $1m"}, Block{"p", story[3]}),
		},
		{
			name: "a table in a figure is kept, a picture is not",
			page: `<body><div>` + paras(story[:2]...) + `<figure><img src="a.jpg"><figcaption>The bridge on Tuesday, closed after the vote.</figcaption></figure>` +
				`<figure class="wp-block-table"><table><tr><td>2024</td><td>$1m</td></tr></table></figure>` + paras(story[2:]...) + `</div></body>`,
			want: append(storyBlocks(story[:2]...), Block{"tr", "2024 | $1m"}, Block{"p", story[2]}, Block{"p", story[3]}),
		},
		{
			name: "list items mostly linked are kept, all linked are not",
			page: `<body><div>` + paras(story...) + `<ul><li><a href="/pr/1">Make casts between types work</a> (thanks, Ann)</li><li><a href="/more">More stories</a></li></ul></div></body>`,
			want: append(storyBlocks(story...), Block{"li", "Make casts between types work (thanks, Ann)"}),
		},
		{
			name: "a footer's line beside the story is not more of it",
			page: `<body><div id="text">` + paras(story...) + `</div><div id="legal"><p>Imprint · Privacy · © 2025 The Daily Planet</p></div></body>`,
			want: storyBlocks(story...),
		},
		{
			name: "embedded post is kept, captions and credits are not",
			page: `<body><div>` + paras(story[:2]...) + `<div class="image"><div class="caption"><p>The bridge on Tuesday, closed to traffic after the vote.</p></div><div class="credit">Photo: J. Smith</div></div>` +
				`<div class="social-media-embed"><blockquote><p>The bridge is closed from today. Plan your journey ahead.</p></blockquote></div>` + paras(story[2:]...) + `</div></body>`,
			want: append(storyBlocks(story[:2]...), Block{"quote", "The bridge is closed from today. Plan your journey ahead."}, Block{"p", story[2]}, Block{"p", story[3]}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parse(t, tt.page).Blocks
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("blocks = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDropFurnitureBlocks(t *testing.T) {
	tests := []struct {
		name   string
		blocks []Block
		want   []Block
	}{
		{
			name:   "date stamps around the story",
			blocks: []Block{{"p", "Updated 1:39 am EST, Wednesday, November 20, 2019"}, {"p", story[0]}, {"p", story[1]}, {"p", "Nov. 19, 2019, 8:41 AM UTC"}},
			want:   storyBlocks(story[:2]...),
		},
		{
			name:   "date inside the story",
			blocks: []Block{{"p", story[0]}, {"p", "March 3, 2025"}, {"p", story[1]}},
			want:   []Block{{"p", story[0]}, {"p", "March 3, 2025"}, {"p", story[1]}},
		},
		{
			name:   "a schedule is content",
			blocks: []Block{{"p", story[0]}, {"p", "September 10, 12pm"}, {"p", "September 17, 12pm"}, {"p", "September 24, 12pm"}},
			want:   []Block{{"p", story[0]}, {"p", "September 10, 12pm"}, {"p", "September 17, 12pm"}, {"p", "September 24, 12pm"}},
		},
		{
			name:   "web address alone",
			blocks: []Block{{"p", "https://news.example/2019/11/20/story.html"}, {"p", story[0]}},
			want:   storyBlocks(story[0]),
		},
		{
			name:   "headings of what was left out",
			blocks: []Block{{"p", story[0]}, {"h", "More stories"}},
			want:   storyBlocks(story[0]),
		},
		{
			name:   "a page written in headings",
			blocks: []Block{{"p", story[0]}, {"h", "Pact"}, {"h", "Quince"}, {"h", "Prana"}},
			want:   []Block{{"p", story[0]}, {"h", "Pact"}, {"h", "Quince"}, {"h", "Prana"}},
		},
		{
			name:   "heading repeating the title",
			blocks: []Block{{"h", "Bridge  closed"}, {"p", story[0]}},
			want:   storyBlocks(story[0]),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := dropFurnitureBlocks(append([]Block(nil), tt.blocks...), "Bridge closed")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("blocks = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestMeasure(t *testing.T) {
	tests := []struct {
		name              string
		body              string
		good, bad         int
		teaser, hasScores bool
	}{
		{
			name:      "paragraphs are good text",
			body:      `<p>Twenty-five letters or more, in a paragraph.</p><p>Short.</p>`,
			good:      38,
			hasScores: true,
		},
		{
			name: "a list of links is bad text",
			body: `<ul><li><a href="/a">Home page</a></li><li><a href="/b">About us</a></li></ul>`,
			bad:  15,
		},
		{
			name:   "a headline linking elsewhere and its summary make a teaser",
			body:   `<div><h3><a href="/x">A headline for another story</a></h3><p>Its summary, long enough to be a paragraph of text.</p></div>`,
			bad:    66,
			teaser: true,
		},
		{
			name:      "text between line breaks is a paragraph of its block",
			body:      `<div>A first line of loose text, long enough.<br>Second line, as long as the first one.</div>`,
			good:      64,
			hasScores: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<body>" + tt.body + "</body>"))
			if err != nil {
				t.Fatal(err)
			}
			body := doc.FirstChild.LastChild
			m := measure(body, true)
			st := m.stat(body.FirstChild)
			if st.good != tt.good || st.bad != tt.bad || st.teaser() != tt.teaser || (len(m.cands) > 0) != tt.hasScores {
				t.Errorf("good, bad, teaser, scored = %d, %d, %v, %v, want %d, %d, %v, %v",
					st.good, st.bad, st.teaser(), len(m.cands) > 0, tt.good, tt.bad, tt.teaser, tt.hasScores)
			}
		})
	}
}

func TestTextCounts(t *testing.T) {
	tests := []struct {
		name            string
		s               string
		letters, commas int
	}{
		{"ascii", " a, b,\tc\n", 5, 2},
		{"non-breaking space", "a\u00a0b", 2, 0},
		{"cjk commas", "東京，大阪、京都", 8, 2},
		{"empty", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if l, c := textCounts(tt.s); l != tt.letters || c != tt.commas {
				t.Errorf("textCounts(%q) = %d, %d, want %d, %d", tt.s, l, c, tt.letters, tt.commas)
			}
		})
	}
}
