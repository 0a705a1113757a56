package jobsim

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The fixture reproduces the setting of the upstream controller's unit
// tests (pkg/controller/job/job_controller_test.go): a job whose pods are already in given states, then one
// sync. Pods are brought to their states with the kubelet's own
// operations at time 0; the clock then moves to 20 s without anything else
// happening, so every finished pod finished well before the sync.

const fixtureNow = 20 * time.Second

type fixture struct {
	t *testing.T
	c *Cluster
	j *job
}

func newFixture(t *testing.T, spec JobSpec) *fixture {
	t.Helper()
	if len(spec.Template.Spec.Containers) == 0 {
		spec.Template.Spec.Containers = []Container{{Name: "main-container", Image: "busybox"}}
	}
	if spec.Template.Spec.RestartPolicy == "" {
		spec.Template.Spec.RestartPolicy = RestartNever
	}
	obj := Job{Name: "foobar", Spec: spec}
	SetDefaults(&obj)
	if err := Validate(obj); err != nil {
		t.Fatalf("invalid fixture job: %v", err)
	}
	c := NewCluster(Config{})
	j := c.newJob(c.takeJob(), obj, Always(Run{Forever: true}))
	c.sched.schedulingInfo(j) // as Submit does
	c.jobKeys[objectKey{"default", "foobar"}] = j
	c.addJob(j)
	return &fixture{t: t, c: c, j: j}
}

// podState is the state a fixture pod is brought to.
type podState int

const (
	pending podState = iota
	running
	ready // running and Ready
	succeeded
	failed
	terminating // running, with a deletion timestamp
)

// add creates a pod of the job with the given completion index (-1 for
// none) and brings it to state.
func (f *fixture) add(state podState, index int) *pod {
	f.t.Helper()
	c := f.c
	p := c.createPod(f.j, index)
	if state == pending {
		return p
	}
	c.sched.bind(p, c.sched.nodes[0]) // the kubelet starts it
	switch state {
	case running:
		c.setReady(p, false)
	case succeeded:
		c.containerExit(p, 0)
	case failed:
		c.containerExit(p, 1)
	case terminating:
		c.setReady(p, false)
		c.deletePod(p)
	}
	return p
}

// addFailed adds a pod that failed with exit code.
func (f *fixture) addFailed(index, exit int) *pod {
	p := f.add(running, index)
	f.c.containerExit(p, exit)
	return p
}

// addDisrupted adds a Failed pod with the DisruptionTarget condition, as a
// disruption leaves it.
func (f *fixture) addDisrupted(index int) *pod {
	p := f.add(running, index)
	p.disruption, p.disruptedAt = "EvictionByEvictionAPI", f.c.eng.Elapsed()
	f.c.containerExit(p, 143)
	return p
}

// at moves the fixture's clock to d (nothing happens on the way), so that
// pods added next change state at d.
func (f *fixture) at(d time.Duration) {
	f.t.Helper()
	f.stopTimers()
	if err := f.c.eng.RunUntil(f.c.eng.Epoch().Add(d)); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) stopTimers() {
	c := f.c
	f.j.syncTimer.Stop()
	c.sched.timer.Stop()
	f.j.queue, f.j.qHead, f.j.inQueue = nil, 0, false
	c.sched.ready = nil
	for _, p := range c.pods {
		if p != nil {
			p.timer.Stop()
		}
	}
}

// addN adds n pods without index in state.
func (f *fixture) addN(n int, state podState) {
	for range n {
		f.add(state, -1)
	}
}

// outcome is what one sync did, in the upstream cases' terms (pods
// created, deleted, finalizers removed, the status).
type outcome struct {
	Created     []int // completion indexes of created pods (-1 for none)
	Deleted     int
	Finalizers  int // finalizers removed
	Active      int
	Ready       int
	Terminating int
	Succeeded   int
	Failed      int
	Completed   string
	FailedIdx   string
	Conditions  []string // "Type/Reason" of true conditions
}

// sync forgets every pending event, moves the clock to fixtureNow and
// runs one sync of the job.
func (f *fixture) sync() outcome {
	f.t.Helper()
	return f.syncAt(fixtureNow)
}

func (f *fixture) syncAt(now time.Duration) outcome {
	f.t.Helper()
	c, j := f.c, f.j
	// Nothing but this sync may happen: stop every timer.
	f.stopTimers()
	if err := c.eng.RunUntil(c.eng.Epoch().Add(now)); err != nil {
		f.t.Fatal(err)
	}
	if c.eng.Fired() != 0 {
		f.t.Fatalf("fixture fired %d events before the sync", c.eng.Fired())
	}
	type ref struct {
		r         podRef
		finalizer bool
	}
	var before []ref
	maxSeq := c.podSeq
	for _, p := range c.pods {
		if p != nil {
			before = append(before, ref{podRef{p.slot, p.seq}, p.finalizer})
		}
	}
	events := len(c.events)
	c.syncJob(j)
	var out outcome
	for _, b := range before {
		if !b.finalizer {
			continue
		}
		if p := c.lookup(b.r); p == nil || !p.finalizer {
			out.Finalizers++
		}
	}
	for _, p := range c.pods {
		if p != nil && p.seq > maxSeq {
			out.Created = append(out.Created, p.index)
		}
	}
	slices.Sort(out.Created)
	for _, e := range c.events[events:] {
		if e.Reason == "SuccessfulDelete" {
			out.Deleted++
		}
	}
	st := f.handle().Status()
	out.Active, out.Ready, out.Terminating = st.Active, st.Ready, st.Terminating
	out.Succeeded, out.Failed, out.Completed = st.Succeeded, st.Failed, st.CompletedIndexes
	if st.FailedIndexes != nil {
		out.FailedIdx = *st.FailedIndexes
	}
	for _, cond := range st.Conditions {
		if cond.Status == ConditionTrue {
			out.Conditions = append(out.Conditions, string(cond.Type)+"/"+cond.Reason)
		}
	}
	return out
}

func (f *fixture) handle() *JobHandle { return f.j.handle }

// check compares a sync's outcome with what the controller's rules give.
func check(t *testing.T, want, got outcome) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sync outcome mismatch (-want +got):\n%s", diff)
	}
}

// Condition lists the controller writes (enactJobFinished and the
// interim conditions before it).
var (
	completedByCompletions = []string{"SuccessCriteriaMet/CompletionsReached", "Complete/CompletionsReached"}
	failedBackoffLimit     = []string{"FailureTarget/BackoffLimitExceeded", "Failed/BackoffLimitExceeded"}
	failingBackoffLimit    = []string{"FailureTarget/BackoffLimitExceeded"}
	failedDeadline         = []string{"FailureTarget/DeadlineExceeded", "Failed/DeadlineExceeded"}
	failingDeadline        = []string{"FailureTarget/DeadlineExceeded"}
)
