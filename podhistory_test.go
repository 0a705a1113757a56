package jobsim_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// A suspended Job's pods are deleted and go: Pods forgets them, the
// history keeps them. Suspended at 10s, each running pod gets SIGTERM and
// its process exits 5 s later with code 143 (Failed), when the Job
// controller takes off its finalizer and it is removed. Resumed at 40s,
// the Job creates two new pods.
func TestPodHistoryKeepsThePodsASuspensionRemoved(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	h := jobsim.NewPodHistory(c)
	submit(t, c, newJob("work", 2, 2), jobsim.Always(jobsim.Run{Duration: time.Hour, Term: 5 * time.Second, ExitCode: 143}))
	c.At(at(10*time.Second), func() {
		if err := c.Update("", "work", func(s *jobsim.JobSpec) { s.Suspend = true }); err != nil {
			t.Error(err)
		}
	})
	c.At(at(40*time.Second), func() {
		if err := c.Update("", "work", func(s *jobsim.JobSpec) { s.Suspend = false }); err != nil {
			t.Error(err)
		}
	})
	if err := c.RunUntil(at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	pods := h.Pods()
	if len(pods) != 4 {
		t.Fatalf("%d pods recorded, want 4", len(pods))
	}
	if n := len(c.Pods()); n != 2 {
		t.Fatalf("Cluster.Pods lists %d pods, want the 2 of the resumed Job", n)
	}
	want := []jobsim.PhaseSpan{
		{Phase: jobsim.PodPending, From: at(0), To: at(0)},
		{Phase: jobsim.PodRunning, From: at(0), To: at(10 * time.Second)},
		{Phase: jobsim.PodRunning, Terminating: true, From: at(10 * time.Second), To: at(15 * time.Second)},
		{Phase: jobsim.PodFailed, Terminating: true, From: at(15 * time.Second), To: at(15 * time.Second)},
	}
	for _, p := range pods[:2] {
		if diff := cmp.Diff(want, p.Spans); diff != "" {
			t.Errorf("pod %s's spans (-want +got):\n%s", p.Name, diff)
		}
		if !p.Removed.Equal(at(15 * time.Second)) {
			t.Errorf("pod %s removed at %v, want 15s", p.Name, p.Removed.Sub(epoch))
		}
	}
	for _, p := range pods[2:] {
		if !p.Created.Equal(at(40*time.Second)) || !p.Removed.IsZero() || p.Spans[len(p.Spans)-1].Phase != jobsim.PodRunning {
			t.Errorf("pod %s: created %v, removed %v, spans %v; want created at 40s, running", p.Name, p.Created.Sub(epoch), p.Removed, p.Spans)
		}
		if got, ok := h.Pod("", p.Name); !ok || got.UID != p.UID {
			t.Errorf("Pod(%q) = %v, %v", p.Name, got, ok)
		}
	}
}
