package extract

import (
	"context"
	"testing"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// TestDeclaredLanguageContradicted checks that a page whose declared
// language is written in another script than its text (a theme's
// lang="en-US" on a Russian site) takes the language its text is in, while
// a declaration its text does not contradict stands. Within one script, a
// declaration stands unless a long text plainly says otherwise (a Spanish
// article under an English theme).
func TestDeclaredLanguageContradicted(t *testing.T) {
	ru := "<h1>Правительство поддержит малый бизнес</h1><p>Правительство объявило о новых мерах поддержки малого бизнеса. Как сообщили в министерстве, программа начнёт действовать с первого марта и продлится два года.</p>"
	en := "<h1>Council passes the budget</h1><p>The council approved the budget on Monday after a long debate, with most members voting in favour of the plan, and the mayor said it was a good day for the city.</p>"
	es := "<h1>El puerto reabre en marzo</h1><p>El gobierno anunció el martes que las obras del puerto se reanudarán en marzo, después de que los sindicatos y la empresa llegaran a un acuerdo sobre los salarios.</p>" +
		"<p>Según el ministro, la inversión será de 40 millones de euros y permitirá que los barcos más grandes atraquen en la terminal, algo que hasta ahora no era posible.</p>"
	ja := "<h1>東京都が新予算案</h1><p>東京都は月曜日、新しい予算案を発表した。都知事は記者会見で、子育て支援を強化すると述べた。</p>"
	tests := []struct {
		name, declared, body, want, wantFrom string
	}{
		{"russian text declared english", "en-US", ru, "ru", events.FromDetector},
		{"english text declared russian", "ru", en, "en", events.FromDetector},
		{"japanese text with many han characters", "ja", ja, "ja", events.FromMeta},
		{"short english text declared german stands", "de", en, "de", events.FromMeta},
		{"spanish article under an english theme", "en-US", es, "es", events.FromDetector},
		{"spanish article declared spanish", "es", es, "es", events.FromMeta},
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
