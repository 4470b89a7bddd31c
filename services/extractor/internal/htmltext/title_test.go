package htmltext

import "testing"

// TestStripSiteDesk checks that a title's suffix that is the site's name
// followed by a desk or product ("BBC News", "CNN Politics", "Reuters
// Breakingviews") is taken off like the site's name alone, while a suffix
// that only begins with a word of the site's name is part of the title.
func TestStripSiteDesk(t *testing.T) {
	tests := []struct {
		name, title, site, host, want string
	}{
		{"host label and a desk", "Envoy visits Moscow - BBC News", "", "www.bbc.com", "Envoy visits Moscow"},
		{"host label and a section", "Envoy visits Moscow | CNN Politics", "", "www.cnn.com", "Envoy visits Moscow"},
		{"site name and a product", "Oil's rally runs dry | Reuters Breakingviews", "Reuters", "www.reuters.com", "Oil's rally runs dry"},
		{"site name given and a desk", "Envoy visits Moscow | CNN Politics", "CNN", "edition.cnn.com", "Envoy visits Moscow"},
		{"a phrase after the site's word is the title's", "Envoy visits Moscow - Time to act", "", "time.com", "Envoy visits Moscow - Time to act"},
		{"a long suffix is the title's", "Markets rally - BBC Reporters Look At What Comes Next", "", "www.bbc.com", "Markets rally - BBC Reporters Look At What Comes Next"},
		{"no site word", "Envoy visits Moscow - Putin Meets Witkoff", "", "www.bbc.com", "Envoy visits Moscow - Putin Meets Witkoff"},
		{"host under a subdomain", "Envoy visits Moscow - CNN", "", "edition.cnn.com", "Envoy visits Moscow"},
		{"host under a longer subdomain", "Playoff race tightens | Yahoo Sports", "", "sports.yahoo.com", "Playoff race tightens"},
		{"host under a country suffix", "Envoy visits Moscow - The Daily Planet", "", "news.dailyplanet.co.uk", "Envoy visits Moscow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripSite(tt.title, tt.site, tt.host, "", ""); got != tt.want {
				t.Errorf("stripSite(%q) = %q, want %q", tt.title, got, tt.want)
			}
		})
	}
}
