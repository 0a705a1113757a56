package jobsim_test

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// Benchmarks report simulated pods per second of real time, bytes and
// allocations per pod, and the peak live heap, sampled during the run.
// Finished pods and the event log are discarded, as a user simulating a
// million pods would.

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

func runBench(b *testing.B, job jobsim.Job, beh jobsim.Behavior) {
	b.Helper()
	runBenchConfig(b, jobsim.Config{Seed: 1, MaxFinishedPods: -1, DiscardEvents: true}, job, beh)
}

func runBenchConfig(b *testing.B, cfg jobsim.Config, job jobsim.Job, beh jobsim.Behavior) {
	b.Helper()
	var pods int
	var peak uint64
	var before, ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		c := jobsim.NewCluster(cfg)
		h, err := c.Submit(job, beh)
		if err != nil {
			b.Fatal(err)
		}
		for steps := 1; ; steps++ {
			ok, err := c.Step()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
			if steps%100_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
		if !h.Finished() {
			b.Fatalf("job did not finish: %+v", h.Status())
		}
		pods += h.PodsCreated()
	}
	runtime.ReadMemStats(&ms)
	n := float64(pods)
	b.ReportMetric(n/b.Elapsed().Seconds(), "pods/s")
	b.ReportMetric(float64(ms.TotalAlloc-before.TotalAlloc)/n, "B/pod")
	b.ReportMetric(float64(ms.Mallocs-before.Mallocs)/n, "allocs/pod")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkMillionPods: NonIndexed, completions 1,000,000, parallelism
// 10,000, every pod runs 30 s and succeeds.
func BenchmarkMillionPods(b *testing.B) {
	runBench(b, benchJob(jobsim.NonIndexed, 1_000_000, 10_000, jobsim.RestartNever), jobsim.Fixed(30*time.Second, 0))
}

// BenchmarkMillionPodsIndexed is the same job in Indexed mode.
func BenchmarkMillionPodsIndexed(b *testing.B) {
	runBench(b, benchJob(jobsim.Indexed, 1_000_000, 10_000, jobsim.RestartNever), jobsim.Fixed(30*time.Second, 0))
}

// BenchmarkFailureHeavyNever: 100,000 completions, parallelism 1,000,
// random 10–60 s runs of which 30% fail: replacements wait out the
// pod-failure backoff.
func BenchmarkFailureHeavyNever(b *testing.B) {
	runBench(b, benchJob(jobsim.NonIndexed, 100_000, 1_000, jobsim.RestartNever),
		jobsim.Random{Min: 10 * time.Second, Max: 60 * time.Second, FailProbability: 0.3, ExitCode: 1})
}

// BenchmarkFailureHeavyOnFailure: the same with restartPolicy OnFailure:
// failing containers restart in place through CrashLoopBackOff.
func BenchmarkFailureHeavyOnFailure(b *testing.B) {
	runBench(b, benchJob(jobsim.NonIndexed, 100_000, 1_000, jobsim.RestartOnFailure),
		jobsim.Random{Min: 10 * time.Second, Max: 60 * time.Second, FailProbability: 0.3, ExitCode: 1})
}

// BenchmarkPolicyHeavyIndexed: 100,000 indexes, parallelism 1,000,
// backoffLimitPerIndex 2, a pod failure policy that ignores exit code 2
// and fails the index on 3; 30% of runs fail with one of 1–3.
func BenchmarkPolicyHeavyIndexed(b *testing.B) {
	job := benchJob(jobsim.Indexed, 100_000, 1_000, jobsim.RestartNever)
	job.Spec.BackoffLimit = nil
	job.Spec.BackoffLimitPerIndex = jobsim.Ptr(2)
	job.Spec.PodFailurePolicy = &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{
		{Action: jobsim.ActionIgnore, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{2}}},
		{Action: jobsim.ActionFailIndex, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{3}}},
	}}
	runBench(b, job, jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run {
		r := jobsim.Run{Duration: time.Duration(10+rc.Rand.IntN(50)) * time.Second}
		if rc.Rand.Float64() < 0.3 {
			r.ExitCode = 1 + rc.Rand.IntN(3)
		}
		return r
	}))
}

