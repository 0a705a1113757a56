package conformance

import (
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
