package jobsimtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// cronStart is the start of the random CronJob runs: 06:00 UTC on the day
// New York's clocks go forward (07:00 UTC), so schedules in that zone
// cross the change.
var cronStart = time.Date(2026, 3, 8, 6, 0, 0, 0, time.UTC)

// TestCronJobInvariants: random CronJobs (schedules, time zones,
// policies, deadlines, history limits, runs that fail or outlast the
// period), suspended and resumed and through outages of the CronJob
// controller, keep the CronJob controller's invariants and the Job
// controller's on every event.
func TestCronJobInvariants(t *testing.T) {
	rapid.Check(t, cronJobProperty)
}

func cronJobProperty(t *rapid.T) {
	c := jobsim.NewCluster(jobsim.Config{Start: cronStart, Seed: rapid.Uint64().Draw(t, "seed")})
	jobs := jobsimtest.NewChecker(c)
	crons := jobsimtest.NewCronChecker(jobsimtest.CronHistoryOf(c))
	n := rapid.IntRange(1, 2).Draw(t, "cronJobs")
	var names []string
	for i := range n {
		cj := jobsimtest.CronJobs(fmt.Sprintf("cron%d", i)).Draw(t, "cronJob")
		runs := rapid.SliceOfN(jobsimtest.CronRuns(), 1, 3).Draw(t, "runs")
		b := jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run { return runs[rc.Rand.IntN(len(runs))] })
		if _, err := c.SubmitCronJob(cj, b); err != nil {
			t.Fatalf("a generated CronJob is refused: %v", err)
		}
		names = append(names, cj.Name)
	}
	const horizon = 2 * time.Hour
	minute := func(label string) time.Time {
		return cronStart.Add(time.Duration(rapid.IntRange(1, 115).Draw(t, label)) * time.Minute)
	}
	for range rapid.IntRange(0, 3).Draw(t, "actions") {
		switch rapid.IntRange(0, 2).Draw(t, "action") {
		case 0: // an outage of the controller
			from := minute("down")
			c.At(from, c.StopCronJobController)
			// Over 100 minutes, a CronJob every minute warns TooManyMissedTimes.
			c.At(from.Add(time.Duration(rapid.IntRange(1, 110).Draw(t, "outage"))*time.Minute), c.StartCronJobController)
		case 1: // a suspension, and perhaps its end
			name := rapid.SampledFrom(names).Draw(t, "suspended")
			set := func(v bool) func() {
				return func() {
					if err := c.UpdateCronJob("", name, func(s *jobsim.CronJobSpec) { s.Suspend = v }); err != nil {
						t.Errorf("suspend %v: %v", v, err)
					}
				}
			}
			from := minute("suspend")
			c.At(from, set(true))
			if rapid.Bool().Draw(t, "resumed") {
				c.At(from.Add(time.Duration(rapid.IntRange(1, 90).Draw(t, "suspension"))*time.Minute), set(false))
			}
		case 2: // a change of the history limits
			name := rapid.SampledFrom(names).Draw(t, "limited")
			l := rapid.IntRange(0, 2).Draw(t, "limit")
			c.At(minute("limitAt"), func() {
				if err := c.UpdateCronJob("", name, func(s *jobsim.CronJobSpec) { s.SuccessfulJobsHistoryLimit = jobsim.Ptr(l) }); err != nil {
					t.Errorf("limit: %v", err)
				}
			})
		}
	}
	if err := c.RunUntil(cronStart.Add(horizon)); err != nil {
		t.Fatal(err)
	}
	if err := crons.Err(); err != nil {
		t.Fatalf("CronJob invariants:\n%v", err)
	}
	if err := jobs.Err(); err != nil {
		t.Fatalf("Job invariants:\n%v", err)
	}
}

// cronRecording is a recorded history of CronJobs, replayed event by
// event to a CronChecker: the checker's own test, on histories a faulty
// controller would make.
type cronRecording struct {
	steps []cronStep
	obs   []jobsim.Observer
	at    int
}

// cronStep is one event of a CronJob and the CronJobs right after it.
type cronStep struct {
	event jobsim.Event
	views map[string]*jobsimtest.CronJobView // by name, in namespace default
	runs  map[string][]jobsim.CronRun
}

var _ jobsimtest.CronHistory = (*cronRecording)(nil)

