// Package heap is a binary min-heap over a slice, ordered by a function:
// the index heap of Indexed jobs and the scheduler's queue of jobs use it.
// (The engine's event heap in package sim keeps its own: its entries record
// their positions, so that a timer can be stopped in place.)
package heap

// Push adds v to the heap h ordered by less and returns the heap.
func Push[T any](h []T, v T, less func(a, b T) bool) []T {
	h = append(h, v)
	for k := len(h) - 1; k > 0; {
		p := (k - 1) / 2
		if !less(h[k], h[p]) {
			break
		}
		h[p], h[k] = h[k], h[p]
		k = p
	}
	return h
}

// Pop removes the least element of the non-empty heap h, and returns it
// and the heap. The vacated slot is zeroed, so the heap keeps no pointer
// to what it no longer holds.
func Pop[T any](h []T, less func(a, b T) bool) (T, []T) {
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	var zero T
	h[last] = zero
	h = h[:last]
	for k := 0; ; {
		l := 2*k + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && less(h[r], h[l]) {
			m = r
		}
		if !less(h[m], h[k]) {
			break
		}
		h[k], h[m] = h[m], h[k]
		k = m
	}
	return top, h
}
