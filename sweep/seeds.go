package sweep

import (
	"cmp"
	"math"
	"slices"
)

// seedSet is a set of seeds kept as sorted ranges, disjoint and not
// adjacent: a sweep's seeds are consecutive, so the set of a shard is one
// range, whatever its size, and that of merged shards a few.
type seedSet struct {
	r []seedRange
}

// seedRange is the seeds lo to hi, both included.
type seedRange struct{ lo, hi uint64 }

// add adds seed to the set and reports whether it was there already.
func (s *seedSet) add(seed uint64) bool {
	if n := len(s.r); n > 0 && s.r[n-1].hi < seed {
		if s.r[n-1].hi+1 == seed {
			s.r[n-1].hi = seed // the usual case: the next seed
		} else {
			s.r = append(s.r, seedRange{seed, seed})
		}
		return false
	}
	// The first range that ends at or after seed.
	i, _ := slices.BinarySearchFunc(s.r, seed, func(r seedRange, seed uint64) int {
		if r.hi < seed {
			return -1
		}
		return 1
	})
	if i < len(s.r) && s.r[i].lo <= seed {
		return true
	}
	left := i > 0 && s.r[i-1].hi+1 == seed
	right := i < len(s.r) && s.r[i].lo-1 == seed
	switch {
	case left && right:
		s.r[i-1].hi = s.r[i].hi
		s.r = slices.Delete(s.r, i, i+1)
	case left:
		s.r[i-1].hi = seed
	case right:
		s.r[i].lo = seed
	default:
		s.r = slices.Insert(s.r, i, seedRange{seed, seed})
	}
	return false
}

// firstCommon returns the smallest seed of both s and o, and false if
// they have none in common.
func (s *seedSet) firstCommon(o *seedSet) (uint64, bool) {
	for i, k := 0, 0; i < len(s.r) && k < len(o.r); {
		a, b := s.r[i], o.r[k]
		if lo, hi := max(a.lo, b.lo), min(a.hi, b.hi); lo <= hi {
			return lo, true
		}
		if a.hi < b.hi {
			i++
		} else {
			k++
		}
	}
	return 0, false
}

// addAll adds every seed of o.
func (s *seedSet) addAll(o *seedSet) {
	all := append(slices.Clone(s.r), o.r...)
	slices.SortFunc(all, func(a, b seedRange) int { return cmp.Compare(a.lo, b.lo) })
	out := s.r[:0]
	for _, r := range all {
		if n := len(out); n > 0 && (r.lo <= out[n-1].hi || out[n-1].hi != math.MaxUint64 && r.lo == out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	s.r = out
}
