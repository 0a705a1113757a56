package reference

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"
	_ "unsafe" // for go:linkname

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/jobsim/jobsim"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	batchinformers "k8s.io/client-go/informers/batch/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	clientset "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2"
	jobcontroller "k8s.io/kubernetes/pkg/controller/job"
	"k8s.io/utils/clock"
)

// newControllerWithClock is the Job controller's own constructor with an
// injected clock. NewController, the exported one, always passes the wall
// clock, and the controller reads every time (the 1 s batching of syncs,
// the pod-failure backoff, activeDeadlineSeconds, condition times) through
// that clock; the controller's unit tests use this constructor for the
// same reason. Reaching it with go:linkname keeps the controller's code
// unmodified: nothing is copied or patched, and a signature change in a
// later Kubernetes release fails the build rather than misbehaving.
//
//go:linkname newControllerWithClock k8s.io/kubernetes/pkg/controller/job.newControllerWithClock
func newControllerWithClock(ctx context.Context, podInformer coreinformers.PodInformer, jobInformer batchinformers.JobInformer, kubeClient clientset.Interface, clock clock.WithTicker) (*jobcontroller.Controller, error)

// DefaultSpeed is how many virtual seconds pass per wall-clock second
// while the cluster is quiet: 1 virtual second is 50 ms. The clock stands
// still while work is in flight, so a faster speed mostly risks moving on
// while an informer passes an event along unseen; a slower one costs wall
// time.
const DefaultSpeed = 20

// stuckAfter is how long virtual time may stand still, in wall-clock
// time, before a run gives up: the cluster would be busy for ever.
const stuckAfter = 30 * time.Second

// Workers is how many sync workers the controller runs, as
// kube-controller-manager's --concurrent-job-syncs default.
const Workers = 5

// Scenario is what the reference runs: jobs submitted at given times, the
// runs their containers play and the edits made to them.
type Scenario struct {
	// Start is the virtual time the cluster starts at.
	Start time.Time
	// Jobs are submitted in order.
	Jobs []Job
}

// Job is one job of a Scenario.
type Job struct {
	// Object is the Job as a user submits it; the API server defaults,
	// completes and validates it.
	Object *batchv1.Job
	// At is when it is submitted, after Start.
	At time.Duration
	// Behavior decides each container run, called as jobsim calls it:
	// RunContext.Key is the completion index (Indexed) or the pod's
	// creation ordinal, Attempt counts earlier runs under that key (per
	// index across pods, or per pod). Its Rand is nil.
	Behavior jobsim.Behavior
	// Actions are done in order at their times.
	Actions []Action
}

// Action is a change made to a running job, as kubectl would make it.
type Action struct {
	// At is when, after Start.
	At time.Duration
	// Delete deletes the job with background propagation: the job goes at
	// once and its pods are deleted gracefully after it.
	Delete bool
	// Edit changes the spec; the API server's update strategy and
	// validation decide.
	Edit func(spec *batchv1.JobSpec)
}

// Options adjust a reference run.
type Options struct {
	// Speed is how many virtual seconds pass per wall-clock second while
	// the cluster is quiet; 0 means DefaultSpeed.
	Speed float64
	// Seed seeds generated names and UIDs.
	Seed uint64
	// StopAt stops the run this long after Start at the latest.
	StopAt time.Duration
	// Until, if not 0, stops the run exactly this long after Start,
	// finished or not.
	Until time.Duration
	// Settle is how long the run goes on once every job has finished and
	// every pod is terminal and unblocked; 0 means 3 s.
	Settle time.Duration
	// Log, if not nil, receives the controller's log (klog) output.
	Log io.Writer
}

// Result is the state at the end of a reference run.
type Result struct {
	// End is when the run stopped, after Start.
	End time.Duration
	// Jobs are in the scenario's order.
	Jobs []JobResult
	// Rejected lists the writes the API server refused (status updates
	// failing validation, say), for diagnostics.
	Rejected []string
}

// JobResult is one job at the end of a reference run.
type JobResult struct {
	// Object is the job as last stored (deleted jobs as they were last).
	Object *batchv1.Job
	// Deleted reports whether the job was deleted.
	Deleted bool
	// PodsCreated counts the pods the controller created for it.
	PodsCreated int
	// Pods are its pods that still exist, in creation order.
	Pods []*corev1.Pod
}

var logOnce sync.Once

