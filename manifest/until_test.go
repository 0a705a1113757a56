package manifest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
	engine "github.com/jobsim/jobsim/sim"
)

// TestUntilRunsTheClockWhileJobsRun checks the scenario contract's
// until: "stop the clock here even if jobs still run". Pods that never
// exit leave nothing due, yet the clock runs on to the until, and their
// running time counts up to it.
func TestUntilRunsTheClockWhileJobsRun(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nuntil: 2h\njobs:\n"+
		inlineJob("forever", "      parallelism: 2\n      completions: 6\n", "          containers: [{name: c, image: i}]\n")+
		"  pods: {default: {forever: true}}\n")
	sim := run(t, s, SimOptions{})
	if !sim.Stopped() || !sim.End().Equal(s.Start.Add(2*time.Hour)) {
		t.Fatalf("Stopped %v, End %s: want stopped at the until, 2h", sim.Stopped(), sim.End().Sub(s.Start))
	}
	if now := sim.Cluster().Now(); !now.Equal(sim.End()) {
		t.Errorf("the cluster's clock is at %s, want 2h", now.Sub(s.Start))
	}
	// Two pods (parallelism 2) each run from 0s to the until.
	m := sim.Jobs()[0].Metrics()
	if want := 4 * time.Hour; m.RunTime != want {
		t.Errorf("RunTime %s, want %s (2 pods × 2h)", m.RunTime, want)
	}
	if want := 2 * time.Hour; m.Makespan != want {
		t.Errorf("Makespan %s, want %s (unfinished: up to now)", m.Makespan, want)
	}
}

// TestUntilCountsPendingTime checks that a pod pending for want of room
// counts its wait up to the until: two pods of 1 CPU on a node of 1 CPU,
// the first never exits, so the second waits from 0s to 5m.
func TestUntilCountsPendingTime(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nuntil: 5m\nnodes:\n  - {name: n, capacity: {cpu: \"1\"}}\njobs:\n"+
		inlineJob("room", "      parallelism: 2\n      completions: 2\n", "          containers: [{name: c, image: i, resources: {requests: {cpu: \"1\"}}}]\n")+
		"  pods: {default: {forever: true}}\n")
	sim := run(t, s, SimOptions{})
	if !sim.Stopped() || !sim.End().Equal(s.Start.Add(5*time.Minute)) {
		t.Fatalf("Stopped %v, End %s: want stopped at the until, 5m", sim.Stopped(), sim.End().Sub(s.Start))
	}
	got := sim.Jobs()[0].Metrics()
	want := jobsim.JobMetrics{
		PodsBound:     1,
		PodsWaiting:   1,
		MeanQueueWait: 150 * time.Second, // (0s + 5m) / 2
		MaxQueueWait:  5 * time.Minute,
		RunTime:       5 * time.Minute,
		Makespan:      5 * time.Minute,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Metrics (-want +got):\n%s", diff)
	}
}

// TestUntilAfterTheJobsFinish checks that an until later than the last
// event does not stretch a run whose jobs have all finished: the
// default end ("when every job is finished") comes first.
func TestUntilAfterTheJobsFinish(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nuntil: 2h\njobs:\n"+
		inlineJob("quick", "      completions: 1\n", "          containers: [{name: c, image: i}]\n")+
		"  pods: {default: {run: 30s}}\n")
	sim := run(t, s, SimOptions{})
	if sim.Stopped() {
		t.Errorf("Stopped at %s, want the run to end when its job completes", sim.End().Sub(s.Start))
	}
	if got, want := sim.End().Sub(s.Start), 30*time.Second; got != want {
		t.Errorf("End %s, want %s: the pod's one run of 30s", got, want)
	}
}

// TestLimitStopsEarly checks that a run which would need more engine
// events than its limit stops within its first checks: a job of 10⁹
// completions needs at least one event for each (its pods' exits),
// far beyond the limit of 10⁶.
func TestLimitStopsEarly(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"+
		inlineJob("big", "      completions: 1000000000\n      parallelism: 100\n", "          containers: [{name: c, image: i}]\n"))
	sim, err := s.Simulate(SimOptions{MaxEvents: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	err = sim.Run()
	var le *LimitError
	if !errors.As(err, &le) || !errors.Is(err, engine.ErrEventLimit) {
		t.Fatalf("Run: %v, want a *LimitError wrapping sim.ErrEventLimit", err)
	}
	if le.Fired > 2048 {
		t.Errorf("stopped after %d events, want at one of the first checks (1024, 2048)", le.Fired)
	}
	if le.Job != "job/big" || le.Need != le.Fired+le.Lacking || le.Lacking > 1_000_000_000 || le.Lacking < 1_000_000_000-le.Fired {
		t.Errorf("estimate %+v: want job/big lacking about 10⁹ completions", le)
	}
}

// TestLimitLeavesFeasibleRunsAlone checks that the early stop only
// refuses what the limit cannot hold: 2000 completions at 100 at a time
// take about 3000 events, under a limit of 10000.
func TestLimitLeavesFeasibleRunsAlone(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\njobs:\n"+
		inlineJob("fits", "      completions: 2000\n      parallelism: 100\n", "          containers: [{name: c, image: i}]\n"))
	sim := run(t, s, SimOptions{MaxEvents: 10_000})
	if st := sim.Jobs()[0].Status(); st.Succeeded != 2000 {
		t.Errorf("%d succeeded, want 2000", st.Succeeded)
	}
}

// TestLimitWithUntilUsesThePace checks that with an until, a job too big
// to complete is refused only when the pace so far would also exceed the
// limit by the until: 10⁹ completions, 100 pods of 10s at a time, are 10
// pods a second, each an exit and a share of a sync (about 1.5 events):
// 1h takes about 54000 events, under 100000, and 24h far more.
func TestLimitWithUntilUsesThePace(t *testing.T) {
	s := parseScenario(t, "apiVersion: jobsim/v1alpha1\nkind: Scenario\nuntil: 1h\njobs:\n"+
		inlineJob("big", "      completions: 1000000000\n      parallelism: 100\n", "          containers: [{name: c, image: i}]\n"))
	sim := run(t, s, SimOptions{MaxEvents: 100_000})
	if !sim.Stopped() {
		t.Errorf("want the run stopped at its until")
	}
	s.Until = 24 * time.Hour
	sim, err := s.Simulate(SimOptions{MaxEvents: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if err := sim.Run(); !errors.As(err, &le) || le.Paced < 100_000 {
		t.Fatalf("Run: %v, want a *LimitError with the pace beyond the limit", err)
	}
}
