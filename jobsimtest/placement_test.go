package jobsimtest_test

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// TestPlacementInvariants: jobs with tolerations, spread constraints, pod
// affinity and scheduling gates on random nodes with zones and taints,
// some of which fail, drain and recover, and whose gates are lifted at
// some time, break no invariant, live or replayed.
func TestPlacementInvariants(t *testing.T) {
	rapid.Check(t, placementProperty)
}

func placementProperty(t *rapid.T) {
	nodes := jobsimtest.Nodes().Draw(t, "nodes")
	c := jobsim.NewCluster(jobsim.Config{
		Seed:            rapid.Uint64().Draw(t, "seed"),
		MaxEvents:       1_000_000,
		MaxFinishedPods: 3,
		Nodes:           nodes,
	})
	for i := range rapid.IntRange(1, 3).Draw(t, "jobs") {
		name := fmt.Sprintf("job-%d", i)
		job := jobsim.Job{Name: name, Spec: jobsim.JobSpec{
			Completions: jobsim.Ptr(rapid.IntRange(1, 8).Draw(t, "completions")),
			Parallelism: jobsim.Ptr(rapid.IntRange(1, 6).Draw(t, "parallelism")),
			Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
				Containers: []jobsim.Container{{Name: "main", Image: "busybox", Requests: jobsimtest.Requests().Draw(t, "requests")}}}},
		}}
		jobsimtest.PodPlacements().Draw(t, "placement")(&job.Spec.Template)
		t.Logf("%s: %s", name, describePlacement(job.Spec.Template))
		at := time.Unix(int64(rapid.IntRange(0, 60).Draw(t, "submitAt")), 0)
		b := jobsimtest.Behaviors().Draw(t, "behavior")
		c.At(at, func() {
			if _, err := c.Submit(job, b); err != nil {
				t.Errorf("generated job is invalid: %v", err)
			}
		})
		if len(job.Spec.Template.Spec.SchedulingGates) > 0 {
			c.At(at.Add(seconds(rapid.IntRange(1, 120).Draw(t, "ungateAfter"))), func() {
				v, _ := c.JobView("default", name)
				for _, p := range v.Pods {
					_ = c.RemoveSchedulingGates("default", p.Name, "example.com/gate")
				}
			})
		}
	}
	for range rapid.IntRange(0, 3).Draw(t, "faults") {
		node := nodes[rapid.IntRange(0, len(nodes)-1).Draw(t, "node")].Name
		fault := rapid.SampledFrom([]jobsim.NodeFault{jobsim.NodeFail, jobsim.NodeDrain, jobsim.NodeRecover}).Draw(t, "fault")
		c.At(time.Unix(int64(rapid.IntRange(0, 600).Draw(t, "faultAt")), 0), func() {
			var err error
			switch fault {
			case jobsim.NodeFail:
				err = c.FailNode(node)
			case jobsim.NodeDrain:
				err = c.DrainNode(node)
			default:
				err = c.RecoverNode(node)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	r, live, err := capture(c)
	if err != nil {
		t.Fatal(err)
	}
	if live != nil {
		t.Fatalf("invariants broken:\n%v", live)
	}
	if replayed := r.check(); replayed != nil {
		t.Fatalf("the replayed history breaks invariants the live run kept:\n%v", replayed)
	}
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// describePlacement prints what PodPlacements set on a template.
func describePlacement(tmpl jobsim.PodTemplate) string {
	s := tmpl.Spec
	out := fmt.Sprintf("labels %v tolerations %+v gates %v", tmpl.Labels, s.Tolerations, s.SchedulingGates)
	for _, c := range s.TopologySpreadConstraints {
		out += fmt.Sprintf(" spread{%s maxSkew %d %s selector %+v minDomains %v taints %q affinity %q}", c.TopologyKey, c.MaxSkew, c.WhenUnsatisfiable, *c.LabelSelector, c.MinDomains, c.NodeTaintsPolicy, c.NodeAffinityPolicy)
	}
	if a := s.Affinity; a != nil {
		for _, p := range []struct {
			name string
			a    *jobsim.PodAffinity
		}{{"affinity", a.PodAffinity}, {"anti", a.PodAntiAffinity}} {
			if p.a != nil {
				for _, t := range p.a.RequiredDuringSchedulingIgnoredDuringExecution {
					out += fmt.Sprintf(" %s{%s selector %+v}", p.name, t.TopologyKey, *t.LabelSelector)
				}
			}
		}
	}
	return out
}
