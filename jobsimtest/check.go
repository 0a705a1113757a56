package jobsimtest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
)

// Check runs c until nothing is left to happen, checking every invariant
// after every event, and returns one error listing every violation, or nil.
// Jobs may be submitted before calling it.
func Check(c *jobsim.Cluster) error {
	k := NewChecker(c)
	if err := c.Run(); err != nil {
		return err
	}
	k.Final()
	return k.Err()
}

// A History is what a Checker reads: a simulation's events, told in
// order to an observer, and with each event the state right after it, of
// the jobs and of the nodes. A *jobsim.Cluster is one as it runs; a
// recorded history replayed event by event is another, which lets the
// checker itself be tested on histories no correct simulator produces.
// A History that also has the methods SharedJobView and SharedNodes, as
// *jobsim.Cluster has, is read through them, without copies.
type History interface {
	// Observe registers o to be told of every later event, in order.
	Observe(o jobsim.Observer)
	// JobView returns the job called name in namespace ns as it is right
	// after the event being told (a deleted job as it was last), and
	// false if there is no such job.
	JobView(ns, name string) (jobsim.JobView, bool)
	// Nodes returns the nodes as they are right after the event being
	// told.
	Nodes() []jobsim.NodeView
}

var _ History = (*jobsim.Cluster)(nil)

// A Checker watches a History, usually a running Cluster, and checks the
// Job controller's invariants after every event (see the package
// documentation for the list). Create it before the events it should see;
// read the result with Err.
type Checker struct {
	h    History
	seq  int // counts the events told, to know when a view is stale
	last time.Time
	jobs map[string]*jobState
	errs []string

	instant   time.Time            // the time of the events being checked
	touched   map[string]bool      // nodes whose room changed at instant
	down      map[string]bool      // nodes whose kubelet stopped (NodeFailed)
	recovered map[string]time.Time // when a down node came back

	notReadyAt map[string]time.Time // when a node not Ready got its NoExecute taint
	antiAt     int                  // the event anti was computed at
	anti       bool                 // some bound pod has required anti-affinity
	antiSeen   bool                 // anti held as instant began or after one of its events

	nodeViews []jobsim.NodeView // at the event numbered nodesAt
	nodesAt   int
}

// jobState is what the checker remembers of one job.
type jobState struct {
	ns, name   string
	view       jobsim.SharedJobView // at the event numbered viewAt
	viewAt     int
	created    int    // pods the controller created
	counted    counts // what the checker's own accounting finds
	backoff    backoffRecord
	deleted    []string // pods the controller deleted since its last status write
	succeeded  int
	failed     int
	terminal   jobsim.JobConditionType // Complete or Failed once seen
	conditions []jobsim.JobConditionType
	active     int // at the last status write
	completed  string
	gone       bool // deleted
	pods       map[string]*podRecord
}

// podRecord is what the checker remembers of one pod.
type podRecord struct {
	view                *jobsim.Pod // as last seen, noPod before
	deletedByController bool        // deleted by the controller before it finished, uncounted
	deletedAtFailure    bool        // deleted because the job failed: counted as failed
	failed              bool        // considered failed by the controller's rules
	succeeded           bool
	finished            time.Time                     // finish time per getFinishedTime
	action              jobsim.PodFailurePolicyAction // first matching rule's, once failed
	rule                int
	processed           bool // its finalizer is gone: the controller has dealt with it
	inRecord            bool // folded into the backoff record
	finishedFailed      bool // seen in phase Failed: its classification is final
}

// counts classifies the pods the controller has dealt with.
type counts struct {
	succeeded, failed, ignored, uncounted int
}

// NewChecker returns a Checker observing h, for example a
// *jobsim.Cluster.
func NewChecker(h History) *Checker {
	k := &Checker{h: h, jobs: map[string]*jobState{}, touched: map[string]bool{}, down: map[string]bool{}, recovered: map[string]time.Time{}, notReadyAt: map[string]time.Time{}, antiAt: -1, nodesAt: -1}
	h.Observe(k)
	return k
}

// view returns the job as it is after the event being checked (or, after
// the run, as it ended).
func (k *Checker) view(js *jobState) *jobsim.SharedJobView {
	if js.viewAt != k.seq {
		var ok bool
		if js.view, ok = k.jobView(js.ns, js.name, js.view.Pods); !ok {
			// A CronJob's Job that is gone: no job, no pods.
			js.view = jobsim.SharedJobView{Job: &noJob}
		}
		js.viewAt = k.seq
	}
	return &js.view
}

// A sharedHistory, such as a *jobsim.Cluster, can also give a job's view
// without copying it: the checker only reads the views it gets.
type sharedHistory interface {
	SharedJobView(ns, name string, pods []*jobsim.Pod) (jobsim.SharedJobView, bool)
	SharedNodes(dst []jobsim.NodeView) []jobsim.NodeView
}

