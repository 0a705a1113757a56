package jobsim_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// The cost of explaining, against the cost of the run explained:
// BenchmarkExplain reports Explain's time as a percentage of the run's,
// BenchmarkExplainWhatIf the time of ExplainWith and its re-runs in runs
// of the scenario, measured alongside.

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

// BenchmarkExplain runs the scenario and explains it, in turns, so that
// the load of the machine weighs alike on both; it reports each one's
// time and their ratio.
func BenchmarkExplain(b *testing.B) {
	cfg, job, beh := benchScenario()
	var runT, explainT time.Duration
	minRun, minExplain := time.Duration(1<<62), time.Duration(1<<62)
	for b.Loop() {
		t0 := time.Now()
		h := runOnce(b, cfg, job, beh)
		t1 := time.Now()
		jobsim.Explain(h)
		t2 := time.Now()
		runT += t1.Sub(t0)
		explainT += t2.Sub(t1)
		minRun, minExplain = min(minRun, t1.Sub(t0)), min(minExplain, t2.Sub(t1))
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64(runT/n), "run-ns/op")
	b.ReportMetric(float64(explainT/n), "explain-ns/op")
	b.ReportMetric(100*float64(explainT)/float64(runT), "%run")
	// The fastest of each, the least disturbed by other work on the
	// machine.
	b.ReportMetric(100*float64(minExplain)/float64(minRun), "%run-fastest")
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

// BenchmarkExplainOnly explains one run again and again: Explain alone,
// for profiling.
func BenchmarkExplainOnly(b *testing.B) {
	cfg, job, beh := benchScenario()
	h := runOnce(b, cfg, job, beh)
	b.ReportAllocs()
	for b.Loop() {
		jobsim.Explain(h)
	}
}
