package jobsim_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// The cost of explaining, against the cost of the run explained. Each
// benchmark reports, besides ns/op, the explanation's cost in runs: the
// time of one Explain (or ExplainWith and its re-runs) divided by the
// time of one run of the scenario, measured alongside.

// benchScenario is a Job of 200 pods, 20 at a time, on 4 nodes that
// hold 12 of them: a third of the pods fail once before succeeding
// (backoffLimit 100 leaves room), and pods wait for room.
func benchScenario() (jobsim.Config, jobsim.Job, jobsim.Behavior) {
	cfg := jobsim.Config{Seed: 7}
	for i := range 4 {
		cfg.Nodes = append(cfg.Nodes, jobsim.Node{Name: "w" + string(rune('0'+i)), Capacity: map[string]int64{"cpu": 3000}})
	}
	job := explainJob("bench", jobsim.RestartNever)
	job.Spec.Completions, job.Spec.Parallelism, job.Spec.BackoffLimit = jobsim.Ptr(200), jobsim.Ptr(20), jobsim.Ptr(100)
	b := jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run {
		if rc.Key%3 == 0 {
			return jobsim.Run{Duration: 15 * time.Second, ExitCode: 1}
		}
		return jobsim.Run{Duration: 30 * time.Second}
	})
	return cfg, job, b
}

// failingScenario is benchScenario with a backoffLimit the failures
// exceed, so that ExplainWith searches for the smallest that suffices.
func failingScenario() (jobsim.Config, jobsim.Job, jobsim.Behavior) {
	cfg, job, b := benchScenario()
	job.Spec.BackoffLimit = jobsim.Ptr(10)
	return cfg, job, b
}

func runOnce(b *testing.B, cfg jobsim.Config, job jobsim.Job, beh jobsim.Behavior) *jobsim.JobHandle {
	h, err := jobsim.RerunJob(beh)(cfg, job)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// timeRuns returns the mean time of a run of the scenario.
func timeRuns(b *testing.B, cfg jobsim.Config, job jobsim.Job, beh jobsim.Behavior) time.Duration {
	const n = 20
	start := time.Now()
	for range n {
		runOnce(b, cfg, job, beh)
	}
	return time.Since(start) / n
}

func BenchmarkExplain(b *testing.B) {
	cfg, job, beh := benchScenario()
	h := runOnce(b, cfg, job, beh)
	run := timeRuns(b, cfg, job, beh)
	b.ResetTimer()
	for b.Loop() {
		jobsim.Explain(h)
	}
	b.StopTimer()
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(100*float64(per)/float64(run), "%run")
}

func BenchmarkExplainWhatIf(b *testing.B) {
	for _, sc := range []struct {
		name string
		mk   func() (jobsim.Config, jobsim.Job, jobsim.Behavior)
	}{{"complete", benchScenario}, {"failed", failingScenario}} {
		b.Run(sc.name, func(b *testing.B) {
			cfg, job, beh := sc.mk()
			h := runOnce(b, cfg, job, beh)
			run := timeRuns(b, cfg, job, beh)
			var reruns int
			b.ResetTimer()
			for b.Loop() {
				ex := jobsim.ExplainWith(h, jobsim.ExplainOptions{Rerun: jobsim.RerunJob(beh)})
				reruns = ex.WhatIf.Reruns
			}
			b.StopTimer()
			per := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(per)/float64(run), "runs")
			b.ReportMetric(float64(reruns), "reruns")
		})
	}
}
