package jobsim_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
)

// Expected values below follow pkg/controller/cronjob (v1.34.4 to
// v1.37.2): a CronJob is requeued at its next scheduled time plus 100 ms
// (nextScheduleDelta), so a Job scheduled at minute m is created at
// m:00.1; Jobs are named after the scheduled time in minutes since the
// Unix epoch; the cluster starts at the Unix epoch unless said otherwise.

func cronTemplate() jobsim.JobTemplate {
	return jobsim.JobTemplate{Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
		RestartPolicy: jobsim.RestartNever,
		Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
	}}}}
}

func newCronJob(name, schedule string) jobsim.CronJob {
	return jobsim.CronJob{Name: name, Spec: jobsim.CronJobSpec{Schedule: schedule, JobTemplate: cronTemplate()}}
}

func submitCron(t *testing.T, c *jobsim.Cluster, cj jobsim.CronJob, b jobsim.Behavior) *jobsim.CronJobHandle {
	t.Helper()
	h, err := c.SubmitCronJob(cj, b)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func runUntil(t *testing.T, c *jobsim.Cluster, at time.Time) {
	t.Helper()
	if err := c.RunUntil(at); err != nil {
		t.Fatal(err)
	}
}

// cronEvents lists the Kubernetes Events recorded on CronJobs (not the
// watch changes), as "elapsed reason: message".
func cronEvents(c *jobsim.Cluster, start time.Time) []string {
	var out []string
	for _, e := range c.Events() {
		if e.Object.Kind == jobsim.KindCronJob && e.Type != jobsim.EventChange {
			out = append(out, fmt.Sprintf("%v %s: %s", e.Time.Sub(start), e.Reason, e.Message))
		}
	}
	return out
}

func jobNames(hs []*jobsim.JobHandle) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name())
	}
	return out
}

func TestCronJobJobNameIsScheduledMinutesAndCarriesTemplateMetadata(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := jobsim.NewCluster(jobsim.Config{Start: start})
	cj := newCronJob("report", "*/5 * * * *")
	cj.Labels = map[string]string{"owner": "cronjob-only"}
	cj.Spec.JobTemplate.Labels = map[string]string{"app": "report"}
	cj.Spec.JobTemplate.Annotations = map[string]string{"team": "batch"}
	h := submitCron(t, c, cj, jobsim.Fixed(time.Minute, 0))
	runUntil(t, c, start.Add(5*time.Minute+100*time.Millisecond))

	jobs := h.Jobs()
	if len(jobs) != 1 {
		t.Fatalf("Jobs() = %v, want one", jobNames(jobs))
	}
	// 2024-01-01T00:05:00Z is 1704067500 s, 28401125 min after the epoch.
	j := jobs[0].Job()
	want := jobsim.Job{Name: "report-28401125", Namespace: "default",
		Labels:      map[string]string{"app": "report"},
		Annotations: map[string]string{"team": "batch", jobsim.CronJobScheduledTimestampAnnotation: "2024-01-01T00:05:00Z"}}
	if diff := cmp.Diff(want, jobsim.Job{Name: j.Name, Namespace: j.Namespace, Labels: j.Labels, Annotations: j.Annotations}); diff != "" {
		t.Errorf("job metadata (-want +got):\n%s", diff)
	}
	if got := jobs[0].CreationTime(); !got.Equal(start.Add(5*time.Minute + 100*time.Millisecond)) {
		t.Errorf("job created at %v, want 00:05:00.1", got)
	}
	if jobs[0].CronJob() != h {
		t.Errorf("JobHandle.CronJob() does not lead back to the CronJob")
	}
	st := h.Status()
	wantSt := jobsim.CronJobStatus{Active: []jobsim.ObjectRef{{Kind: jobsim.KindJob, Namespace: "default", Name: "report-28401125"}},
		LastScheduleTime: start.Add(5 * time.Minute)}
	if diff := cmp.Diff(wantSt, st); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
}

