package jobsim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// resetRun is one simulation of the Reset property: a cluster's Config,
// the jobs and CronJob submitted to it, and a node failure during the run.
type resetRun struct {
	cfg      jobsim.Config
	jobs     []jobsim.Job
	behavior []jobsim.Behavior
	cron     *jobsim.CronJob
	failAt   time.Duration // 0: no node fails
	// until is how long the run lasts: often less than its jobs need,
	// so that Reset finds pods running, nodes down and timers pending.
	until time.Duration
}

// resetOutcome is all a run shows: its events, and the final status and
// pods of each of its jobs and CronJobs.
type resetOutcome struct {
	Events   []jobsim.Event
	Statuses []jobsim.JobStatus
	Pods     [][]jobsim.Pod
	Cron     []jobsim.CronJobStatus
	Fired    uint64
}

// play runs r on c, fresh from NewCluster or Reset, with every invariant
// checked after every event, and returns what it showed.
func play(t *rapid.T, c *jobsim.Cluster, r resetRun) resetOutcome {
	return playChecked(t, c, r, true)
}

// playChecked is play, with the checks left out unless checked: for the
// run of a pair whose other run is checked.
func playChecked(t *rapid.T, c *jobsim.Cluster, r resetRun, checked bool) resetOutcome {
	counts := func() error { return nil }
	var k *jobsimtest.Checker
	if checked {
		counts = jobsim.AuditCounts(c)
		k = jobsimtest.NewChecker(c)
	}
	var handles []*jobsim.JobHandle
	for i, j := range r.jobs {
		h, err := c.Submit(j, r.behavior[i])
		if err != nil {
			t.Fatalf("generated job is invalid: %v", err)
		}
		handles = append(handles, h)
	}
	var cron *jobsim.CronJobHandle
	if r.cron != nil {
		var err error
		if cron, err = c.SubmitCronJob(*r.cron, jobsim.Always(jobsim.Run{Duration: 90 * time.Second})); err != nil {
			t.Fatalf("generated CronJob is invalid: %v", err)
		}
	}
	if r.failAt > 0 {
		node := r.cfg.Nodes[0].Name
		c.At(c.Now().Add(r.failAt), func() {
			if err := c.FailNode(node); err != nil {
				t.Fatal(err)
			}
		})
		c.At(c.Now().Add(2*r.failAt), func() {
			if err := c.RecoverNode(node); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := c.RunUntil(c.Now().Add(r.until)); err != nil {
		t.Fatal(err)
	}
	if err := counts(); err != nil {
		t.Fatal(err)
	}
	if checked {
		if r.until == 3*time.Hour {
			k.Final()
		}
		if err := k.Err(); err != nil {
			t.Fatal(err)
		}
	}
	out := resetOutcome{Events: c.Events(), Fired: c.Fired()}
	if cron != nil {
		out.Cron = append(out.Cron, cron.Status())
		handles = append(handles, cron.Jobs()...)
	}
	for _, h := range handles {
		out.Statuses = append(out.Statuses, h.Status())
		out.Pods = append(out.Pods, h.Pods())
	}
	return out
}

// genResetRun draws a run: sometimes on the nodes of the run before (so
// that Reset keeps its scheduler), sometimes on others, with one to three
// jobs with requests, sometimes a CronJob, sometimes a failing node.
func genResetRun(t *rapid.T, i int, before *resetRun) resetRun {
	r := resetRun{cfg: jobsim.Config{
		Seed:            rapid.Uint64().Draw(t, "seed"),
		SyncDelay:       rapid.SampledFrom([]time.Duration{0, time.Second}).Draw(t, "syncDelay"),
		MaxEvents:       1_000_000,
		MaxFinishedPods: rapid.SampledFrom([]int{-1, 3}).Draw(t, "maxFinishedPods"),
		Start:           time.Date(2026, 3, 1, 0, 0, rapid.IntRange(0, 59).Draw(t, "startSecond"), 0, time.UTC),
		Version:         rapid.SampledFrom([]jobsim.Version{jobsim.V1_34, jobsim.V1_37}).Draw(t, "version"),
		Scoring:         rapid.SampledFrom([]jobsim.ScoringPolicy{jobsim.LeastAllocated, jobsim.MostAllocated}).Draw(t, "scoring"),
	}}
	switch {
	case before != nil && rapid.Bool().Draw(t, "sameNodes"):
		r.cfg.Nodes, r.cfg.PriorityClasses = before.cfg.Nodes, before.cfg.PriorityClasses
	case rapid.Bool().Draw(t, "hasNodes"):
		r.cfg.Nodes = jobsimtest.Nodes().Draw(t, "nodes")
		if rapid.Bool().Draw(t, "classes") {
			r.cfg.PriorityClasses = propertyClasses
		}
	}
	for n := range rapid.IntRange(1, 3).Draw(t, "jobs") {
		job := jobsimtest.Jobs(fmt.Sprintf("run%d-%d", i, n)).Draw(t, "job")
		job.Spec.Template.Spec.Containers[0].Requests = jobsimtest.Requests().Draw(t, "requests")
		if len(r.cfg.PriorityClasses) > 0 {
			job.Spec.Template.Spec.PriorityClassName = rapid.SampledFrom([]string{"", "low", "high", "polite"}).Draw(t, "priorityClass")
		}
		if len(r.cfg.Nodes) > 0 {
			jobsimtest.PodPlacements().Draw(t, "placement")(&job.Spec.Template)
		}
		r.jobs = append(r.jobs, job)
		r.behavior = append(r.behavior, jobsimtest.Behaviors().Draw(t, "behavior"))
	}
	if rapid.IntRange(0, 3).Draw(t, "cron") == 0 {
		cj := jobsimtest.CronJobs("nightly").Draw(t, "cronJob")
		r.cron = &cj
	}
	r.until = rapid.SampledFrom([]time.Duration{time.Minute, 10 * time.Minute, 3 * time.Hour}).Draw(t, "until")
	if len(r.cfg.Nodes) > 0 && rapid.Bool().Draw(t, "fails") {
		r.failAt = time.Duration(rapid.IntRange(1, 600).Draw(t, "failAt")) * time.Second
	}
	return r
}

// Reset's promise: a run after Reset is the run of a new cluster, event
// for event, whatever ran before it and however far it got, on the same
// nodes or on others.
func TestPropertyResetRunEqualsNewClusterRun(t *testing.T) {
	rapid.Check(t, resetProperty)
}

// resetProperty runs two to four random runs on one cluster, Reset
// between them, each also on a new cluster, and compares the two.
func resetProperty(t *rapid.T) {
	var c *jobsim.Cluster
	var before *resetRun
	for i := range rapid.IntRange(2, 4).Draw(t, "runs") {
		r := genResetRun(t, i, before)
		if c == nil {
			c = jobsim.NewCluster(r.cfg)
		} else {
			c.Reset(r.cfg)
		}
		reused := play(t, c, r)
		fresh := play(t, jobsim.NewCluster(r.cfg), r)
		if d := cmp.Diff(fresh, reused); d != "" {
			t.Fatalf("run %d: after Reset, not the run of a new cluster (-new +reset):\n%s", i, d)
		}
		before = &r
	}
}

// Reset refuses what NewCluster refuses, with ValidateConfig's message.
func TestResetPanicsOnAnInvalidConfig(t *testing.T) {
	bad := jobsim.Config{FeatureGates: map[string]bool{"NoSuchGate": true}}
	want := jobsim.ValidateConfig(bad)
	if want == nil {
		t.Fatal("ValidateConfig accepts an unknown feature gate")
	}
	c := jobsim.NewCluster(jobsim.Config{})
	defer func() {
		if diff := cmp.Diff("jobsim: Reset: "+want.Error(), recover()); diff != "" {
			t.Errorf("Reset's panic (-want +got):\n%s", diff)
		}
	}()
	c.Reset(bad)
}

// A job struct filled again after Reset keeps its spec in the same memory
// (see specStore); what was read from the run before must not change.
func TestJobReadBeforeResetKeepsItsSpec(t *testing.T) {
	spec := func(name string, n int) jobsim.Job {
		return jobsim.Job{Name: name, Spec: jobsim.JobSpec{Parallelism: jobsim.Ptr(n), Completions: jobsim.Ptr(n),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
				Containers: []jobsim.Container{{Name: name, Image: name + ":1"}}}}}}
	}
	want := spec("first", 3)
	jobsim.SetDefaults(&want)
	c := jobsim.NewCluster(jobsim.Config{})
	h, err := c.Submit(spec("first", 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := h.Job()
	c.Reset(jobsim.Config{})
	if _, err := c.Submit(spec("Refused", 5), nil); err == nil {
		t.Fatal("a Job named Refused was accepted")
	}
	if _, err := c.Submit(spec("second", 7), nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want.Spec, got.Spec); d != "" {
		t.Errorf("spec read before Reset changed (-want +got):\n%s", d)
	}
}

// The shortcuts a cluster takes change nothing but the time and memory
// a run takes: the structs of a CronJob's deleted Jobs filled again for
// its next ones (retire), the CronJob syncs that would change nothing
// skipped (quietFor). A run that takes them is the run of a cluster that
// does not, event for event. (The invariants of runs with the shortcuts
// are checked by the Reset property, whose clusters take them.)
func TestPropertyShortcutsChangeNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := genResetRun(t, 0, nil)
		if r.cron == nil {
			cj := jobsimtest.CronJobs("nightly").Draw(t, "cronJob")
			r.cron = &cj
		}
		r.until = rapid.SampledFrom([]time.Duration{10 * time.Minute, time.Hour, 2 * time.Hour}).Draw(t, "until")
		kept := jobsim.NewCluster(r.cfg)
		jobsim.NoShortcuts(kept)
		want := playChecked(t, kept, r, false)
		got := playChecked(t, jobsim.NewCluster(r.cfg), r, false)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("the shortcuts changed the run (-without +with):\n%s", d)
		}
	})
}