// BenchmarkScheduling100kPodsOn1000Nodes: 100,000 pods (completions
// 100,000, parallelism 5,000) requesting 1 CPU and 1 GiB on 1,000 nodes of
// 4 CPUs: 4,000 run at a time, the rest wait for room. Runs last 30–90 s.
func BenchmarkScheduling100kPodsOn1000Nodes(b *testing.B) {
	benchScheduling(b, 1000, jobsim.LeastAllocated)
}

// BenchmarkScheduling100kPodsOn100Nodes is the same on 100 nodes, to show
// how the cost per placement grows with the number of nodes.
func BenchmarkScheduling100kPodsOn100Nodes(b *testing.B) {
	benchScheduling(b, 100, jobsim.LeastAllocated)
}

// BenchmarkScheduling100kPodsOn1000NodesMostAllocated packs instead.
func BenchmarkScheduling100kPodsOn1000NodesMostAllocated(b *testing.B) {
	benchScheduling(b, 1000, jobsim.MostAllocated)
}

func benchScheduling(b *testing.B, nodes int, policy jobsim.ScoringPolicy) {
	ns := make([]jobsim.Node, nodes)
	for i := range ns {
		ns[i] = jobsim.Node{Name: "node-" + strconv.Itoa(i), Capacity: jobsim.ResourceList{"cpu": 4000, "memory": 16 << 30}}
	}
	job := benchJob(jobsim.NonIndexed, 100_000, 5*nodes, jobsim.RestartNever)
	job.Spec.Template.Spec.Containers[0].Requests = jobsim.ResourceList{"cpu": 1000, "memory": 1 << 30}
	runBenchConfig(b, jobsim.Config{Seed: 1, MaxFinishedPods: -1, DiscardEvents: true, Nodes: ns, Scoring: policy},
		job, jobsim.Random{Min: 30 * time.Second, Max: 90 * time.Second})
}

// BenchmarkScheduling100kPodsOn1000NodesConstrained is the 1,000-node
// run with what real batch pods carry: the nodes are in three zones, half
// of them a pool tainted dedicated=batch:NoSchedule; every pod tolerates
// the taint, requires the pool by node affinity and spreads across the
// zones (maxSkew 1, DoNotSchedule).
func BenchmarkScheduling100kPodsOn1000NodesConstrained(b *testing.B) {
	ns := make([]jobsim.Node, 1000)
	for i := range ns {
		n := jobsim.Node{Name: "node-" + strconv.Itoa(i), Capacity: jobsim.ResourceList{"cpu": 4000, "memory": 16 << 30},
			Labels: map[string]string{jobsim.LabelZone: "zone-" + strconv.Itoa(i%3), "pool": "general"}}
		if i%2 == 0 {
			n.Labels["pool"] = "batch"
			n.Taints = []jobsim.Taint{{Key: "dedicated", Value: "batch", Effect: jobsim.TaintNoSchedule}}
		}
		ns[i] = n
	}
	job := benchJob(jobsim.NonIndexed, 100_000, 2500, jobsim.RestartNever)
	t := &job.Spec.Template
	t.Labels = map[string]string{"app": "bench"}
	t.Spec.Containers[0].Requests = jobsim.ResourceList{"cpu": 1000, "memory": 1 << 30}
	t.Spec.Tolerations = []jobsim.Toleration{{Key: "dedicated", Operator: jobsim.TolerationOpEqual, Value: "batch", Effect: jobsim.TaintNoSchedule}}
	t.Spec.Affinity = &jobsim.Affinity{NodeAffinity: &jobsim.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &jobsim.NodeSelector{
		NodeSelectorTerms: []jobsim.NodeSelectorTerm{{MatchExpressions: []jobsim.NodeSelectorRequirement{{Key: "pool", Operator: jobsim.NodeSelectorOpIn, Values: []string{"batch"}}}}}}}}
	t.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule,
		LabelSelector: &jobsim.LabelSelector{MatchLabels: map[string]string{"app": "bench"}}}}
	runBenchConfig(b, jobsim.Config{Seed: 1, MaxFinishedPods: -1, DiscardEvents: true, Nodes: ns},
		job, jobsim.Random{Min: 30 * time.Second, Max: 90 * time.Second})
}

