package jobsim

import (
	"strconv"
	"strings"
)

// bitset is a growable set of small non-negative integers.
type bitset []uint64

func (b bitset) has(i int) bool {
	w := i >> 6
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

// add inserts i and reports whether it was new.
func (b *bitset) add(i int) bool {
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

// remove deletes i, which must be a member.
func (b bitset) remove(i int) { b[i>>6] &^= 1 << (uint(i) & 63) }

// truncate removes every member ≥ n and returns how many it removed.
func (b *bitset) truncate(n int) int {
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
// (indexed_job_utils.go, orderedIntervals.String). The empty set is "".
func (b bitset) String() string {
	var sb strings.Builder
	n := len(b) * 64
	for i := 0; i < n; {
		if !b.has(i) {
			i++
			continue
		}
		j := i
		for j+1 < n && b.has(j+1) {
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

// parseIndex reads a completion index annotation: a non-negative decimal
// integer (getCompletionIndex). Anything else is no index.
func parseIndex(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// indexHeap is a min-heap of completion indexes.
type indexHeap []int32

func (h *indexHeap) push(i int32) {
	*h = append(*h, i)
	s := *h
	for k := len(s) - 1; k > 0; {
		p := (k - 1) / 2
		if s[p] <= s[k] {
			break
		}
		s[p], s[k] = s[k], s[p]
		k = p
	}
}

func (h *indexHeap) pop() int32 {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for k := 0; ; {
		l := 2*k + 1
		if l >= len(s) {
			break
		}
		m := l
		if r := l + 1; r < len(s) && s[r] < s[l] {
			m = r
		}
		if s[k] <= s[m] {
			break
		}
		s[k], s[m] = s[m], s[k]
		k = m
	}
	*h = s
	return top
}
