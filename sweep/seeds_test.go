package sweep

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// seedsOf lists the seeds of s, in order.
func seedsOf(s *seedSet) []uint64 {
	var out []uint64
	for _, r := range s.r {
		for x := r.lo; ; x++ {
			out = append(out, x)
			if x == r.hi {
				break
			}
		}
	}
	return out
}

// genSeed draws seeds that crowd together, and the two ends of uint64.
func genSeed() *rapid.Generator[uint64] {
	return rapid.OneOf(rapid.Uint64Range(0, 40), rapid.Uint64Range(math.MaxUint64-5, math.MaxUint64))
}

// A seedSet holds what a set of seeds holds: add reports the seeds seen
// before, firstCommon the smallest seed of two sets, addAll their union;
// and its ranges stay sorted, disjoint and apart.
func TestPropertySeedSetIsASetOfSeeds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var a, b seedSet
		inA, inB := map[uint64]bool{}, map[uint64]bool{}
		for range rapid.IntRange(0, 60).Draw(t, "adds") {
			x := genSeed().Draw(t, "seed")
			set, in := &a, inA
			if rapid.Bool().Draw(t, "toB") {
				set, in = &b, inB
			}
			if got := set.add(x); got != in[x] {
				t.Fatalf("add(%d) = %v, want %v", x, got, in[x])
			}
			in[x] = true
		}
		for _, s := range []*seedSet{&a, &b} {
			for i, r := range s.r {
				if r.lo > r.hi || i > 0 && s.r[i-1].hi+1 >= r.lo {
					t.Fatalf("ranges %v: not sorted, disjoint and apart", s.r)
				}
			}
		}
		keys := func(m map[uint64]bool) []uint64 {
			var out []uint64
			for k := range m {
				out = append(out, k)
			}
			slices.Sort(out)
			return out
		}
		if d := cmp.Diff(keys(inA), seedsOf(&a), cmpEmpty); d != "" {
			t.Fatalf("seeds of a (-want +got):\n%s", d)
		}
		var common []uint64
		for _, k := range keys(inA) {
			if inB[k] {
				common = append(common, k)
			}
		}
		got, ok := a.firstCommon(&b)
		if ok != (len(common) > 0) || ok && got != common[0] {
			t.Fatalf("firstCommon = %d, %v; common seeds %v", got, ok, common)
		}
		a.addAll(&b)
		for k := range inB {
			inA[k] = true
		}
		if d := cmp.Diff(keys(inA), seedsOf(&a), cmpEmpty); d != "" {
			t.Fatalf("seeds of the union (-want +got):\n%s", d)
		}
	})
}

// cmpEmpty makes nil and empty lists equal.
var cmpEmpty = cmp.Comparer(func(x, y []uint64) bool { return slices.Equal(x, y) })
