package jobsim

import (
	"container/heap"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// scoreHeap is kube-scheduler's nodeScoreHeap with every entry's
// Randomizer 0: a max-heap on the score, over container/heap.
type scoreHeap struct {
	idx    []int
	scores []int64
}

func (h *scoreHeap) Len() int           { return len(h.idx) }
func (h *scoreHeap) Less(i, j int) bool { return h.scores[h.idx[i]] > h.scores[h.idx[j]] }
func (h *scoreHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *scoreHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *scoreHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// The node taken is the one container/heap pops first after Init over
// the scores in listing order, as NewSortedScoredNodes(...).Pop() does.
func TestBestByHeapIsWhatContainerHeapPops(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scores := rapid.SliceOfN(rapid.Int64Range(0, 6), 2, 40).Draw(t, "scores")
		h := &scoreHeap{scores: scores}
		for i := range scores {
			h.idx = append(h.idx, i)
		}
		heap.Init(h)
		want := heap.Pop(h).(int)
		var s scheduler
		if got := s.bestByHeap(scores); got != want {
			t.Fatalf("bestByHeap(%v) = %d, container/heap pops %d", scores, got, want)
		}
	})
}

// Among equal best scores the heap's sifts decide, not the listing:
// over [5, 3, 7, 7], Init moves the last 7 above the 3 and then to the
// root, so the node listed fourth is taken, not the third.
func TestBestByHeapIsNotAlwaysTheFirstListedBest(t *testing.T) {
	var s scheduler
	if got := s.bestByHeap([]int64{5, 3, 7, 7}); got != 3 {
		t.Errorf("bestByHeap([5 3 7 7]) = %d, want 3", got)
	}
}

// nodeTree.list goes round robin over the zones, in the order each
// zone's first node was added; a node without zone or region labels is
// in the zone "".
func TestNodeTreeOrderGoesRoundRobinOverZones(t *testing.T) {
	mk := func(name, zone string) *nodeState {
		labels := map[string]string{}
		if zone != "" {
			labels[LabelZone] = zone
		}
		return &nodeState{spec: Node{Name: name, Labels: labels}}
	}
	nodes := []*nodeState{mk("a0", "a"), mk("a1", "a"), mk("b0", "b"), mk("x0", ""), mk("a2", "a"), mk("b1", "b")}
	var got []string
	for _, n := range nodeTreeOrder(nodes) {
		got = append(got, n.spec.Name)
	}
	want := []string{"a0", "b0", "x0", "a1", "b1", "a2"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}

// GetZoneKey reads the deprecated failure-domain labels before the
// topology ones, and a region alone makes a zone too.
func TestZoneKeyAsGetZoneKey(t *testing.T) {
	for _, tc := range []struct {
		labels map[string]string
		want   string
	}{
		{nil, ""},
		{map[string]string{LabelZone: "a"}, ":\x00:a"},
		{map[string]string{LabelZone: "a", labelZoneBeta: "old"}, ":\x00:old"},
		{map[string]string{LabelRegion: "eu"}, "eu:\x00:"},
		{map[string]string{LabelRegion: "eu", LabelZone: "a"}, "eu:\x00:a"},
	} {
		if got := zoneKey(tc.labels); got != tc.want {
			t.Errorf("zoneKey(%v) = %q, want %q", tc.labels, got, tc.want)
		}
	}
}
