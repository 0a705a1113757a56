package jobsim_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// ttlJob runs a job whose pod succeeds after podRun, with
// ttlSecondsAfterFinished ttl, and checks that the job and its pod are
// still there just before want and gone at want.
func ttlJob(t *testing.T, podRun, ttl, want time.Duration) *jobsim.Cluster {
	t.Helper()
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("ttl", 1, 1)
	job.Spec.TTLAfterFinished = jobsim.Ptr(ttl)
	h := submit(t, c, job, jobsim.Fixed(podRun, 0))
	if err := c.RunUntil(at(want - time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if h.Deleted() || len(c.Pods()) != 1 || c.Job("", "ttl") == nil {
		t.Fatalf("before %v: deleted %v, %d pods", want, h.Deleted(), len(c.Pods()))
	}
	if err := c.RunUntil(at(want)); err != nil {
		t.Fatal(err)
	}
	if !h.Deleted() || len(c.Pods()) != 0 || c.Job("", "ttl") != nil {
		t.Errorf("at %v: deleted %v, %d pods", want, h.Deleted(), len(c.Pods()))
	}
	return c
}

func TestTTLAfterFinishedDeletesJobAndPods(t *testing.T) {
	// ttlSecondsAfterFinished 100: the job completes at 10 s; the TTL
	// controller deletes it and (through the garbage collector) its pods at
	// 110 s, not before, and nothing happens after.
	c := ttlJob(t, 10*time.Second, 100*time.Second, 110*time.Second)
	run(t, c)
	if !c.Now().Equal(at(110 * time.Second)) {
		t.Errorf("simulation ended at %v, want 110s", c.Now().Sub(epoch))
	}
}

func TestTTLZeroDeletesRightAfterFinishing(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("ttl0", 1, 1)
	job.Spec.TTLAfterFinished = jobsim.Ptr(time.Duration(0))
	h := submit(t, c, job, jobsim.Fixed(10*time.Second, 1))
	run(t, c)
	if !h.Deleted() || !h.Status().IsTrue(jobsim.JobFailed) {
		t.Errorf("deleted %v, status %+v", h.Deleted(), h.Status())
	}
}

func TestDeleteRunningJobTerminatesItsPodsGracefully(t *testing.T) {
	// kubectl delete job: the job is gone at once; its running pods get
	// SIGTERM, and pods whose process needs 20 s to exit go at 70 s.
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("del", 2, 4), jobsim.Always(jobsim.Run{Forever: true, Term: 20 * time.Second}))
	c.At(at(50*time.Second), func() {
		if err := c.Delete("", "del"); err != nil {
			t.Error(err)
		}
	})
	if err := c.RunUntil(at(50 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if !h.Deleted() || c.Job("", "del") != nil {
		t.Fatalf("job not gone after Delete")
	}
	pods := c.Pods()
	if len(pods) != 2 || pods[0].DeletionTime != at(80*time.Second) || len(pods[0].Finalizers) != 0 {
		t.Fatalf("pods after delete: %+v, want 2 terminating (deletionTimestamp 50s+30s grace), without finalizer", pods)
	}
	if err := c.RunUntil(at(70*time.Second - time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if n := len(c.Pods()); n != 2 {
		t.Fatalf("%d pods before their processes exit, want 2", n)
	}
	run(t, c)
	if n := len(c.Pods()); n != 0 || !c.Now().Equal(at(70*time.Second)) {
		t.Errorf("%d pods left at %v, want none at 70s", n, c.Now().Sub(epoch))
	}
	if err := c.Delete("", "del"); err == nil {
		t.Error("deleting a deleted job succeeded")
	}
}

func TestParallelismZeroPausesAndScalingUpResumes(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("paused", 0, 2), jobsim.Fixed(10*time.Second, 0))
	if err := c.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if h.PodsCreated() != 0 || h.Finished() {
		t.Fatalf("parallelism 0: %d pods, finished %v", h.PodsCreated(), h.Finished())
	}
	if err := c.Update("", "paused", func(s *jobsim.JobSpec) { s.Parallelism = jobsim.Ptr(2) }); err != nil {
		t.Fatal(err)
	}
	run(t, c)
	diff(t, "creations", secs(60, 60), creations(c, "paused"))
	if st := h.Status(); st.CompletionTime != at(70*time.Second) {
		t.Errorf("completed at %v, want 70s", st.CompletionTime.Sub(epoch))
	}
	if h.Generation() != 2 {
		t.Errorf("generation %d after one spec change, want 2", h.Generation())
	}
}

func TestUpdateRefusesImmutableFields(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	submit(t, c, newJob("imm", 1, 3), jobsim.Fixed(time.Second, 0))
	err := c.Update("", "imm", func(s *jobsim.JobSpec) { s.Completions = jobsim.Ptr(5) })
	if err == nil {
		t.Fatal("changing completions of a NonIndexed job was accepted")
	}
	if err := c.Update("", "nope", func(*jobsim.JobSpec) {}); err == nil {
		t.Error("updating a missing job succeeded")
	}
}

func TestSubmitRefusesDuplicatesAndInvalidJobs(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	submit(t, c, newJob("dup", 1, 1), nil)
	if _, err := c.Submit(newJob("dup", 1, 1), nil); err == nil {
		t.Error("a second job with the same name was accepted")
	}
	bad := newJob("bad", -1, 1)
	_, err := c.Submit(bad, nil)
	if err == nil || err.Error() != `Job.batch "bad" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0` {
		t.Errorf("invalid job: err = %v", err)
	}
	if len(c.Jobs()) != 1 {
		t.Errorf("%d jobs, want only the valid one", len(c.Jobs()))
	}
}

func TestWorkQueueStopsCreatingAfterFirstSuccess(t *testing.T) {
	// Work queue, parallelism 3: pod 0 succeeds at 10 s; the others keep
	// running (never killed), nothing new is created, and the job completes
	// when the last one finishes.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("wq", 3, 1)
	job.Spec.Completions = nil
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 10 * time.Second}},
		1: {{Duration: 30 * time.Second, ExitCode: 1}},
		2: {{Duration: 40 * time.Second}},
	}, nil))
	run(t, c)
	st := h.Status()
	if h.PodsCreated() != 3 || st.Succeeded != 2 || st.Failed != 1 || st.CompletionTime != at(40*time.Second) {
		t.Errorf("%d pods, status %+v; want 3 pods, 2 succeeded, 1 failed, complete at 40s", h.PodsCreated(), st)
	}
}