// nodes returns the nodes as they are after the event being checked.
func (k *Checker) nodes() []jobsim.NodeView {
	if k.nodesAt != k.seq {
		if sh, ok := k.h.(sharedHistory); ok {
			k.nodeViews = sh.SharedNodes(k.nodeViews)
		} else {
			k.nodeViews = k.h.Nodes()
		}
		k.nodesAt = k.seq
	}
	return k.nodeViews
}

// jobView returns the job's view from the History, shared if it can.
func (k *Checker) jobView(ns, name string, pods []*jobsim.Pod) (jobsim.SharedJobView, bool) {
	if sh, ok := k.h.(sharedHistory); ok {
		return sh.SharedJobView(ns, name, pods)
	}
	v, ok := k.h.JobView(ns, name)
	if !ok {
		return jobsim.SharedJobView{}, false
	}
	out := jobsim.SharedJobView{Job: &v.Job, Status: v.Status, Pods: pods[:0]}
	for i := range v.Pods {
		out.Pods = append(out.Pods, &v.Pods[i])
	}
	return out, true
}

// noPod is the view of a pod not seen yet, noJob that of a job gone.
var (
	noPod jobsim.Pod
	noJob jobsim.Job
)

// Err returns one error listing every violation seen so far, or nil.
func (k *Checker) Err() error {
	if len(k.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(k.errs, "\n"))
}

func (k *Checker) fail(e jobsim.Event, format string, args ...any) {
	k.errs = append(k.errs, fmt.Sprintf("%s %s %s: ", e.Time.Format(time.RFC3339Nano), e.Object, e.Reason)+fmt.Sprintf(format, args...))
}

// Observe checks the invariants after one event. It is the Checker's
// jobsim.Observer method.
func (k *Checker) Observe(e jobsim.Event) {
	k.seq++
	if e.Time.Before(k.last) {
		k.fail(e, "virtual time went back from %v", k.last)
	}
	k.last = e.Time
	if e.Type == jobsim.EventChange && e.Reason == jobsim.ReasonDeleted && e.Object.Kind == jobsim.KindPod {
		// A pod's removal comes in the middle of the sync that took off
		// its finalizer, before the sync's status write: the state is
		// the sync's, not one the invariants hold in.
		return
	}
	js := k.job(e)
	k.checkScheduling(e)
	if js == nil {
		return
	}
	if e.Reason != jobsim.ReasonStatusUpdated {
		k.dropUnwritten(js)
	}
	switch {
	case e.Object.Kind == jobsim.KindPod:
		k.refreshPods(e.Time, js)
	case e.Object.Kind == jobsim.KindJob && e.Reason == jobsim.ReasonDeleted:
		js.gone = true
	case e.Object.Kind == jobsim.KindJob && e.Reason == jobsim.ReasonSuccessfulCreate:
		k.checkCreation(e, js)
	case e.Object.Kind == jobsim.KindJob && e.Reason == jobsim.ReasonSuccessfulDelete:
		// Whether the pod will be counted is known at the sync's status
		// write: pods deleted because the job failed are.
		js.deleted = append(js.deleted, strings.TrimPrefix(e.Message, "Deleted pod: "))
	case e.Object.Kind == jobsim.KindJob && e.Reason == jobsim.ReasonStatusUpdated:
		failing := k.view(js).Status.IsTrue(jobsim.JobFailureTarget)
		for _, name := range js.deleted {
			r := js.record(name)
			r.deletedByController, r.deletedAtFailure = !failing, failing
		}
		js.deleted = js.deleted[:0]
		k.refreshPods(e.Time, js)
		batch := js.batch()
		js.backoff = js.backoff.next(batch, nil)
		for _, r := range batch {
			r.inRecord = true
		}
		k.checkStatus(e, js)
	}
	k.checkConditions(e, js)
	k.checkDeadline(e, js)
}

func (js *jobState) record(name string) *podRecord {
	r := js.pods[name]
	if r == nil {
		r = &podRecord{view: &noPod}
		js.pods[name] = r
	}
	return r
}

func (k *Checker) job(e jobsim.Event) *jobState {
	key := e.Object.Namespace + "/" + e.Job
	js := k.jobs[key]
	if js == nil {
		v, ok := k.jobView(e.Object.Namespace, e.Job, nil)
		if !ok {
			return nil
		}
		js = &jobState{ns: e.Object.Namespace, name: e.Job, view: v, viewAt: k.seq, pods: map[string]*podRecord{}}
		k.jobs[key] = js
	}
	return js
}

