package events

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// idLen is the number of hex digits in a document or cluster id: 96 bits,
// enough that a collision among billions of documents is not a concern.
const idLen = 24

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DocumentID derives the stable id of a document from where it came from:
// its canonical URL when it has one, else its URL, else its file path. The same
// source always gets the same id, whatever its content; a new revision of the
// document keeps the id and changes its content hash.
func DocumentID(src Source) string {
	switch {
	case src.URL != "":
		return digest("url", NormalizeURL(src.URL))[:idLen]
	case src.Path != "":
		return digest("path", filepath.ToSlash(filepath.Clean(src.Path)))[:idLen]
	default:
		return digest("feed-item", src.FeedURL)[:idLen]
	}
}

// NormalizeURL puts a URL into the form document ids are computed from:
// scheme and host lower-cased, default ports and the fragment dropped. A string
// that is not a URL is returned trimmed.
func NormalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	host = strings.TrimSuffix(host, ":80")
	if u.Scheme == "https" {
		host = strings.TrimSuffix(host, ":443")
	}
	u.Host = host
	u.Fragment = ""
	u.RawFragment = ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// BytesHash is the content hash of raw bytes, as carried by a RawDocument.
func BytesHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TextHash is the content hash of an article's text: the hash of its
// normalised form (NormalizeText), so that copies differing only in case,
// white space or punctuation hash alike.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(NormalizeText(text)))
	return hex.EncodeToString(sum[:])
}

// NormalizeText lower-cases text, keeps only letters and digits, and separates
// words by single spaces.
func NormalizeText(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}

// MsgID is the Nats-Msg-Id of what stage publishes about one revision of one
// document under one schema. A stage that runs again over the same input
// produces the same id, so the stream drops the second copy.
func MsgID(s Stage, docID, contentHash, schema string) string {
	return digest("msg", string(s), docID, contentHash, schema)[:32]
}

// ClusterID derives a cluster's id from the id of the article that founded it.
func ClusterID(foundingDocID string) string {
	return "c" + digest("cluster", foundingDocID)[:idLen-1]
}

// FeedID derives a feed's id from its URL (normalised as by NormalizeURL):
// "f" followed by 23 hex digits, usable as a subject token and a KV key.
func FeedID(feedURL string) string {
	return "f" + digest("feed", NormalizeURL(feedURL))[:idLen-1]
}

// DeadLetterID is the id of the dead letter for one delivery of a stream
// message, so that dead-lettering the same message again publishes nothing
// new.
func DeadLetterID(s Stage, stream string, seq uint64, subject string) string {
	return digest("dlq", string(s), stream, subject, strconv.FormatUint(seq, 10))[:32]
}
