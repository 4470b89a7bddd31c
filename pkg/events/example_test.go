package events_test

import (
	"fmt"
	"time"

	"github.com/wirewatch/wirewatch/pkg/events"
)

// A stage encodes what it publishes with Encode and decodes what it reads with
// DecodeMsg; ids, headers and validation come with them.
func Example() {
	src := events.Source{Kind: events.SourceFile, Path: "/data/in/witkoff.txt"}
	text := "U.S. envoy Steve Witkoff held talks with Russian President Vladimir Putin."
	a := &events.Article{
		Schema:      events.SchemaArticle,
		ID:          events.DocumentID(src),
		Source:      src,
		Title:       "Witkoff meets Putin",
		Language:    "en",
		Text:        text,
		ContentHash: events.TextHash(text),
	}
	now := time.Date(2025, 8, 6, 12, 0, 0, 0, time.UTC)
	msg, err := events.Encode(events.StageExtractor, events.ArticleSubject(a.Language), a, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msg.Subject)
	fmt.Println(msg.Header.Get(events.HeaderCEType), msg.Header.Get(events.HeaderCESource))
	fmt.Println(msg.Header.Get(events.HeaderMsgID) == msg.Header.Get(events.HeaderCEID))

	var got events.Article
	if err := events.DecodeMsg(msg.Header, msg.Data, &got); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Title, got.ID == a.ID)

	// Bad input fails with every problem listed.
	err = events.Decode([]byte(`{"schema":"wirewatch.article.v1","id":"x"}`), &events.Article{})
	fmt.Println(err)
	// Output:
	// news.article.en
	// wirewatch.article.v1 /wirewatch/extractor
	// true
	// Witkoff meets Putin true
	// events: invalid event: wirewatch.article.v1: source.kind "" is not feed, file or http; source has neither url nor path; title is empty; text is empty; language is empty; content_hash is empty
}
