package jobsimtest_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// tinyJob is a property test's usual case: 5 completions, 2 at a time,
// random run times, one failure in five.
func tinyJob() (jobsim.Job, jobsim.Behavior) {
	job := jobsim.Job{Name: "tiny", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(5), Parallelism: jobsim.Ptr(2),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
			Containers: []jobsim.Container{{Name: "c", Image: "busybox"}}}}}}
	return job, jobsim.Random{Min: 10 * time.Second, Max: 30 * time.Second, FailProbability: 0.2, ExitCode: 1}
}

// BenchmarkTinyJobAlone is the simulation Check checks in
// BenchmarkCheckTinyJob, on its own: the cost Check is measured against.
func BenchmarkTinyJobAlone(b *testing.B) {
	job, beh := tinyJob()
	seed := uint64(0)
	for b.Loop() {
		seed++
		c := jobsim.NewCluster(jobsim.Config{Seed: seed})
		if _, err := c.Submit(job, beh); err != nil {
			b.Fatal(err)
		}
		if err := c.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sims/s")
}

// BenchmarkCheckTinyJob is a tiny simulation observed by Check, which
// checks every invariant after every event.
func BenchmarkCheckTinyJob(b *testing.B) {
	job, beh := tinyJob()
	seed := uint64(0)
	for b.Loop() {
		seed++
		c := jobsim.NewCluster(jobsim.Config{Seed: seed})
		if _, err := c.Submit(job, beh); err != nil {
			b.Fatal(err)
		}
		if err := jobsimtest.Check(c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sims/s")
}
