package jobsim_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
)

// genExplainCase draws a small job and a behaviour whose every key ends
// in success after a few scripted runs, so that every run ends.
func genExplainCase(t *rapid.T) (jobsim.Config, jobsim.Job, jobsim.Behavior) {
	cfg := jobsim.Config{
		Seed:      rapid.Uint64Range(0, 1000).Draw(t, "seed"),
		SyncDelay: rapid.SampledFrom([]time.Duration{0, time.Second}).Draw(t, "syncDelay"),
		Version:   rapid.SampledFrom(jobsim.Versions()).Draw(t, "version"),
	}
	if rapid.Bool().Draw(t, "nodes") {
		cfg.Nodes = []jobsim.Node{{Name: "w0", Capacity: map[string]int64{"cpu": 2000}}}
	}
	rp := rapid.SampledFrom([]jobsim.RestartPolicy{jobsim.RestartNever, jobsim.RestartOnFailure}).Draw(t, "restartPolicy")
	job := explainJob("prop", rp)
	s := &job.Spec
	s.Completions = jobsim.Ptr(rapid.IntRange(1, 4).Draw(t, "completions"))
	s.Parallelism = jobsim.Ptr(rapid.IntRange(1, 3).Draw(t, "parallelism"))
	s.BackoffLimit = jobsim.Ptr(rapid.IntRange(0, 3).Draw(t, "backoffLimit"))
	if rapid.Bool().Draw(t, "deadline") {
		s.ActiveDeadline = jobsim.Ptr(time.Duration(rapid.IntRange(10, 120).Draw(t, "deadlineSeconds")) * time.Second)
	}
	if rapid.Bool().Draw(t, "indexed") {
		s.CompletionMode = jobsim.Indexed
		if rp == jobsim.RestartNever && rapid.Bool().Draw(t, "perIndex") {
			s.BackoffLimitPerIndex = jobsim.Ptr(rapid.IntRange(0, 2).Draw(t, "backoffLimitPerIndex"))
		}
	}
	if rp == jobsim.RestartNever && rapid.Bool().Draw(t, "podFailurePolicy") {
		action := rapid.SampledFrom([]jobsim.PodFailurePolicyAction{jobsim.ActionFailJob, jobsim.ActionIgnore, jobsim.ActionCount}).Draw(t, "action")
		s.PodFailurePolicy = &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{
			{Action: action, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{42}}},
		}}
	}
	runs := map[int][]jobsim.Run{}
	for key := range 4 {
		n := rapid.IntRange(0, 4).Draw(t, "runs")
		for range n {
			runs[key] = append(runs[key], jobsim.Run{
				Duration: time.Duration(rapid.IntRange(1, 40).Draw(t, "seconds")) * time.Second,
				ExitCode: rapid.SampledFrom([]int{0, 1, 42}).Draw(t, "exit"),
			})
		}
	}
	return cfg, job, jobsim.Script(runs, jobsim.Fixed(20*time.Second, 0))
}

// outcomeOf is a finished job's outcome and reason, as its status says.
func outcomeOf(h *jobsim.JobHandle) (jobsim.Outcome, string) {
	for _, c := range h.Status().Conditions {
		if c.Status != jobsim.ConditionTrue {
			continue
		}
		switch c.Type {
		case jobsim.JobComplete:
			return jobsim.OutcomeComplete, c.Reason
		case jobsim.JobFailed:
			return jobsim.OutcomeFailed, c.Reason
		}
	}
	return jobsim.OutcomeRunning, ""
}

// Every counterfactual reported as flipping the outcome flips it when
// the change is made and the job run again, every other one does not;
// the explanation names the terminal reason of the status, its time
// breakdown adds up to the makespan, and its sentences cite events that
// exist.
func TestExplainProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg, job, b := genExplainCase(t)
		c := jobsim.NewCluster(cfg)
		h, err := c.Submit(job, b)
		if err != nil {
			t.Fatalf("generated job is invalid: %v", err)
		}
		if err := c.Run(); err != nil {
			t.Fatal(err)
		}
		ex := jobsim.ExplainWith(h, jobsim.ExplainOptions{Rerun: jobsim.RerunJob(b), MaxReruns: 8})
		outcome, reason := outcomeOf(h)
		if ex.Outcome != outcome || ex.Reason != reason {
			t.Fatalf("explained %s (%s), status says %s (%s)", ex.Outcome, ex.Reason, outcome, reason)
		}
		if ex.Rule.Text == "" {
			t.Fatalf("no rule for %s (%s)", ex.Outcome, ex.Reason)
		}
		switch ex.Reason {
		case jobsim.JobReasonBackoffLimitExceeded, jobsim.JobReasonPodFailurePolicy, jobsim.JobReasonCompletionsReached, jobsim.JobReasonSuccessPolicy:
			if ex.Rule.Pod == "" {
				t.Fatalf("%s names no pod: %s\n%s", ex.Reason, ex.Rule.Text, ex)
			}
		}
		for _, p := range ex.Pods {
			if p.Fate == jobsim.FateActive {
				t.Fatalf("pod %s still active after the job %s", p.Name, ex.Outcome)
			}
		}
		tb := ex.Time
		if sum := tb.Running + tb.Terminating + tb.Pending + tb.Backoff + tb.Idle; sum != ex.Makespan {
			t.Fatalf("time %+v adds up to %v, makespan %v", tb, sum, ex.Makespan)
		}
		n := len(c.Events())
		for _, s := range ex.Sentences {
			for _, i := range s.Events {
				if i < 0 || i >= n {
					t.Fatalf("sentence %q cites event %d of %d", s.Text, i, n)
				}
			}
		}
		for _, cf := range ex.WhatIf.Tried {
			if cf.Error != "" {
				if cf.Flips {
					t.Fatalf("%s: stopped (%s) yet reported as flipping", cf.Change(), cf.Error)
				}
				continue
			}
			cfg2, job2 := cf.Apply(cfg, job)
			c2 := jobsim.NewCluster(cfg2)
			h2, err := c2.Submit(job2, b)
			if err != nil {
				t.Fatalf("%s: %v", cf.Change(), err)
			}
			if err := c2.Run(); err != nil {
				t.Fatalf("%s: %v", cf.Change(), err)
			}
			got, _ := outcomeOf(h2)
			if flips := got != ex.Outcome; flips != cf.Flips {
				t.Fatalf("%s: reported flips=%v, re-run gives %s against %s", cf.Change(), cf.Flips, got, ex.Outcome)
			}
			if got != cf.Outcome {
				t.Fatalf("%s: reported %s, re-run gives %s", cf.Change(), cf.Outcome, got)
			}
		}
	})
}
