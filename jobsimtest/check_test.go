package jobsimtest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// The checker is itself checked: each case below takes a valid history of
// a real run, corrupts one fact the way a faulty Job controller (or
// scheduler, or kubelet) would, and expects the checker to name the rule
// broken. A case is named after the upstream Kubernetes function (in
// k8s.io/kubernetes v1.35.4) that keeps the rule: pkg/controller/job's
// job_controller.go, backoff_utils.go, indexed_job_utils.go,
// pod_failure_policy.go and success_policy.go; pkg/apis/batch/validation's
// validation.go, whose status validation the API server applies to every
// status write; and pkg/scheduler's plugins and preemption.

// corruption is one test of the checker: what to break, and what the
// checker must then report.
type corruption struct {
	name     string
	scenario string
	corrupt  func(t *testing.T, r *recording)
	want     string
}

// Predicates over steps.

func statusWrite(job string) func(s step) bool {
	return func(s step) bool { return s.event.Reason == jobsim.ReasonStatusUpdated && s.event.Job == job }
}

func reason(r string) func(s step) bool {
	return func(s step) bool { return s.event.Reason == r }
}

// writeWith finds the status write of job whose status satisfies f.
func writeWith(job string, f func(st jobsim.JobStatus) bool) func(s step) bool {
	return func(s step) bool { return statusWrite(job)(s) && f(s.jobs[job].Status) }
}

func hasCondition(t jobsim.JobConditionType) func(st jobsim.JobStatus) bool {
	return func(st jobsim.JobStatus) bool { return st.IsTrue(t) }
}

// last returns the index of the last step.
func (r *recording) last() int { return len(r.steps) - 1 }

// job returns the view of job at step i, to change in place.
func (r *recording) job(t *testing.T, i int, job string) *jobsim.JobView {
	t.Helper()
	v := r.steps[i].jobs[job]
	if v == nil {
		t.Fatalf("step %d has no job %s", i, job)
	}
	return v
}

// node returns the view of node name at step i, to change in place.
func (r *recording) node(t *testing.T, i int, name string) *jobsim.NodeView {
	t.Helper()
	for j := range r.steps[i].nodes {
		if n := &r.steps[i].nodes[j]; n.Name == name {
			return n
		}
	}
	t.Fatalf("step %d has no node %s", i, name)
	return nil
}

// pod returns the view of the pod called name at step i of job.
func (r *recording) pod(t *testing.T, i int, job, name string) *jobsim.Pod {
	t.Helper()
	v := r.job(t, i, job)
	for j := range v.Pods {
		if v.Pods[j].Name == name {
			return &v.Pods[j]
		}
	}
	t.Fatalf("step %d: job %s has no pod %s", i, job, name)
	return nil
}

// activePods returns the indexes in v.Pods of the pods neither finished
// nor being deleted.
func activePods(v *jobsim.JobView) []int {
	var out []int
	for i, p := range v.Pods {
		if p.DeletionTime.IsZero() && p.Status.Phase != jobsim.PodSucceeded && p.Status.Phase != jobsim.PodFailed {
			out = append(out, i)
		}
	}
	return out
}

// dropCondition removes the conditions of type c.
func dropCondition(st *jobsim.JobStatus, c jobsim.JobConditionType) {
	st.Conditions = slices.DeleteFunc(st.Conditions, func(x jobsim.JobCondition) bool { return x.Type == c })
}

// addCondition appends a true condition of type c with reason why.
func addCondition(st *jobsim.JobStatus, at time.Time, c jobsim.JobConditionType, why string) {
	st.Conditions = append(st.Conditions, jobsim.JobCondition{Type: c, Status: jobsim.ConditionTrue, Reason: why, LastTransitionTime: at})
}

// condition returns the condition of type c, to change in place.
func condition(t *testing.T, st *jobsim.JobStatus, c jobsim.JobConditionType) *jobsim.JobCondition {
	t.Helper()
	for i := range st.Conditions {
		if st.Conditions[i].Type == c {
			return &st.Conditions[i]
		}
	}
	t.Fatalf("no %s condition", c)
	return nil
}