func TestCompletionsZeroCompletesAtOnce(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{})
	h := submit(t, c, newJob("zero", 1, 0), nil)
	run(t, c)
	if st := h.Status(); !st.IsTrue(jobsim.JobComplete) || h.PodsCreated() != 0 || st.CompletionTime != epoch {
		t.Errorf("completions 0: %d pods, %+v", h.PodsCreated(), st)
	}
}

func TestIndexedScriptContinuesAcrossReplacementPods(t *testing.T) {
	// Index 1's list continues across its replacement pods: run 0 fails,
	// run 1 (in the replacement) succeeds.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("idx", 2, 2)
	job.Spec.CompletionMode = jobsim.Indexed
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		1: {{Duration: 5 * time.Second, ExitCode: 1}, {Duration: 3 * time.Second}},
	}, jobsim.Fixed(20*time.Second, 0)))
	run(t, c)
	st := h.Status()
	if st.CompletedIndexes != "0,1" || st.Failed != 1 || h.PodsCreated() != 3 || st.CompletionTime != at(20*time.Second) {
		t.Errorf("%d pods, status %+v; want 3 pods, indexes 0,1, 1 failure, done at 20s", h.PodsCreated(), st)
	}
}

func TestOnFailureScriptContinuesAcrossRestarts(t *testing.T) {
	// The pod's list continues across container restarts: exit 1 at 5 s,
	// immediate restart, exit 0 at 8 s; restartCount 1.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("restart", 1, 1)
	job.Spec.Template.Spec.RestartPolicy = jobsim.RestartOnFailure
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 5 * time.Second, ExitCode: 1}, {Duration: 3 * time.Second}},
	}, nil))
	run(t, c)
	pods := h.Pods()
	if len(pods) != 1 || pods[0].Status.Phase != jobsim.PodSucceeded || pods[0].Status.ContainerStatuses[0].RestartCount != 1 {
		t.Fatalf("pods %+v", pods)
	}
	if st := h.Status(); st.CompletionTime != at(8*time.Second) || st.Failed != 0 {
		t.Errorf("status %+v, want complete at 8s, no failure", st)
	}
}

