package jobsim_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// Orphan propagation (the garbage collector's orphaning, then the Job
// controller's syncOrphanPod): deleting a Job with --cascade=orphan removes
// the Job at once; its pods lose their owner and their tracking finalizer
// and run on to their end; nothing replaces or deletes them, and finished
// they stay.
func TestDeleteOrphanLeavesThePodsRunning(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	h, err := c.Submit(jobsim.Job{Name: "work", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(4), Parallelism: jobsim.Ptr(2),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
			Containers: []jobsim.Container{{Name: "c", Image: "busybox"}}}}}}, jobsim.Fixed(time.Minute, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOrphan("", "work"); err != nil {
		t.Fatal(err)
	}
	if c.Job("", "work") != nil || !h.Deleted() {
		t.Fatal("the Job is still there after its deletion")
	}
	pods := c.Pods()
	if len(pods) != 2 {
		t.Fatalf("%d pods right after the deletion, want the 2 running ones", len(pods))
	}
	for _, p := range pods {
		if !p.Orphaned || len(p.Finalizers) != 0 || !p.DeletionTime.IsZero() || p.Status.Phase != jobsim.PodRunning {
			t.Errorf("pod %s: orphaned %v, finalizers %v, deletion %v, phase %s; want orphaned, none, none, Running",
				p.Name, p.Orphaned, p.Finalizers, p.DeletionTime, p.Status.Phase)
		}
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	pods = c.Pods()
	if len(pods) != 2 || h.PodsCreated() != 2 {
		t.Fatalf("%d pods (%d created) at the end, want the same 2: nothing replaces an orphan", len(pods), h.PodsCreated())
	}
	for _, p := range pods {
		if p.Status.Phase != jobsim.PodSucceeded {
			t.Errorf("pod %s ended %s, want Succeeded at 1m", p.Name, p.Status.Phase)
		}
	}
	var nf *jobsim.NotFoundError
	if err := c.DeleteOrphan("", "work"); !errors.As(err, &nf) {
		t.Errorf("deleting it again: %v, want NotFound", err)
	}
}