var corruptions = []corruption{
	// The simulation's clock, which every rule below measures by.
	{"Clock/TimeNeverGoesBack", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 1, reason(jobsim.ReasonExitCompleted))
		r.steps[i].event.Time = r.steps[i-1].event.Time.Add(-time.Second)
	}, "virtual time went back"},

	// syncJob returns at once for a finished job, and once it has a
	// finishedCondition it deletes active pods instead of calling
	// manageJob: no pod is created for a failing job.
	{"syncJob/NoPodCreatedOnceFinishing", "doomed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("doomed", hasCondition(jobsim.JobFailureTarget)))
		s := r.steps[i]
		s.event = jobsim.Event{Time: s.event.Time, Object: jobsim.ObjectRef{Kind: jobsim.KindJob, Namespace: "default", Name: "doomed"},
			Job: "doomed", Type: jobsim.EventNormal, Reason: jobsim.ReasonSuccessfulCreate, Message: "Created pod: doomed-extra"}
		r.insert(i+1, s)
	}, "pod created after the job got a terminal or interim condition"},

	// manageJob deletes the active pods of a suspended job and creates
	// none.
	{"manageJob/NoPodCreatedWhileSuspended", "suspended", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonSuccessfulCreate))
		r.job(t, i, "suspended").Job.Spec.Suspend = true
	}, "pod created while the job is suspended"},

	// manageJob creates pods only once backoffRecord.getRemainingTime
	// (backoff_utils.go) is 0: 10 s doubling per failure since the last
	// success, from the last failure's finish time. Two failures by 7 s
	// hold creations back until 27 s; here the replacements come at 17 s.
	{"getRemainingTime/NoPodCreatedDuringBackoff", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Failed == 2 }))
		for j := i + 1; r.steps[j].event.Reason == jobsim.ReasonSuccessfulCreate; j++ {
			r.steps[j].event.Time = r.steps[i].event.Time.Add(10 * time.Second)
		}
	}, "before the backoff of 2 failures allows"},

	// syncJob writes active = the active pods, ready = countReadyPods,
	// terminating = controller.CountTerminatingPods.
	{"syncJob/ActiveIsTheActivePods", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Active == 2 && st.Ready == 2 && st.Failed == 2 }))
		r.job(t, i, "flaky").Status.Active = 3
	}, "status active=3 ready=2 terminating=0, pods show 2, 2, 0"},
	{"countReadyPods/ReadyIsTheReadyPods", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Active == 2 && st.Ready == 2 && st.Failed == 2 }))
		r.job(t, i, "flaky").Status.Ready = 1
	}, "status active=2 ready=1 terminating=0, pods show 2, 2, 0"},
	{"CountTerminatingPods/TerminatingIsTheDeletedPods", "failjob", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("failjob", func(st jobsim.JobStatus) bool { return st.Terminating == 1 }))
		r.job(t, i, "failjob").Status.Terminating = 0
	}, "status active=0 ready=0 terminating=0, pods show 0, 0, 1"},

	// validateJobStatus (RejectMoreReadyThanActivePods).
	{"validateJobStatus/ReadyAtMostActive", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Active == 2 && st.Ready == 2 && st.Failed == 2 }))
		r.job(t, i, "flaky").Status.Ready = 3
	}, "ready 3 > active 2"},

	// trackJobStatusAndRemoveFinalizers counts each finished pod, as
	// getNewFinishedPods finds it, once its finalizer is removed:
	// succeeded ones in succeeded, failed ones (isPodFailed) in failed.
	{"trackJobStatusAndRemoveFinalizers/SucceededCountsSucceededPods", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Succeeded == 2 }))
		r.job(t, i, "flaky").Status.Succeeded = 3
	}, "succeeded 3, but 2 pods were counted as succeeded"},
	{"trackJobStatusAndRemoveFinalizers/FailedCountsFailedPods", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Failed == 2 }))
		r.job(t, i, "flaky").Status.Failed = 1
	}, "failed 1, but 2 pods were counted as failed"},

	// ValidateJobStatusUpdate (RejectDecreasingFailedCounter).
	{"ValidateJobStatusUpdate/CountersNeverDecrease", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Failed == 2 }))
		i = r.find(t, i+1, statusWrite("flaky"))
		r.job(t, i, "flaky").Status.Failed = 1
	}, "failed 2→1: counts went down"},

	// manageJob: no active pod while suspended; wantActive is
	// min(parallelism, completions − succeeded); for a work queue,
	// parallelism until the first success and then at most the pods
	// active.
	{"manageJob/NoActivePodWhileSuspended", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Active == 2 }))
		r.job(t, i, "flaky").Job.Spec.Suspend = true
	}, "2 pods active while suspended"},
	{"manageJob/ActiveAtMostWantActive", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Active == 2 }))
		r.job(t, i, "flaky").Job.Spec.Parallelism = jobsim.Ptr(1)
	}, "active 2 > min(parallelism 1, completions 3 - succeeded 0)"},
	{"manageJob/WorkQueueActiveAtMostParallelism", "queue", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("queue", func(st jobsim.JobStatus) bool { return st.Active == 2 }))
		r.job(t, i, "queue").Job.Spec.Parallelism = jobsim.Ptr(1)
	}, "active 2 > parallelism 1"},
	{"manageJob/WorkQueueCreatesNoPodAfterASuccess", "queue", func(t *testing.T, r *recording) {
		// A status write after the first success shows a new running
		// pod next to the one left.
		i := r.find(t, 0, writeWith("queue", func(st jobsim.JobStatus) bool { return st.Succeeded == 1 }))
		s := r.steps[i]
		v := *s.jobs["queue"]
		v.Pods = slices.Clone(v.Pods)
		extra := v.Pods[activePods(&v)[0]]
		extra.Name, extra.UID = "queue-extra", "extra"
		v.Pods = append(v.Pods, extra)
		v.Status.Active++
		v.Status.Ready++
		s.jobs = map[string]*jobsim.JobView{"queue": &v}
		s.event.Time = s.event.Time.Add(time.Second)
		r.insert(i+1, s)
	}, "work queue: active grew from 1 to 2 after a success"},

	// Indexed jobs: manageJob removes, through
	// appendDuplicatedIndexPodsForRemoval, every active pod whose index
	// is out of [0, completions) and all but one per index;
	// calculateSucceededIndexes only adds to completedIndexes, and
	// trackJobStatusAndRemoveFinalizers sets succeeded to their number.
	{"appendDuplicatedIndexPodsForRemoval/IndexWithinCompletions", "indexed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("indexed", func(st jobsim.JobStatus) bool { return st.Active == 2 && st.Succeeded == 1 }))
		v := r.job(t, i, "indexed")
		v.Pods[activePods(v)[1]].Annotations[jobsim.JobCompletionIndexAnnotation] = "3"
	}, "active pod with index 3 outside [0, 3)"},
	{"appendDuplicatedIndexPodsForRemoval/OneActivePodPerIndex", "indexed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("indexed", func(st jobsim.JobStatus) bool { return st.Active == 2 && st.Succeeded == 1 }))
		v := r.job(t, i, "indexed")
		a := activePods(v)
		v.Pods[a[1]].Annotations[jobsim.JobCompletionIndexAnnotation] = v.Pods[a[0]].Annotations[jobsim.JobCompletionIndexAnnotation]
	}, "2 active pods with index 1"},
	{"calculateSucceededIndexes/CompletedIndexesOnlyGrow", "indexed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("indexed", func(st jobsim.JobStatus) bool { return st.CompletedIndexes == "0,1" }))
		r.job(t, i, "indexed").Status.CompletedIndexes = "1"
	}, `index 0 left completedIndexes "1"`},
	{"trackJobStatusAndRemoveFinalizers/IndexedSucceededCountsCompletedIndexes", "indexed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("indexed", func(st jobsim.JobStatus) bool { return st.CompletedIndexes == "0,1" }))
		r.job(t, i, "indexed").Status.Succeeded = 3
	}, `succeeded 3 but completedIndexes "0,1"`},

	// syncJob: complete = succeeded ≥ completions and no active pod gives
	// SuccessCriteriaMet (reason CompletionsReached), and only then;
	// exceedsBackoffLimit (failed > backoffLimit) or
	// pastBackoffLimitOnFailure gives FailureTarget with
	// BackoffLimitExceeded, and only then.
	{"syncJob/CompletionsReachedSetsSuccessCriteriaMet", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", hasCondition(jobsim.JobComplete)))
		st := &r.job(t, i, "flaky").Status
		dropCondition(st, jobsim.JobSuccessCriteriaMet)
		dropCondition(st, jobsim.JobComplete)
		st.CompletionTime = time.Time{}
	}, "completions reached (succeeded 3, active 0) but no SuccessCriteriaMet"},
	{"syncJob/SuccessCriteriaMetOnlyWhenCompletionsReached", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Failed == 2 && st.Active == 0 }))
		addCondition(&r.job(t, i, "flaky").Status, r.steps[i].event.Time, jobsim.JobSuccessCriteriaMet, jobsim.JobReasonCompletionsReached)
	}, "SuccessCriteriaMet/CompletionsReached with succeeded 0"},
	{"syncJob/BackoffLimitExceededOnlyPastTheLimit", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Failed == 2 && st.Active == 0 }))
		addCondition(&r.job(t, i, "flaky").Status, r.steps[i].event.Time, jobsim.JobFailureTarget, jobsim.JobReasonBackoffLimitExceeded)
	}, "BackoffLimitExceeded with failed 2 ≤ backoffLimit 6 and 0 restarts"},
	{"syncJob/FailedPastBackoffLimitSetsFailureTarget", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", func(st jobsim.JobStatus) bool { return st.Failed == 2 && st.Active == 0 }))
		r.job(t, i, "flaky").Job.Spec.BackoffLimit = jobsim.Ptr(1)
	}, "backoff limit 1 exceeded (failed 2, restarts 0) but no FailureTarget"},
	{"pastBackoffLimitOnFailure/RestartsReachingTheLimitSetFailureTarget", "restarts", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonBackOff))
		i = r.find(t, i, statusWrite("restarts"))
		v := r.job(t, i, "restarts")
		v.Pods[0].Status.ContainerStatuses[0].RestartCount = 2
	}, "backoff limit 2 exceeded (failed 0, restarts 2) but no FailureTarget"},

	// enactJobFinished sets completionTime to the Complete condition's
	// time; validateJobStatus rejects a completionTime without Complete
	// (RejectNotCompleteJobWithCompletionTime) and a finished job with
	// active or terminating pods (RejectFinishedJobWithActivePods,
	// RejectFinishedJobWithTerminatingPods).
	{"enactJobFinished/CompleteSetsCompletionTime", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", hasCondition(jobsim.JobComplete)))
		r.job(t, i, "flaky").Status.CompletionTime = time.Time{}
	}, "Complete with completionTime 0001-01-01 00:00:00 +0000 UTC, active 0, terminating 0"},
	{"validateJobStatus/FailedJobHasNoCompletionTime", "doomed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("doomed", hasCondition(jobsim.JobFailed)))
		r.job(t, i, "doomed").Status.CompletionTime = r.steps[i].event.Time
	}, "Failed with completionTime 1970-01-01 00:00:20"},
	{"validateJobStatus/FinishedJobHasNoActivePods", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", hasCondition(jobsim.JobComplete)))
		r.job(t, i, "flaky").Status.Active = 1
	}, "active 1, terminating 0"},

	// syncJob sets FailureTarget with reason PodFailurePolicy when
	// getFailJobMessage finds a failed pod matching a FailJob rule, with
	// the message matchPodFailurePolicy (pod_failure_policy.go) gives.
	{"getFailJobMessage/FailJobRuleSetsFailureTarget", "failjob", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("failjob", hasCondition(jobsim.JobFailureTarget)))
		dropCondition(&r.job(t, i, "failjob").Status, jobsim.JobFailureTarget)
	}, "matches FailJob rule 0 but the job has no FailureTarget"},
	{"matchPodFailurePolicy/FailJobMessageNamesPodAndRule", "failjob", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("failjob", hasCondition(jobsim.JobFailureTarget)))
		c := condition(t, &r.job(t, i, "failjob").Status, jobsim.JobFailureTarget)
		c.Message = strings.Replace(c.Message, "rule at index 0", "rule at index 1", 1)
	}, `but the failed pods matching FailJob rules would say ["Container work for pod default/failjob-`},

	// syncJob sets SuccessCriteriaMet with reason SuccessPolicy when
	// matchSuccessPolicy (success_policy.go) finds a satisfied rule, and
	// its message names the first one.
	{"matchSuccessPolicy/SatisfiedRuleSetsSuccessCriteriaMet", "successpolicy", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("successpolicy", hasCondition(jobsim.JobSuccessCriteriaMet)))
		dropCondition(&r.job(t, i, "successpolicy").Status, jobsim.JobSuccessCriteriaMet)
	}, `success policy rule 1 is satisfied by "1" but there is no SuccessCriteriaMet`},
	{"matchSuccessPolicy/MessageNamesTheFirstSatisfiedRule", "successpolicy", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("successpolicy", hasCondition(jobsim.JobSuccessCriteriaMet)))
		condition(t, &r.job(t, i, "successpolicy").Status, jobsim.JobSuccessCriteriaMet).Message = "Matched rules at index 0"
	}, `SuccessCriteriaMet "Matched rules at index 0", but the first satisfied rule is 1`},

	// Per-index backoff: trackJobStatusAndRemoveFinalizers writes
	// failedIndexes only with backoffLimitPerIndex
	// (RejectFailedIndexesForNoBackoffLimitPerIndex), never overlapping
	// completedIndexes (RejectFailedIndexesOverlappingCompleted); an
	// index fails exactly when isIndexFailed says so; syncJob sets
	// FailureTarget with MaxFailedIndexesExceeded exactly when more
	// indexes failed than maxFailedIndexes.
	{"validateJobStatus/FailedIndexesOnlyWithBackoffLimitPerIndex", "indexed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("indexed", func(st jobsim.JobStatus) bool { return st.CompletedIndexes == "0,1" }))
		r.job(t, i, "indexed").Status.FailedIndexes = jobsim.Ptr("")
	}, `failedIndexes "" without backoffLimitPerIndex`},
	{"validateJobStatus/FailedIndexesDisjointFromCompleted", "perindex", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("perindex", func(st jobsim.JobStatus) bool { return st.CompletedIndexes == "1" }))
		r.job(t, i, "perindex").Status.FailedIndexes = jobsim.Ptr("0,1")
	}, "index 1 both completed and failed"},
	{"isIndexFailed/PodAtTheLimitFailsItsIndex", "perindex", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("perindex", func(st jobsim.JobStatus) bool { return st.Failed == 1 }))
		r.job(t, i, "perindex").Status.FailedIndexes = jobsim.Ptr("")
	}, "(index 0, failure count 0, rule action \"\") should have failed its index"},
	{"isIndexFailed/IndexFailsOnlyByAFailedPod", "perindex", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("perindex", func(st jobsim.JobStatus) bool { return st.CompletedIndexes == "1" }))
		r.job(t, i, "perindex").Status.FailedIndexes = jobsim.Ptr("0,2")
	}, "index 2 failed, but no failed pod of it reached backoffLimitPerIndex 0 or matched FailIndex"},
	{"syncJob/MaxFailedIndexesExceededSetsFailureTarget", "perindex", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("perindex", func(st jobsim.JobStatus) bool { return st.Failed == 1 }))
		r.job(t, i, "perindex").Job.Spec.MaxFailedIndexes = jobsim.Ptr(0)
	}, "1 failed indexes > maxFailedIndexes 0, but no FailureTarget"},
	{"syncJob/MaxFailedIndexesExceededOnlyPastTheMaximum", "perindex", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("perindex", hasCondition(jobsim.JobFailureTarget)))
		r.job(t, i, "perindex").Job.Spec.MaxFailedIndexes = jobsim.Ptr(2)
	}, "MaxFailedIndexesExceeded with 2 failed indexes ≤ 2"},

	// Conditions: trackJobStatusAndRemoveFinalizers and enactJobFinished
	// only append them; validateJobStatus rejects Complete with Failed
	// (RejectCompleteJobWithFailedCondition), Complete without
	// SuccessCriteriaMet, Failed without FailureTarget, SuccessCriteriaMet
	// with FailureTarget; ValidateJobStatusUpdate rejects disabling a
	// terminal condition (RejectDisablingTerminalCondition).
	{"trackJobStatusAndRemoveFinalizers/ConditionsOnlyAppended", "flaky", func(t *testing.T, r *recording) {
		st := &r.job(t, r.last(), "flaky").Status
		slices.Reverse(st.Conditions)
	}, "condition SuccessCriteriaMet removed or reordered"},
	{"validateJobStatus/NotBothCompleteAndFailed", "flaky", func(t *testing.T, r *recording) {
		i := r.last()
		addCondition(&r.job(t, i, "flaky").Status, r.steps[i].event.Time, jobsim.JobFailed, jobsim.JobReasonBackoffLimitExceeded)
	}, "both Complete and Failed"},
	{"validateJobStatus/CompleteNeedsSuccessCriteriaMet", "flaky", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("flaky", hasCondition(jobsim.JobComplete)))
		dropCondition(&r.job(t, i, "flaky").Status, jobsim.JobSuccessCriteriaMet)
	}, "Complete without SuccessCriteriaMet"},
	{"validateJobStatus/FailedNeedsFailureTarget", "doomed", func(t *testing.T, r *recording) {
		i := r.find(t, 0, writeWith("doomed", hasCondition(jobsim.JobFailed)))
		dropCondition(&r.job(t, i, "doomed").Status, jobsim.JobFailureTarget)
	}, "Failed without FailureTarget"},
	{"validateJobStatus/NotBothSuccessCriteriaMetAndFailureTarget", "flaky", func(t *testing.T, r *recording) {
		i := r.last()
		addCondition(&r.job(t, i, "flaky").Status, r.steps[i].event.Time, jobsim.JobFailureTarget, jobsim.JobReasonBackoffLimitExceeded)
	}, "both SuccessCriteriaMet and FailureTarget"},
	{"ValidateJobStatusUpdate/TerminalConditionNeverDisabled", "flaky", func(t *testing.T, r *recording) {
		condition(t, &r.job(t, r.last(), "flaky").Status, jobsim.JobComplete).Status = jobsim.ConditionFalse
	}, `terminal condition Complete changed to ""`},

	// syncJob: past pastActiveDeadline, deleteActivePods deletes every
	// active pod, which the kubelet stops within its grace period. Here
	// the pods end 30 s late, past startTime + 20 s + 30 s.
	{"pastActiveDeadline/PodsStopWithinTheGracePeriod", "deadline", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonExitError))
		for j := i; j < len(r.steps); j++ {
			r.steps[j].event.Time = r.steps[j].event.Time.Add(30 * time.Second)
		}
	}, "still Running after startTime + activeDeadline + grace (1970-01-01T00:00:50Z)"},

	// enactJobFinished adds the terminal condition only once no pod is
	// uncounted: trackJobStatusAndRemoveFinalizers has removed every
	// finalizer and counted each pod once.
	{"enactJobFinished/NoFinalizerLeftOnceFinished", "flaky", func(t *testing.T, r *recording) {
		v := r.job(t, r.last(), "flaky")
		v.Pods[len(v.Pods)-1].Finalizers = []string{jobsim.JobTrackingFinalizer}
	}, "job default/flaky finished with pods still holding the finalizer"},
	{"trackJobStatusAndRemoveFinalizers/EveryCreatedPodCountedOnce", "flaky", func(t *testing.T, r *recording) {
		// The history loses the creation of the last pod.
		i := r.find(t, 0, func(s step) bool {
			return s.event.Reason == jobsim.ReasonSuccessfulCreate && s.jobs["flaky"].Status.Failed == 2
		})
		i = r.find(t, i+2, reason(jobsim.ReasonSuccessfulCreate))
		r.remove(i)
	}, "3 pods counted succeeded, 2 failed, 0 ignored, 0 not counted: 5, but 4 created"},

	// Scheduling: the scheduler binds a pod only to a node that passes
	// every filter — Fit.Filter (noderesources/fit.go: requests within
	// what is left), NodeUnschedulable.Filter (cordoned nodes),
	// NodeAffinity.Filter (nodeSelector), TaintToleration.Filter (the
	// not-ready taint of a NotReady node); schedulePod reports a FitError
	// (FailedScheduling) only when no node passes; the scheduling queue
	// (MoveAllToActiveOrBackoffQueue) retries a waiting pod when a node
	// changes; preemption evicts only pods of lower priority
	// (DefaultPreemption.SelectVictimsOnNode) and names its preemptor in
	// the Preempted event (preemption.go NewEvaluator).
	{"Fit.Filter/RequestsWithinCapacity", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonStarted))
		r.node(t, i, "a").Requested[jobsim.ResourceCPU] = 1500
	}, "node a: cpu requested 1500 > capacity 1000"},
	{"NodeUnschedulable.Filter/NoBindingToCordonedNode", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, func(s step) bool {
			return s.event.Reason == jobsim.ReasonScheduled && strings.HasSuffix(s.event.Message, " to b")
		})
		r.node(t, i, "b").Unschedulable = true
	}, "pod bound to node b (ready true, unschedulable true"},
	{"NodeAffinity.Filter/BindingMatchesNodeSelector", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, func(s step) bool {
			return s.event.Reason == jobsim.ReasonScheduled && strings.HasSuffix(s.event.Message, " to a")
		})
		r.pod(t, i, "low", r.steps[i].event.Object.Name).Spec.NodeSelector = map[string]string{"pool": "b"}
	}, "against selector map[pool:b]"},
	{"TaintToleration.Filter/NoBindingToNotReadyNode", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, func(s step) bool {
			return s.event.Reason == jobsim.ReasonScheduled && strings.HasSuffix(s.event.Message, " to a")
		})
		r.node(t, i, "a").Ready = false
	}, "pod bound to node a (ready false, unschedulable false"},
	{"kubelet/StartsContainersOnlyOnAReadyNode", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, func(s step) bool {
			if s.event.Reason != jobsim.ReasonStarted {
				return false
			}
			for _, v := range s.jobs {
				for _, q := range v.Pods {
					if q.Name == s.event.Object.Name {
						return q.Spec.NodeName == "a"
					}
				}
			}
			return false
		})
		r.node(t, i, "a").Ready = false
	}, "pod started on node a, which is not Ready"},
	{"schedulePod/FailedSchedulingOnlyWhenNoNodeFits", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonFailedScheduling))
		r.node(t, i, "b").Capacity[jobsim.ResourceCPU] = 4000
	}, "pod declared unschedulable, but node b has room"},
	{"MoveAllToActiveOrBackoffQueue/WaitingPodRetriedWhenRoomAppears", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, func(s step) bool { return s.event.Job == "high" })
		r.node(t, i, "b").Capacity[jobsim.ResourceCPU] = 4000
	}, "pending since 1970-01-01T00:00:00Z although node b has room"},
	{"NewEvaluator/PreemptedEventNamesThePreemptor", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonPreempted))
		r.steps[i].event.Message = "Preempted"
	}, `unexpected preemption message "Preempted"`},
	{"SelectVictimsOnNode/VictimsOfLowerPriorityOnly", "nodes", func(t *testing.T, r *recording) {
		i := r.find(t, 0, reason(jobsim.ReasonPreempted))
		r.job(t, i, "high").Pods[0].Spec.Priority = 0
	}, "(priority 0) preempted by high-"},
}

