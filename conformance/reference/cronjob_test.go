package reference

import (
	"context"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func testCronJob(schedule string) *batchv1.CronJob {
	j := testJob()
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly", Namespace: "default"},
		Spec: batchv1.CronJobSpec{Schedule: schedule,
			JobTemplate: batchv1.JobTemplateSpec{Spec: j.Spec}},
	}
}

// TestCronJobHourly runs the real CronJob controller for a day of
// virtual time: an hourly CronJob creates 24 Jobs, one per hour at the
// minute (cronjob_controllerv2.go: syncCronJob, getJobFromTemplate2
// names them after the scheduled time in minutes), keeps the default 3
// successful ones, and records SuccessfulCreate, SawCompletedJob and
// SuccessfulDelete events. The clock jumps, so the day takes seconds.
func TestCronJobHourly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real controllers for a virtual day")
	}
	t0 := time.Now()
	res, err := Run(context.Background(), Scenario{Start: start, CronJobs: []CronJob{{
		Object:   testCronJob("0 * * * *"),
		Behavior: func(int) jobsim.Behavior { return jobsim.Fixed(20*time.Second, 0) },
	}}}, Options{Until: 24*time.Hour + 30*time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a virtual day in %s", time.Since(t0))
	cr := res.CronJobs[0]
	if len(cr.Jobs) != 24 {
		t.Fatalf("%d jobs created, want 24", len(cr.Jobs))
	}
	for i, j := range cr.Jobs {
		want := start.Add(time.Duration(i+1) * time.Hour)
		if d := j.Created.Sub(want); d < 0 || d > 2*time.Second {
			t.Errorf("job %d (%s) created at %s, want %s", i, j.Object.Name, j.Created.Sub(start), want.Sub(start))
		}
		if wantDel := i < 21; j.Deleted != wantDel {
			t.Errorf("job %d deleted %v, want %v", i, j.Deleted, wantDel)
		}
	}
	st := cr.Object.Status
	if st.LastSuccessfulTime == nil || len(st.Active) != 0 {
		t.Errorf("status %+v", st)
	}
	// Distinct messages: a sync that runs before the CronJob informer has
	// seen the controller's own status write sees a finished Job again and
	// repeats its SawCompletedJob (its status write then conflicts).
	counts := map[string]int{}
	seen := map[string]bool{}
	for _, e := range cr.Events {
		if !seen[e.Reason+e.Message] {
			counts[e.Reason]++
		}
		seen[e.Reason+e.Message] = true
	}
	if counts["SuccessfulCreate"] != 24 || counts["SawCompletedJob"] != 24 || counts["SuccessfulDelete"] != 21 {
		t.Errorf("events %v", counts)
		for _, e := range cr.Events {
			t.Logf("%s %s %s", e.At.Sub(start), e.Reason, e.Message)
		}
	}
}