// Run runs the real Job controller of Kubernetes on the scenario and
// returns the state at the end. It blocks for about the scenario's
// virtual duration divided by the speed. Runs may proceed concurrently;
// each has its own API server, informers, controller and kubelet. Its
// error is about the harness, never about the jobs' outcomes.
func Run(ctx context.Context, sc Scenario, opts Options) (*Result, error) {
	logOnce.Do(func() {
		if os.Getenv("JOBSIM_CONFORMANCE_KLOG") == "" {
			klog.SetLogger(logr.Discard())
		}
	})
	speed := opts.Speed
	if speed <= 0 {
		speed = DefaultSpeed
	}
	settle := opts.Settle
	if settle == 0 {
		settle = 3 * time.Second
	}
	clk := newVirtualClock(sc.Start, speed)
	act := &activity{}
	api := newAPIServer(clk, act, opts.Seed)
	clk.worldBatch = api.holdInformers
	cs := fake.NewClientset()
	api.install(&cs.Fake)

	var (
		behMu     sync.Mutex
		behaviors = map[types.UID]jobBehavior{}
	)
	kl := newKubelet(api, clk)
	kl.behaviorOf = func(uid types.UID) (jobsim.Behavior, string, string, bool) {
		behMu.Lock()
		defer behMu.Unlock()
		b, ok := behaviors[uid]
		return b.beh, b.ns, b.name, ok
	}
	kl.start()
	defer kl.stop()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	logger := logr.Discard()
	if opts.Log != nil {
		logger = newWriterLogger(opts.Log, func() time.Duration { return clk.Now().Sub(sc.Start) })
	}
	ctx = klog.NewContext(ctx, logger)

	factory := informers.NewSharedInformerFactory(cs, 0)
	podInf, jobInf := factory.Core().V1().Pods(), factory.Batch().V1().Jobs()
	installQueueProvider()
	constructMu.Lock()
	constructing = act
	jm, err := newControllerWithClock(ctx,
		podInformer{PodInformer: podInf, inf: countingInformer{podInf.Informer(), act}},
		jobInformer{JobInformer: jobInf, inf: countingInformer{jobInf.Informer(), act}},
		cs, clk)
	constructing = nil
	constructMu.Unlock()
	if err != nil {
		return nil, err
	}
	if !providerSet.Load() {
		return nil, errors.New("reference: the work queues do not report to this package's metrics provider (another one was set first)")
	}
	factory.Start(ctx.Done())
	defer factory.Shutdown()
	ctrlDone := make(chan struct{})
	go func() {
		defer close(ctrlDone)
		jm.Run(ctx, Workers)
	}()
	defer func() {
		cancel()
		<-ctrlDone
	}()
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return nil, fmt.Errorf("reference: informer for %v did not sync", typ)
		}
	}
	// Time starts once the controller watches.
	clk.start(act.busy)
	defer clk.stop()

	u := newUser(ctx, cs, api, clk, sc.Start, behaviors, &behMu)
	defer u.stop()
	u.play(sc.Jobs)
	if err := waitForEnd(ctx, clk, api, act, u, sc.Start, opts, settle); err != nil {
		return nil, err
	}
	return u.collect(api, sc, clk.Now().Sub(sc.Start))
}

// user submits the scenario's jobs and performs its actions at their
// virtual times, as a user of the cluster would.
type user struct {
	ctx   context.Context
	cs    clientset.Interface
	api   *apiServer
	clk   *virtualClock
	start time.Time

	behMu     *sync.Mutex // guards behaviors, which the kubelet reads
	behaviors map[types.UID]jobBehavior

	mu      sync.Mutex
	errs    []error
	pending int         // submissions and actions not yet done
	uids    []types.UID // per scenario job, once created
	done    chan struct{}
	timers  []clock.Timer
}

func newUser(ctx context.Context, cs clientset.Interface, api *apiServer, clk *virtualClock, start time.Time, behaviors map[types.UID]jobBehavior, behMu *sync.Mutex) *user {
	return &user{ctx: ctx, cs: cs, api: api, clk: clk, start: start, behaviors: behaviors, behMu: behMu, done: make(chan struct{}, 1)}
}

// at runs f at d after the start, in the world's turn of the clock.
func (u *user) at(d time.Duration, f func()) {
	u.mu.Lock()
	u.pending++
	u.mu.Unlock()
	u.timers = append(u.timers, u.clk.afterFuncWorld(u.start.Add(d).Sub(u.clk.Now()), func() {
		f()
		u.mu.Lock()
		u.pending--
		u.mu.Unlock()
		select {
		case u.done <- struct{}{}:
		default:
		}
	}))
}

func (u *user) fail(err error) {
	u.mu.Lock()
	u.errs = append(u.errs, err)
	u.mu.Unlock()
}

// busy reports whether a submission or action is still to come.
func (u *user) busy() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.pending > 0
}

// stop cancels what is still to come.
func (u *user) stop() {
	for _, t := range u.timers {
		t.Stop()
	}
}

