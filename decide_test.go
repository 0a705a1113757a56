package jobsim

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/jobsim/jobsim/internal/bitset"
)

// Tables over views: the fixture brings a job's pods to given states, then
// decide is asked what one sync would do, and nothing is applied. The
// expected plans follow the upstream controller's syncJob
// (pkg/controller/job/job_controller.go, v1.35.4).

// decideAt moves the fixture's clock to now, with every timer stopped, and
// returns the plan of a sync there together with the job as it looked
// before and after deciding.
func (f *fixture) decideAt(now time.Duration) (pl *plan, before, after recordSnapshot) {
	f.t.Helper()
	f.stopTimers()
	if err := f.c.eng.RunUntil(f.c.eng.Epoch().Add(now)); err != nil {
		f.t.Fatal(err)
	}
	before = f.snapshot()
	pl = f.c.decide(f.j)
	after = f.snapshot()
	return pl, before, after
}

// recordSnapshot is what a sync could change of a job's records.
type recordSnapshot struct {
	Status     JobStatus
	Pods       []Pod
	Backoff    backoffRecord
	NActive    int
	NReady     int
	NTerm      int
	Finalizers []bool
}

func (f *fixture) snapshot() recordSnapshot {
	s := recordSnapshot{Status: f.handle().Status(), Pods: f.handle().Pods(), Backoff: f.j.backoff,
		NActive: f.j.nActive, NReady: f.j.nReady, NTerm: f.j.nTerminating}
	for _, p := range f.j.pods {
		s.Finalizers = append(s.Finalizers, p.finalizer)
	}
	return s
}

func unchanged(t *testing.T, before, after recordSnapshot) {
	t.Helper()
	if diff := cmp.Diff(before, after, cmp.AllowUnexported(recordSnapshot{}, backoffRecord{})); diff != "" {
		t.Errorf("decide changed the job's records (-before +after):\n%s", diff)
	}
}

// getNewFinishedPods, calculateSucceededIndexes: a succeeded pod's index is
// newly succeeded in the sync that finds it. The plan holds it; the records
// (completedIndexes) learn it only when the plan is applied.
func TestDecideNewlySucceededIndexIsPlannedNotWritten(t *testing.T) {
	f := newFixture(t, indexed(2, 3))
	f.add(succeeded, 1)
	f.add(running, 0)
	pl, before, after := f.decideAt(fixtureNow)
	unchanged(t, before, after)
	if diff := cmp.Diff([]int{1}, pl.marks.succList); diff != "" {
		t.Errorf("newly succeeded indexes (-want +got):\n%s", diff)
	}
	// manageJob: parallelism 2, index 0 runs, 1 succeeded: index 2 gets a
	// pod; the succeeded pod's finalizer goes (it is counted).
	if diff := cmp.Diff([]int{2}, pl.creates); diff != "" {
		t.Errorf("creations (-want +got):\n%s", diff)
	}
	if len(pl.finalizers) != 1 || pl.finalizers[0].index != 1 {
		t.Errorf("finalizers to remove: %d pods, want the succeeded pod of index 1", len(pl.finalizers))
	}
	if !pl.dirty || pl.refused {
		t.Errorf("dirty=%v refused=%v, want a status write that is accepted", pl.dirty, pl.refused)
	}
	f.c.apply(pl)
	if got := f.handle().Status().CompletedIndexes; got != "1" {
		t.Errorf("completedIndexes after apply = %q, want \"1\"", got)
	}
}

