package jobsimtest_test

import (
	"testing"
	"time"

	"github.com/jobsim/jobsim"
)

// A scenario is a small run whose history the checker's tests corrupt.
type scenario struct {
	name    string
	job     string // the job the corruptions touch
	cluster func(t *testing.T) *jobsim.Cluster
}

func container() []jobsim.Container {
	return []jobsim.Container{{Name: "work", Image: "busybox"}}
}

func submit(t *testing.T, c *jobsim.Cluster, job jobsim.Job, b jobsim.Behavior) *jobsim.Cluster {
	t.Helper()
	if job.Spec.Template.Spec.RestartPolicy == "" {
		job.Spec.Template.Spec.RestartPolicy = jobsim.RestartNever
	}
	if job.Spec.Template.Spec.Containers == nil {
		job.Spec.Template.Spec.Containers = container()
	}
	if _, err := c.Submit(job, b); err != nil {
		t.Fatal(err)
	}
	return c
}

var scenarios = []scenario{
	// Two pods fail (at 5 s and 7 s), holding replacements back until 27 s;
	// three succeed, the job completes at 67 s.
	{"flaky", "flaky", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "flaky", Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(3), Parallelism: jobsim.Ptr(2),
		}}, jobsim.Script(map[int][]jobsim.Run{
			0: {{Duration: 5 * time.Second, ExitCode: 1}},
			1: {{Duration: 7 * time.Second, ExitCode: 1}},
		}, jobsim.Fixed(20*time.Second, 0)))
	}},
	// Every pod fails; the second failure exceeds backoffLimit 1.
	{"doomed", "doomed", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "doomed", Spec: jobsim.JobSpec{
			BackoffLimit: jobsim.Ptr(1),
		}}, jobsim.Fixed(5*time.Second, 1))
	}},
	// Indexed, three completions two at a time; index 1 fails once.
	{"indexed", "indexed", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "indexed", Spec: jobsim.JobSpec{
			CompletionMode: jobsim.Indexed, Completions: jobsim.Ptr(3), Parallelism: jobsim.Ptr(2),
		}}, jobsim.Script(map[int][]jobsim.Run{1: {{Duration: 5 * time.Second, ExitCode: 1}}}, jobsim.Fixed(20*time.Second, 0)))
	}},
	// A work queue of two pods: the first success at 10 s, the other at 30 s.
	{"queue", "queue", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "queue", Spec: jobsim.JobSpec{
			Parallelism: jobsim.Ptr(2),
		}}, jobsim.Script(map[int][]jobsim.Run{0: {{Duration: 10 * time.Second}}}, jobsim.Fixed(30*time.Second, 0)))
	}},
	// Pods that would run 100 s under activeDeadlineSeconds 20.
	{"deadline", "deadline", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "deadline", Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(2), Parallelism: jobsim.Ptr(2), ActiveDeadline: jobsim.Ptr(20 * time.Second),
		}}, jobsim.Always(jobsim.Run{Duration: 100 * time.Second, Term: 5 * time.Second}))
	}},
	// Submitted suspended, resumed at 10 s: two 10 s pods.
	{"suspended", "suspended", func(t *testing.T) *jobsim.Cluster {
		c := submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "suspended", Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(2), Parallelism: jobsim.Ptr(2), Suspend: true,
		}}, nil)
		c.At(time.Unix(10, 0), func() {
			if err := c.Update("", "suspended", func(s *jobsim.JobSpec) { s.Suspend = false }); err != nil {
				t.Error(err)
			}
		})
		return c
	}},
	// A FailJob rule on exit code 3: the second pod's exit fails the job.
	{"failjob", "failjob", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "failjob", Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(2), Parallelism: jobsim.Ptr(2),
			PodFailurePolicy: &jobsim.PodFailurePolicy{Rules: []jobsim.PodFailurePolicyRule{{
				Action: jobsim.ActionFailJob, OnExitCodes: &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.OpIn, Values: []int{3}},
			}}},
		}}, jobsim.Script(map[int][]jobsim.Run{0: {{Duration: 5 * time.Second, ExitCode: 3}}}, jobsim.Forever()))
	}},
	// Indexed, four completions, a success policy satisfied by index 1
	// alone (rule 1; rule 0 wants index 3, which runs long).
	{"successpolicy", "successpolicy", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "successpolicy", Spec: jobsim.JobSpec{
			CompletionMode: jobsim.Indexed, Completions: jobsim.Ptr(4), Parallelism: jobsim.Ptr(4),
			SuccessPolicy: &jobsim.SuccessPolicy{Rules: []jobsim.SuccessPolicyRule{
				{SucceededIndexes: jobsim.Ptr("3")},
				{SucceededIndexes: jobsim.Ptr("1")},
			}},
		}}, jobsim.Script(map[int][]jobsim.Run{1: {{Duration: 5 * time.Second}}}, jobsim.Fixed(100*time.Second, 0)))
	}},
	// Per-index backoff: index 0 fails once and so fails (limit 0);
	// maxFailedIndexes 1 lets the job go on, index 2 fails later and
	// exceeds it.
	{"perindex", "perindex", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "perindex", Spec: jobsim.JobSpec{
			CompletionMode: jobsim.Indexed, Completions: jobsim.Ptr(3), Parallelism: jobsim.Ptr(3),
			BackoffLimitPerIndex: jobsim.Ptr(0), MaxFailedIndexes: jobsim.Ptr(1),
		}}, jobsim.Script(map[int][]jobsim.Run{
			0: {{Duration: 5 * time.Second, ExitCode: 1}},
			1: {{Duration: 10 * time.Second}},
			2: {{Duration: 20 * time.Second, ExitCode: 1}},
		}, nil))
	}},
	// restartPolicy OnFailure: the container fails every 5 s and restarts
	// in its pod until the restarts reach backoffLimit 2.
	{"restarts", "restarts", func(t *testing.T) *jobsim.Cluster {
		return submit(t, jobsim.NewCluster(jobsim.Config{Seed: 1}), jobsim.Job{Name: "restarts", Spec: jobsim.JobSpec{
			BackoffLimit: jobsim.Ptr(2),
			Template:     jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartOnFailure}},
		}}, jobsim.Fixed(5*time.Second, 1))
	}},
	// Two nodes of one CPU each. Two low-priority pods fill them; a pod
	// of two CPUs fits nowhere and waits; at 10 s a high-priority pod
	// preempts a low one.
	{"nodes", "high", func(t *testing.T) *jobsim.Cluster {
		c := jobsim.NewCluster(jobsim.Config{Seed: 1,
			Nodes: []jobsim.Node{
				{Name: "a", Capacity: jobsim.ResourceList{jobsim.ResourceCPU: 1000}},
				{Name: "b", Labels: map[string]string{"pool": "b"}, Capacity: jobsim.ResourceList{jobsim.ResourceCPU: 1000}},
			},
			PriorityClasses: []jobsim.PriorityClass{{Name: "low", Value: 0, GlobalDefault: true}, {Name: "high", Value: 1000}},
		})
		pods := func(cpu int64, class string) jobsim.PodTemplate {
			return jobsim.PodTemplate{Spec: jobsim.PodSpec{PriorityClassName: class,
				Containers: []jobsim.Container{{Name: "work", Image: "busybox", Requests: jobsim.ResourceList{jobsim.ResourceCPU: cpu}}}}}
		}
		submit(t, c, jobsim.Job{Name: "low", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(2), Parallelism: jobsim.Ptr(2), Template: pods(1000, "low")}},
			jobsim.Fixed(100*time.Second, 0))
		submit(t, c, jobsim.Job{Name: "big", Spec: jobsim.JobSpec{Template: pods(2000, "low"), ActiveDeadline: jobsim.Ptr(200 * time.Second)}}, nil)
		c.At(time.Unix(10, 0), func() {
			submit(t, c, jobsim.Job{Name: "high", Spec: jobsim.JobSpec{Template: pods(1000, "high")}}, jobsim.Fixed(20*time.Second, 0))
		})
		return c
	}},
}
