// Package simhash computes 64-bit SimHash fingerprints of text over word
// shingles (Charikar 2002; Manku, Jain and Das Sarma, "Detecting
// Near-Duplicates for Web Crawling", WWW 2007). Texts that share most of
// their shingles get fingerprints a few bits apart; rewrites do not.
package simhash

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"unicode"
)

// ShingleSize is the number of words in a shingle.
const ShingleSize = 3

// Fingerprint returns the SimHash of text over word shingles. Words are
// lower-cased runs of letters and digits; a text shorter than one shingle is
// hashed as a single shingle.
func Fingerprint(text string) uint64 {
	words := Words(text)
	var counts [64]int
	add := func(shingle string) {
		h := fnv.New64a()
		h.Write([]byte(shingle))
		v := mix(h.Sum64())
		for i := range 64 {
			if v&(1<<uint(i)) != 0 {
				counts[i]++
			} else {
				counts[i]--
			}
		}
	}
	if len(words) < ShingleSize {
		add(strings.Join(words, " "))
	} else {
		for i := 0; i+ShingleSize <= len(words); i++ {
			add(strings.Join(words[i:i+ShingleSize], " "))
		}
	}
	var fp uint64
	for i, c := range counts {
		if c > 0 {
			fp |= 1 << uint(i)
		}
	}
	return fp
}

// Distance is the Hamming distance between two fingerprints.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Words splits text into lower-cased words of letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// mix is the splitmix64 finaliser: FNV-1a leaves the high bits of short
// inputs poorly mixed, and SimHash needs every bit to be an independent coin.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
