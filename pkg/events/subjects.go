package events

import (
	"strings"
)

// Stage names a pipeline stage. It appears in subjects (news.dlq.<stage>),
// durable consumer names, CloudEvents sources and message ids.
type Stage string

// The pipeline stages.
const (
	StageFetcher   Stage = "fetcher"
	StageExtractor Stage = "extractor"
	StageDeduper   Stage = "deduper"
	StageSink      Stage = "sink"
)

// Subject prefixes. A subject is a prefix followed by one token.
const (
	SubjectRawPrefix       = "news.raw."
	SubjectArticlePrefix   = "news.article."
	SubjectClusteredPrefix = "news.clustered."
	SubjectClusterPrefix   = "news.cluster."
	SubjectDLQPrefix       = "news.dlq."
	// SubjectFeedPrefix starts every subject about feeds themselves (not
	// their items); SubjectFeedHealthPrefix is followed by a feed id.
	SubjectFeedPrefix       = "news.feed."
	SubjectFeedHealthPrefix = "news.feed.health."
)

// Stream names.
const (
	StreamRaw       = "NEWS_RAW"
	StreamArticles  = "NEWS_ARTICLES"
	StreamClustered = "NEWS_CLUSTERED"
	StreamClusters  = "NEWS_CLUSTERS"
	StreamDLQ       = "NEWS_DLQ"
	StreamFeeds     = "NEWS_FEEDS"
)

// RawSubject is the subject a fetched document of the given source kind is
// published on, e.g. news.raw.file.
func RawSubject(kind SourceKind) string { return SubjectRawPrefix + Token(string(kind)) }

// ArticleSubject is the subject an extracted article in language lang is
// published on, e.g. news.article.en. An unknown language is "und".
func ArticleSubject(lang string) string { return SubjectArticlePrefix + langToken(lang) }

// ClusteredSubject is the subject an article with its cluster assignment is
// published on, e.g. news.clustered.en.
func ClusteredSubject(lang string) string { return SubjectClusteredPrefix + langToken(lang) }

// ClusterSubject is the subject the state of cluster id is published on. The
// last message on it is the cluster's current state.
func ClusterSubject(clusterID string) string { return SubjectClusterPrefix + Token(clusterID) }

// DLQSubject is the subject the dead letters of a stage are published on.
func DLQSubject(s Stage) string { return SubjectDLQPrefix + Token(string(s)) }

// FeedHealthSubject is the subject the health of feed id (see FeedID) is
// published on. The last message on it is the feed's current health.
func FeedHealthSubject(feedID string) string { return SubjectFeedHealthPrefix + Token(feedID) }

// LanguageUndetermined is the BCP 47 tag for an undetermined language.
const LanguageUndetermined = "und"

func langToken(lang string) string {
	if lang == "" {
		return LanguageUndetermined
	}
	return Token(strings.ToLower(lang))
}

// Token makes s safe to use as one subject token: characters that NATS gives
// a meaning to ('.', '*', '>', white space) and anything outside printable
// ASCII become '_'. An empty token becomes "_".
func Token(s string) string {
	if s == "" {
		return "_"
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '.' || r == '*' || r == '>' || r <= ' ' || r > '~':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// LastToken returns the part of a subject after its last '.'.
func LastToken(subject string) string {
	if i := strings.LastIndexByte(subject, '.'); i >= 0 {
		return subject[i+1:]
	}
	return subject
}
