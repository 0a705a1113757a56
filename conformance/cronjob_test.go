package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim/conformance/reference"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var cronStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return cronStart.Add(d) }

func TestCronEventsDropRepeatsOfOneInstant(t *testing.T) {
	saw := CronEvent{Type: "Normal", Reason: "SawCompletedJob", Message: "Saw completed job: a-1, condition: Complete"}
	busy := CronEvent{Type: "Normal", Reason: "JobAlreadyActive", Message: "Not starting job because prior execution is running and concurrency policy is Forbid"}
	got := cronEvents([]rawCronEvent{
		{at(time.Hour), saw},
		{at(time.Hour + time.Millisecond), saw}, // a stale sync's repeat
		{at(time.Hour + time.Millisecond), CronEvent{Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job a-2"}},
		{at(time.Hour + 2*time.Millisecond), saw}, // after the first sync's other event
		{at(2 * time.Hour), busy},
		{at(3 * time.Hour), busy}, // the next schedule: kept
		{at(4 * time.Hour), CronEvent{Type: "Normal", Reason: "SuccessfulDelete", Message: "Deleted job a-1"}},
		{at(4 * time.Hour), CronEvent{Type: "Warning", Reason: "FailedDelete", Message: `Deleted job: jobs.batch "a-1" not found`}},
	}, cronSchedules{})
	want := []CronEvent{saw, {Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job a-2"}, busy, busy, {Type: "Normal", Reason: "SuccessfulDelete", Message: "Deleted job a-1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestCronEventsKeepOneJobAlreadyActivePerScheduledTime(t *testing.T) {
	// Hourly: the syncs of one hour that find the Job active record the
	// same skipped time; the next hour's is another.
	busy := CronEvent{Type: "Normal", Reason: "JobAlreadyActive", Message: "Not starting job because prior execution is running and concurrency policy is Forbid"}
	var sc cronSchedules
	sc.add(cronStart, "0 * * * *", nil)
	got := cronEvents([]rawCronEvent{
		{at(time.Hour + 100*time.Millisecond), busy},
		{at(time.Hour + 5*time.Minute), busy}, // a Job status write's sync, same hour
		{at(2*time.Hour + 100*time.Millisecond), busy},
	}, sc)
	if diff := cmp.Diff([]CronEvent{busy, busy}, got); diff != "" {
		t.Error(diff)
	}
}

func TestCronEventsDropStaleViewsOfADeletedJob(t *testing.T) {
	del := CronEvent{Type: "Normal", Reason: "SuccessfulDelete", Message: "Deleted job a-1"}
	other := CronEvent{Type: "Normal", Reason: "MissingJob", Message: "Active job went missing: b-1"}
	got := cronEvents([]rawCronEvent{
		{at(time.Hour), del},
		{at(time.Hour), CronEvent{Type: "Warning", Reason: "UnexpectedJob", Message: "Saw a job that the controller did not create or forgot: a-1"}},
		{at(time.Hour), CronEvent{Type: "Normal", Reason: "MissingJob", Message: "Active job went missing: a-1"}},
		{at(time.Hour), other}, // not deleted by the controller: kept
	}, cronSchedules{})
	if diff := cmp.Diff([]CronEvent{del, other}, got); diff != "" {
		t.Error(diff)
	}
}

func TestCronOutcomeOfReference(t *testing.T) {
	done := func(name string, created, completed time.Duration) reference.CreatedJob {
		ct := metav1.NewTime(at(completed))
		return reference.CreatedJob{Created: at(created), Object: &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Status: batchv1.JobStatus{Succeeded: 1, CompletionTime: &ct, Conditions: []batchv1.JobCondition{
				{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue},
				{Type: batchv1.JobComplete, Status: corev1.ConditionTrue},
			}},
		}}
	}
	first := done("nightly-1", time.Hour, time.Hour+20*time.Second)
	first.Deleted = true
	second := done("nightly-2", 2*time.Hour, 2*time.Hour+20*time.Second)
	lst, lsu := metav1.NewTime(at(2*time.Hour)), metav1.NewTime(at(2*time.Hour+20*time.Second))
	res := []reference.CronJobResult{{
		Object: &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
			Status: batchv1.CronJobStatus{LastScheduleTime: &lst, LastSuccessfulTime: &lsu}},
		Jobs: []reference.CreatedJob{first, second},
		Events: []reference.CronEvent{
			{At: at(time.Hour), Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job nightly-1"},
			{At: at(2 * time.Hour), Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job nightly-2"},
		},
	}}
	got := cronOutcomesOfReference(cronStart, nil, res)
	tm := func(d time.Duration) *Time { v := Time(d); return &v }
	want := []CronJobOutcome{{
		Name: "nightly",
		Jobs: []CreatedJob{
			{Name: "nightly-1", Created: Time(time.Hour), Finished: "Complete", CompletionTime: tm(time.Hour + 20*time.Second), Succeeded: 1, Deleted: true},
			{Name: "nightly-2", Created: Time(2 * time.Hour), Finished: "Complete", CompletionTime: tm(2*time.Hour + 20*time.Second), Succeeded: 1},
		},
		Remaining:          []string{"nightly-2"},
		LastScheduleTime:   tm(2 * time.Hour),
		LastSuccessfulTime: tm(2*time.Hour + 20*time.Second),
		Events: []CronEvent{
			{Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job nightly-1"},
			{Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job nightly-2"},
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestDiffOfCronJobs(t *testing.T) {
	tm := func(d time.Duration) *Time { v := Time(d); return &v }
	ref := Outcome{CronJobs: []CronJobOutcome{{
		Name:             "nightly",
		Jobs:             []CreatedJob{{Name: "nightly-1", Created: Time(time.Hour + 100*time.Millisecond), Finished: "Complete"}},
		Remaining:        []string{"nightly-1"},
		LastScheduleTime: tm(time.Hour),
		Events:           []CronEvent{{Type: "Normal", Reason: "SuccessfulCreate", Message: "Created job nightly-1"}},
	}}}
	// Within the tolerance: equal.
	sim := Outcome{CronJobs: slices.Clone(ref.CronJobs)}
	sim.CronJobs[0].Jobs = []CreatedJob{{Name: "nightly-1", Created: Time(time.Hour), Finished: "Complete"}}
	if diff, _ := Diff(ref, sim, DefaultTolerance); diff != "" {
		t.Errorf("within the tolerance:\n%s", diff)
	}
	// A history limit that kept another Job, and an event more.
	sim.CronJobs[0].Remaining = nil
	sim.CronJobs[0].Events = append(slices.Clone(ref.CronJobs[0].Events), CronEvent{Type: "Normal", Reason: "SuccessfulDelete", Message: "Deleted job nightly-1"})
	diff, fields := Diff(ref, sim, DefaultTolerance)
	if diff == "" {
		t.Fatal("no diff")
	}
	if want := []string{".CronJobs[0].Events", ".CronJobs[0].Remaining"}; !slices.Equal(fields, want) {
		t.Errorf("fields %q, want %q", fields, want)
	}
}
