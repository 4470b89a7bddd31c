package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html/charset"
)

// ErrBadList means a feed list could not be read.
var ErrBadList = errors.New("feed: bad feed list")

// ErrBadURL means a feed URL is not an absolute http(s) URL.
var ErrBadURL = errors.New("not an absolute http(s) URL")

// maxListBytes bounds a feed list file.
const maxListBytes = 8 << 20

// ReadList reads a list of feed URLs: an OPML document (every outline with
// an xmlUrl, at any depth), or one URL a line, with blank lines and lines
// starting with '#' ignored. URLs come back in order, without repeats. A URL
// that is not absolute http(s) is an error naming its line.
func ReadList(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxListBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading feed list: %w", err)
	}
	if len(data) > maxListBytes {
		return nil, fmt.Errorf("reading feed list: %w: over %d bytes", ErrBadList, maxListBytes)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	var urls []string
	if isOPML(data) {
		urls, err = readOPML(data)
		if err != nil {
			return nil, err
		}
	} else {
		for n, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := CheckURL(line); err != nil {
				return nil, fmt.Errorf("reading feed list: %w: line %d: %w", ErrBadList, n+1, err)
			}
			urls = append(urls, line)
		}
	}
	seen := map[string]bool{}
	out := urls[:0]
	for _, u := range urls {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// CheckURL returns an error wrapping ErrBadURL unless s is an absolute
// http(s) URL with a host.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q: %w: %w", s, ErrBadURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q: %w", s, ErrBadURL)
	}
	return nil
}

func isOPML(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(bytes.ToLower(head), []byte("<opml"))
}

type outline struct {
	XMLURL   string    `xml:"xmlUrl,attr"`
	Outlines []outline `xml:"outline"`
}

// readOPML collects the xmlUrl of every outline. An outline whose xmlUrl is
// not an http(s) URL is skipped rather than failing the whole subscription
// list, as OPML exports often carry odd entries.
func readOPML(data []byte) ([]string, error) {
	var doc struct {
		Body struct {
			Outlines []outline `xml:"outline"`
		} `xml:"body"`
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading OPML feed list: %w: %w", ErrBadList, err)
	}
	var urls []string
	var walk func([]outline, int)
	walk = func(os []outline, depth int) {
		if depth > 32 {
			return
		}
		for _, o := range os {
			if u := strings.TrimSpace(o.XMLURL); u != "" && CheckURL(u) == nil {
				urls = append(urls, u)
			}
			walk(o.Outlines, depth+1)
		}
	}
	walk(doc.Body.Outlines, 0)
	return urls, nil
}
