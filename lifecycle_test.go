package jobsim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// Multi-step lifecycles (the upstream controller's TestJobBackoff*,
// TestJobBackoffForOnFailure, and timings checked against the real
// controller, see docs/fidelity.md), run through the public API with exact
// virtual times.

var epoch = time.Unix(0, 0).UTC()

func at(d time.Duration) time.Time { return epoch.Add(d) }

func newJob(name string, parallelism, completions int) jobsim.Job {
	return jobsim.Job{
		Name: name,
		Spec: jobsim.JobSpec{
			Parallelism: jobsim.Ptr(parallelism),
			Completions: jobsim.Ptr(completions),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever,
				Containers:    []jobsim.Container{{Name: "main", Image: "busybox"}},
			}},
		},
	}
}

func submit(t *testing.T, c *jobsim.Cluster, job jobsim.Job, b jobsim.Behavior) *jobsim.JobHandle {
	t.Helper()
	h, err := c.Submit(job, b)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func run(t *testing.T, c *jobsim.Cluster) {
	t.Helper()
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
}

// creations returns the times the controller created pods of job.
func creations(c *jobsim.Cluster, job string) []time.Duration {
	var out []time.Duration
	for _, e := range c.Events() {
		if e.Job == job && e.Reason == "SuccessfulCreate" {
			out = append(out, e.Time.Sub(epoch))
		}
	}
	return out
}

// conditions returns "Type/Reason@time" for each true condition.
func conditions(st jobsim.JobStatus) []string {
	var out []string
	for _, c := range st.Conditions {
		out = append(out, string(c.Type)+"/"+c.Reason+"/"+string(c.Status)+"@"+c.LastTransitionTime.Sub(epoch).String())
	}
	return out
}

func secs(s ...int) []time.Duration {
	out := make([]time.Duration, len(s))
	for i, v := range s {
		out[i] = time.Duration(v) * time.Second
	}
	return out
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func TestLifecycle66_DefaultJob(t *testing.T) {
	// With the real controller's 1 s batching, the success of a 5 s pod is
	// seen at 6 s; with jobsim's default (no delay) at 5 s.
	for _, tc := range []struct {
		delay, done time.Duration
	}{{0, 5 * time.Second}, {time.Second, 6 * time.Second}} {
		c := jobsim.NewCluster(jobsim.Config{SyncDelay: tc.delay})
		h := submit(t, c, newJob("default-job", 1, 1), jobsim.Fixed(5*time.Second, 0))
		if err := c.Advance(tc.delay); err != nil {
			t.Fatal(err)
		}
		if st := h.Status(); st.Active != 1 || st.Ready != 1 || st.StartTime != epoch {
			t.Errorf("delay %v: at %v status %+v, want active 1, ready 1, startTime 0", tc.delay, tc.delay, st)
		}
		run(t, c)
		st := h.Status()
		diff(t, "conditions", []string{
			"SuccessCriteriaMet/CompletionsReached/True@" + tc.done.String(),
			"Complete/CompletionsReached/True@" + tc.done.String(),
		}, conditions(st))
		if st.Succeeded != 1 || st.Active != 0 || st.CompletionTime != at(tc.done) {
			t.Errorf("delay %v: status %+v, want succeeded 1, completionTime %v", tc.delay, st, tc.done)
		}
	}
}

func TestLifecycle67_NeverRepeatedFailures(t *testing.T) {
	// bl=2, 5 s pods that always fail: replacements 10 s after the first
	// failure and 20 s after the second; the third counted failure fails
	// the job in the same sync.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("never", 1, 1)
	job.Spec.BackoffLimit = jobsim.Ptr(2)
	h := submit(t, c, job, jobsim.Fixed(5*time.Second, 1))
	run(t, c)
	diff(t, "pod creation times", secs(0, 15, 40), creations(c, "never"))
	diff(t, "conditions", []string{"FailureTarget/BackoffLimitExceeded/True@45s", "Failed/BackoffLimitExceeded/True@45s"}, conditions(h.Status()))
	if st := h.Status(); st.Failed != 3 || !st.CompletionTime.IsZero() {
		t.Errorf("status %+v, want failed 3 and no completionTime", st)
	}
}

func TestPodFailureBackoffWithBatching_CheckedAgainstRealController(t *testing.T) {
	// Checked against the real controller: 5 s failing pods are
	// created at 0, 15 and 40 s; the batched syncs do not shift them,
	// because the backoff is measured from the pod's finish time and the
	// sync the backoff schedules is not batched.
	c := jobsim.NewCluster(jobsim.Config{SyncDelay: time.Second})
	job := newJob("batched", 1, 1)
	job.Spec.BackoffLimit = jobsim.Ptr(2)
	submit(t, c, job, jobsim.Fixed(5*time.Second, 1))
	run(t, c)
	diff(t, "pod creation times", secs(0, 15, 40), creations(c, "batched"))
}

func TestBackoffLimitDefaultAndTenMinuteCap_CheckedAgainstRealController(t *testing.T) {
	// 1 s failing pods, 1 s batching: the default backoffLimit 6 fails the
	// job after 7 pods, with 8 the 10-minute cap shows and it fails after
	// 9 (at 637 s and 1839 s, as on the real controller). In jobsim: each
	// pod starts when created and exits 1 s later, at the same instant as
	// the sync its start asked for, and pod changes come before syncs at one
	// instant, so each failure is seen at once. Pods start at 0, 11, 32,
	// 73, 154, 315, 636 (delays 10, 20, 40, 80, 160, 320 s after each
	// failure); the 7th fails at 637 s. With limit 8: 1237 (600 s, the cap),
	// 1838, and the 9th fails at 1839 s.
	for _, tc := range []struct {
		limit, pods int
		failed      time.Duration
	}{{6, 7, 637 * time.Second}, {8, 9, 1839 * time.Second}} {
		c := jobsim.NewCluster(jobsim.Config{SyncDelay: time.Second})
		job := newJob("cap", 1, 1)
		if tc.limit != 6 {
			job.Spec.BackoffLimit = jobsim.Ptr(tc.limit)
		}
		h := submit(t, c, job, jobsim.Fixed(time.Second, 1))
		run(t, c)
		if n := h.PodsCreated(); n != tc.pods {
			t.Errorf("backoffLimit %d: %d pods, want %d", tc.limit, n, tc.pods)
		}
		if cond, _ := h.Status().Condition(jobsim.JobFailed); cond.LastTransitionTime != at(tc.failed) {
			t.Errorf("backoffLimit %d: Failed at %v, want %v", tc.limit, cond.LastTransitionTime.Sub(epoch), tc.failed)
		}
	}
}

func TestLifecycle68_OnFailureRestarts(t *testing.T) {
	// bl=2, container exits 1 every 5 s: the kubelet restarts it at once
	// (5 s, restartCount 1), then after 10 s (20 s, restartCount 2 ≥ 2):
	// the pod is deleted and counted failed, FailureTarget, then Failed
	// once it is gone.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("onfailure", 1, 1)
	job.Spec.BackoffLimit = jobsim.Ptr(2)
	job.Spec.Template.Spec.RestartPolicy = jobsim.RestartOnFailure
	h := submit(t, c, job, jobsim.Fixed(5*time.Second, 1))
	run(t, c)
	diff(t, "conditions", []string{"FailureTarget/BackoffLimitExceeded/True@20s", "Failed/BackoffLimitExceeded/True@20s"}, conditions(h.Status()))
	if st := h.Status(); st.Failed != 1 || h.PodsCreated() != 1 {
		t.Errorf("status %+v, %d pods; want failed 1, one pod", st, h.PodsCreated())
	}
}

func TestOnFailureRestartTimes_CheckedAgainstRealController(t *testing.T) {
	// Checked against the real controller: 5 s runs that always fail, backoffLimit 3: restarts at 5 s (at
	// once), 20 s and 45 s; with 1 s batching the job's FailureTarget is at
	// 46 s, and Failed follows once the deleted pod is gone.
	c := jobsim.NewCluster(jobsim.Config{SyncDelay: time.Second})
	job := newJob("restarts", 1, 1)
	job.Spec.BackoffLimit = jobsim.Ptr(3)
	job.Spec.Template.Spec.RestartPolicy = jobsim.RestartOnFailure
	h := submit(t, c, job, jobsim.Fixed(5*time.Second, 1))
	var starts []time.Duration
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason == "Started" {
			starts = append(starts, e.Time.Sub(epoch))
		}
	}))
	run(t, c)
	diff(t, "container starts", secs(0, 5, 20, 45), starts)
	diff(t, "conditions", []string{"FailureTarget/BackoffLimitExceeded/True@46s", "Failed/BackoffLimitExceeded/True@47s"}, conditions(h.Status()))
}