// BenchmarkCronJobYear: a CronJob scheduled every minute ("* * * * *")
// for 365 days of virtual time, each Job one pod that runs 20 s and
// succeeds, with the default history limits (3 completed Jobs kept, 1
// failed): 525,599 Jobs (the last minute's comes 100 ms too late). It reports Jobs created per second of real time
// and the peak live heap, which the history limits bound, not the number
// of Jobs created.
func BenchmarkCronJobYear(b *testing.B) {
	cj := jobsim.CronJob{Name: "every-minute", Spec: jobsim.CronJobSpec{
		Schedule: "* * * * *",
		JobTemplate: jobsim.JobTemplate{Spec: jobsim.JobSpec{Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{
			RestartPolicy: jobsim.RestartNever,
			Containers:    []jobsim.Container{{Name: "work", Image: "busybox"}},
		}}}},
	}}
	const year = 365 * 24 * time.Hour
	var jobs int
	var peak uint64
	var before, ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		c := jobsim.NewCluster(jobsim.Config{Seed: 1, MaxFinishedPods: -1, DiscardEvents: true})
		h, err := c.SubmitCronJob(cj, jobsim.Fixed(20*time.Second, 0))
		if err != nil {
			b.Fatal(err)
		}
		end := c.Now().Add(year)
		for day := 1; day <= 365; day++ {
			if err := c.RunUntil(c.Now().Add(24 * time.Hour)); err != nil {
				b.Fatal(err)
			}
			if day%30 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if !c.Now().Equal(end) {
			b.Fatalf("ended at %v, want %v", c.Now(), end)
		}
		// Minute 525,600's Job would be created 100 ms after the year.
		if got, want := h.JobsCreated(), 365*24*60-1; got != want {
			b.Fatalf("%d Jobs created, want %d", got, want)
		}
		if n := len(h.Jobs()); n > jobsim.DefaultSuccessfulJobsHistoryLimit+1 {
			b.Fatalf("%d Jobs kept, want at most %d", n, jobsim.DefaultSuccessfulJobsHistoryLimit+1)
		}
		jobs += h.JobsCreated()
	}
	runtime.ReadMemStats(&ms)
	n := float64(jobs)
	b.ReportMetric(n/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(float64(ms.TotalAlloc-before.TotalAlloc)/n, "B/job")
	b.ReportMetric(float64(ms.Mallocs-before.Mallocs)/n, "allocs/job")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkTinyJob: the simulation a sweep or a property test runs
// thousands of times: 5 completions, 2 at a time, random run times and
// one failure in five, on one cluster Reset between runs. It reports
// simulations per second, and the bytes and allocations of one.
func BenchmarkTinyJob(b *testing.B) {
	job, beh := tinyJob()
	c := jobsim.NewCluster(jobsim.Config{DiscardEvents: true})
	seed := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		seed++
		c.Reset(jobsim.Config{Seed: seed, DiscardEvents: true})
		if _, err := c.Submit(job, beh); err != nil {
			b.Fatal(err)
		}
		if err := c.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sims/s")
}

// BenchmarkTinyJobNewCluster is BenchmarkTinyJob with a new cluster for
// each run: what Reset saves.
func BenchmarkTinyJobNewCluster(b *testing.B) {
	job, beh := tinyJob()
	seed := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		seed++
		c := jobsim.NewCluster(jobsim.Config{Seed: seed, DiscardEvents: true})
		if _, err := c.Submit(job, beh); err != nil {
			b.Fatal(err)
		}
		if err := c.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sims/s")
}

// tinyJob is the job of BenchmarkTinyJob and its behaviour.
func tinyJob() (jobsim.Job, jobsim.Behavior) {
	job := jobsim.Job{Name: "tiny", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(5), Parallelism: jobsim.Ptr(2),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
			Containers: []jobsim.Container{{Name: "c", Image: "busybox"}}}}}}
	return job, jobsim.Random{Min: 10 * time.Second, Max: 30 * time.Second, FailProbability: 0.2, ExitCode: 1}
}
