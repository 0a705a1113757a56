package sweep

import (
	"runtime"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// BenchmarkSweep runs 20,000 seeds of examples/manifests/parallel.random
// (a 6-completion Job, random failures) with one worker and with two,
// and reports the runs per second of each and the speedup of two
// workers over one (the goal: at least 1.8 on two cores).
func BenchmarkSweep(b *testing.B) {
	s, err := manifest.Load("../examples/manifests/parallel.random.scenario.yaml", manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f, err := Scenario(s, manifest.SimOptions{})
	if err != nil {
		b.Fatal(err)
	}
	reportSpeedup(b, 20000, func(o Options) error {
		o.Keep = true
		_, err := Run(o, NewWorker, f)
		return err
	})
}

// BenchmarkMillionSeeds streams a million samples (of a function that
// costs nothing) through Run without keeping them, as a shard of jobsim
// sweep -o jsonl does, and reports the peak heap: it does not grow with
// the seeds.
func BenchmarkMillionSeeds(b *testing.B) {
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		var n uint64
		_, err := Run(Options{First: 1, N: 1_000_000, Workers: 2, Each: func(Sample) error {
			n++
			if n%100_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
			return nil
		}}, func() struct{} { return struct{}{} }, func(struct{}, uint64) (Sample, error) { return Sample{Outcome: "Complete"}, nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkSweepTinyJob is BenchmarkSweep for a Go sweep of the 5-completion
// Job of BenchmarkTinyJob, each worker's cluster Reset between seeds: what
// two workers give when a run allocates almost nothing.
func BenchmarkSweepTinyJob(b *testing.B) {
	job := jobsim.Job{Name: "tiny", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(5), Parallelism: jobsim.Ptr(2),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
			Containers: []jobsim.Container{{Name: "c", Image: "busybox"}}}}}}
	beh := jobsim.Random{Min: 10 * time.Second, Max: 30 * time.Second, FailProbability: 0.2, ExitCode: 1}
	run := func(c *jobsim.Cluster, seed uint64) (Sample, error) {
		c.Reset(jobsim.Config{Seed: seed, DiscardEvents: true})
		h, err := c.Submit(job, beh)
		if err != nil {
			return Sample{}, err
		}
		if err := c.Run(); err != nil {
			return Sample{}, err
		}
		return Sample{Outcome: "Complete", PodsCreated: h.PodsCreated()}, nil
	}
	newCluster := func() *jobsim.Cluster { return jobsim.NewCluster(jobsim.Config{}) }
	reportSpeedup(b, 20000, func(o Options) error {
		_, err := Run(o, newCluster, run)
		return err
	})
}

// reportSpeedup times sweep(n seeds) with one worker and with two, in
// turn, and reports the runs per second of each and the speedup.
func reportSpeedup(b *testing.B, n uint64, sweep func(Options) error) {
	var one, two time.Duration
	for b.Loop() {
		for _, w := range []int{1, 2} {
			start := time.Now()
			if err := sweep(Options{First: 1, N: n, Workers: w}); err != nil {
				b.Fatal(err)
			}
			if w == 1 {
				one += time.Since(start)
			} else {
				two += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/one.Seconds(), "runs/s-1-worker")
	b.ReportMetric(float64(n)*float64(b.N)/two.Seconds(), "runs/s-2-workers")
	b.ReportMetric(one.Seconds()/two.Seconds(), "speedup")
}
