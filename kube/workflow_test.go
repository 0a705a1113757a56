package kube_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/kube"
)

// workflow is the example operator: a two-step pipeline that starts the
// Job "load" once the Job "extract" has completed, and gives up (starting
// nothing) if extract fails. It is an ordinary client-go controller: an
// informer on Jobs feeds a work queue, and reconcile reads the lister and
// writes through the clientset.
type workflow struct {
	cs    kubernetes.Interface
	jobs  cache.Indexer
	queue workqueue.TypedRateLimitingInterface[string]
}

func runWorkflow(ctx context.Context, cs kubernetes.Interface) {
	f := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace("default"))
	inf := f.Batch().V1().Jobs().Informer()
	w := &workflow{cs: cs, jobs: inf.GetIndexer(),
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]())}
	enqueue := func(obj any) {
		if j, ok := obj.(*batchv1.Job); ok && j.Name == "extract" {
			w.queue.Add(j.Name)
		}
	}
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: enqueue, UpdateFunc: func(_, obj any) { enqueue(obj) }})
	f.Start(ctx.Done())
	f.WaitForCacheSync(ctx.Done())
	go func() {
		<-ctx.Done()
		w.queue.ShutDown()
	}()
	for {
		key, quit := w.queue.Get()
		if quit {
			f.Shutdown()
			return
		}
		if err := w.reconcile(ctx); err != nil {
			w.queue.AddRateLimited(key)
		} else {
			w.queue.Forget(key)
		}
		w.queue.Done(key)
	}
}

// reconcile starts load if extract has completed and load does not exist.
func (w *workflow) reconcile(ctx context.Context) error {
	obj, ok, err := w.jobs.GetByKey("default/extract")
	if err != nil || !ok {
		return err
	}
	if condition(obj.(*batchv1.Job), batchv1.JobComplete) == nil {
		return nil
	}
	_, err = w.cs.BatchV1().Jobs("default").Create(ctx, job("load", 1, 1), metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

func workflowSim() *kube.Sim {
	return kube.New(jobsim.Config{}, kube.Options{Behaviors: map[string]jobsim.Behavior{
		// extract: 3 pods of 5 minutes, two at a time, the first
		// failing once.
		"extract": jobsim.Script(map[int][]jobsim.Run{0: {{Duration: time.Minute, ExitCode: 1}}}, jobsim.Fixed(5*time.Minute, 0)),
		"load":    jobsim.Fixed(2*time.Minute, 0),
	}})
}

// The workflow, inside a synctest bubble: extract (completions 3,
// parallelism 2) runs pods 0 and 1 from 0s; pod 0 fails at 1m and its
// replacement waits the controller's backoff of 10s, running from 1m10s
// to 6m10s, while pod 1 ends at 5m and the third completion runs from 5m
// to 10m. extract completes at 10m; the operator sees it at once and
// creates load, which completes 2 minutes later, at 12m.
func TestWorkflowStartsLoadWhenExtractCompletes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := workflowSim()
		sim.Start(t.Context())
		t0 := time.Now()
		cs := sim.Clientset()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			runWorkflow(ctx, cs)
			close(done)
		}()
		if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("extract", 3, 2), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Hour)
		extract, err := cs.BatchV1().Jobs("default").Get(ctx, "extract", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		load, err := cs.BatchV1().Jobs("default").Get(ctx, "load", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		at := func(c *batchv1.JobCondition) time.Duration {
			if c == nil {
				return -1
			}
			return c.LastTransitionTime.Sub(t0)
		}
		if got := at(condition(extract, batchv1.JobComplete)); got != 10*time.Minute {
			t.Errorf("extract completed at %v, want 10m", got)
		}
		if got := load.CreationTimestamp.Sub(t0); got != 10*time.Minute {
			t.Errorf("load created at %v, want 10m, the instant extract completed", got)
		}
		if got := at(condition(load, batchv1.JobComplete)); got != 12*time.Minute {
			t.Errorf("load completed at %v, want 12m", got)
		}
		if extract.Status.Failed != 1 || extract.Status.Succeeded != 3 {
			t.Errorf("extract failed %d, succeeded %d; want 1 and 3", extract.Status.Failed, extract.Status.Succeeded)
		}
		cancel()
		<-done
	})
}

// The same workflow without a bubble: the test drives virtual time with
// RunUntil, and calls the operator's reconcile itself after each step,
// so that its writes land at the instant it reacts to.
func TestWorkflowDrivenByRunUntil(t *testing.T) {
	sim := workflowSim()
	cs := sim.Clientset()
	ctx := context.Background()
	if _, err := cs.BatchV1().Jobs("default").Create(ctx, job("extract", 3, 2), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t0 := sim.Now()
	w := &workflow{cs: cs, jobs: cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})}
	ok, err := sim.RunUntil(func(c *jobsim.Cluster) bool {
		h := c.Job("default", "extract")
		return h != nil && h.Status().IsTrue(jobsim.JobComplete)
	}, time.Hour)
	if err != nil || !ok {
		t.Fatalf("extract did not complete within an hour: %v", err)
	}
	extract, err := cs.BatchV1().Jobs("default").Get(ctx, "extract", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.jobs.Add(extract); err != nil {
		t.Fatal(err)
	}
	if err := w.reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	load, err := cs.BatchV1().Jobs("default").Get(ctx, "load", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := load.CreationTimestamp.Sub(t0); got != 10*time.Minute {
		t.Errorf("load created at %v, want 10m", got)
	}
	if err := sim.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	load, err = cs.BatchV1().Jobs("default").Get(ctx, "load", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := condition(load, batchv1.JobComplete); c == nil || c.LastTransitionTime.Sub(t0) != 12*time.Minute {
		t.Errorf("load's Complete condition %v, want at 12m", c)
	}
}
