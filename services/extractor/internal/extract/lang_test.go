package extract

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestDeclaredLanguageContradicted checks that a page whose declared
// language is written in another script than its text (a theme's
// lang="en-US" on a Russian site) takes the language its text is in, while
// a declaration its text does not contradict stands.
func TestDeclaredLanguageContradicted(t *testing.T) {
	ru := "<h1>Правительство поддержит малый бизнес</h1><p>Правительство объявило о новых мерах поддержки малого бизнеса. Как сообщили в министерстве, программа начнёт действовать с первого марта и продлится два года.</p>"
	en := "<h1>Council passes the budget</h1><p>The council approved the budget on Monday after a long debate, with most members voting in favour of the plan, and the mayor said it was a good day for the city.</p>"
	ja := "<h1>東京都が新予算案</h1><p>東京都は月曜日、新しい予算案を発表した。都知事は記者会見で、子育て支援を強化すると述べた。</p>"
	tests := []struct {
		name, declared, body, want, wantFrom string
	}{
		{"russian text declared english", "en-US", ru, "ru", events.FromDetector},
		{"english text declared russian", "ru", en, "en", events.FromDetector},
		{"japanese text with many han characters", "ja", ja, "ja", events.FromMeta},
		{"english text declared german stands", "de", en, "de", events.FromMeta},
		{"declaration agrees", "ru", ru, "ru", events.FromMeta},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html lang="` + tt.declared + `"><head><title>T</title></head><body>` + tt.body + `</body></html>`
			a, err := Extract(context.Background(), hostileDoc([]byte(page), "text/html", ""), Options{}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if a.Language != tt.want || a.Provenance["language"] != tt.wantFrom {
				t.Errorf("language %q from %q, want %q from %q", a.Language, a.Provenance["language"], tt.want, tt.wantFrom)
			}
		})
	}
}
