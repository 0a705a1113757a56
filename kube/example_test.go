package kube_test

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/kube"
)

// A Job created through the clientset runs on jobsim: its pod fails
// twice, and the Job controller replaces it after its backoff (10 s, then
// 20 s) until the third pod succeeds. Everything is then there to get,
// list and watch, as on a cluster.
func ExampleSim() {
	sim := kube.New(jobsim.Config{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, kube.Options{
		Behaviors: map[string]jobsim.Behavior{
			"pi": jobsim.Script(map[int][]jobsim.Run{
				0: {{Duration: 5 * time.Second, ExitCode: 1}},
				1: {{Duration: 5 * time.Second, ExitCode: 1}},
			}, jobsim.Fixed(30*time.Second, 0)),
		},
	})
	cs := sim.Clientset()
	ctx := context.Background()
	pi := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "pi", Image: "perl:5.34"}},
		}}},
	}
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, pi, metav1.CreateOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	if err := sim.Advance(10 * time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	j, _ := cs.BatchV1().Jobs("default").Get(ctx, "pi", metav1.GetOptions{})
	for _, c := range j.Status.Conditions {
		fmt.Printf("%s at %s\n", c.Type, c.LastTransitionTime.Sub(j.CreationTimestamp.Time))
	}
	fmt.Printf("succeeded %d, failed %d\n", j.Status.Succeeded, j.Status.Failed)
	pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{FieldSelector: "status.phase=Failed"})
	fmt.Println(len(pods.Items), "failed pods kept")
	// Output:
	// SuccessCriteriaMet at 1m10s
	// Complete at 1m10s
	// succeeded 1, failed 2
	// 2 failed pods kept
}
