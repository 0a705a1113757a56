package jobsim

import (
	"testing"
	"time"
)

// One-sync cases of the upstream unit tests (pkg/controller/job/
// job_controller_test.go): TestControllerSyncJob's replacement-policy
// cases (29–32), TestSyncJobWithJobPodFailurePolicy,
// TestSyncJobWithJobBackoffLimitPerIndex and TestSyncJobWithJobSuccessPolicy,
// with the expectations the controller's rules give. Matching-only cases (40, 43, 44 with two
// containers, 46) are table tests of matchPodFailurePolicy.

// §9.3 Replacement policy.

func TestSync29_WorkQueueRecreatePodsWhenFailed(t *testing.T) {
	s := spec(1, nil)
	s.PodReplacementPolicy = ReplaceFailed
	f := newFixture(t, s)
	f.add(running, -1)
	f.add(failed, -1)
	f.add(terminating, -1)
	check(t, outcome{Finalizers: 1, Active: 1, Terminating: 1, Failed: 1}, f.sync())
}

func TestSync30_WorkQueueRecreatePodsWhenTerminatingOrFailed(t *testing.T) {
	s := spec(1, nil)
	s.PodReplacementPolicy = ReplaceTerminatingOrFailed
	f := newFixture(t, s)
	f.add(running, -1)
	f.add(failed, -1)
	f.add(terminating, -1)
	check(t, outcome{Finalizers: 2, Active: 1, Terminating: 1, Failed: 2}, f.sync())
}

func TestSync31_MoreTerminatingPodsThanParallelism(t *testing.T) {
	s := spec(1, Ptr(1))
	s.PodReplacementPolicy = ReplaceFailed
	f := newFixture(t, s)
	f.addN(2, running)
	f.addN(4, terminating)
	check(t, outcome{Deleted: 1, Finalizers: 1, Active: 1, Terminating: 5}, f.sync())
}

func TestSync32_IndexedJobWithSomePodsDeleted(t *testing.T) {
	for _, tc := range []struct {
		policy PodReplacementPolicy
		want   outcome
	}{
		{ReplaceFailed, outcome{Created: []int{0}, Active: 1, Terminating: 1}},
		{ReplaceTerminatingOrFailed, outcome{Created: []int{0, 1}, Finalizers: 1, Active: 2, Terminating: 1}},
	} {
		s := indexed(2, 5)
		s.PodReplacementPolicy = tc.policy
		f := newFixture(t, s)
		f.add(terminating, -1)
		t.Run(string(tc.policy), func(t *testing.T) { check(t, tc.want, f.sync()) })
	}
}

// §9.5 Pod failure policy (p=1, c=1, backoffLimit 6 unless stated).

func policySpec(parallelism int, completions *int, rules ...PodFailurePolicyRule) JobSpec {
	s := spec(parallelism, completions)
	s.PodFailurePolicy = &PodFailurePolicy{Rules: rules}
	return s
}

var (
	ignore123  = PodFailurePolicyRule{Action: ActionIgnore, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{1, 2, 3}}}
	failJob567 = PodFailurePolicyRule{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{5, 6, 7}}}
	failedPFP  = []string{"FailureTarget/PodFailurePolicy", "Failed/PodFailurePolicy"}
)

func failJobMessage(t *testing.T, f *fixture) string {
	t.Helper()
	c, _ := f.handle().Status().Condition(JobFailureTarget)
	return c.Message
}

func TestSync38_FailJobBasedOnOnExitCodes(t *testing.T) {
	f := newFixture(t, policySpec(1, Ptr(1), ignore123, failJob567))
	p := f.addFailed(-1, 5)
	check(t, outcome{Finalizers: 1, Failed: 1, Conditions: failedPFP}, f.sync())
	want := "Container main-container for pod default/" + p.name() + " failed with exit code 5 matching FailJob rule at index 1"
	if got := failJobMessage(t, f); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if c, _ := f.handle().Status().Condition(JobFailed); c.Message != want {
		t.Errorf("Failed message %q, want the FailureTarget's", c.Message)
	}
}

func TestSync39_FailJobWithMultiplePods(t *testing.T) {
	f := newFixture(t, policySpec(2, Ptr(2), ignore123, failJob567))
	f.add(running, -1)
	f.addFailed(-1, 5)
	check(t, outcome{Deleted: 1, Finalizers: 2, Terminating: 1, Failed: 2, Conditions: []string{"FailureTarget/PodFailurePolicy"}}, f.sync())
}

func TestSync41_FailJobBasedOnOnExitCodesWithNotInOperator(t *testing.T) {
	f := newFixture(t, policySpec(1, Ptr(1), PodFailurePolicyRule{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpNotIn, Values: []int{5, 6, 7}}}))
	f.addFailed(-1, 42)
	check(t, outcome{Finalizers: 1, Failed: 1, Conditions: failedPFP}, f.sync())
}