// manageJob during the pod-failure backoff (up to v1.35.4): creations are held
// back and status.active is written as 0; with a Ready pod the API server
// refuses that write ("cannot set more ready pods than active"). The plan
// is refused: only its requeue (the backoff's end) is kept.
func TestDecideBackoffWithAReadyPodPlansARefusedWrite(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(4)))
	f.c.prof = newProfile(V1_35, nil)
	f.add(ready, -1)
	f.at(fixtureNow - 2*time.Second)
	f.add(failed, -1) // failed 2 s before the sync: 8 s of the 10 s backoff left
	pl, before, after := f.decideAt(fixtureNow)
	unchanged(t, before, after)
	if !pl.refused {
		t.Fatal("plan not refused")
	}
	if pl.createCount != 0 || len(pl.deletes) != 0 {
		t.Errorf("plan creates %d and deletes %d pods, want none", pl.createCount, len(pl.deletes))
	}
	if diff := cmp.Diff([]time.Duration{8 * time.Second}, pl.requeue[:pl.nRequeue]); diff != "" {
		t.Errorf("requeues (-want +got):\n%s", diff)
	}
	f.c.apply(pl)
	after = f.snapshot()
	unchanged(t, before, after) // the refused write kept nothing
	if f.j.apiRetries != 1 {
		t.Errorf("apiRetries = %d, want 1", f.j.apiRetries)
	}
}

// The same backoff with no Ready pod: the write of active = 0 is accepted.
func TestDecideBackoffWithoutAReadyPodWritesActiveZero(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(4)))
	f.c.prof = newProfile(V1_35, nil)
	f.add(running, -1)
	f.at(fixtureNow - 2*time.Second)
	f.add(failed, -1)
	pl, before, after := f.decideAt(fixtureNow)
	unchanged(t, before, after)
	if pl.refused || pl.active != 0 || pl.countFailed != 1 {
		t.Errorf("refused=%v active=%d countFailed=%d, want an accepted write of active 0 counting 1 failure", pl.refused, pl.active, pl.countFailed)
	}
}

// trackJobStatusAndRemoveFinalizers: when the job is finishing with a
// failure, every pod not terminated is counted failed, and deleted with
// its finalizer kept until then (deleteActivePods). The final Failed
// condition waits until no pod terminates (enactJobFinished).
func TestDecideFailingJobCountsItsActivePodsFailed(t *testing.T) {
	s := spec(2, Ptr(3))
	s.BackoffLimit = Ptr(0)
	f := newFixture(t, s)
	f.addN(2, ready)
	f.add(failed, -1)
	pl, before, after := f.decideAt(fixtureNow)
	unchanged(t, before, after)
	want := struct{ Deletes, Finalizers, CountFailed, Active, Ready, Terminating int }{2, 3, 3, 0, 0, 2}
	got := struct{ Deletes, Finalizers, CountFailed, Active, Ready, Terminating int }{
		len(pl.deletes), len(pl.finalizers), pl.countFailed, pl.active, pl.ready, pl.terminating}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if !pl.keepOnStop {
		t.Error("the finishing job's deletions drop the finalizers")
	}
	if pl.interim == nil || pl.interim.Type != JobFailureTarget || pl.final != nil {
		t.Errorf("interim %v, final %v: want FailureTarget now and Failed once nothing terminates", pl.interim, pl.final)
	}
}

// The success policy sees the indexes this sync found succeeded, though
// they are not written yet (matchSuccessPolicy after
// calculateSucceededIndexes).
func TestDecideSuccessPolicySeesTheSyncsNewIndexes(t *testing.T) {
	s := indexed(2, 4)
	s.SuccessPolicy = &SuccessPolicy{Rules: []SuccessPolicyRule{{SucceededIndexes: Ptr("0,1")}}}
	f := newFixture(t, s)
	f.add(succeeded, 0)
	f.add(succeeded, 1)
	pl, before, after := f.decideAt(fixtureNow)
	unchanged(t, before, after)
	if pl.finish == nil || pl.finish.Reason != JobReasonSuccessPolicy {
		t.Fatalf("finish = %v, want SuccessCriteriaMet by SuccessPolicy", pl.finish)
	}
	if pl.j.idx.successRules[0].contained != 0 {
		t.Error("decide advanced the success rule's recorded progress")
	}
}

