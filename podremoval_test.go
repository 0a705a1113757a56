package jobsim_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim"
)

// A pod deleted by the API goes once its kubelet has stopped it and the
// Job controller has taken off its tracking finalizer; a watch then
// reports its removal. Suspending a Job deletes its running pods: the
// removal follows the pod's exit (code 143 at SIGTERM) at the same
// instant, and the pod is no longer listed when it is reported.
func TestPodRemovalIsAChangeAfterTheDeletedPodsEnd(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("work", 1, 1)
	h := submit(t, c, job, jobsim.Always(jobsim.Run{Duration: time.Hour, Term: 5 * time.Second, ExitCode: 143}))
	var removed []jobsim.Event
	var listed int
	c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) {
		if e.Type == jobsim.EventChange && e.Reason == jobsim.ReasonDeleted && e.Object.Kind == jobsim.KindPod {
			removed = append(removed, e)
			listed = len(c.Pods())
		}
	}))
	if err := c.RunUntil(at(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	pods := h.Pods()
	if len(pods) != 1 {
		t.Fatalf("%d pods before the suspension, want 1", len(pods))
	}
	name := pods[0].Name
	if p, ok := h.Pod(name); !ok || !cmp.Equal(p, pods[0]) {
		t.Errorf("Pod(%q) = %v, %v; want the pod Pods lists", name, p, ok)
	}
	if err := c.Update("", "work", func(s *jobsim.JobSpec) { s.Suspend = true }); err != nil {
		t.Fatal(err)
	}
	if err := c.RunUntil(at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 {
		t.Fatalf("%d pod removals reported, want 1: %v", len(removed), removed)
	}
	e := removed[0]
	// Suspended at 10s, SIGTERM then, the process ends 5s later.
	if want := at(15 * time.Second); !e.Time.Equal(want) || e.Object.Name != name || e.Job != "work" {
		t.Errorf("removal %v, want pod/%s of job work at %v", e, name, want)
	}
	if _, ok := h.Pod(name); ok {
		t.Errorf("Pod(%q) found the pod after its removal", name)
	}
	if listed != 0 {
		t.Errorf("Pods() listed %d pods when the removal was reported, want 0", listed)
	}
	var exited bool
	for _, ev := range c.Events() {
		if ev.Object.Name == name && ev.Exited {
			exited = true
		}
		if ev == e && !exited {
			t.Errorf("the removal came before the pod's exit")
		}
	}
}

// Deleting a pod that has finished and been counted (its finalizer gone)
// removes it at once, without grace, and changes no count: the Job
// controller counted it when it took off the finalizer.
func TestDeletingACountedPodRemovesIt(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("two", 1, 2), jobsim.Fixed(10*time.Second, 0))
	if err := c.RunUntil(at(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	first := h.Pods()[0]
	if first.Status.Phase != jobsim.PodSucceeded || len(first.Finalizers) != 0 {
		t.Fatalf("first pod %s, finalizers %v; want Succeeded and counted", first.Status.Phase, first.Finalizers)
	}
	if err := c.DeletePod("", first.Name); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.Pod(first.Name); ok {
		t.Errorf("the deleted pod is still there")
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if st := h.Status(); st.Succeeded != 2 || !st.IsTrue(jobsim.JobComplete) {
		t.Errorf("status %+v, want Complete with 2 succeeded", st)
	}
}
