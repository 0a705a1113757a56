package jobsim_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jobsim/jobsim"
)

// TestNodeRequestsAgreeWithNodes: NodeRequests yields, at every event of
// a run, what Nodes says each node's pods request, in the same order.
func TestNodeRequestsAgreeWithNodes(t *testing.T) {
	c := jobsim.NewCluster(jobsim.Config{Seed: 1, Nodes: []jobsim.Node{
		{Name: "a", Capacity: jobsim.ResourceList{"cpu": 2000, "pods": 10}},
		{Name: "b", Capacity: jobsim.ResourceList{"cpu": 3000, "pods": 10}},
	}})
	job := jobsim.Job{Name: "j", Spec: jobsim.JobSpec{Completions: jobsim.Ptr(12), Parallelism: jobsim.Ptr(4),
		Template: jobsim.PodTemplate{Spec: jobsim.PodSpec{RestartPolicy: jobsim.RestartNever,
			Containers: []jobsim.Container{{Name: "c", Image: "i", Requests: jobsim.ResourceList{"cpu": 1000}}}}}}}
	if _, err := c.Submit(job, jobsim.Fixed(10*time.Second, 0)); err != nil {
		t.Fatal(err)
	}
	busy := false
	for {
		var want, got []any
		for _, n := range c.Nodes() {
			want = append(want, n.Name, n.Requested)
			busy = busy || len(n.Requested) > 0
		}
		for name, req := range c.NodeRequests() {
			got = append(got, name, req)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("at %v (-Nodes +NodeRequests):\n%s", c.Now(), diff)
		}
		ok, err := c.Step()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
	}
	if !busy {
		t.Fatal("no node ever had requests: the test checked nothing")
	}
}
