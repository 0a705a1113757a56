// Package bitset is a growable set of small non-negative integers, as the
// completed and failed indexes of an Indexed job.
package bitset

import (
	"strconv"
	"strings"
)

// Set is a set of small non-negative integers; the zero value is empty.
type Set []uint64

// Has reports whether i is a member.
func (b Set) Has(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

// Add inserts i and reports whether it was new.
func (b *Set) Add(i int) bool {
	w := i >> 6
	for w >= len(*b) {
		*b = append(*b, 0)
	}
	m := uint64(1) << (uint(i) & 63)
	if (*b)[w]&m != 0 {
		return false
	}
	(*b)[w] |= m
	return true
}

// Remove deletes i, which must be a member.
func (b Set) Remove(i int) { b[i>>6] &^= 1 << (uint(i) & 63) }

// Truncate removes every member ≥ n and returns how many it removed.
func (b *Set) Truncate(n int) int {
	removed := 0
	for w := range *b {
		for bit := 0; bit < 64; bit++ {
			i := w<<6 | bit
			if i >= n && (*b)[w]&(1<<uint(bit)) != 0 {
				(*b)[w] &^= 1 << uint(bit)
				removed++
			}
		}
	}
	return removed
}

// String formats the set as the Job API's interval list: increasing,
// comma separated, runs of three or more as "a-b", a run of two as "a,b"
// (pkg/controller/job/indexed_job_utils.go, orderedIntervals.String). The
// empty set is "".
func (b Set) String() string {
	var sb strings.Builder
	n := len(b) * 64
	for i := 0; i < n; {
		if !b.Has(i) {
			i++
			continue
		}
		j := i
		for j+1 < n && b.Has(j+1) {
			j++
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(i))
		switch {
		case j == i+1:
			sb.WriteByte(',')
			sb.WriteString(strconv.Itoa(j))
		case j > i+1:
			sb.WriteByte('-')
			sb.WriteString(strconv.Itoa(j))
		}
		i = j + 1
	}
	return sb.String()
}
