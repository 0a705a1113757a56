package jobsim

import (
	"testing"
	"time"
)

// One sync in a given state, as the upstream controller's unit tests do
// (pkg/controller/job/job_controller_test.go: TestControllerSyncJob,
// TestSyncJobPastDeadline). Each test is numbered and named after one of
// their cases; the expected values follow the controller's rules, as those
// cases do, not jobsim's output.

func spec(parallelism int, completions *int) JobSpec {
	return JobSpec{Parallelism: Ptr(parallelism), Completions: completions}
}

func indexed(parallelism, completions int) JobSpec {
	s := spec(parallelism, Ptr(completions))
	s.CompletionMode = Indexed
	return s
}

func nonIndexed(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	return out
}

// §9.1 Basic counting and pod management.

func TestSync01_TooFewActivePods(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.add(running, -1)
	f.add(succeeded, -1)
	check(t, outcome{Created: nonIndexed(1), Finalizers: 1, Active: 2, Succeeded: 1}, f.sync())
	if st := f.handle().Status(); st.StartTime != f.c.eng.Epoch().Add(fixtureNow) {
		t.Errorf("startTime = %v, want the sync's time", st.StartTime)
	}
}

func TestSync02_TooFewActivePodsWithADynamicJob(t *testing.T) {
	f := newFixture(t, spec(2, nil))
	f.add(running, -1)
	check(t, outcome{Created: nonIndexed(1), Active: 2}, f.sync())
}

