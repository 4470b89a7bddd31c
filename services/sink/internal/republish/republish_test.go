package republish

import (
	"errors"
	"testing"
)

func TestCheckSubject(t *testing.T) {
	for _, s := range []string{"downstream.articles", "out", "a.b-c.d_e"} {
		if err := CheckSubject(s); err != nil {
			t.Errorf("CheckSubject(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "a.*", "a.>", "a..b", ".a", "news.clustered.en", "news", "$JS.API.x", "a b"} {
		if err := CheckSubject(s); !errors.Is(err, ErrSubject) {
			t.Errorf("CheckSubject(%q) = %v, want ErrSubject", s, err)
		}
	}
}

func TestStreamName(t *testing.T) {
	if got := StreamName("downstream.news-feed"); got != "WIREWATCH_OUT_DOWNSTREAM_NEWS_FEED" {
		t.Errorf("StreamName = %q", got)
	}
}
