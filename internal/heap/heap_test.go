package heap

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// Whatever is pushed, pops come out in ascending order, interleaved with
// pushes or not, and nothing is lost.
func TestPopsComeOutInOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		less := func(a, b int) bool { return a < b }
		var h []int
		var model []int
		for _, op := range rapid.SliceOf(rapid.IntRange(-5, 100)).Draw(t, "ops") {
			if op < 0 && len(h) > 0 {
				var got int
				got, h = Pop(h, less)
				slices.Sort(model)
				if got != model[0] {
					t.Fatalf("popped %d, want the least, %d", got, model[0])
				}
				model = model[1:]
				continue
			}
			h = Push(h, op, less)
			model = append(model, op)
		}
		if len(h) != len(model) {
			t.Fatalf("%d left, want %d", len(h), len(model))
		}
	})
}
