package kube_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/kube"
)

var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func job(name string, completions, parallelism int32) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: batchv1.JobSpec{
			Completions: &completions,
			Parallelism: &parallelism,
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "work", Image: "busybox"}},
			}},
		},
	}
}

func condition(j *batchv1.Job, t batchv1.JobConditionType) *batchv1.JobCondition {
	for i := range j.Status.Conditions {
		if j.Status.Conditions[i].Type == t && j.Status.Conditions[i].Status == corev1.ConditionTrue {
			return &j.Status.Conditions[i]
		}
	}
	return nil
}

// A Job created through the clientset runs: with completions 2 and
// parallelism 1, pods of 10 s run one after the other, so the Job is
// Complete at 20 s, with both pods Succeeded and the controller's
// SuccessfulCreate events recorded.
func TestCreatedJobRunsToCompletion(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"pi": jobsim.Fixed(10*time.Second, 0)}})
	cs := sim.Clientset()
	ctx := context.Background()
	created, err := cs.BatchV1().Jobs("default").Create(ctx, job("pi", 2, 1), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.UID == "" || created.ResourceVersion == "" || !created.CreationTimestamp.Time.Equal(start) {
		t.Errorf("created Job has uid %q, resourceVersion %q, creationTimestamp %v; want all set, at %v",
			created.UID, created.ResourceVersion, created.CreationTimestamp, start)
	}
	if got := *created.Spec.BackoffLimit; got != 6 {
		t.Errorf("backoffLimit defaulted to %d, want 6", got)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	j, err := cs.BatchV1().Jobs("default").Get(ctx, "pi", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := condition(j, batchv1.JobComplete)
	if c == nil || !c.LastTransitionTime.Time.Equal(start.Add(20*time.Second)) || j.Status.Succeeded != 2 {
		t.Fatalf("status %+v, want Complete at 20s with 2 succeeded", j.Status)
	}
	pods, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{LabelSelector: batchv1.JobNameLabel + "=pi"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 2 {
		t.Fatalf("%d pods, want 2", len(pods.Items))
	}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodSucceeded || len(p.OwnerReferences) != 1 || p.OwnerReferences[0].UID != created.UID {
			t.Errorf("pod %s: phase %s, owners %v; want Succeeded, owned by the Job", p.Name, p.Status.Phase, p.OwnerReferences)
		}
	}
	evs, err := cs.CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.kind=Job,reason=SuccessfulCreate"})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs.Items) != 2 || evs.Items[0].InvolvedObject.UID != created.UID || evs.Items[0].Source.Component != "job-controller" {
		t.Errorf("SuccessfulCreate events %+v, want 2, of the job-controller about the Job", evs.Items)
	}
}

// The API server refuses an invalid Job with 422 Invalid and the field
// path and message of its validation (ValidateJobSpec: parallelism must
// be non-negative).
func TestInvalidJobIsRefusedWithTheAPIsError(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{})
	bad := job("bad", 1, 1)
	*bad.Spec.Parallelism = -1
	_, err := sim.Clientset().BatchV1().Jobs("default").Create(context.Background(), bad, metav1.CreateOptions{})
	var se *apierrors.StatusError
	if !errors.As(err, &se) || !apierrors.IsInvalid(err) {
		t.Fatalf("error %v (%T), want a 422 Invalid StatusError", err, err)
	}
	want := []metav1.StatusCause{{Type: metav1.CauseTypeFieldValueInvalid, Field: "spec.parallelism",
		Message: "Invalid value: -1: must be greater than or equal to 0"}}
	if diff := cmp.Diff(want, se.ErrStatus.Details.Causes); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
	if want := `Job.batch "bad" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0`; se.ErrStatus.Message != want {
		t.Errorf("message %q, want %q", se.ErrStatus.Message, want)
	}
	if _, err := sim.Clientset().BatchV1().Jobs("default").Get(context.Background(), "bad", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Get of the refused Job: %v, want NotFound", err)
	}
}

