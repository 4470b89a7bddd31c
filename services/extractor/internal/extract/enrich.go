package extract

import (
	"strings"

	"github.com/wirewatch/wirewatch/pkg/events"
	"github.com/wirewatch/wirewatch/services/extractor/internal/claims"
	"github.com/wirewatch/wirewatch/services/extractor/internal/entities"
	"github.com/wirewatch/wirewatch/services/extractor/internal/segment"
)

// enrich adds the named entities and the claims of a's text. Both finders
// are rules for English copy: in other languages they would read every
// capitalised noun as a name and miss every verb of saying, so other
// articles are left without.
func enrich(a *events.Article) {
	if a.Language != "en" && !strings.HasPrefix(a.Language, "en-") {
		return
	}
	d := segment.Split(a.Text)
	ents := entities.Find(d, entities.Options{Dateline: a.Dateline})
	a.Entities = ents.Entities()
	a.Claims = claims.Find(d, ents)
}