func (r *cronRecording) Observe(o jobsim.Observer) { r.obs = append(r.obs, o) }

func (r *cronRecording) CronJobView(ns, name string) (jobsimtest.CronJobView, bool) {
	v := r.steps[r.at].views[name]
	if v == nil || ns != "default" {
		return jobsimtest.CronJobView{}, false
	}
	return *v, true
}

func (r *cronRecording) CronJobRuns(ns, name string) []jobsim.CronRun {
	return r.steps[r.at].runs[name]
}

// recordCron runs c to until and records each CronJob event.
func recordCron(t *testing.T, c *jobsim.Cluster, until time.Time) *cronRecording {
	t.Helper()
	r := &cronRecording{}
	h := jobsimtest.CronHistoryOf(c)
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Object.Kind != jobsim.KindCronJob {
			return
		}
		st := cronStep{event: e, views: map[string]*jobsimtest.CronJobView{}, runs: map[string][]jobsim.CronRun{}}
		for _, cj := range c.CronJobs() {
			if v, ok := h.CronJobView(cj.Namespace(), cj.Name()); ok {
				st.views[cj.Name()] = &v
				st.runs[cj.Name()] = h.CronJobRuns(cj.Namespace(), cj.Name())
			}
		}
		r.steps = append(r.steps, st)
	}))
	if err := c.RunUntil(until); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *cronRecording) check() error {
	r.obs = nil
	k := jobsimtest.NewCronChecker(r)
	for i := range r.steps {
		r.at = i
		for _, o := range r.obs {
			o.Observe(r.steps[i].event)
		}
	}
	return k.Err()
}

// find returns the first step from i on that matches.
func (r *cronRecording) find(t *testing.T, i int, match func(cronStep) bool) int {
	t.Helper()
	for ; i < len(r.steps); i++ {
		if match(r.steps[i]) {
			return i
		}
	}
	t.Fatal("no such step in the history")
	return -1
}

// created matches the creation of Job n-th of a CronJob (0 is the first).
func created(n int) func(cronStep) bool {
	seen := 0
	return func(s cronStep) bool {
		if s.event.Reason != jobsim.ReasonSuccessfulCreate {
			return false
		}
		seen++
		return seen == n+1
	}
}

// cronScenario builds the cluster of a corruption case and runs it.
type cronScenario func(t *testing.T) *cronRecording

var epoch = time.Unix(0, 0).UTC()

// hourlyForbid: hourly, Forbid, runs of 80 minutes (as
// TestRunsForbidDelaysEachTime in the root package).
func hourly(policy jobsim.ConcurrencyPolicy, deadline *time.Duration, limit int) cronScenario {
	return func(t *testing.T) *cronRecording {
		c := jobsim.NewCluster(jobsim.Config{})
		cj := jobsim.CronJob{Name: "hourly", Spec: jobsim.CronJobSpec{
			Schedule: "0 * * * *", ConcurrencyPolicy: policy, StartingDeadline: deadline,
			SuccessfulJobsHistoryLimit: jobsim.Ptr(limit),
			JobTemplate: jobsim.JobTemplate{Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: jobsim.RestartNever, Containers: []jobsim.Container{{Name: "c", Image: "i"}},
			}}}},
		}}
		if _, err := c.SubmitCronJob(cj, jobsim.Fixed(80*time.Minute, 0)); err != nil {
			t.Fatal(err)
		}
		c.At(epoch.Add(90*time.Minute), c.StopCronJobController)
		c.At(epoch.Add(4*time.Hour+10*time.Minute), c.StartCronJobController)
		return recordCron(t, c, epoch.Add(7*time.Hour))
	}
}

