package kube_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/kube"
)

// A CronJob created through the clientset runs under jobsim's CronJob
// controller: every 5 minutes it creates a Job named after it and the
// scheduled time in minutes since the epoch, owned by it, 100 ms after
// the schedule (the controller's requeue delta); each Job's one pod runs
// a minute. By 17m three Jobs have run (scheduled at 5m, 10m and 15m),
// and the status has the last schedule time and the last success: the
// third Job's completionTime, 16m0.1s as the API server stores it, to
// the second (16m).
func TestCronJobCreatesJobsOnItsSchedule(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"tick": jobsim.Fixed(time.Minute, 0)}})
	cs := sim.Clientset()
	ctx := context.Background()
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "tick", Namespace: "default"},
		Spec: batchv1.CronJobSpec{Schedule: "*/5 * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "tick", Image: "busybox"}}}}}}},
	}
	created, err := cs.BatchV1().CronJobs("default").Create(ctx, cj, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *created.Spec.SuccessfulJobsHistoryLimit != 3 || created.Spec.ConcurrencyPolicy != batchv1.AllowConcurrent {
		t.Errorf("defaults: %+v", created.Spec)
	}
	if err := sim.Advance(17 * time.Minute); err != nil {
		t.Fatal(err)
	}
	jobs, err := cs.BatchV1().Jobs("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range jobs.Items {
		names = append(names, j.Name)
		if len(j.OwnerReferences) != 1 || j.OwnerReferences[0].UID != created.UID || condition(&j, batchv1.JobComplete) == nil {
			t.Errorf("Job %s: owners %v, conditions %v; want owned by the CronJob, Complete", j.Name, j.OwnerReferences, j.Status.Conditions)
		}
	}
	var want []string
	for _, m := range []time.Duration{5, 10, 15} {
		want = append(want, fmt.Sprintf("tick-%d", start.Add(m*time.Minute).Unix()/60))
	}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("Jobs %v, want %v", names, want)
	}
	got, err := cs.BatchV1().CronJobs("default").Get(ctx, "tick", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := got.Status; st.LastScheduleTime == nil || !st.LastScheduleTime.Time.Equal(start.Add(15*time.Minute)) ||
		st.LastSuccessfulTime == nil || !st.LastSuccessfulTime.Time.Equal(start.Add(16*time.Minute)) || len(st.Active) != 0 {
		t.Errorf("status %+v, want last scheduled at 15m, last success at 16m, none active", st)
	}
	pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{FieldSelector: "status.phase=Succeeded"})
	if len(pods.Items) != 3 {
		t.Errorf("%d succeeded pods, want 3", len(pods.Items))
	}
	// Suspending it stops the schedule: no Job at 20m.
	got.Spec.Suspend = jobsim.Ptr(true)
	if _, err := cs.BatchV1().CronJobs("default").Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	jobs, _ = cs.BatchV1().Jobs("default").List(ctx, metav1.ListOptions{})
	if len(jobs.Items) != 3 {
		t.Errorf("%d Jobs after the suspension, want still 3", len(jobs.Items))
	}
}