func TestCronJobTimeZoneSchedulesAndAnnotatesInTheZone(t *testing.T) {
	// India is at +05:30: 00:00Z is 05:30 there, and the next top of the
	// hour is 06:00 IST, 00:30Z.
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := jobsim.NewCluster(jobsim.Config{Start: start})
	cj := newCronJob("hourly", "0 * * * *")
	cj.Spec.TimeZone = jobsim.Ptr("Asia/Kolkata")
	h := submitCron(t, c, cj, jobsim.Fixed(time.Minute, 0))
	runUntil(t, c, start.Add(40*time.Minute))
	jobs := h.Jobs()
	if len(jobs) != 1 {
		t.Fatalf("Jobs() = %v, want one", jobNames(jobs))
	}
	j := jobs[0].Job()
	if j.Name != "hourly-28401150" {
		t.Errorf("name %s, want hourly-28401150 (00:30Z)", j.Name)
	}
	if got := j.Annotations[jobsim.CronJobScheduledTimestampAnnotation]; got != "2024-01-01T06:00:00+05:30" {
		t.Errorf("scheduled timestamp %q, want 2024-01-01T06:00:00+05:30", got)
	}
}

func TestCronJobFirstScheduleCountsFromCreation(t *testing.T) {
	// Created at 00:00:30: the first scheduled time after it is 00:01,
	// and the Job comes 100 ms later. Nothing runs at creation.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	var h *jobsim.CronJobHandle
	c.At(start.Add(30*time.Second), func() { h = submitCron(t, c, newCronJob("tick", "* * * * *"), jobsim.Fixed(10*time.Second, 0)) })
	runUntil(t, c, start.Add(2*time.Minute))
	want := []string{
		"1m0.1s SuccessfulCreate: Created job tick-1",
		"1m10.1s SawCompletedJob: Saw completed job: tick-1, condition: Complete",
	}
	if diff := cmp.Diff(want, cronEvents(c, start)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// lastSuccessfulTime is the Job's completionTime as the API stores
	// it, to the second.
	st := h.Status()
	if !st.LastSuccessfulTime.Equal(start.Add(70*time.Second)) || !st.LastScheduleTime.Equal(start.Add(time.Minute)) || len(st.Active) != 0 {
		t.Errorf("status %+v, want lastSchedule 1m, lastSuccessful 1m10s, no active", st)
	}
}

func TestCronJobForbidSkipsWhileAJobRunsJobAlreadyActive(t *testing.T) {
	// Each Job runs 90 s. With Forbid, 00:02 finds tick-1 active
	// (JobAlreadyActive); when tick-1 completes at 2:30.1 the scheduled
	// time 00:02 is still unmet (no starting deadline), so tick-2 starts
	// then; 00:03 finds tick-2 active.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	cj := newCronJob("tick", "* * * * *")
	cj.Spec.ConcurrencyPolicy = jobsim.ForbidConcurrent
	h := submitCron(t, c, cj, jobsim.Fixed(90*time.Second, 0))
	runUntil(t, c, start.Add(3*time.Minute+30*time.Second))
	want := []string{
		"1m0.1s SuccessfulCreate: Created job tick-1",
		"2m0.1s JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid",
		"2m30.1s SawCompletedJob: Saw completed job: tick-1, condition: Complete",
		"2m30.1s SuccessfulCreate: Created job tick-2",
		"3m0.1s JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid",
	}
	if diff := cmp.Diff(want, cronEvents(c, start)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if got := h.Status().LastScheduleTime; !got.Equal(start.Add(2 * time.Minute)) {
		t.Errorf("lastScheduleTime %v, want 00:02 (the scheduled time, not the creation)", got)
	}
}

func TestCronJobAllowRunsConcurrently(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h := submitCron(t, c, newCronJob("tick", "* * * * *"), jobsim.Forever())
	runUntil(t, c, start.Add(3*time.Minute+30*time.Second))
	if diff := cmp.Diff([]string{"tick-1", "tick-2", "tick-3"}, jobNames(h.Jobs())); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	if n := len(h.Status().Active); n != 3 {
		t.Errorf("%d active, want 3", n)
	}
}

func TestCronJobReplaceDeletesTheRunningJobThenCreates(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	cj := newCronJob("swap", "* * * * *")
	cj.Spec.ConcurrencyPolicy = jobsim.ReplaceConcurrent
	// Each pod exits 20 s after its SIGTERM.
	h := submitCron(t, c, cj, jobsim.Always(jobsim.Run{Forever: true, Term: 20 * time.Second}))
	runUntil(t, c, start.Add(2*time.Minute+time.Second))
	want := []string{
		"1m0.1s SuccessfulCreate: Created job swap-1",
		"2m0.1s SuccessfulDelete: Deleted job swap-1",
		"2m0.1s SuccessfulCreate: Created job swap-2",
	}
	if diff := cmp.Diff(want, cronEvents(c, start)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if c.Job("", "swap-1") != nil {
		t.Errorf("swap-1 still exists")
	}
	if diff := cmp.Diff([]string{"swap-2"}, jobNames(h.Jobs())); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	// Background propagation: swap-1's pod terminates gracefully.
	var terminating []string
	for _, p := range c.Pods() {
		if p.JobName == "swap-1" && !p.DeletionTime.IsZero() {
			terminating = append(terminating, p.Name)
		}
	}
	if len(terminating) != 1 {
		t.Errorf("swap-1's terminating pods: %v, want one", terminating)
	}
	runUntil(t, c, start.Add(2*time.Minute+40*time.Second))
	for _, p := range c.Pods() {
		if p.JobName == "swap-1" {
			t.Errorf("pod %s of the deleted swap-1 still exists after its grace period", p.Name)
		}
	}
}

// outage runs a CronJob every minute with its controller down from 30 s to
// upAt, and returns the CronJob events.
func outage(t *testing.T, upAt time.Duration, deadline *time.Duration) ([]string, *jobsim.CronJobHandle) {
	t.Helper()
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	cj := newCronJob("tick", "* * * * *")
	cj.Spec.StartingDeadline = deadline
	h := submitCron(t, c, cj, jobsim.Fixed(10*time.Second, 0))
	c.At(start.Add(30*time.Second), c.StopCronJobController)
	c.At(start.Add(upAt), c.StartCronJobController)
	runUntil(t, c, start.Add(upAt+time.Second))
	return cronEvents(c, start), h
}

func TestCronJobOutageStartsOnlyTheMostRecentMissedTime(t *testing.T) {
	// Down from 30 s to 1:40:30: the times 00:01 ... 01:40 are missed,
	// 100 of them by upstream's estimate ((6030-60)/60 + 1). The sync at
	// restart starts 01:40 only, without a warning.
	got, h := outage(t, time.Hour+40*time.Minute+30*time.Second, nil)
	want := []string{"1h40m30s SuccessfulCreate: Created job tick-100"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if h.JobsCreated() != 1 {
		t.Errorf("%d Jobs created, want 1", h.JobsCreated())
	}
}

func TestCronJobMoreThan100MissedTimesWarnTooManyMissedTimes(t *testing.T) {
	// One minute more: 101 missed, the warning, and still only the most
	// recent time, 01:41, is started.
	got, _ := outage(t, time.Hour+41*time.Minute+30*time.Second, nil)
	want := []string{
		"1h41m30s TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
		"1h41m30s SuccessfulCreate: Created job tick-101",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestCronJobStartingDeadlineBoundsTheMissedTimes(t *testing.T) {
	// With startingDeadlineSeconds 60 the scan starts at now - 60 s, so
	// the 101 missed times do not warn; 01:41 is within the deadline.
	got, _ := outage(t, time.Hour+41*time.Minute+30*time.Second, jobsim.Ptr(60*time.Second))
	want := []string{"1h41m30s SuccessfulCreate: Created job tick-101"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestCronJobStartingDeadlinePassedStartsNothingAndRecordsNoMissSchedule(t *testing.T) {
	// With 10 s, 01:41 is 30 s old at restart: too late. The scan begins
	// at now - 10 s, so no time is found at all: upstream's MissSchedule
	// branch cannot be reached. The next Job is 01:42's.
	got, h := outage(t, time.Hour+41*time.Minute+30*time.Second, jobsim.Ptr(10*time.Second))
	if len(got) != 0 {
		t.Errorf("events at restart %v, want none", got)
	}
	if h.JobsCreated() != 0 {
		t.Errorf("%d Jobs created, want 0", h.JobsCreated())
	}
}

func TestCronJobHistoryLimitsDeleteTheOldestFinishedJobs(t *testing.T) {
	// Defaults: 3 completed and 1 failed Jobs are kept. At m:20.1 Job m
	// completes; from m = 4 on the oldest completed one is deleted first
	// (cleanup runs before the rest of the sync), then m is seen.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	ok := submitCron(t, c, newCronJob("ok", "* * * * *"), jobsim.Fixed(20*time.Second, 0))
	bad := newCronJob("bad", "* * * * *")
	bad.Spec.JobTemplate.Spec.BackoffLimit = jobsim.Ptr(0)
	ko := submitCron(t, c, bad, jobsim.Fixed(20*time.Second, 1))
	runUntil(t, c, start.Add(5*time.Minute+30*time.Second))

	if diff := cmp.Diff([]string{"ok-3", "ok-4", "ok-5"}, jobNames(ok.Jobs())); diff != "" {
		t.Errorf("completed jobs kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bad-5"}, jobNames(ko.Jobs())); diff != "" {
		t.Errorf("failed jobs kept (-want +got):\n%s", diff)
	}
	var okEvents []string
	for _, e := range cronEvents(c, start) {
		if strings.Contains(e, " ok-") && !strings.Contains(e, "SuccessfulCreate") {
			okEvents = append(okEvents, e)
		}
	}
	want := []string{
		"1m20.1s SawCompletedJob: Saw completed job: ok-1, condition: Complete",
		"2m20.1s SawCompletedJob: Saw completed job: ok-2, condition: Complete",
		"3m20.1s SawCompletedJob: Saw completed job: ok-3, condition: Complete",
		"4m20.1s SuccessfulDelete: Deleted job ok-1",
		"4m20.1s SawCompletedJob: Saw completed job: ok-4, condition: Complete",
		"5m20.1s SuccessfulDelete: Deleted job ok-2",
		"5m20.1s SawCompletedJob: Saw completed job: ok-5, condition: Complete",
	}
	if diff := cmp.Diff(want, okEvents); diff != "" {
		t.Errorf("ok's events (-want +got):\n%s", diff)
	}
	// The deleted Jobs' pods went with them.
	for _, p := range c.Pods() {
		if p.JobName == "ok-1" || p.JobName == "ok-2" || p.JobName == "bad-4" {
			t.Errorf("pod %s of a deleted Job still exists", p.Name)
		}
	}
	if len(c.Jobs()) != 4 {
		t.Errorf("Cluster.Jobs() lists %v, want the 4 existing Jobs", jobNames(c.Jobs()))
	}
}

func TestCronJobHistoryLimitZeroDeletesWithoutSawCompletedJob(t *testing.T) {
	// With successfulJobsHistoryLimit 0, cleanup deletes a Job the sync
	// it completes in (and drops it from active), so the rest of the sync
	// never sees it in active: SuccessfulDelete, no SawCompletedJob. Its
	// completionTime still sets lastSuccessfulTime.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	cj := newCronJob("gone", "* * * * *")
	cj.Spec.SuccessfulJobsHistoryLimit = jobsim.Ptr(0)
	h := submitCron(t, c, cj, jobsim.Fixed(20*time.Second, 0))
	runUntil(t, c, start.Add(90*time.Second))
	want := []string{
		"1m0.1s SuccessfulCreate: Created job gone-1",
		"1m20.1s SuccessfulDelete: Deleted job gone-1",
	}
	if diff := cmp.Diff(want, cronEvents(c, start)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if got := h.Status().LastSuccessfulTime; !got.Equal(start.Add(80 * time.Second)) {
		t.Errorf("lastSuccessfulTime %v, want 1m20s", got)
	}
}

func TestCronJobSuspendStopsCreationAndResumeStartsTheMostRecentMissedTime(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	submitCron(t, c, newCronJob("nap", "* * * * *"), jobsim.Fixed(10*time.Second, 0))
	set := func(v bool) func() {
		return func() {
			if err := c.UpdateCronJob("", "nap", func(s *jobsim.CronJobSpec) { s.Suspend = v }); err != nil {
				t.Error(err)
			}
		}
	}
	c.At(start.Add(90*time.Second), set(true))
	// Resumed at 4:30: 00:02 to 00:04 were missed; the resume syncs at
	// once and starts 00:04 only.
	c.At(start.Add(4*time.Minute+30*time.Second), set(false))
	runUntil(t, c, start.Add(5*time.Minute+time.Second))
	var creates []string
	for _, e := range cronEvents(c, start) {
		if strings.Contains(e, "SuccessfulCreate") {
			creates = append(creates, e)
		}
	}
	want := []string{
		"1m0.1s SuccessfulCreate: Created job nap-1",
		"4m30s SuccessfulCreate: Created job nap-4",
		"5m0.1s SuccessfulCreate: Created job nap-5",
	}
	if diff := cmp.Diff(want, creates); diff != "" {
		t.Errorf("creations (-want +got):\n%s", diff)
	}
}

func TestCronJobScheduleEditRequeuesAtTheNewSchedule(t *testing.T) {
	// Hourly, then at 00:10 every 15 minutes: the edit requeues at the
	// new schedule's next time after the creation, 00:15.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h := submitCron(t, c, newCronJob("edit", "0 * * * *"), jobsim.Fixed(time.Second, 0))
	c.At(start.Add(10*time.Minute), func() {
		if err := c.UpdateCronJob("", "edit", func(s *jobsim.CronJobSpec) { s.Schedule = "*/15 * * * *" }); err != nil {
			t.Error(err)
		}
	})
	runUntil(t, c, start.Add(31*time.Minute))
	if diff := cmp.Diff([]string{"edit-15", "edit-30"}, jobNames(h.Jobs())); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	if h.Generation() != 2 {
		t.Errorf("generation %d, want 2", h.Generation())
	}
}

func TestCronJobScheduleEditDoesNotStartTheTimeTheNewScheduleMissed(t *testing.T) {
	// Hourly, so edit-60 runs at 1h00; at 1h20m30s every 15 minutes.
	// updateCronJob requeues after nextScheduleTimeDuration of the new
	// schedule: from lastScheduleTime 1h00 the new schedule's most recent
	// time not after now is 1h15, so the requeue is at the one after it,
	// 1h30m0.1s (utils.go mostRecentScheduleTime, nextScheduleTimeDuration).
	// That sync starts only the most recent unmet time, 1h30: 1h15, missed
	// under the new schedule, is never started.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h := submitCron(t, c, newCronJob("edit", "0 * * * *"), jobsim.Fixed(time.Second, 0))
	c.At(start.Add(80*time.Minute+30*time.Second), func() {
		if err := c.UpdateCronJob("", "edit", func(s *jobsim.CronJobSpec) { s.Schedule = "*/15 * * * *" }); err != nil {
			t.Error(err)
		}
	})
	runUntil(t, c, start.Add(106*time.Minute))
	var got []string
	for _, j := range h.Jobs() {
		got = append(got, fmt.Sprintf("%s at %v", j.Name(), j.CreationTime().Sub(start)))
	}
	want := []string{"edit-60 at 1h0m0.1s", "edit-90 at 1h30m0.1s", "edit-105 at 1h45m0.1s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
}

func TestCronJobActiveJobDeletedIsMissingJob(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h := submitCron(t, c, newCronJob("lost", "0 * * * *"), jobsim.Forever())
	c.At(start.Add(time.Hour+time.Minute), func() {
		if err := c.Delete("", "lost-60"); err != nil {
			t.Error(err)
		}
	})
	runUntil(t, c, start.Add(time.Hour+2*time.Minute))
	want := []string{
		"1h0m0.1s SuccessfulCreate: Created job lost-60",
		"1h1m0s MissingJob: Active job went missing: lost-60",
	}
	if diff := cmp.Diff(want, cronEvents(c, start)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if n := len(h.Status().Active); n != 0 {
		t.Errorf("%d active, want 0", n)
	}
}

func TestCronJobNameTakenByAnotherJobStallsTheCronJob(t *testing.T) {
	// A Job of the next scheduled time's name, not created by the
	// CronJob: the controller leaves it alone and, as upstream returns
	// neither a requeue nor an error then, does not sync the CronJob
	// again until something changes it or its Jobs.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	squat := jobsim.Job{Name: "tick-2", Spec: cronTemplate().Spec}
	if _, err := c.Submit(squat, jobsim.Forever()); err != nil {
		t.Fatal(err)
	}
	h := submitCron(t, c, newCronJob("tick", "* * * * *"), jobsim.Fixed(10*time.Second, 0))
	runUntil(t, c, start.Add(10*time.Minute))
	if diff := cmp.Diff([]string{"tick-1"}, jobNames(h.Jobs())); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	if got := h.Status().LastScheduleTime; !got.Equal(start.Add(time.Minute)) {
		t.Errorf("lastScheduleTime %v, want 00:01", got)
	}
	// An edit wakes it: 00:10 is the most recent time, and its name is
	// free.
	if err := c.UpdateCronJob("", "tick", func(s *jobsim.CronJobSpec) { s.ConcurrencyPolicy = jobsim.ForbidConcurrent }); err != nil {
		t.Fatal(err)
	}
	runUntil(t, c, start.Add(10*time.Minute+time.Second))
	if diff := cmp.Diff([]string{"tick-1", "tick-10"}, jobNames(h.Jobs())); diff != "" {
		t.Errorf("jobs after the edit (-want +got):\n%s", diff)
	}
}

func TestCronJobImpossibleDateIsInvalidSchedule(t *testing.T) {
	// February 31 parses, but never comes: the controller finds two
	// "next" times less than a second apart and gives up, without a
	// requeue.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h := submitCron(t, c, newCronJob("never", "59 23 31 2 *"), nil)
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	want := []string{"0s InvalidSchedule: invalid schedule: 59 23 31 2 * : time difference between two schedules is less than 1 second"}
	if diff := cmp.Diff(want, cronEvents(c, start)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if h.JobsCreated() != 0 {
		t.Errorf("%d Jobs created", h.JobsCreated())
	}
}

func TestCronJobDSTInNewYorkSkipsTheGapAndRepeatsTheFold(t *testing.T) {
	// robfig/cron walks the calendar in the zone: on 2024-03-10 clocks
	// jump from 02:00 to 03:00 EST→EDT, so 02:30 does not exist that day
	// and is skipped; on 2024-11-03 they fall back from 02:00 EDT to
	// 01:00 EST, so 01:30 comes twice, and runs twice.
	type run struct{ name, stamp string }
	cases := []struct {
		schedule string
		start    time.Time
		want     []run
	}{
		{"30 2 * * *", time.Date(2024, 3, 9, 12, 0, 0, 0, time.UTC), []run{
			{"dst-28502310", "2024-03-11T02:30:00-04:00"}, // 06:30Z
		}},
		{"30 1 * * *", time.Date(2024, 11, 2, 12, 0, 0, 0, time.UTC), []run{
			{"dst-28843530", "2024-11-03T01:30:00-04:00"}, // 05:30Z
			{"dst-28843590", "2024-11-03T01:30:00-05:00"}, // 06:30Z
			{"dst-28845030", "2024-11-04T01:30:00-05:00"}, // 11-04 06:30Z
		}},
	}
	for _, tc := range cases {
		t.Run(tc.schedule, func(t *testing.T) {
			c := jobsim.NewCluster(jobsim.Config{Start: tc.start})
			cj := newCronJob("dst", tc.schedule)
			cj.Spec.TimeZone = jobsim.Ptr("America/New_York")
			h := submitCron(t, c, cj, jobsim.Fixed(time.Minute, 0))
			runUntil(t, c, tc.start.Add(48*time.Hour))
			var got []run
			for _, j := range h.Jobs() {
				got = append(got, run{j.Name(), j.Job().Annotations[jobsim.CronJobScheduledTimestampAnnotation]})
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(run{})); diff != "" {
				t.Errorf("jobs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCronJobDeleteTakesItsJobsAndPods(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	h := submitCron(t, c, newCronJob("bye", "* * * * *"), jobsim.Forever())
	runUntil(t, c, start.Add(2*time.Minute+time.Second))
	if err := c.DeleteCronJob("", "bye"); err != nil {
		t.Fatal(err)
	}
	if !h.Deleted() || c.CronJob("", "bye") != nil || len(h.Jobs()) != 0 {
		t.Errorf("CronJob still there: deleted=%v jobs=%v", h.Deleted(), jobNames(h.Jobs()))
	}
	runUntil(t, c, start.Add(10*time.Minute))
	if ps := c.Pods(); len(ps) != 0 {
		t.Errorf("%d pods left after the grace period", len(ps))
	}
	var nf *jobsim.NotFoundError
	if err := c.DeleteCronJob("", "bye"); !errors.As(err, &nf) || err.Error() != `cronjobs.batch "bye" not found in namespace "default"` {
		t.Errorf("second delete: %v", err)
	}
}

func TestCronJobSameHistoryForTheSameInputs(t *testing.T) {
	run := func() []jobsim.Event {
		c := jobsim.NewCluster(jobsim.Config{Seed: 7})
		cj := newCronJob("det", "*/2 * * * *")
		cj.Spec.ConcurrencyPolicy = jobsim.ReplaceConcurrent
		submitCron(t, c, cj, jobsim.Random{Min: time.Minute, Max: 3 * time.Minute, FailProbability: 0.3, ExitCode: 1})
		runUntil(t, c, c.Now().Add(time.Hour))
		return c.Events()
	}
	a, b := run(), run()
	if len(a) == 0 {
		t.Fatal("no events")
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
}

func TestCronJobRefusedJobIsFailedCreateRetriedWithTheRateLimiter(t *testing.T) {
	// The job template's labels are not validated with the CronJob (as
	// upstream), so a bad one makes each Job's creation fail: FailedCreate,
	// and the work queue's retries 5 ms, 10 ms, 20 ms ... later.
	c := jobsim.NewCluster(jobsim.Config{})
	start := c.Now()
	cj := newCronJob("bad", "* * * * *")
	cj.Spec.JobTemplate.Labels = map[string]string{"bad key": "x"}
	h := submitCron(t, c, cj, nil)
	runUntil(t, c, start.Add(61*time.Second))
	var at []time.Duration
	for _, e := range c.Events() {
		if e.Reason != jobsim.ReasonFailedCreate {
			continue
		}
		at = append(at, e.Time.Sub(start))
		if want := `Error creating job: Job.batch "bad-1" is invalid: metadata.labels: Invalid value: "bad key": `; !strings.HasPrefix(e.Message, want) {
			t.Errorf("message %q, want it to start with %q", e.Message, want)
		}
	}
	ms := time.Millisecond
	base := time.Minute + 100*ms
	want := []time.Duration{base, base + 5*ms, base + 15*ms, base + 35*ms, base + 75*ms, base + 155*ms, base + 315*ms, base + 635*ms}
	if diff := cmp.Diff(want, at); diff != "" {
		t.Errorf("FailedCreate times (-want +got):\n%s", diff)
	}
	if h.JobsCreated() != 0 || !h.Status().LastScheduleTime.IsZero() {
		t.Errorf("created %d, status %+v", h.JobsCreated(), h.Status())
	}
}