// TestCronCheckerCatchesCorruptedHistories: the uncorrupted histories
// pass; each corruption of one fact, as a faulty CronJob controller (or
// a faulty record of its decisions) would make it, is reported as the
// rule it breaks (pkg/controller/cronjob/cronjob_controllerv2.go:
// syncCronJob, cleanupFinishedJobs; utils.go: mostRecentScheduleTime).
func TestCronCheckerCatchesCorruptedHistories(t *testing.T) {
	job := func(r *cronRecording, i int, n int) *jobsimtest.CronJobJob {
		return &r.steps[i].views["hourly"].Jobs[n]
	}
	cases := []struct {
		name    string
		history cronScenario
		corrupt func(t *testing.T, r *cronRecording)
		want    string
	}{
		// Forbid: the 1:00 Job, still running at 2:00, holds 2:00 back.
		{"Forbid/NoCreationWhileActive", hourly(jobsim.ForbidConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(1))
			job(r, i, 0).Finished = ""
		}, "created while Job hourly-60 is active, under concurrencyPolicy Forbid"},
		{"Forbid/NeverTwoActive", hourly(jobsim.ForbidConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(1))
			i = r.find(t, i+1, func(s cronStep) bool { return s.event.Reason == jobsim.ReasonJobAlreadyActive })
			v := r.steps[i].views["hourly"]
			v.Jobs = append(v.Jobs, jobsimtest.CronJobJob{Name: "hourly-999"})
		}, "2 active Jobs under concurrencyPolicy Forbid"},
		// Replace deletes the active Job before it creates the next.
		{"Replace/OldJobDeletedFirst", hourly(jobsim.ReplaceConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(1))
			v := r.steps[i].views["hourly"]
			v.Jobs = append([]jobsimtest.CronJobJob{{Name: "hourly-60", Scheduled: epoch.Add(time.Hour)}}, v.Jobs...)
		}, "created while Job hourly-60 is active, under concurrencyPolicy Replace"},
		// A Job's scheduled time has come when it is created...
		{"getJobName/NotBeforeItsTime", hourly(jobsim.AllowConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(0))
			job(r, i, 0).Scheduled = r.steps[i].event.Time.Add(time.Minute)
		}, "Job hourly-60 created before its scheduled time"},
		// ... and is at most startingDeadlineSeconds old.
		{"mostRecentScheduleTime/WithinTheDeadline", hourly(jobsim.AllowConcurrent, jobsim.Ptr(5*time.Minute), 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(0))
			job(r, i, 0).Scheduled = r.steps[i].event.Time.Add(-10 * time.Minute)
		}, "past startingDeadlineSeconds 5m0s"},
		// cleanupFinishedJobs: after a sync, no more finished Jobs than
		// the limit.
		{"cleanupFinishedJobs/WithinTheLimit", hourly(jobsim.AllowConcurrent, nil, 1), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, func(s cronStep) bool { return s.event.Reason == jobsim.ReasonSawCompletedJob })
			v := r.steps[i].views["hourly"]
			v.Jobs = append(v.Jobs, jobsimtest.CronJobJob{Name: "hourly-999", Finished: jobsim.JobComplete})
		}, "2 completed Jobs kept after a sync, successfulJobsHistoryLimit 1"},
		// The record: each scheduled time once, in order...
		{"Runs/EveryScheduledTime", hourly(jobsim.AllowConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(1))
			r.steps[i].runs["hourly"] = r.steps[i].runs["hourly"][1:]
		}, "run 0 of the record is scheduled at 1970-01-01T02:00:00Z, the schedule's next time is 1970-01-01T01:00:00Z"},
		// ... each with its Job, a reason, or pending ...
		{"Runs/AReasonForEachTimeWithoutAJob", hourly(jobsim.AllowConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			// After the outage (1:30 to 4:10), 2:00 and 3:00 were
			// superseded by 4:00.
			i := r.find(t, 0, created(1))
			runs := r.steps[i].runs["hourly"]
			if runs[1].Job != "" || runs[1].Reason != jobsim.CronRunControllerDown {
				t.Fatalf("run 1 is %+v, want 2:00 missed while the controller was down", runs[1])
			}
			runs[1].Reason = ""
		}, "time 1970-01-01T02:00:00Z has neither a Job nor a reason"},
		// ... and every Job the controller created in it.
		{"Runs/EveryJobCreated", hourly(jobsim.AllowConcurrent, nil, 3), func(t *testing.T, r *cronRecording) {
			i := r.find(t, 0, created(1))
			runs := r.steps[i].runs["hourly"]
			runs[0].Job, runs[0].Reason = "", jobsim.CronRunSuperseded
		}, "Job hourly-60 was created but is not in the record"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.history(t)
			if err := r.check(); err != nil {
				t.Fatalf("the uncorrupted history fails:\n%v", err)
			}
			tc.corrupt(t, r)
			err := r.check()
			if err == nil {
				t.Fatalf("the corrupted history passes; want a violation saying %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("violations:\n%v\nwant one saying %q", err, tc.want)
			}
		})
	}
}
