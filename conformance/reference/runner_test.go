package reference

import (
	"context"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestBackoffFromFinishTime checks the harness against the real
// controller's pod-failure backoff (pkg/controller/job/backoff_utils.go:
// backoffStore.newBackoffRecord takes the last failure from getFinishedTime,
// and backoffRecord.getRemainingTime waits 10 s, 20 s ... from it): with 5 s
// pods that always fail, pods are created at 0, 15 and 40 s, and with
// backoffLimit 2 the job fails after the third.
func TestBackoffFromFinishTime(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real controller for 50 virtual seconds")
	}
	job := testJob()
	job.Spec.BackoffLimit = ptr(int32(2))
	res, err := Run(context.Background(), Scenario{Start: start, Jobs: []Job{{
		Object: job, Behavior: jobsim.Fixed(5*time.Second, 1),
	}}}, Options{StopAt: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	jr := res.Jobs[0]
	if jr.PodsCreated != 3 {
		t.Fatalf("%d pods created, want 3", jr.PodsCreated)
	}
	want := []time.Duration{0, 15 * time.Second, 40 * time.Second}
	for i, p := range jr.Pods {
		got := p.CreationTimestamp.Sub(start)
		if d := got - want[i]; d < -time.Second || d > time.Second {
			t.Errorf("pod %d created at %s, want %s", i, got, want[i])
		}
		if p.Status.Phase != corev1.PodFailed {
			t.Errorf("pod %d: phase %s", i, p.Status.Phase)
		}
	}
	var failed bool
	for _, c := range jr.Object.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Reason == batchv1.JobReasonBackoffLimitExceeded {
			failed = true
		}
	}
	if !failed || jr.Object.Status.Failed != 3 {
		t.Errorf("status %+v", jr.Object.Status)
	}
}
