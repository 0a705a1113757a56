package jobsim

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The record of a CronJob's creations stays within twice the number of
// runs listed, dropping the oldest, and Runs still lists the most recent
// scheduled times with their Jobs: a Job a minute for 30 minutes, 5
// listed, gives the Jobs of 26m to 30m, named after their minutes.
func TestCronRunsRecordStaysBounded(t *testing.T) {
	defer func(n int) { maxRunsListed = n }(maxRunsListed)
	maxRunsListed = 5
	c := NewCluster(Config{})
	start := c.Now()
	h, err := c.SubmitCronJob(CronJob{Name: "tick", Spec: CronJobSpec{Schedule: "* * * * *",
		JobTemplate: JobTemplate{Spec: JobSpec{Template: PodTemplate{Spec: PodSpec{RestartPolicy: RestartNever,
			Containers: []Container{{Name: "main", Image: "busybox"}}}}}}}}, Fixed(time.Second, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunUntil(start.Add(30*time.Minute + 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := len(h.cj.runs.created); n > 2*maxRunsListed {
		t.Errorf("%d creations kept, want at most %d", n, 2*maxRunsListed)
	}
	var got, want []string
	for _, r := range h.Runs() {
		got = append(got, fmt.Sprintf("%v %s %s", r.Scheduled.Sub(start), r.Job, r.Reason))
	}
	for m := 26; m <= 30; m++ {
		want = append(want, fmt.Sprintf("%v tick-%d ", time.Duration(m)*time.Minute, m))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("runs (-want +got):\n%s", d)
	}
}
