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

// zonedNodes are three zones of two nodes each, of two CPUs; the nodes
// of zone c are a pool tainted pool=gpu:NoSchedule.
func zonedNodes() []jobsim.Node {
	var out []jobsim.Node
	for _, z := range []string{"a", "b", "c"} {
		for i := range 2 {
			name := "z" + z + "-" + string(rune('0'+i))
			n := jobsim.Node{Name: name, Labels: map[string]string{jobsim.LabelZone: z, jobsim.LabelHostname: name},
				Capacity: jobsim.ResourceList{jobsim.ResourceCPU: 2000}}
			if z == "c" {
				n.Taints = []jobsim.Taint{{Key: "pool", Value: "gpu", Effect: jobsim.TaintNoSchedule}}
			}
			out = append(out, n)
		}
	}
	return out
}

// halfCPU is a pod template of one container requesting half a CPU.
func halfCPU() jobsim.PodTemplate {
	return jobsim.PodTemplate{Spec: jobsim.PodSpec{
		Containers: []jobsim.Container{{Name: "work", Image: "busybox", Requests: jobsim.ResourceList{jobsim.ResourceCPU: 500}}}}}
}

// ownPods selects the pods of the job called name.
func ownPods(name string) *jobsim.LabelSelector {
	return &jobsim.LabelSelector{MatchLabels: map[string]string{jobsim.JobNameLabel: name}}
}

var schedulingScenarios = []scenario{
	// Three zones of two nodes, zone c a tainted pool. "spread" runs six
	// pods spread over the zones with maxSkew 1, counting only the nodes
	// whose taints it tolerates (zones a and b); "anti" runs four pods
	// that tolerate the pool, one per node (hostname anti-affinity);
	// "colocated" runs three pods in one zone (affinity to each other,
	// the first anywhere).
	{"topology", "spread", func(t *testing.T) *jobsim.Cluster {
		c := jobsim.NewCluster(jobsim.Config{Seed: 1, Nodes: zonedNodes()})
		spread := halfCPU()
		spread.Spec.TopologySpreadConstraints = []jobsim.TopologySpreadConstraint{{
			MaxSkew: 1, TopologyKey: jobsim.LabelZone, WhenUnsatisfiable: jobsim.DoNotSchedule,
			LabelSelector: ownPods("spread"), NodeTaintsPolicy: jobsim.NodeInclusionPolicyHonor,
		}}
		submit(t, c, jobsim.Job{Name: "spread", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(6), Parallelism: jobsim.Ptr(6), Template: spread}},
			jobsim.Fixed(30*time.Second, 0))
		anti := halfCPU()
		anti.Spec.Tolerations = []jobsim.Toleration{{Key: "pool", Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoSchedule}}
		anti.Spec.Affinity = &jobsim.Affinity{PodAntiAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
			LabelSelector: ownPods("anti"), TopologyKey: jobsim.LabelHostname,
		}}}}
		submit(t, c, jobsim.Job{Name: "anti", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(4), Parallelism: jobsim.Ptr(4), Template: anti}},
			jobsim.Fixed(40*time.Second, 0))
		colocated := halfCPU()
		colocated.Spec.Affinity = &jobsim.Affinity{PodAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []jobsim.PodAffinityTerm{{
			LabelSelector: ownPods("colocated"), TopologyKey: jobsim.LabelZone,
		}}}}
		c.At(time.Unix(5, 0), func() {
			submit(t, c, jobsim.Job{Name: "colocated", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(3), Parallelism: jobsim.Ptr(3), Template: colocated}},
				jobsim.Fixed(20*time.Second, 0))
		})
		return c
	}},
	// Two pods gated by example.com/quota; the gate is lifted from each at
	// 20 s, and they run 10 s.
	{"gated", "gated", func(t *testing.T) *jobsim.Cluster {
		c := jobsim.NewCluster(jobsim.Config{Seed: 1, Nodes: zonedNodes()})
		tmpl := halfCPU()
		tmpl.Spec.SchedulingGates = []string{"example.com/quota"}
		submit(t, c, jobsim.Job{Name: "gated", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(2), Parallelism: jobsim.Ptr(2), Template: tmpl}},
			jobsim.Fixed(10*time.Second, 0))
		c.At(time.Unix(20, 0), func() {
			v, _ := c.JobView("default", "gated")
			for _, p := range v.Pods {
				if err := c.RemoveSchedulingGates("default", p.Name, "example.com/quota"); err != nil {
					t.Error(err)
				}
			}
		})
		return c
	}},
	// Node za-0 fails at 10 s and is NotReady at 60 s. Its pods: one of
	// "tolerant", which tolerates the unreachable NoExecute taint for
	// 60 s, and is evicted at 120 s; one of "patient", with the 300 s the
	// API server gives, evicted at 360 s; one of "stubborn", which
	// tolerates it for ever and stays. The node recovers at 400 s.
	{"nodefail", "tolerant", func(t *testing.T) *jobsim.Cluster {
		c := jobsim.NewCluster(jobsim.Config{Seed: 1, Nodes: zonedNodes()})
		on := func(tols ...jobsim.Toleration) jobsim.PodTemplate {
			tmpl := halfCPU()
			tmpl.Spec.NodeSelector = map[string]string{jobsim.LabelHostname: "za-0"}
			tmpl.Spec.Tolerations = tols
			return tmpl
		}
		unreachable := jobsim.Toleration{Key: jobsim.TaintNodeUnreachable, Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute}
		brief := unreachable
		brief.TolerationPeriod = jobsim.Ptr(60 * time.Second)
		for name, tmpl := range map[string]jobsim.PodTemplate{"tolerant": on(brief), "patient": on(), "stubborn": on(unreachable)} {
			submit(t, c, jobsim.Job{Name: name, Spec: jobsim.JobSpec{Template: tmpl}}, jobsim.Fixed(100*time.Second, 0))
		}
		c.At(time.Unix(10, 0), func() {
			if err := c.FailNode("za-0"); err != nil {
				t.Error(err)
			}
		})
		c.At(time.Unix(400, 0), func() {
			if err := c.RecoverNode("za-0"); err != nil {
				t.Error(err)
			}
		})
		return c
	}},
}

func init() { scenarios = append(scenarios, schedulingScenarios...) }