func TestSync42_DefaultHandlingWithNotInOperator(t *testing.T) {
	f := newFixture(t, policySpec(1, Ptr(1), PodFailurePolicyRule{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpNotIn, Values: []int{5, 6, 7}}}))
	f.addFailed(-1, 5)
	check(t, outcome{Created: nonIndexed(1), Finalizers: 1, Active: 1, Failed: 1}, f.sync())
}

func TestSync44_IgnoredFailureDoesNotCountTowardBackoffLimit(t *testing.T) {
	// Case 44's pod has two containers (exit 2 and 6); the first rule
	// (Ignore) decides, which TestMatchPodFailurePolicy checks. Here: with
	// backoffLimit 0 the ignored failure neither counts nor fails the job.
	s := policySpec(1, Ptr(1), ignore123, failJob567)
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.addFailed(-1, 2)
	check(t, outcome{Created: nonIndexed(1), Finalizers: 1, Active: 1}, f.sync())
}

func TestSync45_CountPodFailureBasedOnOnExitCodes(t *testing.T) {
	f := newFixture(t, policySpec(1, Ptr(1),
		PodFailurePolicyRule{Action: ActionCount, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{1, 2}}},
		PodFailurePolicyRule{Action: ActionIgnore, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{2, 3}}}))
	f.addFailed(-1, 2)
	check(t, outcome{Created: nonIndexed(1), Finalizers: 1, Active: 1, Failed: 1}, f.sync())
}

func TestSync47_IgnorePodFailureBasedOnOnPodConditions(t *testing.T) {
	s := policySpec(1, Ptr(1), onConditions(ActionIgnore, "DisruptionTarget"))
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.addDisrupted(-1)
	check(t, outcome{Created: nonIndexed(1), Finalizers: 1, Active: 1}, f.sync())
}

func TestSync48_IgnoredFailuresDelayPodRecreation(t *testing.T) {
	s := policySpec(1, Ptr(1), onConditions(ActionIgnore, "DisruptionTarget"))
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.at(fixtureNow)
	p := f.addDisrupted(-1)
	f.c.deletePod(p)
	check(t, outcome{Finalizers: 1}, f.sync())
	// Ignored failures still feed the backoff: the replacement comes 10 s
	// later.
	if err := f.c.RunUntil(f.c.eng.Epoch().Add(fixtureNow + 10*time.Second - time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n := f.handle().PodsCreated(); n != 1 {
		t.Fatalf("%d pods before the backoff ended, want the failed one only", n)
	}
	if err := f.c.RunUntil(f.c.eng.Epoch().Add(fixtureNow + 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := f.handle().PodsCreated(); n != 2 {
		t.Errorf("%d pods when the backoff ended, want 2", n)
	}
}

func TestSync49_FailJobBasedOnOnPodConditions(t *testing.T) {
	f := newFixture(t, policySpec(1, Ptr(1), onConditions(ActionFailJob, "DisruptionTarget")))
	p := f.addDisrupted(-1)
	check(t, outcome{Finalizers: 1, Failed: 1, Conditions: failedPFP}, f.sync())
	if got, want := failJobMessage(t, f), "Pod default/"+p.name()+" has condition DisruptionTarget matching FailJob rule at index 0"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestSync50_TerminatingPodNotConsideredFailedWithPodFailurePolicy(t *testing.T) {
	s := policySpec(1, nil, onConditions(ActionCount, "DisruptionTarget"))
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.add(terminating, -1)
	check(t, outcome{Terminating: 1}, f.sync())
}

// §9.6 backoffLimitPerIndex (Indexed, p=2, c=2, backoffLimitPerIndex 1,
// backoffLimit 2147483647 unless stated).

func perIndexSpec(parallelism, completions int, rules ...PodFailurePolicyRule) JobSpec {
	s := indexed(parallelism, completions)
	s.BackoffLimitPerIndex = Ptr(1)
	if len(rules) > 0 {
		s.PodFailurePolicy = &PodFailurePolicy{Rules: rules}
	}
	return s
}

func failedWithCount(f *fixture, index, count, exit int) *pod {
	p := f.add(running, index)
	p.failureCount = count
	f.c.containerExit(p, exit)
	return p
}

func TestSync51_SingleFailedPodNotCountedAsReplacementIsDelayed(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2))
	failedWithCount(f, 0, 0, 1)
	check(t, outcome{Created: []int{0, 1}, Active: 2}, f.sync())
	for _, p := range f.handle().Pods() {
		if p.Index() == 0 && p.Status.Phase == PodRunning && p.Annotations[JobIndexFailureCountAnnotation] != "1" {
			t.Errorf("replacement of index 0 has failure count %q, want 1", p.Annotations[JobIndexFailureCountAnnotation])
		}
	}
}

func TestSync51_ReplacementWaitsTenSecondsAfterTheFailure(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2))
	f.at(fixtureNow)
	failedWithCount(f, 0, 0, 1)
	check(t, outcome{Created: []int{1}, Active: 1}, f.sync())
	if err := f.c.RunUntil(f.c.eng.Epoch().Add(fixtureNow + 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := f.handle().PodsCreated(); n != 3 {
		t.Errorf("%d pods 10 s after the failure, want 3 (the replacement of index 0 included)", n)
	}
}

func TestSync52_SingleFailedPodReplacedAlready(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2))
	failedWithCount(f, 0, 0, 1)
	p := f.add(pending, 0)
	p.failureCount = 1
	check(t, outcome{Created: []int{1}, Finalizers: 1, Active: 2, Failed: 1}, f.sync())
}

func TestSync53_SingleFailedIndexDueToBackoffLimitPerIndex(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2))
	failedWithCount(f, 0, 1, 1)
	check(t, outcome{Created: []int{1}, Finalizers: 1, Active: 1, Failed: 1, FailedIdx: "0"}, f.sync())
}

