package jobsim_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// The API server stores timestamps to the second (metav1.Time), and the
// controllers read them back from it: the pod-failure backoff is measured
// from a pod's finish time, the active deadline from status.startTime and
// the TTL from the finished condition's lastTransitionTime, each cut to
// its second (getFinishedTime, pastActiveDeadline, the
// TTL-after-finished controller). These tests put events between seconds.

func TestBackoffIsMeasuredFromTheStoredSecondOfTheFailure(t *testing.T) {
	// The first pod fails at 2.5 s, stored as 2 s: the 10 s backoff ends
	// at 12 s, when the replacement is created.
	c := jobsim.NewCluster(jobsim.Config{})
	submit(t, c, newJob("retry", 1, 1), jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 2500 * time.Millisecond, ExitCode: 1}},
	}, jobsim.Fixed(3*time.Second, 0)))
	run(t, c)
	diff(t, "creations", []time.Duration{0, 12 * time.Second}, creations(c, "retry"))
}

func TestBackoffSecondsAreTheWallClocksWhenTheClusterStartsBetweenThem(t *testing.T) {
	// The cluster starts at 100.6 s; the pod fails 2 s later, at 102.6 s,
	// stored as 102 s (1.4 s after the start): the replacement comes at
	// 112 s, 11.4 s after the start.
	start := time.Unix(100, 600*int64(time.Millisecond)).UTC()
	c := jobsim.NewCluster(jobsim.Config{Start: start})
	submit(t, c, newJob("retry", 1, 1), jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 2 * time.Second, ExitCode: 1}},
	}, jobsim.Fixed(3*time.Second, 0)))
	run(t, c)
	var got []time.Duration
	for _, e := range c.Events() {
		if e.Reason == "SuccessfulCreate" {
			got = append(got, e.Time.Sub(start))
		}
	}
	diff(t, "creations after the start", []time.Duration{0, 11400 * time.Millisecond}, got)
}

func TestPerIndexBackoffIsMeasuredFromTheStoredSecondOfTheFailure(t *testing.T) {
	// backoffLimitPerIndex 1: index 0 fails at 2.5 s (stored 2 s); its
	// replacement waits 10 s from 2 s.
	c := jobsim.NewCluster(jobsim.Config{})
	job := newJob("shards", 2, 2)
	job.Spec.CompletionMode = jobsim.Indexed
	job.Spec.BackoffLimitPerIndex = jobsim.Ptr(1)
	submit(t, c, job, jobsim.Script(map[int][]jobsim.Run{
		0: {{Duration: 2500 * time.Millisecond, ExitCode: 1}},
	}, jobsim.Fixed(3*time.Second, 0)))
	run(t, c)
	diff(t, "creations", []time.Duration{0, 0, 12 * time.Second}, creations(c, "shards"))
}

func TestDeadlineIsMeasuredFromTheStoredSecondOfStartTime(t *testing.T) {
	// Submitted at 0.5 s, the job's startTime is stored as 0 s, so its 10 s
	// deadline passes at 10 s: before its pod would succeed at 10.2 s. The
	// pod is killed and counts as failed.
	c := jobsim.NewCluster(jobsim.Config{})
	if err := c.Advance(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	job := newJob("late", 1, 1)
	job.Spec.ActiveDeadline = jobsim.Ptr(10 * time.Second)
	h := submit(t, c, job, jobsim.Fixed(9700*time.Millisecond, 0))
	run(t, c)
	st := h.Status()
	diff(t, "conditions", []string{
		"FailureTarget/DeadlineExceeded/True@10s",
		"Failed/DeadlineExceeded/True@10s",
	}, conditions(st))
	if st.Succeeded != 0 || st.Failed != 1 {
		t.Errorf("succeeded %d, failed %d; want 0 and 1", st.Succeeded, st.Failed)
	}
}

func TestTTLIsMeasuredFromTheStoredSecondOfTheFinish(t *testing.T) {
	// The job completes at 5.5 s (its pod runs 5.5 s; no sync delay),
	// stored as 5 s: with ttlSecondsAfterFinished 10 it is deleted at 15 s.
	ttlJob(t, 5500*time.Millisecond, 10*time.Second, 15*time.Second)
}

func TestDeadlineRequeueOfTheFirstSyncUsesTheExactStartTime(t *testing.T) {
	// The sync that sets startTime still holds it exactly: submitted at
	// 0.5 s with activeDeadlineSeconds 1, it asks to be synced again at
	// 1.5 s. With the real controller's 1 s batching, the sync its status
	// write causes also falls at 1.5 s, and reads startTime back as 0 s:
	// 1.5 s past it, the deadline has passed. (Stamped from the start, the
	// deadline would pass at 1 s.)
	c := jobsim.NewCluster(jobsim.Config{SyncDelay: time.Second})
	if err := c.Advance(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	job := newJob("short", 1, 1)
	job.Spec.ActiveDeadline = jobsim.Ptr(time.Second)
	h := submit(t, c, job, jobsim.Forever())
	run(t, c)
	if got := conditions(h.Status()); len(got) == 0 || got[0] != "FailureTarget/DeadlineExceeded/True@1.5s" {
		t.Errorf("conditions %v, want FailureTarget/DeadlineExceeded at 1.5s first", got)
	}
}