// An update with a stale resourceVersion is a 409 Conflict; RetryOnConflict
// gets the object again and succeeds. Suspending a running Job (a
// mutable field) makes the controller delete its active pods.
func TestStaleUpdateConflictsAndRetrySucceeds(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"long": jobsim.Fixed(time.Hour, 0)}})
	jobs := sim.Clientset().BatchV1().Jobs("default")
	ctx := context.Background()
	old, err := jobs.Create(ctx, job("long", 3, 3), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	// The controller has written the status since: old is stale.
	stale := old.DeepCopy()
	stale.Spec.Suspend = jobsim.Ptr(true)
	if _, err := jobs.Update(ctx, stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Fatalf("stale update: %v, want a Conflict", err)
	}
	tries := 0
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		tries++
		cur := old
		if tries > 1 {
			var err error
			if cur, err = jobs.Get(ctx, "long", metav1.GetOptions{}); err != nil {
				return err
			}
		}
		cur = cur.DeepCopy()
		cur.Spec.Suspend = jobsim.Ptr(true)
		_, err := jobs.Update(ctx, cur, metav1.UpdateOptions{})
		return err
	})
	if err != nil || tries != 2 {
		t.Fatalf("RetryOnConflict: %v after %d tries, want success on the second", err, tries)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	j, err := jobs.Get(ctx, "long", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if condition(j, batchv1.JobSuspended) == nil || j.Status.Active != 0 {
		t.Errorf("status %+v, want Suspended with no active pods", j.Status)
	}
}

// A watch from a list's resourceVersion replays every change after it, in
// order; one from before the oldest change kept is 410 Gone.
func TestWatchReplaysFromAResourceVersion(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{WatchHistory: 1000})
	cs := sim.Clientset()
	ctx := context.Background()
	list, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("one", 1, 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	w, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var phases []string
	var types []watch.EventType
	last := 0
	for len(phases) == 0 || phases[len(phases)-1] != string(corev1.PodSucceeded) {
		e := <-w.ResultChan()
		p := e.Object.(*corev1.Pod)
		rv := atoi(t, p.ResourceVersion)
		if rv <= last {
			t.Fatalf("resourceVersion %d after %d", rv, last)
		}
		last = rv
		types = append(types, e.Type)
		phases = append(phases, string(p.Status.Phase))
	}
	// The pod is created Pending and then modified: ADDED first, then
	// only MODIFIED, ending Succeeded (the default run of 10 s).
	if types[0] != watch.Added || slices.ContainsFunc(types[1:], func(t watch.EventType) bool { return t != watch.Modified }) {
		t.Errorf("event types %v, want ADDED then MODIFIED", types)
	}
	if phases[0] != string(corev1.PodPending) {
		t.Errorf("first phase %s, want Pending", phases[0])
	}
	if _, err := cs.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{ResourceVersion: "1"}); err != nil {
		t.Errorf("watch from 1 with the changes kept: %v", err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("resourceVersion %q is not a number", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Deleting a Job: Background removes the Job at once and its pods once
// they have stopped; Foreground keeps the Job, with a deletionTimestamp
// and the foregroundDeletion finalizer, until its pods are gone.
func TestDeleteJobPropagation(t *testing.T) {
	for _, policy := range []metav1.DeletionPropagation{metav1.DeletePropagationBackground, metav1.DeletePropagationForeground} {
		t.Run(string(policy), func(t *testing.T) {
			sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{
				"work": jobsim.Always(jobsim.Run{Duration: time.Hour, Term: 5 * time.Second, ExitCode: 143})}})
			cs := sim.Clientset()
			ctx := context.Background()
			if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("work", 2, 2), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := sim.Advance(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			if err := cs.BatchV1().Jobs("default").Delete(ctx, "work", metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil {
				t.Fatal(err)
			}
			j, err := cs.BatchV1().Jobs("default").Get(ctx, "work", metav1.GetOptions{})
			switch policy {
			case metav1.DeletePropagationBackground:
				if !apierrors.IsNotFound(err) {
					t.Errorf("Get after a background delete: %v, want NotFound", err)
				}
			default:
				if err != nil || j.DeletionTimestamp == nil || !slices.Contains(j.Finalizers, metav1.FinalizerDeleteDependents) {
					t.Errorf("Get after a foreground delete: %v, %+v; want the Job being deleted", err, j)
				}
			}
			pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
			if len(pods.Items) != 2 || pods.Items[0].DeletionTimestamp == nil {
				t.Fatalf("pods right after the delete: %d, want 2 terminating", len(pods.Items))
			}
			// SIGTERM at 10 s, the processes exit 5 s later.
			if err := sim.Advance(5 * time.Second); err != nil {
				t.Fatal(err)
			}
			pods, _ = cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
			if len(pods.Items) != 0 {
				t.Errorf("%d pods left after their processes ended, want none", len(pods.Items))
			}
			if _, err := cs.BatchV1().Jobs("default").Get(ctx, "work", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("Get once the pods are gone: %v, want NotFound", err)
			}
		})
	}
}

// Deleting a Job without a propagationPolicy orphans its pods, batch/v1's
// default (its REST strategy's DefaultGarbageCollectionPolicy), as Orphan
// does: the Job is gone at once; the garbage collector takes the pods'
// owner reference off and the Job controller their tracking finalizer
// (syncOrphanPod); they run on to their end at 1h and stay, and no pod
// replaces them.
func TestDeleteJobOrphansByDefault(t *testing.T) {
	for _, policy := range []*metav1.DeletionPropagation{nil, ptr(metav1.DeletePropagationOrphan)} {
		name := "default"
		if policy != nil {
			name = string(*policy)
		}
		t.Run(name, func(t *testing.T) {
			sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"work": jobsim.Fixed(time.Hour, 0)}})
			cs := sim.Clientset()
			ctx := context.Background()
			if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("work", 2, 2), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := sim.Advance(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			if err := cs.BatchV1().Jobs("default").Delete(ctx, "work", metav1.DeleteOptions{PropagationPolicy: policy}); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.BatchV1().Jobs("default").Get(ctx, "work", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("Get after the delete: %v, want NotFound", err)
			}
			pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
			if len(pods.Items) != 2 {
				t.Fatalf("%d pods right after the delete, want the 2 running ones", len(pods.Items))
			}
			for _, p := range pods.Items {
				if len(p.OwnerReferences) != 0 || len(p.Finalizers) != 0 || p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
					t.Errorf("pod %s: owners %v, finalizers %v, deletion %v, phase %s; want none, none, none, Running",
						p.Name, p.OwnerReferences, p.Finalizers, p.DeletionTimestamp, p.Status.Phase)
				}
			}
			if err := sim.Advance(time.Hour); err != nil {
				t.Fatal(err)
			}
			pods, _ = cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
			if len(pods.Items) != 2 {
				t.Fatalf("%d pods after 1h, want the same 2", len(pods.Items))
			}
			for _, p := range pods.Items {
				if p.Status.Phase != corev1.PodSucceeded {
					t.Errorf("pod %s is %s after its hour, want Succeeded", p.Name, p.Status.Phase)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Evicting a pod through the eviction API gives it the DisruptionTarget
// condition and deletes it; the Job controller replaces it (a disruption
// counts as a failure without a pod failure policy).
func TestEvictionReplacesThePod(t *testing.T) {
	sim := kube.New(jobsim.Config{Start: start}, kube.Options{Behaviors: map[string]jobsim.Behavior{"work": jobsim.Fixed(time.Hour, 0)}})
	cs := sim.Clientset()
	ctx := context.Background()
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("work", 1, 1), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	pods, _ := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if len(pods.Items) != 1 {
		t.Fatalf("%d pods, want 1", len(pods.Items))
	}
	first := pods.Items[0].Name
	if err := cs.PolicyV1().Evictions("default").Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: first, Namespace: "default"}}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	pods, _ = cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{FieldSelector: "status.phase=Running"})
	if len(pods.Items) != 1 || pods.Items[0].Name == first {
		t.Fatalf("running pods %v, want one replacement of %s", names(pods.Items), first)
	}
	j, _ := cs.BatchV1().Jobs("default").Get(ctx, "work", metav1.GetOptions{})
	if j.Status.Failed != 1 {
		t.Errorf("failed %d, want the evicted pod counted", j.Status.Failed)
	}
}

func names(pods []corev1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

// Informers work on the clientset unchanged: inside a synctest bubble,
// the Sim's clock follows the bubble's, and an informer's handler sees
// the Job complete at the virtual time the rules give (one pod of 30 s).
func TestInformerSeesTheJobCompleteOnTheBubblesClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := kube.New(jobsim.Config{}, kube.Options{Behaviors: map[string]jobsim.Behavior{"pi": jobsim.Fixed(30*time.Second, 0)}})
		sim.Start(t.Context())
		t0 := time.Now()
		cs := sim.Clientset()
		f := informers.NewSharedInformerFactory(cs, 0)
		done := make(chan time.Time, 1)
		f.Batch().V1().Jobs().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			UpdateFunc: func(_, obj any) {
				if j := obj.(*batchv1.Job); condition(j, batchv1.JobComplete) != nil {
					select {
					case done <- time.Now():
					default:
					}
				}
			},
		})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f.Start(ctx.Done())
		f.WaitForCacheSync(ctx.Done())
		if _, err := cs.BatchV1().Jobs("default").Create(t.Context(), job("pi", 1, 1), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		select {
		case at := <-done:
			if got := at.Sub(t0); got != 30*time.Second {
				t.Errorf("the informer saw the Job complete after %v, want 30s", got)
			}
		case <-time.After(time.Hour):
			t.Fatal("the Job did not complete within an hour of virtual time")
		}
		j, err := f.Batch().V1().Jobs().Lister().Jobs("default").Get("pi")
		if err != nil || j.Status.Succeeded != 1 {
			t.Errorf("lister: %v, %+v; want the Job with 1 succeeded", err, j)
		}
		cancel()
		f.Shutdown()
	})
}