// checkCreation: no pod after the job finished (syncJob calls manageJob
// only without a finishedCondition), none while suspended, and no creation
// earlier than the pod-failure backoff allows (manageJob waits for
// backoffRecord.getRemainingTime, pkg/controller/job/backoff_utils.go).
func (k *Checker) checkCreation(e jobsim.Event, js *jobState) {
	js.created++
	st := k.view(js).Status
	if st.IsTrue(jobsim.JobComplete) || st.IsTrue(jobsim.JobFailed) || st.IsTrue(jobsim.JobFailureTarget) || st.IsTrue(jobsim.JobSuccessCriteriaMet) {
		k.fail(e, "pod created after the job got a terminal or interim condition")
	}
	spec := k.view(js).Job.Spec
	if spec.Suspend {
		k.fail(e, "pod created while the job is suspended")
	}
	if spec.BackoffLimitPerIndex != nil {
		return
	}
	k.refreshPods(e.Time, js)
	rec := js.backoff.next(js.batch(), js.deleted)
	if rec.failures > 0 {
		if earliest := rec.last.Add(backoff(rec.failures)); e.Time.Before(earliest) {
			k.fail(e, "pod created %v before the backoff of %d failures allows (last failure at %v)", earliest.Sub(e.Time), rec.failures, rec.last.Format(time.RFC3339))
		}
	}
}

// backoffRecord is the checker's own reading of the controller's record of
// recent failures (backoffStore.newBackoffRecord in
// pkg/controller/job/backoff_utils.go): kept per sync, from the pods newly
// finished since the previous status write.
type backoffRecord struct {
	failures int
	last     time.Time
}

// next folds a sync's newly finished pods into the record, as the
// controller does: failures add up and the last failure is the latest of
// this sync's (even if an earlier sync saw a later one); a success resets
// the count to the failures after it. Pods in skip (deleted by the
// controller, their finalizer gone first) are not part of it.
func (r backoffRecord) next(batch []*podRecord, skip []string) backoffRecord {
	var failed, succeeded []time.Time
	for _, p := range batch {
		if p.deletedByController || slices.Contains(skip, p.view.Name) {
			continue
		}
		if p.succeeded {
			succeeded = append(succeeded, p.finished)
		} else {
			failed = append(failed, p.finished)
		}
	}
	slices.SortFunc(failed, time.Time.Compare)
	slices.SortFunc(succeeded, time.Time.Compare)
	if len(succeeded) == 0 {
		if len(failed) == 0 {
			return r
		}
		return backoffRecord{failures: r.failures + len(failed), last: failed[len(failed)-1]}
	}
	var out backoffRecord
	lastSuccess := succeeded[len(succeeded)-1]
	for i := len(failed) - 1; i >= 0 && failed[i].After(lastSuccess); i-- {
		if out.failures == 0 {
			out.last = failed[i]
		}
		out.failures++
	}
	return out
}

// dropUnwritten leaves out of the backoff record the finished pods the
// controller dealt with (their finalizer is gone) in a sync that wrote no
// status: the controller updates its record only with a status write, so
// their finish never enters it.
func (k *Checker) dropUnwritten(js *jobState) {
	present := map[string]bool{}
	for _, p := range k.view(js).Pods {
		present[p.Name] = len(p.Finalizers) > 0
	}
	for name, r := range js.pods {
		if (r.failed || r.succeeded) && !r.inRecord && !present[name] {
			r.inRecord = true
		}
	}
}

// batch returns the pods seen finishing since the last status write.
func (js *jobState) batch() []*podRecord {
	var out []*podRecord
	for _, r := range js.pods {
		if (r.failed || r.succeeded) && !r.inRecord {
			out = append(out, r)
		}
	}
	return out
}

// wantsMore reports whether manageJob would create pods were it not for
// the backoff: it wants more than the active pods (and, when only failed
// pods are replaced, the terminating ones).
func wantsMore(spec jobsim.JobSpec, succeeded, active, terminating int) bool {
	parallelism := deref(spec.Parallelism)
	want := parallelism
	switch {
	case spec.Completions != nil:
		want = max(0, min(parallelism, *spec.Completions-succeeded))
	case succeeded > 0:
		want = active
	}
	if spec.PodReplacementPolicy == jobsim.ReplaceFailed || spec.PodFailurePolicy != nil {
		want -= terminating
	}
	return want > active
}

// backoffHolds reports whether the pod-failure backoff may hold back the
// job's pod creations at t: by the checker's record for the global
// backoff; for per-index backoff, while a failed pod is younger than the
// longest backoff.
func (js *jobState) backoffHolds(spec jobsim.JobSpec, t time.Time) bool {
	if spec.BackoffLimitPerIndex == nil {
		b := js.backoff
		return b.failures > 0 && t.Before(b.last.Add(backoff(b.failures)))
	}
	for _, r := range js.pods {
		if r.failed && t.Before(r.finished.Add(10*time.Minute)) {
			return true
		}
	}
	return false
}