func TestSync54_SingleFailedIndexDueToFailIndexAction(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2, PodFailurePolicyRule{Action: ActionFailIndex, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{3}}}))
	failedWithCount(f, 0, 0, 3)
	check(t, outcome{Created: []int{1}, Finalizers: 1, Active: 1, Failed: 1, FailedIdx: "0"}, f.sync())
}

func TestSync55_JobFailedDueToFailJobAction(t *testing.T) {
	s := perIndexSpec(2, 2, PodFailurePolicyRule{Action: ActionFailJob, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{3}}})
	s.BackoffLimit = Ptr(6)
	s.Template.Spec.Containers = []Container{{Name: "x", Image: "busybox"}}
	f := newFixture(t, s)
	p := failedWithCount(f, 0, 0, 3)
	check(t, outcome{Finalizers: 1, Failed: 1, Conditions: failedPFP}, f.sync())
	if got, want := failJobMessage(t, f), "Container x for pod default/"+p.name()+" failed with exit code 3 matching FailJob rule at index 0"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestSync56_JobPodFailureIgnoredDueToIgnoreAction(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2, PodFailurePolicyRule{Action: ActionIgnore, OnExitCodes: &PodFailurePolicyOnExitCodes{Operator: OpIn, Values: []int{3}}}))
	failedWithCount(f, 0, 0, 3)
	check(t, outcome{Created: []int{0, 1}, Active: 2}, f.sync())
	for _, p := range f.handle().Pods() {
		if p.Index() == 0 && p.Status.Phase == PodRunning {
			if p.Annotations[JobIndexFailureCountAnnotation] != "0" || p.Annotations[JobIndexIgnoredFailureCountAnnotation] != "1" {
				t.Errorf("replacement of index 0: annotations %v, want failure count 0 and ignored count 1", p.Annotations)
			}
		}
	}
}

func TestSync57_BackoffLimitCheckedBeforeBackoffLimitPerIndex(t *testing.T) {
	s := perIndexSpec(2, 2)
	s.BackoffLimit = Ptr(1)
	f := newFixture(t, s)
	failedWithCount(f, 0, 0, 1)
	failedWithCount(f, 1, 0, 1)
	check(t, outcome{Finalizers: 2, Failed: 2, Conditions: failedBackoffLimit}, f.sync())
}

func TestSync58_JobFailedDueToFailedIndexes(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2))
	failedWithCount(f, 0, 1, 1)
	f.add(succeeded, 1)
	check(t, outcome{Finalizers: 2, Succeeded: 1, Failed: 1, Completed: "1", FailedIdx: "0",
		Conditions: []string{"FailureTarget/FailedIndexes", "Failed/FailedIndexes"}}, f.sync())
}

func TestSync59_JobFailedDueToExceedingMaxFailedIndexes(t *testing.T) {
	s := perIndexSpec(4, 4)
	s.MaxFailedIndexes = Ptr(1)
	f := newFixture(t, s)
	failedWithCount(f, 0, 1, 1)
	f.add(succeeded, 1)
	failedWithCount(f, 2, 1, 1)
	f.add(running, 3)
	check(t, outcome{Deleted: 1, Finalizers: 4, Terminating: 1, Succeeded: 1, Failed: 3, Completed: "1", FailedIdx: "0,2",
		Conditions: []string{"FailureTarget/MaxFailedIndexesExceeded"}}, f.sync())
}