// scheduledN returns the step of the Scheduled event of the nth pod of
// job bound (from 0), and the pod's name and node at that step.
func (r *recording) scheduledN(t *testing.T, job string, n int) (i int, pod, node string) {
	t.Helper()
	i = -1
	for k := 0; k <= n; k++ {
		i = r.find(t, i+1, func(s step) bool { return s.event.Reason == jobsim.ReasonScheduled && s.event.Job == job })
	}
	pod = r.steps[i].event.Object.Name
	return i, pod, r.pod(t, i, job, pod).Spec.NodeName
}

// moveBound moves, in the view of step i, the other pods of job bound to
// a node to node.
func (r *recording) moveBound(t *testing.T, i int, job, except, node string) {
	t.Helper()
	v := r.job(t, i, job)
	for j := range v.Pods {
		if q := &v.Pods[j]; q.Name != except && q.Spec.NodeName != "" {
			q.Spec.NodeName = node
		}
	}
}

// eviction returns the step where the taint manager evicts a pod of job.
func (r *recording) eviction(t *testing.T, job string) (int, *jobsim.Pod) {
	t.Helper()
	i := r.find(t, 0, func(s step) bool { return s.event.Reason == jobsim.DisruptionTaintManager && s.event.Job == job })
	return i, r.pod(t, i, job, r.steps[i].event.Object.Name)
}