// backoff is the delay after n failures: DefaultJobPodFailureBackOff
// (10 s) doubling up to MaxJobPodFailureBackOff (10 min), as
// getRemainingTimeForFailuresCount in pkg/controller/job/backoff_utils.go
// computes it.
func backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// refreshPods updates what the checker knows of the job's pods: which
// have finished, how (by the controller's isPodFailed), and when (by its
// getFinishedTime).
func (k *Checker) refreshPods(now time.Time, js *jobState) {
	spec := k.view(js).Job.Spec
	onlyFailed := spec.PodReplacementPolicy == jobsim.ReplaceFailed || spec.PodFailurePolicy != nil
	for _, p := range k.view(js).Pods {
		r := js.record(p.Name)
		r.view = p
		// A pod counted as failed only because it is being deleted may
		// still end otherwise (succeed, or fail later) before a sync deals
		// with it: the controller goes by what it sees when it does.
		if r.succeeded || r.failed && (r.processed || r.inRecord || r.finishedFailed) {
			continue
		}
		switch {
		case p.Status.Phase == jobsim.PodSucceeded:
			r.succeeded, r.failed = true, false
		case p.Status.Phase == jobsim.PodFailed:
			r.failed, r.finishedFailed = true, true
		case !onlyFailed && !p.DeletionTime.IsZero():
			r.failed = true
		default:
			continue
		}
		// The controller reads the pod back from the API, which keeps
		// whole seconds.
		r.finished = finishTime(p).Truncate(time.Second)
		if r.failed {
			r.action, r.rule, _ = firstMatch(spec.PodFailurePolicy, p)
		}
	}
}

// finishTime is the controller's getFinishedTime.
func finishTime(p *jobsim.Pod) time.Time {
	var latest time.Time
	all := len(p.Status.ContainerStatuses) > 0
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Terminated == nil || cs.State.Terminated.FinishedAt.IsZero() {
			all = false
			break
		}
		if cs.State.Terminated.FinishedAt.After(latest) {
			latest = cs.State.Terminated.FinishedAt
		}
	}
	if all {
		return latest
	}
	if c, ok := p.Status.Condition(jobsim.PodReady); ok && c.Status == jobsim.ConditionFalse && !c.LastTransitionTime.IsZero() {
		return c.LastTransitionTime
	}
	if !p.DeletionTime.IsZero() {
		return p.DeletionTime.Add(-p.DeletionGracePeriod)
	}
	return p.CreationTime
}

