package jobsimtest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// A recording is a History captured from a real run: every event with the
// views of every job and of the nodes right after it. Replayed, it tells a
// Checker exactly what the live cluster told its own; corrupted first, it
// tells it a history no correct Job controller produces. Every view is
// its own snapshot, so changing one changes no other step.
type recording struct {
	steps []step
	obs   []jobsim.Observer
	at    int // the step being told
}

// step is one event and the state right after it.
type step struct {
	event jobsim.Event
	jobs  map[string]*jobsim.JobView // by name, all in namespace default
	nodes []jobsim.NodeView
}

var _ jobsimtest.History = (*recording)(nil)

// Observe registers o for the replay.
func (r *recording) Observe(o jobsim.Observer) { r.obs = append(r.obs, o) }

// JobView returns the job as recorded after the event being told.
func (r *recording) JobView(ns, name string) (jobsim.JobView, bool) {
	v := r.steps[r.at].jobs[name]
	if v == nil || ns != "" && ns != "default" {
		return jobsim.JobView{}, false
	}
	return *v, true
}

// Nodes returns the nodes as recorded after the event being told.
func (r *recording) Nodes() []jobsim.NodeView { return r.steps[r.at].nodes }

// check replays the recording to a new Checker and returns its verdict.
func (r *recording) check() error {
	r.obs = nil
	k := jobsimtest.NewChecker(r)
	for i, s := range r.steps {
		r.at = i
		for _, o := range r.obs {
			o.Observe(s.event)
		}
	}
	k.Final()
	return k.Err()
}

// record runs c to the end (or for six virtual hours) and returns what
// happened. It fails t unless the live checker, watching the same run,
// found nothing: a recording starts out valid.
func record(t *testing.T, c *jobsim.Cluster) *recording {
	t.Helper()
	r, live, err := capture(c)
	if err != nil {
		t.Fatal(err)
	}
	if live != nil {
		t.Fatalf("the live run breaks an invariant: %v", live)
	}
	if len(r.steps) == 0 {
		t.Fatal("the run recorded no event")
	}
	return r
}

// capture runs c to the end (or for six virtual hours), recording every
// event with the views after it, and returns the recording and the
// verdict of a checker watching the run live. err reports a failed run.
func capture(c *jobsim.Cluster) (r *recording, live, err error) {
	r = &recording{}
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		s := step{event: e, jobs: map[string]*jobsim.JobView{}, nodes: c.Nodes()}
		for _, h := range c.Jobs() {
			v, _ := c.JobView(h.Namespace(), h.Name())
			s.jobs[h.Name()] = &v
		}
		r.steps = append(r.steps, s)
	}))
	k := jobsimtest.NewChecker(c)
	if err := c.RunUntil(c.Now().Add(6 * time.Hour)); err != nil {
		return nil, nil, err
	}
	k.Final()
	return r, k.Err(), nil
}

// find returns the index of the first step at or after from that
// matches f, and fails t if there is none.
func (r *recording) find(t *testing.T, from int, f func(s step) bool) int {
	t.Helper()
	for i := max(from, 0); i < len(r.steps); i++ {
		if f(r.steps[i]) {
			return i
		}
	}
	t.Fatalf("no step from %d on matches", from)
	return -1
}

// insert puts s before step i.
func (r *recording) insert(i int, s step) { r.steps = slices.Insert(r.steps, i, s) }

// remove drops step i.
func (r *recording) remove(i int) { r.steps = slices.Delete(r.steps, i, i+1) }

// TestReplayAgreesWithTheLiveRun: a Checker fed a recorded history says
// what the Checker that watched the run live said, so that what the tests
// of corrupted histories find holds of live runs too.
func TestReplayAgreesWithTheLiveRun(t *testing.T) {
	rapid.Check(t, replayAgreesProperty)
}

// replayAgreesProperty is TestReplayAgreesWithTheLiveRun's property.
func replayAgreesProperty(t *rapid.T) {
	c := jobsim.NewCluster(jobsim.Config{
		Seed:      rapid.Uint64().Draw(t, "seed"),
		SyncDelay: rapid.SampledFrom([]time.Duration{0, time.Second}).Draw(t, "syncDelay"),
		MaxEvents: 1_000_000,
		// Few finished pods kept keep the recording small.
		MaxFinishedPods: 3,
	})
	if _, err := c.Submit(jobsimtest.Jobs("prop").Draw(t, "job"), jobsimtest.Behaviors().Draw(t, "behavior")); err != nil {
		t.Fatalf("generated job is invalid: %v", err)
	}
	r, live, err := capture(c)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(errText(live), errText(r.check())); d != "" {
		t.Fatalf("live and replayed verdicts differ (-live +replayed):\n%s", d)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
