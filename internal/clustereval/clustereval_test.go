package clustereval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

func TestSemEvalScoresPairsThroughThePipeline(t *testing.T) {
	strike := "Dockers strike at Halden harbour\nDockers at the port of Halden walked out on Tuesday over pay, union leader Ida Solberg said, " +
		"leaving twelve container ships waiting off the coast. The harbour authority said cranes stood idle for the first time since 1998."
	strikeCopy := "Halden dockers walk out\nDockers at the port of Halden walked out on Tuesday over pay, union leader Ida Solberg said, " +
		"leaving twelve container ships waiting off the coast. The harbour authority said cranes stood idle for the first time since 1998. " +
		"Talks resume next week."
	library := "Kessby library reopens after flood\nThe Kessby public library reopened its archive on Monday, two years after a flood " +
		"ruined four thousand rare books, librarian Tor Dahl said."
	comet := "Astronomers spot a comet near Jupiter\nAn amateur astronomer in Chile photographed a faint comet passing close to Jupiter, " +
		"the observatory at La Silla confirmed on Friday."
	pairs := []Pair{
		{ID: "same", Overall: 1, Text1: strike, Text2: strikeCopy},
		{ID: "other", Overall: 4, Text1: library, Text2: comet},
		{ID: "unclear", Overall: 2.5, Text1: library, Text2: strike}, // neither clear: left out
		{ID: "empty", Overall: 1, Text1: comet, Text2: "   "},        // one side never reaches the sink
	}
	path := filepath.Join(t.TempDir(), "pairs.jsonl")
	var data []byte
	for _, p := range pairs {
		line, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		data = append(append(data, line...), '\n')
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadPairs(path)
	if err != nil || len(loaded) != len(pairs) || loaded[1].Text2 != comet {
		t.Fatalf("LoadPairs = %d pairs, %v", len(loaded), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := SemEval(ctx, loaded, 1, t.TempDir(), zaptest.NewLogger(t))
	if err != nil {
		t.Fatalf("SemEval: %v", err)
	}
	if r.Same != 1 || r.SameRight != 1 || r.Other != 1 || r.OtherRight != 1 || r.Missing != 1 || r.Accuracy() != 1 {
		t.Errorf("result = %+v, want the same-story pair together, the other apart, one pair missing", r)
	}
}