// play schedules the submission of each job and its actions.
func (u *user) play(jobs []Job) {
	u.uids = make([]types.UID, len(jobs))
	for i, j := range jobs {
		obj := j.Object.DeepCopy()
		if obj.Namespace == "" {
			obj.Namespace = metav1.NamespaceDefault
		}
		u.at(j.At, func() {
			// Register the behaviour before the controller can create pods.
			u.behMu.Lock()
			defer u.behMu.Unlock()
			created, err := u.cs.BatchV1().Jobs(obj.Namespace).Create(u.ctx, obj, metav1.CreateOptions{})
			if err != nil {
				u.fail(fmt.Errorf("creating job %s: %w", obj.Name, err))
				return
			}
			u.uids[i] = created.UID
			u.behaviors[created.UID] = jobBehavior{beh: j.Behavior, ns: obj.Namespace, name: obj.Name}
		})
		for _, a := range j.Actions {
			u.at(a.At, func() {
				if err := doAction(u.ctx, u.cs, u.api, obj.Namespace, obj.Name, a); err != nil {
					u.fail(fmt.Errorf("job %s, action at %s: %w", obj.Name, a.At, err))
				}
			})
		}
	}
}

// waitForEnd returns at the end of the run: at opts.Until, or at
// opts.StopAt, or once the user is done and every job has finished and
// stayed settled for settle. It fails if virtual time stops moving.
func waitForEnd(ctx context.Context, clk *virtualClock, api *apiServer, act *activity, u *user, start time.Time, opts Options, settle time.Duration) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var quietSince time.Time
	lastNow, lastMove := clk.Now(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		case <-u.done:
		}
		now := clk.Now()
		if now != lastNow {
			lastNow, lastMove = now, time.Now()
		} else if time.Since(lastMove) > stuckAfter {
			return fmt.Errorf("reference: virtual time stuck at %s for %s: %d watch events unhandled, %d syncs queued, %d running",
				now.Sub(start), stuckAfter, act.events.Load(), act.queued.Load(), act.running.Load())
		}
		el := now.Sub(start)
		if opts.Until > 0 {
			if el >= opts.Until {
				return nil
			}
			continue
		}
		if opts.StopAt > 0 && el >= opts.StopAt {
			return nil
		}
		if u.busy() || !settled(api) {
			quietSince = time.Time{}
			continue
		}
		if quietSince.IsZero() {
			quietSince = now
		}
		if now.Sub(quietSince) >= settle {
			return nil
		}
	}
}

// collect reads the result of the run, ended at end, from the API server,
// with the errors of the user's submissions and actions.
func (u *user) collect(api *apiServer, sc Scenario, end time.Duration) (*Result, error) {
	jobs, pods, counts, rejected := api.snapshot()
	u.behMu.Lock()
	uids := slices.Clone(u.uids)
	u.behMu.Unlock()
	res := &Result{End: end, Rejected: rejected}
	for i, j := range sc.Jobs {
		ns := j.Object.Namespace
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		jr := JobResult{Object: jobs[ns+"/"+j.Object.Name], PodsCreated: counts[uids[i]]}
		jr.Deleted = jr.Object != nil && !api.jobExists(ns, j.Object.Name)
		for _, p := range pods {
			if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == uids[i] && uids[i] != "" {
				jr.Pods = append(jr.Pods, p)
			}
		}
		res.Jobs = append(res.Jobs, jr)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return res, errors.Join(u.errs...)
}

type jobBehavior struct {
	beh      jobsim.Behavior
	ns, name string
}

// settled reports whether every job has finished (or is gone) and every
// pod is terminal with no finalizer.
func settled(api *apiServer) bool {
	api.mu.Lock()
	defer api.mu.Unlock()
	for _, o := range api.objs {
		switch v := o.(type) {
		case *batchv1.Job:
			if !finished(v) {
				return false
			}
		case *corev1.Pod:
			if v.Status.Phase != corev1.PodSucceeded && v.Status.Phase != corev1.PodFailed {
				return false
			}
			if len(v.Finalizers) > 0 {
				return false
			}
		}
	}
	return true
}

func finished(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// doAction carries out a user action: an edit through the update strategy
// (retried on conflicts, as kubectl edit would be redone), or a deletion
// with background propagation, the garbage collector deleting the pods
// once the job is gone.
func doAction(ctx context.Context, cs clientset.Interface, api *apiServer, ns, name string, a Action) error {
	jobs := cs.BatchV1().Jobs(ns)
	if a.Delete {
		j, err := jobs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if err := jobs.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: ptr(metav1.DeletePropagationBackground)}); err != nil {
			return err
		}
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for _, p := range pods.Items {
			if ref := metav1.GetControllerOf(&p); ref != nil && ref.UID == j.UID {
				api.deletePod(ns, p.Name, p.UID, nil)
			}
		}
		return nil
	}
	for range 10 {
		j, err := jobs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		a.Edit(&j.Spec)
		_, err = jobs.Update(ctx, j, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		return err
	}
	return fmt.Errorf("update kept conflicting")
}

// newWriterLogger logs to w, up to verbosity 4 (the controller's
// per-sync messages), each line headed by the virtual time.
func newWriterLogger(w io.Writer, now func() time.Duration) logr.Logger {
	var mu sync.Mutex
	return funcr.New(func(prefix, args string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%8s %s %s\n", now(), prefix, args)
	}, funcr.Options{Verbosity: 4})
}
