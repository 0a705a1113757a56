package reference

import (
	"testing"

	"github.com/jobsim/jobsim"
)

// TestDisruptionMessagesCoverJobsimReasons: every disruption reason a
// scenario can name has the message of the Kubernetes component that
// writes it.
func TestDisruptionMessagesCoverJobsimReasons(t *testing.T) {
	for _, reason := range []string{
		jobsim.DisruptionEvictionAPI, jobsim.DisruptionPreemption, jobsim.DisruptionTaintManager,
		jobsim.DisruptionPodGC, jobsim.DisruptionKubelet,
	} {
		if disruptionMessage(reason) == "" {
			t.Errorf("no message for %s", reason)
		}
	}
}
