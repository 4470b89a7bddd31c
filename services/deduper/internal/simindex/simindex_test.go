package simindex

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

func flip(fp uint64, r *rand.Rand, n int) uint64 {
	for _, p := range r.Perm(64)[:n] {
		fp ^= 1 << uint(p)
	}
	return fp
}

// TestNearestAgreesWithAScan checks the index against a linear scan.
func TestNearestAgreesWithAScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ix := New(3)
	var all []uint64
	for i := range 5000 {
		fp := r.Uint64()
		all = append(all, fp)
		ix.Add(uint32(i), fp)
	}
	for q := range 2000 {
		base := all[r.IntN(len(all))]
		query := flip(base, r, q%6) // 0..5 bits away from an indexed one
		wantD := 4
		for _, fp := range all {
			if d := bits.OnesCount64(query ^ fp); d < wantD {
				wantD = d
			}
		}
		_, d, ok := ix.Nearest(query)
		if wantD <= 3 && (!ok || d != wantD) {
			t.Fatalf("query %d: nearest distance %d (found %v), scan says %d", q, d, ok, wantD)
		}
		if wantD > 3 && ok {
			t.Fatalf("query %d: found distance %d beyond k", q, d)
		}
	}
}

func TestRemove(t *testing.T) {
	ix := New(3)
	ix.Add(1, 0xFFFF)
	ix.Add(2, 0xFFFE)
	ix.Remove(1, 0xFFFF)
	if id, d, ok := ix.Nearest(0xFFFF); !ok || id != 2 || d != 1 {
		t.Errorf("Nearest after Remove = %d, %d, %v; want 2, 1, true", id, d, ok)
	}
	ix.Remove(2, 0xFFFE)
	if _, _, ok := ix.Nearest(0xFFFF); ok || ix.Len() != 0 {
		t.Error("index not empty after removing everything")
	}
}

func BenchmarkNearest1M(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	ix := New(3)
	for i := range 1_000_000 {
		ix.Add(uint32(i), r.Uint64())
	}
	qs := make([]uint64, 1024)
	for i := range qs {
		qs[i] = r.Uint64()
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.Nearest(qs[i%len(qs)])
		i++
	}
}

func TestEachFindsExactlyTheFingerprint(t *testing.T) {
	ix := New(3)
	ix.Add(1, 0xF0F0)
	ix.Add(2, 0xF0F1) // one bit apart: not the same
	ix.Add(3, 0xF0F0)
	ix.Remove(1, 0xF0F0)
	var got []uint32
	ix.Each(0xF0F0, func(id uint32) { got = append(got, id) })
	if len(got) != 1 || got[0] != 3 {
		t.Errorf("Each found %v, want [3]", got)
	}
}
