package jobsim_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// benchJob is a job of completions pods, parallelism at a time.
func benchJob(mode jobsim.CompletionMode, completions, parallelism int, restart jobsim.RestartPolicy) jobsim.Job {
	return jobsim.Job{
		Name: "bench",
		Spec: jobsim.JobSpec{
			Completions:    jobsim.Ptr(completions),
			Parallelism:    jobsim.Ptr(parallelism),
			CompletionMode: mode,
			BackoffLimit:   jobsim.Ptr(1 << 30),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
				RestartPolicy: restart,
				Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
			}},
		},
	}
}

// runBench simulates one job per iteration and reports pods/s, bytes per
// pod, allocations per pod and the peak live heap.
func runBench(b *testing.B, job jobsim.Job, beh jobsim.Behavior) {
	b.Helper()
	var pods int
	var peak uint64
	var ms runtime.MemStats
	b.ReportAllocs()
	for b.Loop() {
		c := jobsim.NewCluster(jobsim.Config{Seed: 1, MaxFinishedPods: -1, DiscardEvents: true})
		h, err := c.Submit(job, beh)
		if err != nil {
			b.Fatal(err)
		}
		for {
			ok, err := c.Step()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
		}
		_ = c.Run()
		if !h.Finished() {
			b.Fatalf("job did not finish: %+v", h.Status())
		}
		pods += h.PodsCreated()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(pods)/sec, "pods/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

func BenchmarkMillionPods(b *testing.B) {
	runBench(b, benchJob(jobsim.NonIndexed, 1_000_000, 10_000, jobsim.RestartNever), jobsim.Fixed(30*time.Second, 0))
}