// checkStatus checks what must hold after every status write of the
// controller, that is after every sync that changed something.
func (k *Checker) checkStatus(e jobsim.Event, js *jobState) {
	st := k.view(js).Status
	spec := k.view(js).Job.Spec
	pods := k.view(js).Pods
	k.refreshPods(e.Time, js)

	// Counters equal what the pods show.
	var active, ready, terminating, restarts int
	perIndex := map[int]int{}
	for _, p := range pods {
		terminal := p.Status.Phase == jobsim.PodSucceeded || p.Status.Phase == jobsim.PodFailed
		switch {
		case terminal:
		case !p.DeletionTime.IsZero():
			terminating++
		default:
			active++
			if c, ok := p.Status.Condition(jobsim.PodReady); ok && c.Status == jobsim.ConditionTrue {
				ready++
			}
			if spec.CompletionMode == jobsim.Indexed {
				perIndex[p.Index()]++
			}
		}
		if p.Status.Phase == jobsim.PodRunning || p.Status.Phase == jobsim.PodPending {
			for _, cs := range p.Status.ContainerStatuses {
				restarts += cs.RestartCount
			}
		}
	}
	// v1.35.4 writes active 0 while the pod-failure backoff holds
	// creations back; the API server accepts that only with no Ready pod.
	heldBack := st.Active == 0 && st.Ready == 0 && wantsMore(spec, st.Succeeded, active, terminating) && js.backoffHolds(spec, e.Time)
	if st.Active != active && !heldBack || st.Ready != ready || st.Terminating != terminating {
		k.fail(e, "status active=%d ready=%d terminating=%d, pods show %d, %d, %d", st.Active, st.Ready, st.Terminating, active, ready, terminating)
	}
	if st.Ready > st.Active {
		k.fail(e, "ready %d > active %d", st.Ready, st.Active)
	}

	// The checker's own accounting of the pods that lost the finalizer
	// agrees with the counters.
	k.account(js, st, spec)
	if spec.CompletionMode != jobsim.Indexed && st.Succeeded != js.counted.succeeded {
		k.fail(e, "succeeded %d, but %d pods were counted as succeeded", st.Succeeded, js.counted.succeeded)
	}
	if st.Failed != js.counted.failed {
		k.fail(e, "failed %d, but %d pods were counted as failed (%d failures ignored by the policy)", st.Failed, js.counted.failed, js.counted.ignored)
	}

	// Counts never go down.
	if st.Succeeded < js.succeeded || st.Failed < js.failed {
		k.fail(e, "succeeded %d→%d, failed %d→%d: counts went down", js.succeeded, st.Succeeded, js.failed, st.Failed)
	}

	// active within what the job wants (manageJob).
	parallelism := deref(spec.Parallelism)
	switch {
	case spec.Suspend && active > 0:
		k.fail(e, "%d pods active while suspended", active)
	case spec.Completions != nil && active > max(0, min(parallelism, *spec.Completions-st.Succeeded)):
		k.fail(e, "active %d > min(parallelism %d, completions %d - succeeded %d)", active, parallelism, *spec.Completions, st.Succeeded)
	case spec.Completions == nil && st.Succeeded == 0 && active > parallelism:
		k.fail(e, "active %d > parallelism %d", active, parallelism)
	case spec.Completions == nil && js.succeeded > 0 && active > js.active:
		k.fail(e, "work queue: active grew from %d to %d after a success", js.active, active)
	}

	// Indexed: indexes in range, one active pod each, completed indexes
	// only grow and are what succeeded counts.
	if spec.CompletionMode == jobsim.Indexed {
		for ix, n := range perIndex {
			if ix < 0 || ix >= deref(spec.Completions) {
				k.fail(e, "active pod with index %d outside [0, %d)", ix, deref(spec.Completions))
			}
			if n > 1 {
				k.fail(e, "%d active pods with index %d", n, ix)
			}
		}
		done := parseIntervals(st.CompletedIndexes)
		for ix := range parseIntervals(js.completed) {
			if !done[ix] {
				k.fail(e, "index %d left completedIndexes %q", ix, st.CompletedIndexes)
			}
		}
		if len(done) != st.Succeeded {
			k.fail(e, "succeeded %d but completedIndexes %q", st.Succeeded, st.CompletedIndexes)
		}
		js.completed = st.CompletedIndexes
	}

	k.checkFinishRules(e, js, st, spec, active, restarts)
	k.checkPolicies(e, js, st, spec)
	js.succeeded, js.failed, js.active = st.Succeeded, st.Failed, active
}

