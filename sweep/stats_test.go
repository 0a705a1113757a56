package sweep

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// TestWilsonAgainstNewcombe: the 95% Wilson score intervals (without
// continuity correction) of Newcombe's examples, "Two-sided confidence
// intervals for the single proportion" (Statistics in Medicine, 1998),
// Table I, method 3, to the four decimals printed there.
func TestWilsonAgainstNewcombe(t *testing.T) {
	for _, tt := range []struct {
		k, n      int
		low, high float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	} {
		got := Wilson(tt.k, tt.n)
		if math.Abs(got.Low-tt.low) > 0.00005 || math.Abs(got.High-tt.high) > 0.00005 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.k, tt.n, got.Low, got.High, tt.low, tt.high)
		}
		if got.P != float64(tt.k)/float64(tt.n) {
			t.Errorf("Wilson(%d, %d).P = %v", tt.k, tt.n, got.P)
		}
	}
}

// TestWilsonBounds: the interval holds the proportion and stays within
// [0, 1]; at k = 0 it starts at 0, at k = n it ends at 1.
func TestWilsonBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 1_000_000).Draw(t, "n")
		k := rapid.IntRange(0, n).Draw(t, "k")
		w := Wilson(k, n)
		if !(0 <= w.Low && w.Low <= w.P && w.P <= w.High && w.High <= 1) {
			t.Fatalf("Wilson(%d, %d) = %+v: not 0 ≤ low ≤ p ≤ high ≤ 1", k, n, w)
		}
		if k == 0 && w.Low != 0 || k == n && w.High != 1 {
			t.Fatalf("Wilson(%d, %d) = %+v", k, n, w)
		}
	})
}

// TestPercentileNearestRank: the nearest-rank method's worked example
// (the list 15, 20, 35, 40, 50): the 5th percentile is 15, the 30th 20,
// the 40th 20, the 50th 35 and the 100th 50.
func TestPercentileNearestRank(t *testing.T) {
	v := []int64{15, 20, 35, 40, 50}
	for _, tt := range []struct {
		p    float64
		want int64
	}{{5, 15}, {30, 20}, {40, 20}, {50, 35}, {100, 50}} {
		if got := Percentile(v, tt.p); got != tt.want {
			t.Errorf("Percentile(%v, %v) = %d, want %d", v, tt.p, got, tt.want)
		}
	}
}

// TestPercentileDefinition: the p-th percentile is a sample, at least p%
// of the samples are at most it, and fewer than p% are below it.
func TestPercentileDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := sortedCopy(rapid.SliceOfN(rapid.Int64Range(-50, 50), 1, 200).Draw(t, "v"))
		p := rapid.Float64Range(0.01, 100).Draw(t, "p")
		x := Percentile(v, p)
		atMost, below := 0, 0
		for _, y := range v {
			if y <= x {
				atMost++
			}
			if y < x {
				below++
			}
		}
		n := float64(len(v))
		if float64(atMost) < p/100*n-1e-9 || float64(below) >= p/100*n {
			t.Fatalf("Percentile(%v, %v) = %d: %d at most it, %d below", v, p, x, atMost, below)
		}
	})
}

// TestMergeIsOrderFree: the summary of samples split into shards, merged
// in any order, is the summary of them all added in seed order.
func TestMergeIsOrderFree(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 300).Draw(t, "n")
		samples := make([]Sample, n)
		for i := range samples {
			samples[i] = Sample{Seed: uint64(i + 1),
				Outcome:     rapid.SampledFrom([]string{"Complete", "BackoffLimitExceeded", "DeadlineExceeded"}).Draw(t, "outcome"),
				Makespan:    time.Duration(rapid.Int64Range(0, 1e12).Draw(t, "makespan")),
				PodsCreated: rapid.IntRange(1, 100).Draw(t, "created"),
				PodsFailed:  rapid.IntRange(0, 100).Draw(t, "failed"),
				PodTime:     time.Duration(rapid.Int64Range(0, 1e12).Draw(t, "podTime"))}
		}
		var all Summary
		for _, s := range samples {
			all.Add(s)
		}
		shards := rapid.IntRange(1, 8).Draw(t, "shards")
		parts := make([]Summary, shards)
		for _, i := range rapid.Permutation(indexes(n)).Draw(t, "order") {
			parts[i%shards].Add(samples[i])
		}
		var merged Summary
		for _, k := range rapid.Permutation(indexes(shards)).Draw(t, "merge order") {
			if err := merged.Merge(&parts[k]); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range []Metric{Makespan, PodsCreated, PodsFailed, PodTime} {
			if diff := cmp.Diff(all.Percentiles(m), merged.Percentiles(m)); diff != "" {
				t.Fatalf("%v percentiles (-all +merged):\n%s", m, diff)
			}
		}
		if diff := cmp.Diff(all.Outcomes(), merged.Outcomes()); diff != "" {
			t.Fatalf("outcomes (-all +merged):\n%s", diff)
		}
	})
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestMergeRefusesOverlap: merging two shards that share a seed is an
// error; adding a seed twice is reported.
func TestMergeRefusesOverlap(t *testing.T) {
	var a, b Summary
	a.Add(Sample{Seed: 1, Outcome: "Complete"})
	b.Add(Sample{Seed: 1, Outcome: "Complete"})
	if err := a.Merge(&b); err == nil {
		t.Error("merging shards that both hold seed 1: no error")
	}
	a.Add(Sample{Seed: 1, Outcome: "Complete"})
	if seed, ok := a.Duplicate(); !ok || seed != 1 {
		t.Errorf("Duplicate() = %d, %v; want 1, true", seed, ok)
	}
}
