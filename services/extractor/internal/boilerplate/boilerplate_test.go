package boilerplate

import "testing"

func TestLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"Copyright @ 2024 IBRA Digital", true},
		{"© 2025 World News Daily. All rights reserved.", true},
		{"(c) 2023 Example Media", true},
		{"Copyright © Example Media", true},
		{"All rights reserved.", true},
		{"Share this article", true},
		{"Share on Facebook", true},
		{"Follow us on Twitter", true},
		{"Subscribe to our newsletter", true},
		{"Sign up", true},
		{"Click here to read more", true},
		{"Read more: Ukraine strikes refinery", true},
		{"Advertisement", true},
		{"12 comments", true},
		{"3 hours ago", true},
		{"Photo: Reuters", true},
		{"5 min read", true},
		{"You may also like...", true},
		{"Popular on IndieWire", true},
		{"Filed under: Khawarij |", true},
		{"Topics", true},
		{"More in Common found that most voters back the plan.", false},
		{"Topics covered include tax, trade and the budget", false},
		{"Copyright law has changed a great deal since the treaty was signed.", false},
		{"Share prices fell 3% on Tuesday.", false},
		{"Read the statement in full below, officials said.", false},
		{"The ministry said it would comment later.", false},
		{"", false},
		{":", false},
	}
	for _, tt := range tests {
		if got := Line(tt.line); got != tt.want {
			t.Errorf("Line(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestAttr(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"main-nav", true},
		{"navbar", true},
		{"share-tools", true},
		{"shareBar", true},
		{"related-stories", true},
		{"comments", true},
		{"cookie-banner", true},
		{"newsletter-signup", true},
		{"ad-slot ad", true},
		{"site-footer", true},
		{"sidebar", true},
		{"breadcrumbs", true},
		{"article-body", false},
		{"story", false},
		{"content-column", false},
		{"header-image", false},
		{"shadow", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Attr(tt.v); got != tt.want {
			t.Errorf("Attr(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestAttrRegion(t *testing.T) {
	tests := []struct {
		name string
		v    string
		want Region
	}{
		{"navigation", "main-nav", Furniture},
		{"comments win over other words", "sidebar comments-area", Comments},
		{"disqus thread", "disqus_thread", Comments},
		{"camel case comments", "postComments", Comments},
		{"picture caption", "InlineImage-imageEmbedCaption", Furniture},
		{"image credit", "photo credit", Furniture},
		{"slideshow", "gallery-slideshow", Furniture},
		{"embedded post is content", "social-media-embed", NoRegion},
		{"embedded post's caption is not", "embed-caption", Furniture},
		{"page builder widget is content", "elementor-widget elementor-widget-text-editor", NoRegion},
		{"article body", "article-body", NoRegion},
		{"empty", "", NoRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AttrRegion(tt.v); got != tt.want {
				t.Errorf("AttrRegion(%q) = %v, want %v", tt.v, got, tt.want)
			}
		})
	}
}

func TestDateLine(t *testing.T) {
	tests := []struct {
		name string
		line string
		want bool
	}{
		{"updated stamp", "Updated 1:39 am EST, Wednesday, November 20, 2019", true},
		{"byline and stamp", "Chris Davies - Nov 19, 2019, 10:31 pm CST", true},
		{"published stamp", "PUBLISHED: November 19, 2019 at 8:59 pm | UPDATED: November 19, 2019 at 10:16 pm", true},
		{"numeric date", "20.11.2019", true},
		{"iso date and time", "기사입력 :[ 2018-08-25 15:24 ]", true},
		{"time with dotted meridiem", "Updated at 1:23 p.m.", true},
		{"day before month", "Von Moritz Bachmann publiziert am 25. September 2018", true},
		{"sentence with a date", "The council met on November 19, 2019, to vote on the budget.", false},
		{"long sentence without full stop", "Officials said on Tuesday, Nov. 19, that the bridge would reopen after repairs to its deck and railings are finished", false},
		{"month without a number", "May the best team win", false},
		{"score is not a time", "Final score 3-1", false},
		{"no date", "Associated Press", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateLine(tt.line); got != tt.want {
				t.Errorf("DateLine(%q) = %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}