// schedulingCorruptions break the rules of kube-scheduler's filters for
// taints, pod affinity and spread constraints
// (pkg/scheduler/framework/plugins: tainttoleration, interpodaffinity,
// podtopologyspread), of scheduling gates (schedulinggates, and the API
// server's pod strategy), and of the taint manager
// (pkg/controller/tainteviction).
var schedulingCorruptions = []corruption{
	// TaintToleration.Filter: a pod is bound only to a node whose
	// NoSchedule and NoExecute taints it all tolerates.
	{"TaintToleration.Filter/NoBindingToAnUntoleratedTaint", "topology", func(t *testing.T, r *recording) {
		i, _, node := r.scheduledN(t, "spread", 0)
		n := r.node(t, i, node)
		n.Taints = append(slices.Clone(n.Taints), jobsim.Taint{Key: "pool", Value: "gpu", Effect: jobsim.TaintNoSchedule})
	}, "whose taint pool=gpu:NoSchedule it does not tolerate"},
	// The unreachable NoSchedule taint of a node that is not Ready is not
	// covered by a toleration of its NoExecute one: the replacement of the
	// evicted pod waits for the node to recover.
	{"TaintToleration.Filter/NoExecuteTolerationLeavesNoScheduleTaint", "nodefail", func(t *testing.T, r *recording) {
		i, _, node := r.scheduledN(t, "tolerant", 1)
		r.node(t, i, node).Ready = false
	}, "whose taint node.kubernetes.io/unreachable:NoSchedule it does not tolerate"},

	// InterPodAffinity.Filter: existing pods' required anti-affinity keeps
	// the pods it selects out of their domain; a pod's own keeps it out
	// of the domains of the pods it selects; its affinity keeps it in the
	// domains of pods matching all its terms.
	{"satisfyExistingPodsAntiAffinity/NoBindingNextToARepellingPod", "topology", func(t *testing.T, r *recording) {
		i, pod, node := r.scheduledN(t, "anti", 1)
		r.moveBound(t, i, "anti", pod, node)
	}, "(InterPodAffinity.Filter: satisfyExistingPodsAntiAffinity)"},
	{"satisfyPodAntiAffinity/NoBindingNextToARepelledPod", "topology", func(t *testing.T, r *recording) {
		i, pod, node := r.scheduledN(t, "anti", 1)
		r.moveBound(t, i, "anti", pod, node)
		v := r.job(t, i, "anti")
		for j := range v.Pods {
			if v.Pods[j].Name != pod {
				v.Pods[j].Spec.Affinity = nil
			}
		}
	}, "selects pod anti-"},
	{"satisfyPodAffinity/BindingNextToAnAttractingPod", "topology", func(t *testing.T, r *recording) {
		i, pod, _ := r.scheduledN(t, "colocated", 1)
		r.moveBound(t, i, "colocated", pod, "zb-0")
	}, "where no pod matching its required affinity terms runs in the domain (1 pods match elsewhere"},

	// PodTopologySpread.Filter: the chosen zone's matching pods, the pod
	// included, exceed the least zone's by at most maxSkew. Here the two
	// pods bound before the third are moved to its zone.
	{"PodTopologySpread.Filter/SkewAtMostMaxSkew", "topology", func(t *testing.T, r *recording) {
		i, pod, node := r.scheduledN(t, "spread", 2)
		r.moveBound(t, i, "spread", pod, node)
	}, "has 2 matching pods (+1 for the pod), the least domain 0 of 2 domains, skew 3 > maxSkew 1"},

	// Scheduling gates: the API server gives a gated pod PodScheduled
	// False/SchedulingGated; the scheduler does not bind it.
	{"applySchedulingGatedCondition/GatedPodShowsSchedulingGated", "gated", func(t *testing.T, r *recording) {
		i := r.find(t, 0, func(s step) bool {
			v := s.jobs["gated"]
			return len(v.Pods) > 0 && len(v.Pods[0].Spec.SchedulingGates) > 0
		})
		c := &r.job(t, i, "gated").Pods[0].Status.Conditions
		for j := range *c {
			if (*c)[j].Type == jobsim.PodScheduled {
				(*c)[j].Reason = "Unschedulable"
			}
		}
	}, `but PodScheduled "False"/"Unschedulable", not False/SchedulingGated`},
	{"SchedulingGates.PreEnqueue/GatedPodNeverBound", "gated", func(t *testing.T, r *recording) {
		i, pod, _ := r.scheduledN(t, "gated", 0)
		r.pod(t, i, "gated", pod).Spec.SchedulingGates = []string{"example.com/quota"}
	}, "pod with scheduling gates [example.com/quota] bound to node"},

	// The taint manager evicts a pod from a node tainted NoExecute when
	// the shortest tolerationSeconds of the tolerations it uses runs out,
	// never if they have none; a pod's own toleration of the taint
	// replaces the 300 s the API server would add.
	{"getMinTolerationTime/EvictionWaitsForTolerationSeconds", "nodefail", func(t *testing.T, r *recording) {
		_, p := r.eviction(t, "tolerant")
		p.Spec.Tolerations[0].TolerationPeriod = jobsim.Ptr(120 * time.Second)
	}, "pod evicted by the taint manager 1m0s after node za-0 was tainted NoExecute (1970-01-01T00:01:00Z), before its toleration of 2m0s ran out"},
	{"getMinTolerationTime/NoEvictionWithoutTolerationSeconds", "nodefail", func(t *testing.T, r *recording) {
		_, p := r.eviction(t, "tolerant")
		p.Spec.Tolerations[0].TolerationPeriod = nil
	}, "pod evicted by the taint manager from node za-0, whose NoExecute taints it tolerates for ever"},
	{"DefaultTolerationSeconds/OwnTolerationReplacesTheDefault", "nodefail", func(t *testing.T, r *recording) {
		_, p := r.eviction(t, "patient")
		p.Spec.Tolerations = []jobsim.Toleration{{Operator: jobsim.TolerationOpExists}}
	}, "whose NoExecute taints it tolerates for ever"},
}

func init() { corruptions = append(corruptions, schedulingCorruptions...) }

// TestCheckerPassesRecordedHistories: replayed as recorded, every
// scenario's history passes, as it did live.
func TestCheckerPassesRecordedHistories(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			if err := record(t, sc.cluster(t)).check(); err != nil {
				t.Errorf("the uncorrupted history fails:\n%v", err)
			}
		})
	}
}

// TestCheckerCatchesCorruptedHistories: each corruption of one fact is
// reported, as the rule it breaks.
func TestCheckerCatchesCorruptedHistories(t *testing.T) {
	byName := map[string]scenario{}
	for _, sc := range scenarios {
		byName[sc.name] = sc
	}
	for _, c := range corruptions {
		t.Run(c.name, func(t *testing.T) {
			sc, ok := byName[c.scenario]
			if !ok {
				t.Fatalf("no scenario %q", c.scenario)
			}
			r := record(t, sc.cluster(t))
			if err := r.check(); err != nil {
				t.Fatalf("the uncorrupted history fails:\n%v", err)
			}
			c.corrupt(t, r)
			err := r.check()
			if err == nil {
				t.Fatalf("the corrupted history passes; want a violation saying %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("violations:\n%v\nwant one saying %q", err, c.want)
			}
		})
	}
}
