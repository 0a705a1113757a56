package jobsim_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// A workflow: Job b is submitted when Job a completes. With React the
// submission happens at the instant of a's Complete condition (one pod of
// 30 s), and b then runs its own 20 s: created at 30s, complete at 50s.
func TestReactSubmitsAJobWhenAnotherCompletes(t *testing.T) {
	run := func() []jobsim.Event {
		c := jobsim.NewCluster(jobsim.Config{})
		submit(t, c, newJob("a", 1, 1), jobsim.Fixed(30*time.Second, 0))
		submitted := false
		c.React(func(e jobsim.Event) {
			if submitted || e.Object.Kind != jobsim.KindJob || e.Object.Name != "a" || e.Reason != jobsim.ReasonStatusUpdated {
				return
			}
			if h := c.Job("", "a"); h.Status().IsTrue(jobsim.JobComplete) {
				submitted = true
				if _, err := c.Submit(newJob("b", 1, 1), jobsim.Fixed(20*time.Second, 0)); err != nil {
					t.Error(err)
				}
			}
		})
		if err := c.Run(); err != nil {
			t.Fatal(err)
		}
		b := c.Job("", "b")
		if b == nil {
			t.Fatal("b was never submitted")
		}
		if got := b.CreationTime(); !got.Equal(at(30 * time.Second)) {
			t.Errorf("b created at %v, want at a's completion, 30s", got.Sub(epoch))
		}
		if got := b.Status().CompletionTime; !got.Equal(at(50 * time.Second)) {
			t.Errorf("b completed at %v, want 50s", got.Sub(epoch))
		}
		return c.Events()
	}
	first, second := run(), run()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
}

// React is given every event, once and in order: the same events an
// observer sees, only later (after the step that made them).
func TestReactSeesEveryEventInOrder(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	var observed, reacted []jobsim.Event
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) { observed = append(observed, e) }))
	c.React(func(e jobsim.Event) { reacted = append(reacted, e) })
	submit(t, c, newJob("w", 2, 3), jobsim.Fixed(10*time.Second, 0))
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if len(observed) == 0 {
		t.Fatal("no events")
	}
	if diff := cmp.Diff(observed, reacted); diff != "" {
		t.Errorf("React's events differ from the observer's (-observed +reacted):\n%s", diff)
	}
}

// StepChange skips the steps that show nothing: each call returns at
// least one event, the events of all calls are the run's history, and
// the last call reports that nothing is left.
func TestStepChangeReturnsTheNextVisibleChange(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{DiscardEvents: true})
	submit(t, c, newJob("s", 2, 4), jobsim.Fixed(10*time.Second, 0))
	var got []jobsim.Event
	for {
		evs, more, err := c.StepChange()
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			if len(evs) != 0 {
				t.Errorf("StepChange reported the end with %d events", len(evs))
			}
			break
		}
		if len(evs) == 0 {
			t.Fatal("StepChange returned no event but more")
		}
		got = append(got, evs...)
	}
	ref := jobsim.NewCluster(jobsim.Config{})
	submit(t, ref, newJob("s", 2, 4), jobsim.Fixed(10*time.Second, 0))
	if err := ref.Run(); err != nil {
		t.Fatal(err)
	}
	// Submit's own Created change happened before the first StepChange.
	want := ref.Events()[1:]
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StepChange's events differ from Run's (-Run +StepChange):\n%s", diff)
	}
}

func TestRunGoString(t *testing.T) {
	for _, tc := range []struct {
		r    jobsim.Run
		want string
	}{
		{jobsim.Run{Duration: 10 * time.Second, ExitCode: 1}, "jobsim.Run{Duration: 10*time.Second, ExitCode: 1}"},
		{jobsim.Run{Duration: time.Minute}, "jobsim.Run{Duration: time.Minute}"},
		{jobsim.Run{Duration: 1500 * time.Millisecond, Term: 5 * time.Second, Disrupt: jobsim.DisruptionEvictionAPI},
			`jobsim.Run{Duration: 1500*time.Millisecond, Term: 5*time.Second, Disrupt: "EvictionByEvictionAPI"}`},
		{jobsim.Run{Forever: true}, "jobsim.Run{Forever: true}"},
		{jobsim.Run{}, "jobsim.Run{}"},
	} {
		if got := tc.r.GoString(); got != tc.want {
			t.Errorf("GoString() = %s, want %s", got, tc.want)
		}
	}
}
