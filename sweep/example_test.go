package sweep_test

import (
	"fmt"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
	"github.com/jobsim/jobsim/sweep"
)

// A sweep of a Job from Go: each worker Resets its own cluster for each
// seed. The Job of three completions with backoffLimit 1 fails when two
// of its pods fail before three succeed, probability 18.1% with a pod
// failure rate of 0.2: the interval of 2,000 seeds holds it. The result
// is the same for any number of workers.
func ExampleRun() {
	job := jobsim.Job{Name: "batch", Spec: jobsim.JobSpec{
		Completions:  jobsim.Ptr(3),
		BackoffLimit: jobsim.Ptr(1),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever,
			Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
		}},
	}}
	work := jobsim.Random{Min: time.Minute, Max: 2 * time.Minute, FailProbability: 0.2, ExitCode: 1}
	run := func(c *jobsim.Cluster, seed uint64) (sweep.Sample, error) {
		c.Reset(jobsim.Config{Seed: seed, DiscardEvents: true})
		h, err := c.Submit(job, work)
		if err != nil {
			return sweep.Sample{}, err
		}
		if err := c.Run(); err != nil {
			return sweep.Sample{}, err
		}
		x := sweep.Sample{Outcome: "Complete", PodsCreated: h.PodsCreated(), Makespan: h.Metrics().Makespan}
		if f, ok := h.Status().Condition(jobsim.JobFailed); ok && f.Status == jobsim.ConditionTrue {
			x.Outcome = f.Reason
		}
		return x, nil
	}
	newCluster := func() *jobsim.Cluster { return jobsim.NewCluster(jobsim.Config{}) }
	sum, err := sweep.Run(sweep.Options{First: 1, N: 2000, Keep: true}, newCluster, run)
	if err != nil {
		panic(err)
	}
	for _, o := range sum.Outcomes() {
		fmt.Printf("%-20s %4d  %.1f%% (%.1f%%–%.1f%%)\n", o.Outcome, o.Count, 100*o.P, 100*o.Low, 100*o.High)
	}
	p := sum.Percentiles(sweep.Makespan)
	fmt.Printf("makespan p50 %v, p99 %v\n", time.Duration(p.P50).Round(time.Second), time.Duration(p.P99).Round(time.Second))
	// Output:
	// Complete             1625  81.2% (79.5%–82.9%)
	// BackoffLimitExceeded  375  18.8% (17.1%–20.5%)
	// makespan p50 4m57s, p99 7m15s
}

// Scenario sweeps a scenario file, as jobsim sweep does: the samples of
// seeds 1 to 1,000 of the parallel example, whose pods fail one time in
// five. Its six completions fail the Job when seven pods fail first
// (backoffLimit 6): about 0.4% of the runs, by the negative binomial
// law.
func ExampleScenario() {
	s, err := manifest.Load("../examples/manifests/parallel.random.scenario.yaml", manifest.Options{})
	if err != nil {
		panic(err)
	}
	run, err := sweep.Scenario(s, manifest.SimOptions{})
	if err != nil {
		panic(err)
	}
	sum, err := sweep.Run(sweep.Options{First: 1, N: 1000, Keep: true}, sweep.NewWorker, run)
	if err != nil {
		panic(err)
	}
	for _, o := range sum.Outcomes() {
		fmt.Printf("%-20s %4d\n", o.Outcome, o.Count)
	}
	// Output:
	// Complete              997
	// BackoffLimitExceeded    3
}