// checkPolicies checks the pod failure policy (syncJob's getFailJobMessage,
// pod_failure_policy.go), per-index backoff (isIndexFailed and
// calculateFailedIndexes, indexed_job_utils.go; syncJob's
// MaxFailedIndexesExceeded) and success policy (matchSuccessPolicy,
// success_policy.go) after a status write; files of pkg/controller/job.
func (k *Checker) checkPolicies(e jobsim.Event, js *jobState, st jobsim.JobStatus, spec jobsim.JobSpec) {
	ft, ftOK := st.Condition(jobsim.JobFailureTarget)
	scmOK := st.IsTrue(jobsim.JobSuccessCriteriaMet)
	firstFT := ftOK && !slices.Contains(js.conditions, jobsim.JobFailureTarget)
	done := parseIntervals(st.CompletedIndexes)
	var failedIdx map[int]bool
	if st.FailedIndexes != nil {
		failedIdx = parseIntervals(*st.FailedIndexes)
	}
	indexed := spec.CompletionMode == jobsim.Indexed
	valid := func(ix int) bool { return !indexed || ix >= 0 && ix < deref(spec.Completions) }

	// A failed pod matching a FailJob rule fails the job with reason
	// PodFailurePolicy, and nothing else sets that reason.
	var failJobMessages []string
	for _, r := range js.pods {
		if !r.failed || r.action != jobsim.ActionFailJob || r.deletedByController || r.deletedAtFailure {
			continue
		}
		failJobMessages = append(failJobMessages, failJobMessage(spec.PodFailurePolicy, r))
		if r.view.Status.Phase == jobsim.PodFailed && !ftOK && !scmOK {
			k.fail(e, "pod %s matches FailJob rule %d but the job has no FailureTarget", r.view.Name, r.rule)
		}
	}
	if firstFT && ft.Reason == jobsim.JobReasonPodFailurePolicy && !slices.Contains(failJobMessages, ft.Message) {
		k.fail(e, "FailureTarget/PodFailurePolicy %q, but the failed pods matching FailJob rules would say %q", ft.Message, failJobMessages)
	}

	// A satisfied success policy rule ends the job with SuccessPolicy,
	// naming the first satisfied rule, unless a failure came first.
	if sp := spec.SuccessPolicy; sp != nil && indexed {
		rule := firstSatisfiedRule(sp, done, deref(spec.Completions))
		scm, _ := st.Condition(jobsim.JobSuccessCriteriaMet)
		firstSCM := scmOK && !slices.Contains(js.conditions, jobsim.JobSuccessCriteriaMet)
		switch {
		case rule >= 0 && !scmOK && !ftOK:
			k.fail(e, "success policy rule %d is satisfied by %q but there is no SuccessCriteriaMet", rule, st.CompletedIndexes)
		case firstSCM && scm.Reason == jobsim.JobReasonSuccessPolicy && scm.Message != fmt.Sprintf("Matched rules at index %d", rule):
			k.fail(e, "SuccessCriteriaMet %q, but the first satisfied rule is %d", scm.Message, rule)
		}
	}

	if spec.BackoffLimitPerIndex == nil {
		if failedIdx != nil {
			k.fail(e, "failedIndexes %q without backoffLimitPerIndex", *st.FailedIndexes)
		}
		return
	}
	// Failed and completed indexes never overlap.
	for ix := range failedIdx {
		if done[ix] {
			k.fail(e, "index %d both completed and failed", ix)
		}
	}
	// An index fails exactly when a failed pod of it reached the limit or
	// matched FailIndex.
	reason := map[int]bool{}
	for _, r := range js.pods {
		ix := r.view.Index()
		if !r.failed || r.deletedByController || r.deletedAtFailure || !valid(ix) || done[ix] {
			continue
		}
		count, _ := strconv.Atoi(r.view.Annotations[jobsim.JobIndexFailureCountAnnotation])
		if r.action == jobsim.ActionFailIndex || r.action != jobsim.ActionIgnore && count >= *spec.BackoffLimitPerIndex {
			reason[ix] = true
			if r.view.Status.Phase == jobsim.PodFailed && !failedIdx[ix] && !ftOK && !scmOK {
				k.fail(e, "pod %s (index %d, failure count %d, rule action %q) should have failed its index; failedIndexes %q", r.view.Name, ix, count, r.action, *st.FailedIndexes)
			}
		}
	}
	for ix := range failedIdx {
		if !reason[ix] {
			k.fail(e, "index %d failed, but no failed pod of it reached backoffLimitPerIndex %d or matched FailIndex", ix, *spec.BackoffLimitPerIndex)
		}
	}
	// More failed indexes than maxFailedIndexes ⇔ MaxFailedIndexesExceeded.
	if m := spec.MaxFailedIndexes; m != nil {
		if len(failedIdx) > *m && !ftOK && !scmOK {
			k.fail(e, "%d failed indexes > maxFailedIndexes %d, but no FailureTarget", len(failedIdx), *m)
		}
		if firstFT && ft.Reason == jobsim.JobReasonMaxFailedIndexesExceeded && len(failedIdx) <= *m {
			k.fail(e, "MaxFailedIndexesExceeded with %d failed indexes ≤ %d", len(failedIdx), *m)
		}
	}
}

// failJobMessage is the message a FailJob match on r gives
// (matchPodFailurePolicy, pkg/controller/job/pod_failure_policy.go).
func failJobMessage(policy *jobsim.PodFailurePolicy, r *podRecord) string {
	rule := policy.Rules[r.rule]
	p := r.view
	if rule.OnExitCodes != nil {
		for _, cs := range append(slices.Clone(p.Status.ContainerStatuses), p.Status.InitContainerStatuses...) {
			if t := cs.State.Terminated; t != nil && t.ExitCode != 0 {
				return fmt.Sprintf("Container %s for pod %s/%s failed with exit code %d matching FailJob rule at index %d", cs.Name, p.Namespace, p.Name, t.ExitCode, r.rule)
			}
		}
	}
	for _, c := range p.Status.Conditions {
		for _, pat := range rule.OnPodConditions {
			if string(c.Type) == pat.Type {
				return fmt.Sprintf("Pod %s/%s has condition %s matching FailJob rule at index %d", p.Namespace, p.Name, c.Type, r.rule)
			}
		}
	}
	return ""
}

