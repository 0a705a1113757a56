package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
)

func TestJobObjectOfAnExternallyManagedJobHasAnEmptyStatus(t *testing.T) {
	// syncJob (pkg/controller/job/job_controller.go) skips a job another
	// controller manages (spec.managedBy), so it never writes the job's status, which stays
	// empty (no ready, terminating or uncountedTerminatedPods either).
	s := parseScenario(t, `apiVersion: jobsim/v1alpha1
kind: Scenario
until: 30s
jobs:
`+inlineJob("elsewhere", `      managedBy: example.com/other-controller
      completionMode: Indexed
      completions: 2
      backoffLimitPerIndex: 1
`, "          containers: [{name: main, image: busybox}]\n"))
	sim := run(t, s, SimOptions{})
	obj := JobObject(s.Jobs[0].Manifest, sim.Jobs()[0])
	if d := cmp.Diff(batchv1.JobStatus{}, obj.Status); d != "" {
		t.Errorf("status (-want +got):\n%s", d)
	}
}
