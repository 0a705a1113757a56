package reference

import (
	"context"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T) (*apiServer, *fake.Clientset) {
	t.Helper()
	api := newAPIServer(newVirtualClock(start, 1), &activity{}, 1)
	cs := fake.NewClientset()
	api.install(&cs.Fake, nil)
	return api, cs
}

func testJob() *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "pi", Namespace: "default"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: "main", Image: "busybox"}},
		}}},
	}
}

func TestJobCreateGoesThroughTheStrategy(t *testing.T) {
	_, cs := newTestServer(t)
	ctx := context.Background()
	j, err := cs.BatchV1().Jobs("default").Create(ctx, testJob(), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if j.UID == "" || j.ResourceVersion == "" || j.Generation != 1 {
		t.Errorf("server metadata not set: uid %q rv %q generation %d", j.UID, j.ResourceVersion, j.Generation)
	}
	if got := j.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel]; got != string(j.UID) {
		t.Errorf("selector not generated: %v", j.Spec.Selector)
	}
	if j.Spec.BackoffLimit == nil || *j.Spec.BackoffLimit != 6 || j.Spec.Template.Spec.TerminationGracePeriodSeconds == nil {
		t.Errorf("defaults not applied: %+v", j.Spec)
	}
	bad := testJob()
	bad.Name = "bad"
	bad.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, bad, metav1.CreateOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("invalid job: got %v, want Invalid", err)
	}
}

func TestStaleUpdateConflicts(t *testing.T) {
	_, cs := newTestServer(t)
	ctx := context.Background()
	j, err := cs.BatchV1().Jobs("default").Create(ctx, testJob(), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	j.Spec.Parallelism = ptr(int32(2))
	j2, err := cs.BatchV1().Jobs("default").Update(ctx, j, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if j2.Generation != 2 || j2.ResourceVersion == j.ResourceVersion {
		t.Errorf("generation %d, rv %s → %s", j2.Generation, j.ResourceVersion, j2.ResourceVersion)
	}
	if _, err := cs.BatchV1().Jobs("default").Update(ctx, j, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("stale update: got %v, want Conflict", err)
	}
	// The status strategy validates: ready may not exceed active.
	j2.Status.Ready = ptr(int32(1))
	if _, err := cs.BatchV1().Jobs("default").UpdateStatus(ctx, j2, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("ready > active: got %v, want Invalid", err)
	}
}

func TestPodGracefulDeletionAndFinalizers(t *testing.T) {
	api, cs := newTestServer(t)
	ctx := context.Background()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "pi-", Namespace: "default", Finalizers: []string{batchv1.JobTrackingFinalizer}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "busybox"}}},
	}
	p, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Name) != len("pi-")+5 || p.CreationTimestamp.Nanosecond() != 0 {
		t.Errorf("name %q, creationTimestamp %v", p.Name, p.CreationTimestamp)
	}
	api.mutatePod("default", p.Name, p.UID, func(p *corev1.Pod) {
		p.Spec.NodeName = nodeName
		p.Status.Phase = corev1.PodRunning
	})
	if err := cs.CoreV1().Pods("default").Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err = cs.CoreV1().Pods("default").Get(ctx, p.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.DeletionTimestamp == nil || *p.DeletionGracePeriodSeconds != 30 {
		t.Fatalf("graceful deletion: %v %v", p.DeletionTimestamp, p.DeletionGracePeriodSeconds)
	}
	// Removing the finalizer does not remove a pod still in its grace
	// period; the kubelet's final zero-grace delete then does.
	patch := []byte(`{"metadata":{"$deleteFromPrimitiveList/finalizers":["batch.kubernetes.io/job-tracking"]}}`)
	if _, err := cs.CoreV1().Pods("default").Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Pods("default").Get(ctx, p.Name, metav1.GetOptions{}); err != nil {
		t.Fatalf("pod gone during its grace period: %v", err)
	}
	api.deletePod("default", p.Name, p.UID, ptr(int64(0)))
	if _, err := cs.CoreV1().Pods("default").Get(ctx, p.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("after the zero-grace delete: got %v, want NotFound", err)
	}
}

func TestWatchReplaysAndDoesNotBlock(t *testing.T) {
	api, cs := newTestServer(t)
	ctx := context.Background()
	w := api.watch("pods", "", nil, nil, "", nil, 1, nil)
	defer w.Stop()
	for range 300 { // more than the fake's 100-event limit, unread
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "p-", Namespace: "default"}}
		if _, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 300 {
		select {
		case <-w.ResultChan():
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d not delivered", i)
		}
	}
	// A watch from resourceVersion 299 replays the last event.
	w2 := api.watch("pods", "", nil, nil, "299", nil, 1, nil)
	defer w2.Stop()
	if ev := <-w2.ResultChan(); ev.Object.(*corev1.Pod).ResourceVersion != "300" {
		t.Errorf("replayed %v", ev.Object.(*corev1.Pod).ResourceVersion)
	}
}
