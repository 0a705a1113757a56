package reference

import (
	"context"
	"testing"
	"time"

	"github.com/jobsim/jobsim"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func testNode(name string, cpu string) *corev1.Node {
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110")}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name}},
		Status: corev1.NodeStatus{Capacity: rl, Allocatable: rl,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}},
	}
}

// TestSchedulerBindsAndPends runs kube-scheduler on two nodes of 2 CPUs
// for a job of 5 pods of 1 CPU: 4 bound, one pending with the
// scheduler's message, then bound once a pod ends.
func TestSchedulerBindsAndPends(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kube-scheduler")
	}
	job := testJob()
	job.Spec.Parallelism, job.Spec.Completions = ptr(int32(5)), ptr(int32(5))
	job.Spec.Template.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
	res, err := Run(context.Background(), Scenario{Start: start,
		Nodes: []*corev1.Node{testNode("a", "2"), testNode("b", "2")},
		Jobs:  []Job{{Object: job, Behavior: jobsim.Fixed(10*time.Second, 0)}},
	}, Options{StopAt: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range res.Bindings {
		t.Logf("%s bound %s to %s (ties %v)", b.At.Sub(start), b.Pod, b.Node, b.Ties)
	}
	for _, e := range res.Events {
		t.Logf("%s %s %s: %s", e.At.Sub(start), e.Reason, e.Regarding, e.Message)
	}
	if len(res.Bindings) != 5 {
		t.Errorf("%d bindings, want 5", len(res.Bindings))
	}
	st := res.Jobs[0].Object.Status
	if st.Succeeded != 5 {
		t.Errorf("status %+v", st)
	}
}
