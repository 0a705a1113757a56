package sweep

import (
	"runtime"
	"testing"
	"time"

	"github.com/jobsim/jobsim/manifest"
)

// BenchmarkSweep runs 2,000 seeds of examples/manifests/parallel.random
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
	const n = 2000
	var one, two time.Duration
	for b.Loop() {
		for _, w := range []int{1, 2} {
			start := time.Now()
			if _, err := Run(Options{First: 1, N: n, Workers: w, Keep: true}, func() struct{} { return struct{}{} }, f); err != nil {
				b.Fatal(err)
			}
			if w == 1 {
				one += time.Since(start)
			} else {
				two += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/one.Seconds(), "runs/s-1-worker")
	b.ReportMetric(float64(n*b.N)/two.Seconds(), "runs/s-2-workers")
	b.ReportMetric(one.Seconds()/two.Seconds(), "speedup")
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