// TestPlanStartForgetsEveryDecision: a sync starts from a blank plan. start
// resets the reused plan field by field, so every field must be listed
// there; this fills each field of a plan with something, starts it again,
// and compares it with a plan made from nothing.
func TestPlanStartForgetsEveryDecision(t *testing.T) {
	j := &job{nActive: 3, nReady: 2, nTerminating: 1}
	other := &job{}
	var pl plan
	fillEvery(t, reflect.ValueOf(&pl).Elem(), other)
	pl.marks = indexMarks{markers: map[int]*pod{4: {}}}
	pl.marks.succeeded.Add(4)
	pl.marks.succList = []int{4}
	at := time.Unix(100, 0)
	pl.start(j, 5*time.Second, at)
	if !sameMembers(pl.marks.succeeded, nil) || !sameMembers(pl.marks.failed, nil) {
		t.Errorf("marks after start: succeeded %v, failed %v; want none", pl.marks.succeeded, pl.marks.failed)
	}
	pl.marks.succeeded, pl.marks.failed = nil, nil // emptied, their words kept
	want := plan{j: j, now: 5 * time.Second, at: at, active: 3, ready: 2, terminating: 1}
	opts := []cmp.Option{cmp.AllowUnexported(plan{}, indexMarks{}, backoffRecord{}, replacement{}, suspendChange{}), cmpopts.EquateEmpty(),
		cmp.Comparer(func(a, b *job) bool { return a == b }), cmp.Comparer(func(a, b *pod) bool { return a == b })}
	if diff := cmp.Diff(want, pl, opts...); diff != "" {
		t.Errorf("plan after start (-blank +got):\n%s", diff)
	}
}

// sameMembers reports whether two sets hold the same indexes, however many
// words each keeps.
func sameMembers(a, b bitset.Set) bool {
	for i := range 64 * max(len(a), len(b)) {
		if a.Has(i) != b.Has(i) {
			return false
		}
	}
	return true
}

// fillEvery sets every field of v to a value other than its zero, so that a
// field a reset forgets shows.
func fillEvery(t *testing.T, v reflect.Value, j *job) {
	t.Helper()
	for i := range v.NumField() {
		f := v.Field(i)
		f = reflect.NewAt(f.Type(), f.Addr().UnsafePointer()).Elem() // unexported
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64:
			f.SetInt(7)
		case reflect.Array:
			for k := range f.Len() {
				f.Index(k).SetInt(7)
			}
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Pointer:
			if f.Type() == reflect.TypeOf(j) {
				f.Set(reflect.ValueOf(j))
			} else {
				f.Set(reflect.New(f.Type().Elem()))
			}
		case reflect.Struct:
			if f.Type() == reflect.TypeOf(time.Time{}) {
				f.Set(reflect.ValueOf(time.Unix(7, 0)))
			} else if f.Type() != reflect.TypeOf(indexMarks{}) {
				fillEvery(t, f, j)
			}
		default:
			t.Fatalf("fillEvery: no value for field %s of kind %s", v.Type().Field(i).Name, f.Kind())
		}
	}
}

// From 1.36 (kubernetes#139457) manageJob keeps the active count during
// the backoff: the same plan writes active 1 and counts the failure.
func TestDecideBackoffFrom1_36KeepsActive(t *testing.T) {
	f := newFixture(t, spec(2, Ptr(4)))
	f.c.prof = newProfile(V1_36, nil)
	f.add(ready, -1)
	f.at(fixtureNow - 2*time.Second)
	f.add(failed, -1)
	pl, before, after := f.decideAt(fixtureNow)
	unchanged(t, before, after)
	if pl.refused || pl.active != 1 || pl.ready != 1 || pl.countFailed != 1 || pl.createCount != 0 {
		t.Errorf("refused=%v active=%d ready=%d countFailed=%d creates=%d, want an accepted write of active 1, ready 1, 1 failure and no creation",
			pl.refused, pl.active, pl.ready, pl.countFailed, pl.createCount)
	}
}
