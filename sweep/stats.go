package sweep

import (
	"math"
	"slices"
)

// The statistics of a sweep: the probability of an outcome with its Wilson
// score interval, and exact percentiles by nearest rank. Both are
// functions of the multiset of samples alone, so the order in which
// workers or shards deliver them changes nothing.

// z95 is the standard normal quantile of 0.975: a two-sided 95% interval.
const z95 = 1.959963984540054

// Interval is a probability with its 95% confidence interval.
type Interval struct {
	P, Low, High float64
}

// Wilson returns the proportion k/n with its 95% Wilson score interval
// (Wilson 1927; Newcombe 1998, method 3), which unlike the normal
// approximation stays within [0, 1] and is honest when k is 0 or n. n
// must be positive.
func Wilson(k, n int) Interval {
	if n <= 0 {
		return Interval{math.NaN(), math.NaN(), math.NaN()}
	}
	fn := float64(n)
	p := float64(k) / fn
	z2 := z95 * z95
	denom := 1 + z2/fn
	center := (p + z2/(2*fn)) / denom
	half := z95 * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn)) / denom
	// At k = 0 or k = n one bound is exactly 0 or 1; rounding must not
	// move it.
	low, high := center-half, center+half
	if k == 0 {
		low = 0
	}
	if k == n {
		high = 1
	}
	return Interval{P: p, Low: max(low, 0), High: min(high, 1)}
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted values by
// nearest rank: the smallest value such that at least p% of the values are
// at most it. It is always one of the values: exact, never interpolated.
// sorted must be in increasing order and not empty.
func Percentile[T int64 | float64](sorted []T, p float64) T {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// sortedCopy returns values sorted, leaving values alone.
func sortedCopy[T int64 | float64](values []T) []T {
	s := slices.Clone(values)
	slices.Sort(s)
	return s
}