func TestSync03_TooFewActivePodsAndActiveBackOff(t *testing.T) {
	f := newFixture(t, spec(1, Ptr(1)))
	f.j.backoff = backoffRecord{failuresAfterLastSuccess: 1, lastFailure: fixtureNow}
	check(t, outcome{}, f.sync())
	// The controller comes back when the 10 s backoff has passed, not before.
	epoch := f.c.eng.Epoch()
	if err := f.c.RunUntil(epoch.Add(fixtureNow + 10*time.Second - time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n := f.handle().PodsCreated(); n != 0 {
		t.Fatalf("%d pods created during the backoff", n)
	}
	if err := f.c.RunUntil(epoch.Add(fixtureNow + 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := f.handle().PodsCreated(); n != 1 {
		t.Errorf("%d pods created when the backoff ended, want 1", n)
	}
}

func TestSync04_TooManyActivePods(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.addN(3, running)
	check(t, outcome{Deleted: 1, Finalizers: 1, Active: 2, Terminating: 1}, f.sync())
}

func TestSync05_CountReadyPodsWhenTooManyActivePods(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.addN(3, ready)
	check(t, outcome{Deleted: 1, Finalizers: 1, Active: 2, Ready: 2, Terminating: 1}, f.sync())
}

func TestSync06_MoreActivePodsThanParallelism(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.addN(10, running)
	check(t, outcome{Deleted: 8, Finalizers: 8, Active: 2, Terminating: 8}, f.sync())
}

func TestSync07_MoreActivePodsThanRemainingCompletions(t *testing.T) {
	f := newFixture(t, spec(3, Ptr(4)))
	f.addN(3, running)
	f.addN(2, succeeded)
	check(t, outcome{Deleted: 1, Finalizers: 3, Active: 2, Terminating: 1, Succeeded: 2}, f.sync())
}

func TestSync08_NewFailedPod(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.add(running, -1)
	f.add(failed, -1)
	check(t, outcome{Created: nonIndexed(1), Finalizers: 1, Active: 2, Failed: 1}, f.sync())
}

func TestSync09_FailedAndSucceededPodsResetBackoffDelay(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.add(running, -1)
	f.add(succeeded, -1)
	f.add(failed, -1) // finished at the same time as the success, not after
	check(t, outcome{Created: nonIndexed(1), Finalizers: 2, Active: 2, Succeeded: 1, Failed: 1}, f.sync())
	if f.j.backoff.failuresAfterLastSuccess != 0 {
		t.Errorf("failures after last success = %d, want 0", f.j.backoff.failuresAfterLastSuccess)
	}
}

func TestSync10_JobFinish(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.addN(5, succeeded)
	check(t, outcome{Finalizers: 5, Succeeded: 5, Conditions: completedByCompletions}, f.sync())
	st := f.handle().Status()
	if want := f.c.eng.Epoch().Add(fixtureNow); st.CompletionTime != want {
		t.Errorf("completionTime = %v, want %v", st.CompletionTime, want)
	}
	if c, _ := st.Condition(JobComplete); c.Message != "Reached expected number of succeeded pods" {
		t.Errorf("Complete message = %q", c.Message)
	}
}

func TestSync11_WorkQueueJobFinishing(t *testing.T) {
	f := newFixture(t, spec(2, nil))
	f.add(running, -1)
	f.add(succeeded, -1)
	check(t, outcome{Finalizers: 1, Active: 1, Succeeded: 1}, f.sync())
}

func TestSync12_WorkQueueJobAllFinished(t *testing.T) {
	f := newFixture(t, spec(2, nil))
	f.addN(2, succeeded)
	check(t, outcome{Finalizers: 2, Succeeded: 2, Conditions: completedByCompletions}, f.sync())
}

func TestSync13_WorkQueueJobAllFinishedDespiteOneFailure(t *testing.T) {
	f := newFixture(t, spec(2, nil))
	f.add(succeeded, -1)
	f.add(failed, -1)
	check(t, outcome{Finalizers: 2, Succeeded: 1, Failed: 1, Conditions: completedByCompletions}, f.sync())
}

func TestSync14_TooManyJobFailures(t *testing.T) {
	s := spec(2, Ptr(5))
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.add(failed, -1)
	check(t, outcome{Finalizers: 1, Failed: 1, Conditions: failedBackoffLimit}, f.sync())
	if c, _ := f.handle().Status().Condition(JobFailed); c.Message != "Job has reached the specified backoff limit" {
		t.Errorf("Failed message = %q", c.Message)
	}
}

func TestSync15_CountReadyPodsWhenJobFails(t *testing.T) {
	s := spec(2, Ptr(3))
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.addN(2, ready)
	f.add(failed, -1)
	check(t, outcome{Deleted: 2, Finalizers: 3, Terminating: 2, Failed: 3, Conditions: failingBackoffLimit}, f.sync())
}

func TestSync16_DeletingJob(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(5)))
	f.j.deleting = true
	f.add(pending, -1)
	f.add(running, -1)
	f.add(succeeded, -1)
	check(t, outcome{Finalizers: 3, Active: 2, Succeeded: 1}, f.sync())
}

// §9.2 Indexed jobs.

func TestSync18_IndexedJobStart(t *testing.T) {
	f := newFixture(t, indexed(2, 5))
	check(t, outcome{Created: []int{0, 1}, Active: 2}, f.sync())
	for i, p := range f.handle().Pods() {
		ix := []string{"0", "1"}[i]
		if p.Annotations[JobCompletionIndexAnnotation] != ix || p.Labels[JobCompletionIndexAnnotation] != ix {
			t.Errorf("pod %s: index annotation %q, label %q, want %s", p.Name, p.Annotations[JobCompletionIndexAnnotation], p.Labels[JobCompletionIndexAnnotation], ix)
		}
		if want := "foobar-" + ix; p.Spec.Hostname != want {
			t.Errorf("pod %s: hostname %q, want %q", p.Name, p.Spec.Hostname, want)
		}
		env := p.Spec.Containers[0].Env
		if len(env) != 1 || env[0].Name != "JOB_COMPLETION_INDEX" || env[0].FieldPath != "metadata.labels['batch.kubernetes.io/job-completion-index']" {
			t.Errorf("pod %s: env %+v", p.Name, env)
		}
	}
}

func TestSync19_IndexedJobCompleted(t *testing.T) {
	f := newFixture(t, indexed(2, 3))
	f.add(succeeded, 0)
	f.add(failed, 1)
	f.add(succeeded, 1)
	f.add(succeeded, 2)
	check(t, outcome{Finalizers: 4, Succeeded: 3, Failed: 1, Completed: "0-2", Conditions: completedByCompletions}, f.sync())
}

func TestSync20_IndexedJobFailed(t *testing.T) {
	s := indexed(2, 3)
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.add(succeeded, 0)
	f.add(failed, 1)
	f.add(running, 2)
	check(t, outcome{Deleted: 1, Finalizers: 3, Terminating: 1, Succeeded: 1, Failed: 2, Completed: "0", Conditions: failingBackoffLimit}, f.sync())
}

func TestSync21_IndexedJobRepeatedCompletedIndex(t *testing.T) {
	f := newFixture(t, indexed(2, 3))
	f.add(succeeded, 0)
	f.add(succeeded, 1)
	f.add(succeeded, 1)
	check(t, outcome{Created: []int{2}, Finalizers: 3, Active: 1, Succeeded: 2, Completed: "0,1"}, f.sync())
}

func TestSync22_IndexedJobSomeRunningAndCompletedPods(t *testing.T) {
	f := newFixture(t, indexed(8, 20))
	f.add(running, 0)
	f.add(pending, 3)
	for _, ix := range []int{2, 4, 5, 7, 8, 9} {
		f.add(succeeded, ix)
	}
	check(t, outcome{Created: []int{1, 6, 10, 11, 12, 13}, Finalizers: 6, Active: 8, Succeeded: 6, Completed: "2,4,5,7-9"}, f.sync())
}

func TestSync23_IndexedJobSomeFailedPods(t *testing.T) {
	f := newFixture(t, indexed(3, 4))
	f.add(failed, 0)
	f.add(pending, 1)
	f.add(failed, 2)
	check(t, outcome{Created: []int{0, 2}, Finalizers: 2, Active: 3, Failed: 2}, f.sync())
}

func TestSync24_IndexedJobSomePodsWithoutIndex(t *testing.T) {
	f := newFixture(t, indexed(2, 5))
	f.addN(2, running)
	f.addN(1, pending)
	f.addN(2, succeeded)
	f.addN(2, failed)
	f.add(succeeded, 0)
	f.add(running, 1)
	f.add(running, 2)
	check(t, outcome{Deleted: 3, Finalizers: 8, Active: 2, Terminating: 3, Succeeded: 1, Completed: "0"}, f.sync())
}

func TestSync25_IndexedJobRepeatedIndexes(t *testing.T) {
	f := newFixture(t, indexed(5, 5))
	f.add(running, -1)
	f.add(succeeded, 0)
	f.add(running, 1)
	f.add(running, 2)
	p := f.add(pending, 2)
	f.add(succeeded, -1)
	f.add(failed, -1)
	check(t, outcome{Deleted: 2, Finalizers: 5, Active: 2, Terminating: 2, Succeeded: 1, Completed: "0"}, f.sync())
	if !p.deleting {
		t.Errorf("the Pending pod of index 2 survived; Pending sorts before Running and should be the one deleted")
	}
}

func TestSync26_IndexedJobWithIndexesOutsideOfRange(t *testing.T) {
	f := newFixture(t, indexed(2, 5))
	f.add(succeeded, 0)
	f.add(running, 5)
	f.add(succeeded, 6)
	f.add(pending, 7)
	f.add(failed, 8)
	check(t, outcome{Deleted: 2, Finalizers: 5, Terminating: 2, Succeeded: 1, Completed: "0"}, f.sync())
}

// §9.3 Suspend.

func TestSync27_SuspendingAJobWithSatisfiedExpectations(t *testing.T) {
	s := spec(2, Ptr(4))
	f := newFixture(t, s)
	f.addN(2, running)
	f.j.spec.Suspend = true
	f.j.status.started = true
	check(t, outcome{Deleted: 2, Finalizers: 2, Terminating: 2, Conditions: []string{"Suspended/JobSuspended"}}, f.sync())
	if c, _ := f.handle().Status().Condition(JobSuspended); c.Message != "Job suspended" {
		t.Errorf("Suspended message = %q", c.Message)
	}
	if !hasEvent(f.c, "Suspended", "Job suspended") {
		t.Error("no Suspended event")
	}
}

func TestSync28_ResumingASuspendedJob(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(4)))
	f.j.status.conditions = []JobCondition{{Type: JobSuspended, Status: ConditionTrue, Reason: JobReasonSuspended, Message: "Job suspended"}}
	f.j.status.started, f.j.status.startTime = true, 0
	check(t, outcome{Created: nonIndexed(2), Active: 2}, f.sync())
	st := f.handle().Status()
	c, _ := st.Condition(JobSuspended)
	if c.Status != ConditionFalse || c.Reason != "JobResumed" || c.Message != "Job resumed" {
		t.Errorf("Suspended condition = %+v, want False/JobResumed/Job resumed", c)
	}
	if want := f.c.eng.Epoch().Add(fixtureNow); st.StartTime != want {
		t.Errorf("startTime = %v, want the resume time %v", st.StartTime, want)
	}
}

