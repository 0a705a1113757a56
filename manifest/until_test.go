package manifest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
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