func TestRandomDrawsDoNotDependOnOtherJobs(t *testing.T) {
	// The runs of job "a" come from streams keyed by the seed, the job and
	// the run key: adding job "b" changes none of them.
	runs := func(withB bool) []time.Duration {
		c := jobsim.NewCluster(jobsim.Config{Seed: 42})
		beh := jobsim.Random{Min: time.Second, Max: time.Minute, FailProbability: 0.3, ExitCode: 3}
		if withB {
			submit(t, c, newJob("b", 3, 9), beh)
		}
		submit(t, c, newJob("a", 2, 6), beh)
		run(t, c)
		var out []time.Duration
		for _, e := range c.Events() {
			if e.Job == "a" && e.Object.Kind == "Pod" && (e.Reason == "Completed" || e.Reason == "Error") {
				out = append(out, e.Time.Sub(epoch))
			}
		}
		return out
	}
	diff(t, "exit times of job a", runs(false), runs(true))
}

func TestJobManagedByAnotherControllerIsLeftAlone(t *testing.T) {
	// syncJob (its managedBy check): a job whose spec.managedBy names another controller
	// is skipped by the built-in one: no pods, and a status it never
	// writes (no startTime, no conditions, no failedIndexes even with
	// backoffLimitPerIndex). The job beside it runs as usual.
	c := jobsim.NewCluster(jobsim.Config{})
	other := newJob("elsewhere", 2, 2)
	other.Spec.ManagedBy = "example.com/other-controller"
	other.Spec.CompletionMode = jobsim.Indexed
	other.Spec.BackoffLimitPerIndex = jobsim.Ptr(1)
	ho := submit(t, c, other, jobsim.Fixed(5*time.Second, 0))
	hb := submit(t, c, newJob("here", 1, 1), jobsim.Fixed(5*time.Second, 0))
	run(t, c)
	diff(t, "status of the externally managed job", jobsim.JobStatus{}, ho.Status())
	if ho.PodsCreated() != 0 {
		t.Errorf("%d pods created for the externally managed job, want 0", ho.PodsCreated())
	}
	if !hb.Status().IsTrue(jobsim.JobComplete) {
		t.Errorf("the built-in controller's job did not complete: %+v", hb.Status())
	}
}

func TestElasticEditOfAFinishedJobLeavesItsStatus(t *testing.T) {
	// syncJob: the controller skips finished jobs, so an edit of an
	// elastic Indexed job's completions after it failed rewrites nothing:
	// completedIndexes keeps index 1 (succeeded at 3 s) though completions
	// drop to 0.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("edited-late", 2, 2)
	job.Spec.CompletionMode = jobsim.Indexed
	job.Spec.BackoffLimit = jobsim.Ptr(0)
	h := submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 5 * time.Second, ExitCode: 1}},
	}, jobsim.Fixed(3*time.Second, 0)))
	c.At(at(10*time.Second), func() {
		if err := c.Update("", "edited-late", func(s *jobsim.JobSpec) {
			s.Completions, s.Parallelism = jobsim.Ptr(0), jobsim.Ptr(0)
		}); err != nil {
			t.Error(err)
		}
	})
	run(t, c)
	st := h.Status()
	if !st.IsTrue(jobsim.JobFailed) || st.CompletedIndexes != "1" || st.Succeeded != 1 {
		t.Errorf("after the edit: failed %v, completedIndexes %q, succeeded %d; want true, \"1\", 1",
			st.IsTrue(jobsim.JobFailed), st.CompletedIndexes, st.Succeeded)
	}
}
