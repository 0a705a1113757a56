package kube_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/kube"
)

// A watch with a field selector sees an object enter the selection as
// ADDED and leave it as DELETED, as the API server's watch cache reports
// it: a pod of 10 s is Running from its start to 10 s.
func TestSelectedWatchSeesPodsEnterAndLeave(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"one": jobsim.Fixed(10*time.Second, 0)}})
	cs := sim.Clientset()
	ctx := context.Background()
	w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{FieldSelector: "status.phase=Running"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("one", 1, 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	var got []watch.EventType
	var phases []corev1.PodPhase
	for len(got) < 2 {
		e := <-w.ResultChan()
		got = append(got, e.Type)
		phases = append(phases, e.Object.(*corev1.Pod).Status.Phase)
	}
	if diff := cmp.Diff([]watch.EventType{watch.Added, watch.Deleted}, got); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	// The DELETED event of an object leaving the selection carries the
	// object as it now is.
	if diff := cmp.Diff([]corev1.PodPhase{corev1.PodRunning, corev1.PodSucceeded}, phases); diff != "" {
		t.Errorf("phases (-want +got):\n%s", diff)
	}
}

// A watch from a resourceVersion older than the changes kept is 410 Gone
// (Expired), as after an etcd compaction: a reflector then lists again.
func TestWatchFromACompactedResourceVersionIsGone(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{WatchHistory: 10})
	cs := sim.Clientset()
	ctx := context.Background()
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("many", 5, 5), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	_, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{ResourceVersion: "1"})
	if !apierrors.IsResourceExpired(err) {
		t.Errorf("watch from 1: %v, want 410 Expired", err)
	}
}

// Patches of each type the API server takes for built-in kinds: a merge
// patch of a Job's labels, a JSON patch of its spec (suspend, a mutable
// field, which the controller acts on), and a strategic merge patch of a
// pod's labels.
func TestPatches(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"p": jobsim.Fixed(time.Hour, 0)}})
	cs := sim.Clientset()
	ctx := context.Background()
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("p", 1, 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	j, err := cs.BatchV1().Jobs("default").Patch(ctx, "p", types.MergePatchType, []byte(`{"metadata":{"labels":{"team":"data"}}}`), metav1.PatchOptions{})
	if err != nil || j.Labels["team"] != "data" {
		t.Fatalf("merge patch: %v, labels %v", err, j.Labels)
	}
	j, err = cs.BatchV1().Jobs("default").Patch(ctx, "p", types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/suspend","value":true}]`), metav1.PatchOptions{})
	if err != nil || !*j.Spec.Suspend {
		t.Fatalf("JSON patch: %v", err)
	}
	pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if len(pods.Items) != 1 {
		t.Fatalf("%d pods, want 1", len(pods.Items))
	}
	name := pods.Items[0].Name
	p, err := cs.CoreV1().Pods("default").Patch(ctx, name, types.StrategicMergePatchType, []byte(`{"metadata":{"labels":{"seen":"yes"}}}`), metav1.PatchOptions{})
	if err != nil || p.Labels["seen"] != "yes" || p.Labels[batchv1.JobNameLabel] != "p" {
		t.Fatalf("strategic merge patch: %v, labels %v", err, p.Labels)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	j, _ = cs.BatchV1().Jobs("default").Get(ctx, "p", metav1.GetOptions{})
	if condition(j, batchv1.JobSuspended) == nil || j.Labels["team"] != "data" {
		t.Errorf("after the patches: conditions %v, labels %v; want Suspended, team=data", j.Status.Conditions, j.Labels)
	}
	if _, err := cs.BatchV1().Jobs("default").Patch(ctx, "p", types.ApplyPatchType, []byte(`{}`), metav1.PatchOptions{FieldManager: "me"}); err == nil {
		t.Errorf("an apply patch was taken; jobsim does not serve server-side apply")
	}
}

// generateName makes a name as the API server does, the prefix and five
// characters; Options.Behaviors finds the Job by that prefix.
func TestGenerateName(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"batch-": jobsim.Fixed(42*time.Second, 0)}})
	cs := sim.Clientset()
	ctx := context.Background()
	j := job("", 1, 1)
	j.GenerateName = "batch-"
	created, err := cs.BatchV1().Jobs("default").Create(ctx, j, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.Name, "batch-") || len(created.Name) != len("batch-")+5 || created.GenerateName != "batch-" {
		t.Fatalf("name %q, generateName %q; want batch- and five characters", created.Name, created.GenerateName)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	got, _ := cs.BatchV1().Jobs("default").Get(ctx, created.Name, metav1.GetOptions{})
	if c := condition(got, batchv1.JobComplete); c == nil || c.LastTransitionTime.Sub(start) != 42*time.Second {
		t.Errorf("Complete %v, want at 42s (the behaviour of batch-)", c)
	}
}

// What jobsim does not simulate is refused, not ignored: a Job's own
// finalizers, creating a pod, a forced deletion.
func TestUnsupportedWritesAreRefused(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{})
	cs := sim.Clientset()
	ctx := context.Background()
	j := job("f", 1, 1)
	j.Finalizers = []string{"example.com/keep"}
	_, err := cs.BatchV1().Jobs("default").Create(ctx, j, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "metadata.finalizers") {
		t.Errorf("a Job with finalizers: %v, want Invalid at metadata.finalizers", err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "bare"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	if _, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("creating a pod: %v, want Forbidden", err)
	}
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("g", 1, 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	zero := int64(0)
	if err := cs.CoreV1().Pods("default").Delete(ctx, pods.Items[0].Name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); !apierrors.IsBadRequest(err) {
		t.Errorf("a forced deletion: %v, want BadRequest", err)
	}
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("g", 1, 1), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Errorf("creating g again: %v, want AlreadyExists", err)
	}
}