func TestSync60_IndexSucceedsAfterOneRetry(t *testing.T) {
	f := newFixture(t, perIndexSpec(2, 2))
	failedWithCount(f, 0, 0, 1)
	p := f.add(succeeded, 0)
	p.failureCount = 1
	f.add(succeeded, 1)
	check(t, outcome{Finalizers: 3, Succeeded: 2, Failed: 1, Completed: "0,1", Conditions: completedByCompletions}, f.sync())
}

// §9.7 successPolicy (Indexed, backoffLimit 2147483647).

func successSpec(parallelism, completions int, rules ...SuccessPolicyRule) JobSpec {
	s := indexed(parallelism, completions)
	s.BackoffLimit = Ptr(2147483647)
	s.SuccessPolicy = &SuccessPolicy{Rules: rules}
	return s
}

var indexes01count1 = SuccessPolicyRule{SucceededIndexes: Ptr("0,1"), SucceededCount: Ptr(1)}

func TestSync61_SuccessCriteriaMetWhileSomeIndexesFail(t *testing.T) {
	f := newFixture(t, successSpec(3, 3, indexes01count1))
	f.add(failed, 0)
	f.add(running, 0)
	f.add(succeeded, 1)
	f.add(running, 2)
	check(t, outcome{Deleted: 2, Finalizers: 4, Terminating: 2, Succeeded: 1, Failed: 1, Completed: "1",
		Conditions: []string{"SuccessCriteriaMet/SuccessPolicy"}}, f.sync())
	if c, _ := f.handle().Status().Condition(JobSuccessCriteriaMet); c.Message != "Matched rules at index 0" {
		t.Errorf("message %q", c.Message)
	}
	// Complete follows once the deleted pods are gone; they are not
	// counted as failed.
	if err := f.c.Run(); err != nil {
		t.Fatal(err)
	}
	st := f.handle().Status()
	if !st.IsTrue(JobComplete) || st.Failed != 1 {
		t.Errorf("after the deleted pods are gone: %+v, want Complete and failed 1", st)
	}
	if c, _ := st.Condition(JobComplete); c.Reason != JobReasonSuccessPolicy || c.Message != "Matched rules at index 0" {
		t.Errorf("Complete = %+v", c)
	}
}

func TestSync62_SuccessPolicyAndBackoffLimitPerIndexBothMet(t *testing.T) {
	s := successSpec(2, 2, indexes01count1)
	s.BackoffLimitPerIndex = Ptr(1)
	f := newFixture(t, s)
	failedWithCount(f, 0, 1, 1)
	f.add(succeeded, 1)
	check(t, outcome{Finalizers: 2, Succeeded: 1, Failed: 1, Completed: "1", FailedIdx: "0",
		Conditions: []string{"FailureTarget/FailedIndexes", "Failed/FailedIndexes"}}, f.sync())
}

func TestSync63_SuccessPolicyAndBackoffLimitBothMet(t *testing.T) {
	s := successSpec(2, 2, indexes01count1)
	s.BackoffLimit = Ptr(1)
	f := newFixture(t, s)
	f.add(failed, 0)
	f.add(failed, 0)
	f.add(succeeded, 1)
	check(t, outcome{Finalizers: 3, Succeeded: 1, Failed: 2, Completed: "1", Conditions: failedBackoffLimit}, f.sync())
}

func TestSync64_SuccessCriteriaMetBeforeAFailJobMatch(t *testing.T) {
	s := successSpec(2, 2, SuccessPolicyRule{SucceededCount: Ptr(1)})
	s.PodFailurePolicy = &PodFailurePolicy{Rules: []PodFailurePolicyRule{onConditions(ActionFailJob, "DisruptionTarget")}}
	f := newFixture(t, s)
	f.j.status.conditions = []JobCondition{{Type: JobSuccessCriteriaMet, Status: ConditionTrue, Reason: JobReasonSuccessPolicy, Message: "Matched rules at index 0"}}
	f.addDisrupted(0)
	f.add(succeeded, 1)
	check(t, outcome{Finalizers: 2, Succeeded: 1, Failed: 1, Completed: "1",
		Conditions: []string{"SuccessCriteriaMet/SuccessPolicy", "Complete/SuccessPolicy"}}, f.sync())
}

func TestSync65_FailureTargetBeforeTheSuccessPolicyIsMet(t *testing.T) {
	s := successSpec(2, 2, SuccessPolicyRule{SucceededCount: Ptr(1)})
	f := newFixture(t, s)
	f.j.status.conditions = []JobCondition{{Type: JobFailureTarget, Status: ConditionTrue, Reason: JobReasonPodFailurePolicy, Message: "Container x failed"}}
	f.add(succeeded, 1)
	check(t, outcome{Finalizers: 1, Succeeded: 1, Completed: "1", Conditions: failedPFP}, f.sync())
}
