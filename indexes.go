package jobsim

import (
	"strconv"

	"github.com/jobsim/jobsim/internal/heap"
)

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

func lessIndex(a, b int32) bool { return a < b }

func (h *indexHeap) push(i int32) { *h = heap.Push(*h, i, lessIndex) }

func (h *indexHeap) pop() int32 {
	i, rest := heap.Pop(*h, lessIndex)
	*h = rest
	return i
}