// account classifies, as the controller's rules say, each pod whose
// finalizer went away since the last status write, from the pod as it was
// when the controller dealt with it: succeeded; failed, or ignored by the
// pod failure policy (a failed pod, or any unfinished pod of a job that is
// failing); or not counted (deleted by the controller to scale down or
// suspend, left running by a met success criterion, or without a valid
// index).
func (k *Checker) account(js *jobState, st jobsim.JobStatus, spec jobsim.JobSpec) {
	present := map[string]bool{}
	for _, p := range k.view(js).Pods {
		present[p.Name] = true
		js.record(p.Name).view = p
	}
	onlyFailed := spec.PodReplacementPolicy == jobsim.ReplaceFailed || spec.PodFailurePolicy != nil
	failing := st.IsTrue(jobsim.JobFailureTarget)
	for name, r := range js.pods {
		if r.processed || r.view.Name == "" || present[name] && len(r.view.Finalizers) > 0 {
			continue
		}
		r.processed = true
		p := r.view
		ix := p.Index()
		failed := p.Status.Phase == jobsim.PodFailed || !onlyFailed && !p.DeletionTime.IsZero() && p.Status.Phase != jobsim.PodSucceeded
		switch {
		case r.deletedByController:
			js.counted.uncounted++
		case spec.CompletionMode == jobsim.Indexed && (ix < 0 || ix >= deref(spec.Completions)):
			js.counted.uncounted++
		case p.Status.Phase == jobsim.PodSucceeded:
			js.counted.succeeded++
		case failed || failing:
			if action, _, _ := firstMatch(spec.PodFailurePolicy, p); action == jobsim.ActionIgnore {
				js.counted.ignored++
			} else {
				js.counted.failed++
			}
		default:
			js.counted.uncounted++
		}
	}
}

// checkFinishRules: the success and backoff-limit conditions are set
// exactly when their rules hold: syncJob's complete (succeeded ≥
// completions, or for a work queue any success, with no active pod) and
// exceedsBackoffLimit (failed > backoffLimit) or pastBackoffLimitOnFailure
// (pkg/controller/job/job_controller.go); and, as enactJobFinished and the
// API server's validateJobStatus (pkg/apis/batch/validation) require, a
// finished job has the right completionTime and no active or terminating
// pod.
func (k *Checker) checkFinishRules(e jobsim.Event, js *jobState, st jobsim.JobStatus, spec jobsim.JobSpec, active, restarts int) {
	reached := st.Succeeded > 0 && active == 0
	if spec.Completions != nil {
		reached = st.Succeeded >= *spec.Completions && active == 0
	}
	scm, scmOK := st.Condition(jobsim.JobSuccessCriteriaMet)
	ft, ftOK := st.Condition(jobsim.JobFailureTarget)
	if reached && !ftOK && !scmOK && spec.SuccessPolicy == nil {
		k.fail(e, "completions reached (succeeded %d, active 0) but no SuccessCriteriaMet", st.Succeeded)
	}
	if scmOK && scm.Reason == jobsim.JobReasonCompletionsReached && !reached && st.Terminating == 0 && active == 0 {
		k.fail(e, "SuccessCriteriaMet/CompletionsReached with succeeded %d", st.Succeeded)
	}
	limit := deref(spec.BackoffLimit)
	overLimit := st.Failed > limit
	onFailure := spec.Template.Spec.RestartPolicy == jobsim.RestartOnFailure &&
		(restarts >= limit && limit > 0 || limit == 0 && restarts > 0)
	firstFT := ftOK && !slices.Contains(js.conditions, jobsim.JobFailureTarget)
	if firstFT && ft.Reason == jobsim.JobReasonBackoffLimitExceeded && !overLimit && !onFailure {
		k.fail(e, "BackoffLimitExceeded with failed %d ≤ backoffLimit %d and %d restarts", st.Failed, limit, restarts)
	}
	if (overLimit || onFailure) && !ftOK && !scmOK {
		k.fail(e, "backoff limit %d exceeded (failed %d, restarts %d) but no FailureTarget", limit, st.Failed, restarts)
	}
	if st.IsTrue(jobsim.JobComplete) && (!st.CompletionTime.Equal(conditionTime(st, jobsim.JobComplete)) || st.Active != 0 || st.Terminating != 0) {
		k.fail(e, "Complete with completionTime %v, active %d, terminating %d", st.CompletionTime, st.Active, st.Terminating)
	}
	if st.IsTrue(jobsim.JobFailed) && (!st.CompletionTime.IsZero() || st.Active != 0 || st.Terminating != 0) {
		k.fail(e, "Failed with completionTime %v, active %d, terminating %d", st.CompletionTime, st.Active, st.Terminating)
	}
}

func conditionTime(st jobsim.JobStatus, t jobsim.JobConditionType) time.Time {
	c, _ := st.Condition(t)
	return c.LastTransitionTime
}

