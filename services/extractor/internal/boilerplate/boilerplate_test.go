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