// §9.4 Active deadline (p=1, activeDeadlineSeconds 10 s unless stated).

func deadlineFixture(t *testing.T, completions int, deadline, startAgo time.Duration) *fixture {
	s := spec(1, Ptr(completions))
	s.ActiveDeadline = Ptr(deadline)
	f := newFixture(t, s)
	f.j.status.started, f.j.status.startTime = true, fixtureNow-startAgo
	return f
}

func TestSync33_ActiveDeadlineLessThanSinglePodExecution(t *testing.T) {
	f := deadlineFixture(t, 1, 10*time.Second, 15*time.Second)
	f.add(running, -1)
	check(t, outcome{Deleted: 1, Finalizers: 1, Terminating: 1, Failed: 1, Conditions: failingDeadline}, f.sync())
	if c, _ := f.handle().Status().Condition(JobFailureTarget); c.Message != "Job was active longer than specified deadline" {
		t.Errorf("FailureTarget message = %q", c.Message)
	}
}

func TestSync34_ActiveDeadlineBiggerThanSinglePodExecution(t *testing.T) {
	f := deadlineFixture(t, 2, 10*time.Second, 15*time.Second)
	f.add(running, -1)
	f.add(succeeded, -1)
	check(t, outcome{Deleted: 1, Finalizers: 2, Terminating: 1, Succeeded: 1, Failed: 1, Conditions: failingDeadline}, f.sync())
}

func TestSync35_ActiveDeadlineTimesOutBeforeAnyPodStarts(t *testing.T) {
	f := deadlineFixture(t, 1, 10*time.Second, 10*time.Second)
	check(t, outcome{Conditions: failedDeadline}, f.sync())
}

func TestSync36_ActiveDeadlineWithBackoffLimitReach(t *testing.T) {
	f := deadlineFixture(t, 1, time.Second, 10*time.Second)
	f.j.spec.BackoffLimit = Ptr(0)
	f.add(failed, -1)
	check(t, outcome{Finalizers: 1, Failed: 1, Conditions: failedBackoffLimit}, f.sync())
}

func TestSync37_ActiveDeadlineIsNotTriggeredWhenJobIsSuspended(t *testing.T) {
	f := deadlineFixture(t, 2, 10*time.Second, 15*time.Second)
	f.j.spec.Suspend = true
	check(t, outcome{Conditions: []string{"Suspended/JobSuspended"}}, f.sync())
}

func hasEvent(c *Cluster, reason, message string) bool {
	for _, e := range c.events {
		if e.Reason == reason && e.Message == message {
			return true
		}
	}
	return false
}
