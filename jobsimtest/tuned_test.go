package jobsimtest_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// RunsWith keeps to its options: durations within bounds, exit codes
// only when failures are allowed, no never-ending or disrupted runs unless
// asked, SIGTERM delays within MaxTerm.
func TestRunsWithKeepsToItsOptions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		opts := jobsimtest.RunOptions{
			MinDuration: time.Duration(rapid.IntRange(0, 30).Draw(t, "min")) * time.Second,
			MaxDuration: time.Duration(rapid.IntRange(30, 90).Draw(t, "max")) * time.Second,
			FailureRate: float64(rapid.IntRange(0, 1).Draw(t, "failures")),
			MaxTerm:     time.Duration(rapid.IntRange(0, 10).Draw(t, "term")) * time.Second,
		}
		r := jobsimtest.RunsWith(opts).Draw(t, "run")
		if r.Duration < opts.MinDuration || r.Duration > opts.MaxDuration {
			t.Fatalf("duration %v outside [%v, %v]", r.Duration, opts.MinDuration, opts.MaxDuration)
		}
		if (r.ExitCode != 0) != (opts.FailureRate == 1) {
			t.Fatalf("exit code %d with failure rate %v", r.ExitCode, opts.FailureRate)
		}
		if r.Forever || r.Disrupt != "" || r.Term > opts.MaxTerm {
			t.Fatalf("run %#v with options %+v", r, opts)
		}
	})
}

// Whatever a user does to a running Job (suspend, resume, scale, delete its
// pods, evict them, delete it), the Job controller's invariants hold after
// every event, and the run ends.
func TestInvariantsUnderEdits(t *testing.T) {
	rapid.Check(t, editsProperty)
}

func editsProperty(t *rapid.T) {
	c := jobsim.NewCluster(jobsim.Config{Seed: rapid.Uint64().Draw(t, "seed")})
	job := jobsimtest.Jobs("edited").Draw(t, "job")
	beh := jobsimtest.BehaviorsWith(jobsimtest.RunOptions{MaxDuration: time.Minute, FailureRate: 0.3, MaxTerm: 20 * time.Second}).Draw(t, "behavior")
	h, err := c.Submit(job, beh)
	if err != nil {
		t.Fatal(err)
	}
	jobsimtest.ApplyEdits(c, h, jobsimtest.Edits(4).Draw(t, "edits"))
	k := jobsimtest.NewChecker(c)
	if err := c.RunUntil(c.Now().Add(6 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	k.Final()
	if err := k.Err(); err != nil {
		t.Fatal(err)
	}
}