// checkConditions checks the condition list after every event: at most
// one terminal condition, each with its interim one, no contradiction,
// nothing ever removed.
func (k *Checker) checkConditions(e jobsim.Event, js *jobState) {
	st := k.view(js).Status
	var types []jobsim.JobConditionType
	for _, c := range st.Conditions {
		types = append(types, c.Type)
	}
	for i, t := range js.conditions {
		if i >= len(types) || types[i] != t {
			k.fail(e, "condition %s removed or reordered: had %v, now %v", t, js.conditions, types)
			break
		}
	}
	js.conditions = types
	complete, failed := st.IsTrue(jobsim.JobComplete), st.IsTrue(jobsim.JobFailed)
	switch {
	case complete && failed:
		k.fail(e, "both Complete and Failed")
	case complete && !st.IsTrue(jobsim.JobSuccessCriteriaMet):
		k.fail(e, "Complete without SuccessCriteriaMet")
	case failed && !st.IsTrue(jobsim.JobFailureTarget):
		k.fail(e, "Failed without FailureTarget")
	}
	if st.IsTrue(jobsim.JobSuccessCriteriaMet) && st.IsTrue(jobsim.JobFailureTarget) {
		k.fail(e, "both SuccessCriteriaMet and FailureTarget")
	}
	now := jobsim.JobConditionType("")
	if complete {
		now = jobsim.JobComplete
	} else if failed {
		now = jobsim.JobFailed
	}
	if js.terminal != "" && now != js.terminal {
		k.fail(e, "terminal condition %s changed to %q", js.terminal, now)
	}
	if js.terminal == "" {
		js.terminal = now
	}
}

// checkDeadline: no pod of a job runs past startTime +
// activeDeadlineSeconds + its grace period.
func (k *Checker) checkDeadline(e jobsim.Event, js *jobState) {
	spec := k.view(js).Job.Spec
	st := k.view(js).Status
	if spec.ActiveDeadline == nil || st.StartTime.IsZero() || spec.Suspend || js.gone {
		// A deleted job's pods are no longer its controller's: orphaned,
		// they run on past any deadline.
		return
	}
	grace := 30 * time.Second
	if g := spec.Template.Spec.TerminationGracePeriod; g != nil {
		grace = *g
	}
	limit := st.StartTime.Add(*spec.ActiveDeadline + grace)
	if !e.Time.After(limit) {
		return
	}
	for _, p := range k.view(js).Pods {
		if k.down[p.Spec.NodeName] {
			continue // its kubelet cannot stop it
		}
		if p.Status.Phase == jobsim.PodRunning || p.Status.Phase == jobsim.PodPending {
			k.fail(e, "pod %s still %s after startTime + activeDeadline + grace (%v)", p.Name, p.Status.Phase, limit.Format(time.RFC3339))
		}
	}
}

// Final checks what must hold once a run is over: every pod the
// controller created is accounted for exactly once.
func (k *Checker) Final() {
	k.seq++
	for key, js := range k.jobs {
		st := k.view(js).Status
		if !st.Finished() {
			continue
		}
		if hasFinalizer(k.view(js).Pods) {
			k.errs = append(k.errs, fmt.Sprintf("job %s finished with pods still holding the finalizer", key))
		}
		n := js.counted
		if total := n.succeeded + n.failed + n.ignored + n.uncounted; total != js.created {
			k.errs = append(k.errs, fmt.Sprintf("job %s: %d pods counted succeeded, %d failed, %d ignored, %d not counted: %d, but %d created",
				key, n.succeeded, n.failed, n.ignored, n.uncounted, total, js.created))
		}
	}
}

func hasFinalizer(pods []*jobsim.Pod) bool {
	for _, p := range pods {
		if len(p.Finalizers) > 0 {
			return true
		}
	}
	return false
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// parseIntervals reads an interval list such as "1,3-5" into a set.
func parseIntervals(s string) map[int]bool {
	out := map[int]bool{}
	if s == "" {
		return out
	}
	for _, part := range strings.Split(s, ",") {
		var a, b int
		if n, _ := fmt.Sscanf(part, "%d-%d", &a, &b); n == 2 {
			for i := a; i <= b; i++ {
				out[i] = true
			}
		} else if n == 1 {
			out[a] = true
		}
	}
	return out
}

// firstSatisfiedRule returns the first success policy rule that the
// succeeded indexes satisfy, or -1 (matchSuccessPolicy and
// matchSucceededIndexesRule, pkg/controller/job/success_policy.go).
func firstSatisfiedRule(sp *jobsim.SuccessPolicy, done map[int]bool, completions int) int {
	if len(done) == 0 {
		return -1
	}
	for i, r := range sp.Rules {
		if r.SucceededIndexes == nil {
			if r.SucceededCount != nil && len(done) >= *r.SucceededCount {
				return i
			}
			continue
		}
		listed, hit := 0, 0
		for ix := range parseIntervals(*r.SucceededIndexes) {
			if ix >= completions {
				continue
			}
			listed++
			if done[ix] {
				hit++
			}
		}
		if listed > 0 && (hit == listed || r.SucceededCount != nil && hit >= *r.SucceededCount) {
			return i
		}
	}
	return -1
}
