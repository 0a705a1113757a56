package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/jobsim/jobsim/conformance/reference"
)

// TestPlacementTies checks that a reference binding tied between classes
// counts where jobsim's placement needs it, and that a placement no tie
// explains is a disagreement.
func TestPlacementTies(t *testing.T) {
	classes := map[string]string{"a-0": "a", "b-0": "b", "b-1": "b"}
	res := &reference.Result{
		PodJobs: map[string]string{"default/p1": "j", "default/p2": "j", "default/p3": "j"},
		Bindings: []reference.Binding{
			{Namespace: "default", Pod: "p1", Node: "a-0"},
			{Namespace: "default", Pod: "p2", Node: "a-0", Ties: []string{"a-0", "b-1"}},
			{Namespace: "default", Pod: "p3", Node: "b-0", Ties: []string{"b-0", "b-1"}},
		},
	}
	ref := Outcome{Scheduling: schedulingOfReference(time.Time{}, classes, res)}
	for _, tc := range []struct {
		a, b  int
		agree bool
	}{{1, 2, true}, {2, 1, true}, {3, 0, false}, {0, 3, false}} {
		sim := Outcome{Scheduling: &Scheduling{Placements: map[string]map[string]int{"j": {}}}}
		if tc.a > 0 {
			sim.Scheduling.Placements["j"]["a"] = tc.a
		}
		if tc.b > 0 {
			sim.Scheduling.Placements["j"]["b"] = tc.b
		}
		diff, _ := Diff(ref, sim, time.Second)
		if (diff == "") != tc.agree {
			t.Errorf("jobsim a=%d b=%d: diff %q, want agreement %v", tc.a, tc.b, diff, tc.agree)
		}
	}
}

// TestPlacementTiesNeedAMatching checks the ties of a spread over three
// zones, one pod per zone: the first pod tied between all three and went
// to b, the second between a and c and went to a, the third had c alone.
// Taking each tie in order for the first class still short would give
// the first to a and leave the second nowhere but a again; the
// assignment b, a meets jobsim's one pod per zone.
func TestPlacementTiesNeedAMatching(t *testing.T) {
	classes := map[string]string{"za-0": "za", "zb-0": "zb", "zc-0": "zc"}
	res := &reference.Result{
		PodJobs: map[string]string{"default/p1": "j", "default/p2": "j", "default/p3": "j"},
		Bindings: []reference.Binding{
			{Namespace: "default", Pod: "p1", Node: "zb-0", Ties: []string{"za-0", "zb-0", "zc-0"}},
			{Namespace: "default", Pod: "p2", Node: "za-0", Ties: []string{"za-0", "zc-0"}},
			{Namespace: "default", Pod: "p3", Node: "zc-0"},
		},
	}
	ref := Outcome{Scheduling: schedulingOfReference(time.Time{}, classes, res)}
	for _, tc := range []struct {
		placed map[string]int
		agree  bool
	}{
		{map[string]int{"za": 1, "zb": 1, "zc": 1}, true},
		{map[string]int{"za": 2, "zc": 1}, true},
		{map[string]int{"zb": 2, "zc": 1}, false}, // p2 could not go to b
		{map[string]int{"za": 1, "zb": 2}, false}, // p3 went to c alone
	} {
		sim := Outcome{Scheduling: &Scheduling{Placements: map[string]map[string]int{"j": tc.placed}}}
		diff, _ := Diff(ref, sim, time.Second)
		if (diff == "") != tc.agree {
			t.Errorf("jobsim %v: diff %q, want agreement %v", tc.placed, diff, tc.agree)
		}
	}
}

// TestMatchTies checks the matching on its own: a binding with fewer
// classes keeps the class it needs, one that fits nowhere takes its
// first.
func TestMatchTies(t *testing.T) {
	for _, tc := range []struct {
		alts [][]string
		need map[string]int
		want []string
	}{
		{[][]string{{"a", "b"}, {"a"}}, map[string]int{"a": 1, "b": 1}, []string{"b", "a"}},
		{[][]string{{"a", "b", "c"}, {"a", "c"}}, map[string]int{"a": 1, "b": 1}, []string{"b", "a"}},
		{[][]string{{"a", "b"}, {"a", "b"}}, map[string]int{"a": 1}, []string{"a", "a"}},
		{[][]string{{"b", "a"}, {"c"}}, map[string]int{}, []string{"b", "c"}},
	} {
		got := matchTies(tc.alts, tc.need)
		if !slices.Equal(got, tc.want) {
			t.Errorf("matchTies(%v, %v) = %v, want %v", tc.alts, tc.need, got, tc.want)
		}
	}
}