func TestLifecycle69_EvictionUnderTerminatingOrFailed(t *testing.T) {
	// A running pod deleted at 100 s (grace 30 s, its process ignores
	// SIGTERM) counts as failed at once; the replacement comes 10 s after
	// the deletion request while the old pod still terminates.
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("evict", 1, 1), jobsim.Script(map[int][]jobsim.Run{0: {{Forever: true, Term: time.Hour}}}, jobsim.Fixed(time.Hour, 0)))
	deleteFirstPodAt(t, c, h, 100*time.Second)
	if err := c.RunUntil(at(100 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Failed != 1 || st.Terminating != 1 || st.Active != 0 {
		t.Errorf("at 100s: %+v, want failed 1, terminating 1, active 0", st)
	}
	if err := c.RunUntil(at(110 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Failed != 1 || st.Terminating != 1 || st.Active != 1 {
		t.Errorf("at 110s: %+v, want failed 1, terminating 1, active 1", st)
	}
	diff(t, "pod creation times", secs(0, 110), creations(c, "evict"))
}

func TestLifecycle70_EvictionUnderFailedPolicy(t *testing.T) {
	// With podReplacementPolicy Failed the deleted pod is only
	// terminating until its process is killed at 130 s; then it counts, and
	// the replacement comes 10 s after that finish.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("evict", 1, 1)
	job.Spec.PodReplacementPolicy = jobsim.ReplaceFailed
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{0: {{Forever: true, Term: time.Hour}}}, jobsim.Fixed(time.Hour, 0)))
	deleteFirstPodAt(t, c, h, 100*time.Second)
	if err := c.RunUntil(at(100 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Failed != 0 || st.Terminating != 1 || st.Active != 0 {
		t.Errorf("at 100s: %+v, want failed 0, terminating 1", st)
	}
	if err := c.RunUntil(at(130 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Failed != 1 || st.Terminating != 0 || st.Active != 0 {
		t.Errorf("at 130s: %+v, want failed 1, terminating 0, active 0", st)
	}
	if err := c.RunUntil(at(140 * time.Second)); err != nil {
		t.Fatal(err)
	}
	diff(t, "pod creation times", secs(0, 140), creations(c, "evict"))
}

func deleteFirstPodAt(t *testing.T, c *jobsim.Cluster, h *jobsim.JobHandle, d time.Duration) {
	t.Helper()
	c.At(at(d), func() {
		pods := h.Pods()
		if len(pods) != 1 {
			t.Errorf("at %v: %d pods, want 1", d, len(pods))
			return
		}
		if err := c.DeletePod("", pods[0].Name); err != nil {
			t.Error(err)
		}
	})
}

func TestLifecycle71_SuspendResumeWithDeadline(t *testing.T) {
	// ADS 60 s, suspended at 40 s. Up to 1.35 the suspension keeps
	// startTime: resumed at 500 s, the deadline is checked against the old
	// startTime first, so the job fails at once, creates nothing and stays
	// Suspended. From 1.36 (MutableSchedulingDirectivesForSuspendedJobs,
	// Beta) the suspension clears startTime: the resume at 500 s starts
	// the job over, with a new pod and the deadline at 560 s. Resumed at
	// 50 s instead, every version sets startTime to 50 s and the deadline
	// falls at 110 s.
	keeps := []string{
		"Suspended/JobSuspended/True@40s",
		"FailureTarget/DeadlineExceeded/True@8m20s",
		"Failed/DeadlineExceeded/True@8m20s",
	}
	startsOver := []string{
		"Suspended/JobResumed/False@8m20s",
		"FailureTarget/DeadlineExceeded/True@9m20s",
		"Failed/DeadlineExceeded/True@9m20s",
	}
	early := []string{
		"Suspended/JobResumed/False@50s",
		"FailureTarget/DeadlineExceeded/True@1m50s",
		"Failed/DeadlineExceeded/True@1m50s",
	}
	for _, tc := range []struct {
		version jobsim.Version
		gates   map[string]bool
		resume  time.Duration
		cleared bool // startTime is cleared while suspended
		want    []string
		pods    int
		start   time.Duration
	}{
		{jobsim.V1_34, nil, 500 * time.Second, false, keeps, 1, 0},
		{jobsim.V1_35, nil, 500 * time.Second, false, keeps, 1, 0},
		{jobsim.V1_36, nil, 500 * time.Second, true, startsOver, 2, 500 * time.Second},
		{jobsim.V1_37, nil, 500 * time.Second, true, startsOver, 2, 500 * time.Second},
		{jobsim.V1_37, map[string]bool{"MutableSchedulingDirectivesForSuspendedJobs": false}, 500 * time.Second, false, keeps, 1, 0},
		{jobsim.V1_35, map[string]bool{"MutableSchedulingDirectivesForSuspendedJobs": true}, 500 * time.Second, true, startsOver, 2, 500 * time.Second},
		{jobsim.V1_35, nil, 50 * time.Second, false, early, 2, 50 * time.Second},
		{jobsim.V1_37, nil, 50 * time.Second, true, early, 2, 50 * time.Second},
	} {
		name := fmt.Sprintf("%v %v resume %v", tc.version, tc.gates, tc.resume)
		c := jobsim.NewCluster(jobsim.Config{Version: tc.version, FeatureGates: tc.gates})
		job := newJob("deadline", 1, 1)
		job.Spec.ActiveDeadline = jobsim.Ptr(60 * time.Second)
		h := submit(t, c, job, jobsim.Forever())
		suspend(t, c, 40*time.Second, true)
		suspend(t, c, tc.resume, false)
		if err := c.RunUntil(at(41 * time.Second)); err != nil {
			t.Fatal(err)
		}
		wantStart := epoch
		if tc.cleared {
			wantStart = time.Time{}
		}
		if st := h.Status(); st.Failed != 0 || !st.StartTime.Equal(wantStart) {
			t.Errorf("%s: after suspending, failed %d, startTime %v: want failed 0 (suspension deletes without counting) and startTime %v", name, st.Failed, st.StartTime, wantStart)
		}
		run(t, c)
		st := h.Status()
		diff(t, name+": conditions", tc.want, conditions(st))
		if h.PodsCreated() != tc.pods || st.StartTime != at(tc.start) {
			t.Errorf("%s: %d pods, startTime %v; want %d pods, startTime %v", name, h.PodsCreated(), st.StartTime.Sub(epoch), tc.pods, tc.start)
		}
	}
}

func suspend(t *testing.T, c *jobsim.Cluster, d time.Duration, v bool) {
	c.At(at(d), func() {
		if err := c.Update("", "deadline", func(s *jobsim.JobSpec) { s.Suspend = v }); err != nil {
			t.Error(err)
		}
	})
}

func TestLifecycle72_JobCreatedSuspended(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("deadline", 1, 1)
	job.Spec.Suspend = true
	h := submit(t, c, job, jobsim.Fixed(10*time.Second, 0))
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	st := h.Status()
	if !st.StartTime.IsZero() || h.PodsCreated() != 0 {
		t.Errorf("suspended job: startTime %v, %d pods; want none", st.StartTime, h.PodsCreated())
	}
	diff(t, "conditions while suspended", []string{"Suspended/JobSuspended/True@0s"}, conditions(st))
	suspend(t, c, 2*time.Minute, false)
	run(t, c)
	if st := h.Status(); st.StartTime != at(2*time.Minute) || st.Succeeded != 1 {
		t.Errorf("after resume: %+v, want startTime 2m and one success", st)
	}
}

func TestLifecycle73_ScaleDown(t *testing.T) {
	// p=3, c=10. Pod 0 succeeds at 10 s and is replaced by pod 3, Ready at
	// 10 s; pods 1 and 2 are Ready since 0 s. Scaling to 1 at 20 s deletes
	// 2 pods without counting them: first pod 3 (Ready for the shortest
	// time), then, between two pods equal in every rule, the older (jobsim's
	// documented tie-break, upstream's most frequent order).
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("scale", 3, 10), jobsim.Script(map[int][]jobsim.Run{0: {{Duration: 10 * time.Second}}}, jobsim.Forever()))
	var deleted []string
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Reason == "SuccessfulDelete" {
			deleted = append(deleted, e.Message)
		}
	}))
	if err := c.RunUntil(at(19 * time.Second)); err != nil {
		t.Fatal(err)
	}
	pods := h.Pods() // pod 0 (succeeded), 1, 2, 3
	if len(pods) != 4 {
		t.Fatalf("%d pods at 19s, want 4", len(pods))
	}
	c.At(at(20*time.Second), func() {
		if err := c.Update("", "scale", func(s *jobsim.JobSpec) { s.Parallelism = jobsim.Ptr(1) }); err != nil {
			t.Error(err)
		}
	})
	if err := c.RunUntil(at(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	diff(t, "deleted pods", []string{"Deleted pod: " + pods[3].Name, "Deleted pod: " + pods[1].Name}, deleted)
	if st := h.Status(); st.Active != 1 || st.Failed != 0 || st.Succeeded != 1 {
		t.Errorf("after scale-down: %+v, want active 1, failed 0", st)
	}
}

func TestStatusWriteRefusedWhileBackoffHoldsAndAPodIsReady(t *testing.T) {
	// docs/fidelity.md, "status.active during the pod-failure backoff"
	// (v1.35.4 manageJob): while the pod-failure backoff holds back a
	// replacement, manageJob returns active = 0; with a Ready pod the API
	// server refuses the write (ready > active) and nothing of the sync is
	// saved. Pod 0 fails at 5 s while pod 1 runs Ready: failed stays 0 and
	// active 2 (the last accepted write) until the sync that creates the
	// replacement, 10 s after the failure, is accepted. (1.34 does the
	// same; from 1.36 the write keeps active, see
	// TestStatusDuringBackoffFrom1_36.)
	c := jobsim.NewCluster(jobsim.Config{Version: jobsim.V1_35})
	h := submit(t, c, newJob("refused", 2, 3), jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 5 * time.Second, ExitCode: 1}},
		1: {{Duration: time.Minute}},
	}, jobsim.Fixed(time.Minute, 0)))
	if err := c.RunUntil(at(15*time.Second - time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Failed != 0 || st.Active != 2 || st.Ready != 2 {
		t.Errorf("during the backoff: %+v, want the status of 0 s (active 2, ready 2, failed 0)", st)
	}
	if err := c.RunUntil(at(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Failed != 1 || st.Active != 2 || h.PodsCreated() != 3 {
		t.Errorf("at 15s: %+v, %d pods; want the replacement created and the failure counted", st, h.PodsCreated())
	}
}

func TestStatusDuringBackoffFrom1_36(t *testing.T) {
	// VERSIONS.md 3 (kubernetes#139457, first in v1.36.3): manageJob
	// returns the active pods while the pod-failure backoff holds the
	// replacement back, so the write is valid and saved at once. The
	// scenario of TestStatusWriteRefusedWhileBackoffHoldsAndAPodIsReady:
	// pod 0 fails at 5 s while pod 1 runs Ready; during the backoff the
	// status reads active 1, ready 1, failed 1, and the replacement comes
	// at 15 s as before. On 1.34 with JobManagedBy off the API server does
	// not validate the controller's status writes: the write of active 0
	// is accepted, failed 1 counted at once.
	for _, tc := range []struct {
		version               jobsim.Version
		gates                 map[string]bool
		active, ready, failed int
	}{
		{jobsim.V1_36, nil, 1, 1, 1},
		{jobsim.V1_37, nil, 1, 1, 1},
		{jobsim.V1_34, map[string]bool{"JobManagedBy": false}, 0, 1, 1},
		{jobsim.V1_34, nil, 2, 2, 0}, // refused, as on 1.35
	} {
		c := jobsim.NewCluster(jobsim.Config{Version: tc.version, FeatureGates: tc.gates})
		h := submit(t, c, newJob("backoff", 2, 3), jobsim.Script(map[int][]jobsim.Run{
			0: {{Duration: 5 * time.Second, ExitCode: 1}},
			1: {{Duration: time.Minute}},
		}, jobsim.Fixed(time.Minute, 0)))
		if err := c.RunUntil(at(15*time.Second - time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if st := h.Status(); st.Active != tc.active || st.Ready != tc.ready || st.Failed != tc.failed {
			t.Errorf("%v %v: during the backoff active %d, ready %d, failed %d; want %d, %d, %d",
				tc.version, tc.gates, st.Active, st.Ready, st.Failed, tc.active, tc.ready, tc.failed)
		}
		if err := c.RunUntil(at(15 * time.Second)); err != nil {
			t.Fatal(err)
		}
		if st := h.Status(); st.Failed != 1 || st.Active != 2 || h.PodsCreated() != 3 {
			t.Errorf("%v: at 15s: %+v, %d pods; want the replacement created and the failure counted", tc.version, st, h.PodsCreated())
		}
	}
}

func TestStatusActiveZeroWhileBackoffHoldsAndNoPodIsReady(t *testing.T) {
	// docs/fidelity.md, "status.active during the pod-failure backoff": the
	// same write, active = 0, is accepted
	// when no pod is Ready. OnFailure, parallelism 2: pod 0 exits 1 at 2 s,
	// restarts at once, exits again at 4 s and waits out the kubelet's 10 s
	// back-off (not Ready until 14 s); pod 1 is evicted at 5 s and fails.
	// The sync at 5 s counts the failure and holds the replacement back
	// until 15 s: status.active reads 0 though pod 0 is still active.
	c := jobsim.NewCluster(jobsim.Config{Version: jobsim.V1_35})
	job := newJob("zero", 2, 2)
	job.Spec.Template.Spec.RestartPolicy = jobsim.RestartOnFailure
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 2 * time.Second, ExitCode: 1}, {Duration: 2 * time.Second, ExitCode: 1}},
		1: {{Duration: 5 * time.Second, Disrupt: "EvictionByEvictionAPI"}},
	}, jobsim.Fixed(time.Minute, 0)))
	if err := c.RunUntil(at(12 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Active != 0 || st.Ready != 0 || st.Failed != 1 {
		t.Errorf("during the backoff: active %d, ready %d, failed %d; want 0, 0, 1", st.Active, st.Ready, st.Failed)
	}
	// The evicted pod is gone (deleted once counted); pod 0 is active.
	if ps := h.Pods(); len(ps) != 1 || ps[0].Status.Phase != jobsim.PodRunning || !ps[0].DeletionTime.IsZero() {
		t.Errorf("pods during the backoff: %+v; want pod 0 alone, running", ps)
	}
	if err := c.RunUntil(at(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Active != 2 || h.PodsCreated() != 3 {
		t.Errorf("at 15s: active %d, %d pods created; want the replacement created and active 2", st.Active, h.PodsCreated())
	}
}

func TestRefusedStatusWriteKeepsCompletedIndexes(t *testing.T) {
	// docs/fidelity.md, "status.active during the pod-failure backoff": a
	// refused status write saves nothing,
	// completedIndexes included. Indexed, 3 pods: index 0 succeeds at 5 s,
	// index 1 fails at 6 s while index 2 runs Ready; with the 1 s batching
	// the sync at 6 s counts both, holds the replacement back until 16 s
	// and is refused. Until then the status shows nothing done; at 16 s
	// the sync that creates the replacement saves both.
	c := jobsim.NewCluster(jobsim.Config{Version: jobsim.V1_35, SyncDelay: time.Second})
	job := newJob("refused-indexes", 3, 3)
	job.Spec.CompletionMode = jobsim.Indexed
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 5 * time.Second}},
		1: {{Duration: 6 * time.Second, ExitCode: 1}},
	}, jobsim.Fixed(time.Minute, 0)))
	if err := c.RunUntil(at(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.CompletedIndexes != "" || st.Succeeded != 0 || st.Failed != 0 {
		t.Errorf("during the backoff: completedIndexes %q, succeeded %d, failed %d; want \"\", 0, 0", st.CompletedIndexes, st.Succeeded, st.Failed)
	}
	if err := c.RunUntil(at(16 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.CompletedIndexes != "0" || st.Succeeded != 1 || st.Failed != 1 {
		t.Errorf("at 16s: completedIndexes %q, succeeded %d, failed %d; want \"0\", 1, 1", st.CompletedIndexes, st.Succeeded, st.Failed)
	}
}