// Resources jobsim does not serve are kept by client-go's fake tracker,
// as with fake.NewClientset.
func TestOtherResourcesAreStored(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{})
	cs := sim.Clientset()
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: "default"}, Data: map[string]string{"k": "v"}}
	if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := cs.CoreV1().ConfigMaps("default").Get(ctx, "settings", metav1.GetOptions{})
	if err != nil || got.Data["k"] != "v" {
		t.Errorf("ConfigMap: %v, %v", err, got)
	}
}

// The status of a Job another controller manages (spec.managedBy) is that
// controller's: the Job controller leaves it alone, and what is written
// through the status subresource stays.
func TestManagedByJobKeepsTheStatusWritten(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{})
	cs := sim.Clientset()
	ctx := context.Background()
	j := job("external", 1, 1)
	j.Spec.ManagedBy = jobsim.Ptr("example.com/queue")
	created, err := cs.BatchV1().Jobs("default").Create(ctx, j, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Status.Active = 7
	if _, err := cs.BatchV1().Jobs("default").UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	got, _ := cs.BatchV1().Jobs("default").Get(ctx, "external", metav1.GetOptions{})
	pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if got.Status.Active != 7 || len(pods.Items) != 0 {
		t.Errorf("active %d and %d pods, want the 7 written and no pods", got.Status.Active, len(pods.Items))
	}
}

// client-go's event recorder, which controllers use, works on the
// clientset: its Events are created (and a repeat patched) there, beside
// those of jobsim's controllers.
func TestEventRecorder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := kube.New(jobsim.Config{}, kube.Options{})
		sim.Start(t.Context())
		cs := sim.Clientset()
		b := record.NewBroadcaster(record.WithContext(t.Context()))
		b.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
		rec := b.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "my-operator"})
		j, err := cs.BatchV1().Jobs("default").Create(t.Context(), job("noted", 1, 1), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rec.Event(j, corev1.EventTypeNormal, "Noticed", "saw the Job")
		rec.Event(j, corev1.EventTypeNormal, "Noticed", "saw the Job")
		time.Sleep(time.Minute)
		b.Shutdown()
		evs, err := cs.CoreV1().Events("default").List(t.Context(), metav1.ListOptions{FieldSelector: "source=my-operator"})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs.Items) != 1 || evs.Items[0].Count != 2 || evs.Items[0].InvolvedObject.Name != "noted" {
			t.Errorf("the operator's events: %+v, want one, counted twice", evs.Items)
		}
	})
}

// Informers resync: with a resync period, the handler's UpdateFunc is
// called with the cached object again, on the bubble's clock.
func TestInformerResync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := kube.New(jobsim.Config{}, kube.Options{Behaviors: map[string]jobsim.Behavior{"r": jobsim.Forever()}})
		sim.Start(t.Context())
		cs := sim.Clientset()
		if _, err := cs.BatchV1().Jobs("default").Create(t.Context(), job("r", 1, 1), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		f := informers.NewSharedInformerFactory(cs, 30*time.Second)
		resyncs := 0
		f.Batch().V1().Jobs().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			UpdateFunc: func(old, cur any) {
				if old.(*batchv1.Job).ResourceVersion == cur.(*batchv1.Job).ResourceVersion {
					resyncs++
				}
			},
		})
		f.Start(ctx.Done())
		f.WaitForCacheSync(ctx.Done())
		time.Sleep(95 * time.Second)
		cancel()
		f.Shutdown()
		if resyncs < 3 {
			t.Errorf("%d resyncs in 95s with a period of 30s, want at least 3", resyncs)
		}
	})
}

// A field of the Kubernetes API newer than what jobsim reads (this module
// compiles k8s.io/api v0.37, whose pods have spec.schedulingGroup) is
// refused, not accepted and ignored.
func TestNewerAPIFieldsAreRefused(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{})
	j := job("grouped", 1, 1)
	j.Spec.Template.Spec.SchedulingGroup = &corev1.PodSchedulingGroup{PodGroupName: jobsim.Ptr("g")}
	_, err := sim.Clientset().BatchV1().Jobs("default").Create(context.Background(), j, metav1.CreateOptions{})
	var se *apierrors.StatusError
	if !errors.As(err, &se) || !apierrors.IsInvalid(err) || len(se.ErrStatus.Details.Causes) != 1 ||
		se.ErrStatus.Details.Causes[0].Field != "spec.template.spec.schedulingGroup" {
		t.Fatalf("error %v, want Invalid at spec.template.spec.schedulingGroup", err)
	}
}

// An update refused for one field changes nothing: adding a finalizer
// together with a suspension leaves the Job running.
func TestARefusedUpdateChangesNothing(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"r": jobsim.Fixed(time.Hour, 0)}})
	jobs := sim.Clientset().BatchV1().Jobs("default")
	ctx := context.Background()
	if _, err := jobs.Create(ctx, job("r", 1, 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	j, _ := jobs.Get(ctx, "r", metav1.GetOptions{})
	j.Finalizers = []string{"example.com/keep"}
	j.Spec.Suspend = jobsim.Ptr(true)
	if _, err := jobs.Update(ctx, j, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
		t.Fatalf("update with a finalizer: %v, want Invalid", err)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	j, _ = jobs.Get(ctx, "r", metav1.GetOptions{})
	if (j.Spec.Suspend != nil && *j.Spec.Suspend) || j.Status.Active != 1 {
		t.Errorf("suspend %v, active %d; want the Job running as before", j.Spec.Suspend, j.Status.Active)
	}
}
