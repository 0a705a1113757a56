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

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/jobsim/jobsim"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	clientset "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	batchclient "k8s.io/client-go/kubernetes/typed/batch/v1"
	coreclient "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
)

// The Job controller is built by its own constructor with an injected
// clock, newControllerWithClock, declared per release in release_*.go
// (its signature changed in v1.36: client and clock first, plus Workload
// and PodGroup informers) and called through newController. NewController,
// the exported one, always passes the wall clock, and the controller reads
// every time (the 1 s batching of syncs, the pod-failure backoff,
// activeDeadlineSeconds, condition times) through that clock; the
// controller's unit tests use this constructor for the same reason.
// Reaching it with go:linkname keeps the controller's code unmodified:
// nothing is copied or patched, and a signature change in a later
// Kubernetes release fails the build rather than misbehaving, as long as
// the parameter types change with it (checkRelease guards the rest: a
// build tag that does not match the module file).

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
	// Nodes are the cluster's nodes. With none, the kubelet runs one node
	// of unlimited capacity and binds every pod at its creation; with
	// some, the real kube-scheduler binds the pods (see scheduler.go) and
	// the kubelet runs each pod on its node once bound.
	Nodes []*corev1.Node
	// PriorityClasses exist from the start, with the built-in system
	// classes; the API server's Priority admission reads them.
	PriorityClasses []*schedulingv1.PriorityClass
	// RuntimeClasses exist from the start; the API server's RuntimeClass
	// admission reads them (nothing else in the harness does, so they
	// are kept by the API server itself rather than stored as objects).
	RuntimeClasses []*nodev1.RuntimeClass
	// PDBs are the PodDisruptionBudgets, which the scheduler's preemption
	// respects; their status is kept as the disruption controller would
	// (see disruption.go).
	PDBs []*policyv1.PodDisruptionBudget
	// Faults happen to nodes at given times (with Nodes only).
	Faults []Fault
	// CronJobs are created in order; the real CronJob controller runs
	// beside the Job controller when there are some.
	CronJobs []CronJob
	// ControllerFaults stop and start the CronJob controller.
	ControllerFaults []ControllerFault
}

// Fault is a node fault: a drain (cordon, then the eviction of its pods)
// or the recovery from one (uncordon).
type Fault struct {
	// At is when, after Start.
	At time.Duration
	// Node is the node's name.
	Node string
	// Drain cordons the node and evicts its pods; false uncordons it.
	Drain bool
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
	// RemoveSchedulingGates removes these scheduling gates from each pod
	// of the job that exists and is not bound to a node yet, as a
	// client's update of the pod would, after the edit.
	RemoveSchedulingGates []string
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
	// Jump, when set, moves virtual time straight to the next timer
	// whenever the cluster is quiet, rather than at Speed; a run with
	// CronJobs always jumps. Timers still fire in order, each once the
	// cluster is quiet.
	Jump bool
	// FeatureGates are set over the release's defaults for the run, on
	// the process's feature gates, which the controller and the registry
	// strategy read: a run with gates waits until no other run is in
	// progress, and holds the others back while it runs (see gateMu).
	FeatureGates map[string]bool
}

// Result is the state at the end of a reference run.
type Result struct {
	// End is when the run stopped, after Start.
	End time.Duration
	// Jobs are in the scenario's order.
	Jobs []JobResult
	// Bindings are the scheduler's bindings, in order (none without
	// Scenario.Nodes).
	Bindings []Binding
	// Events are the events the scheduler recorded, in order.
	Events []Event
	// PodJobs maps every pod created ("namespace/name") to its job's name.
	PodJobs map[string]string
	// Rejected lists the writes the API server refused (status updates
	// failing validation, say), for diagnostics.
	Rejected []string
	// CronJobs are in the scenario's order.
	CronJobs []CronJobResult
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
	if err := checkRelease(); err != nil {
		return nil, err
	}
	release, err := holdGates(opts.FeatureGates)
	if err != nil {
		return nil, err
	}
	defer release()
	logOnce.Do(func() {
		if os.Getenv("JOBSIM_CONFORMANCE_KLOG") == "" {
			klog.SetLogger(logr.Discard())
		}
	})
	r := newRun(sc, opts)
	if err := r.createCluster(ctx); err != nil {
		return nil, err
	}
	r.kl.start()
	defer r.kl.stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ctx = klog.NewContext(ctx, r.logger())
	stopController, err := r.startController(ctx, cancel)
	if err != nil {
		return nil, err
	}
	defer stopController()
	if len(sc.Nodes) > 0 {
		stopScheduler, err := r.startScheduler(ctx)
		if err != nil {
			return nil, err
		}
		defer stopScheduler()
	}
	if len(sc.CronJobs) > 0 {
		r.cronFault(ctx, false)
		defer r.stopCron()
	}
	// Time starts once the controllers watch.
	r.clk.start(r.busy)
	defer r.clk.stop()
	r.scheduleUser(ctx)
	r.scheduleCronJobs(ctx)
	r.scheduleFaults()
	defer r.stopUser()
	if err := r.waitForEnd(ctx); err != nil {
		return nil, err
	}
	return r.result()
}

// run is one reference run: the fake API server and kubelet on a virtual
// clock, and the user who submits and changes the scenario's jobs.
type run struct {
	sc     Scenario
	opts   Options
	settle time.Duration
	clk    *virtualClock
	act    *activity
	api    *apiServer
	cs     *fake.Clientset
	counts *handlerCounts // the controller's informers' counted handlers
	kl     *kubelet
	sched  *schedTracker // nil without nodes

	// behMu guards behaviors, which maps each created job's UID to its
	// behaviour, and uids, the created jobs' UIDs in the scenario's order.
	behMu     sync.Mutex
	behaviors map[types.UID]jobBehavior
	uids      []types.UID

	// userMu guards userErrs and pending, the user's actions not yet done.
	userMu   sync.Mutex
	userErrs []error
	pending  int
	// userDone is signalled after each user action.
	userDone chan struct{}
	timers   []clock.Timer

	// cron is the CronJobs' state; cronMu guards cronCtl, the running
	// CronJob controller (nil while it is down).
	cron    *cronState
	cronMu  sync.Mutex
	cronCtl *cronController
}

// newRun sets up the cluster of a run: the virtual clock, the API server
// behind a fake clientset, and the kubelet, not yet started.
func newRun(sc Scenario, opts Options) *run {
	speed := opts.Speed
	if speed <= 0 {
		speed = DefaultSpeed
	}
	r := &run{
		sc: sc, opts: opts, settle: opts.Settle,
		clk:       newVirtualClock(sc.Start, speed),
		act:       &activity{},
		cs:        fake.NewClientset(),
		behaviors: map[types.UID]jobBehavior{},
		uids:      make([]types.UID, len(sc.Jobs)),
		userDone:  make(chan struct{}, 1),
		cron:      newCronState(sc.CronJobs),
	}
	r.clk.jump = opts.Jump || len(sc.CronJobs) > 0
	switch {
	case opts.Until > 0:
		r.clk.limit = sc.Start.Add(opts.Until)
	case opts.StopAt > 0:
		r.clk.limit = sc.Start.Add(opts.StopAt)
	}
	if r.settle == 0 {
		r.settle = 3 * time.Second
	}
	r.api = newAPIServer(r.clk, r.act, opts.Seed)
	r.api.jobCreated = r.jobCreated
	r.clk.worldBatch = r.api.holdInformers
	r.counts = newHandlerCounts()
	r.api.install(&r.cs.Fake, r.counts)
	r.kl = newKubelet(r.api, r.clk)
	r.kl.scheduled = len(sc.Nodes) > 0
	r.kl.behaviorOf = r.behaviorOf
	return r
}

// behaviorOf returns the behaviour, namespace and name of the job with
// uid, and whether it is one of the run's.
func (r *run) behaviorOf(uid types.UID) (jobsim.Behavior, string, string, bool) {
	r.behMu.Lock()
	defer r.behMu.Unlock()
	b, ok := r.behaviors[uid]
	if !ok {
		b, ok = r.cron.behaviorOf(uid)
	}
	return b.beh, b.ns, b.name, ok
}

// logger is where the controller logs: Options.Log, or nowhere.
func (r *run) logger() logr.Logger {
	if r.opts.Log == nil {
		return logr.Discard()
	}
	return newWriterLogger(r.opts.Log, func() time.Duration { return r.clk.Now().Sub(r.sc.Start) })
}

// startController builds the informers and the Job controller on the
// run's clock, starts them and waits for the informers to sync. The
// returned stop, to be called once the run is over, cancels ctx (with
// cancel), waits for the controller and shuts the informers down.
func (r *run) startController(ctx context.Context, cancel context.CancelFunc) (stop func(), err error) {
	factory := informers.NewSharedInformerFactory(r.cs, 0)
	podInf, jobInf := factory.Core().V1().Pods(), factory.Batch().V1().Jobs()
	installQueueProvider()
	constructMu.Lock()
	constructing = r.act
	jm, err := newController(ctx, factory,
		podInformer{PodInformer: podInf, inf: countingInformer{podInf.Informer(), r.act, "pods", r.counts}},
		jobInformer{JobInformer: jobInf, inf: countingInformer{jobInf.Informer(), r.act, "jobs", r.counts}},
		r.cs, r.clk)
	constructing = nil
	constructMu.Unlock()
	if err != nil {
		return nil, err
	}
	if !providerSet.Load() {
		return nil, errors.New("reference: the work queues do not report to this package's metrics provider (another one was set first)")
	}
	factory.Start(ctx.Done())
	ctrlDone := make(chan struct{})
	go func() {
		defer close(ctrlDone)
		jm.Run(ctx, Workers)
	}()
	stop = func() {
		cancel()
		<-ctrlDone
		factory.Shutdown()
	}
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			stop()
			return nil, fmt.Errorf("reference: informer for %v did not sync", typ)
		}
	}
	return stop, nil
}

// scheduleUser sets the user's timers: each job's submission and its
// actions at their virtual times.
func (r *run) scheduleUser(ctx context.Context) {
	for i, j := range r.sc.Jobs {
		obj := j.Object.DeepCopy()
		if obj.Namespace == "" {
			obj.Namespace = metav1.NamespaceDefault
		}
		r.atUser(j.At, func() { r.submit(ctx, i, obj, j.Behavior) })
		for _, a := range j.Actions {
			r.atUser(a.At, func() {
				if err := doAction(ctx, r.cs, r.api, obj.Namespace, obj.Name, a); err != nil {
					r.fail(fmt.Errorf("job %s, action at %s: %w", obj.Name, a.At, err))
				}
			})
		}
	}
}

// atUser does f at virtual time d after the start, counting it pending
// until it is done.
func (r *run) atUser(d time.Duration, f func()) {
	r.userMu.Lock()
	r.pending++
	r.userMu.Unlock()
	r.timers = append(r.timers, r.clk.afterFuncWorld(r.sc.Start.Add(d).Sub(r.clk.Now()), func() {
		f()
		r.userMu.Lock()
		r.pending--
		r.userMu.Unlock()
		select {
		case r.userDone <- struct{}{}:
		default:
		}
	}))
}

// submit creates job i of the scenario and records its behaviour.
func (r *run) submit(ctx context.Context, i int, obj *batchv1.Job, beh jobsim.Behavior) {
	// Register the behaviour before the controller can create pods.
	r.behMu.Lock()
	defer r.behMu.Unlock()
	created, err := r.cs.BatchV1().Jobs(obj.Namespace).Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		r.fail(fmt.Errorf("creating job %s: %w", obj.Name, err))
		return
	}
	r.uids[i] = created.UID
	r.behaviors[created.UID] = jobBehavior{beh: beh, ns: obj.Namespace, name: obj.Name}
}

// fail records an error of the user's.
func (r *run) fail(err error) {
	r.userMu.Lock()
	r.userErrs = append(r.userErrs, err)
	r.userMu.Unlock()
}

// stopUser stops the user's timers not yet fired.
func (r *run) stopUser() {
	for _, t := range r.timers {
		t.Stop()
	}
}

// userBusy reports whether some user action is still to come.
func (r *run) userBusy() bool {
	r.userMu.Lock()
	defer r.userMu.Unlock()
	return r.pending > 0
}

// waitForEnd waits for the end: Until, or everything finished and
// settled, or StopAt. It fails when virtual time stands still for
// stuckAfter.
func (r *run) waitForEnd(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var quietSince time.Time
	lastNow, lastMove := r.clk.Now(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		case <-r.userDone:
		}
		now := r.clk.Now()
		if now != lastNow {
			lastNow, lastMove = now, time.Now()
		} else if time.Since(lastMove) > stuckAfter {
			return fmt.Errorf("reference: virtual time stuck at %s for %s: %d watch events unhandled, %d syncs queued, %d running",
				now.Sub(r.sc.Start), stuckAfter, r.act.events.Load(), r.act.queued.Load(), r.act.running.Load())
		}
		el := now.Sub(r.sc.Start)
		if r.opts.Until > 0 {
			if el >= r.opts.Until {
				return nil
			}
			continue
		}
		if r.opts.StopAt > 0 && el >= r.opts.StopAt {
			return nil
		}
		if r.userBusy() || !settled(r.api) {
			quietSince = time.Time{}
			continue
		}
		if quietSince.IsZero() {
			quietSince = now
		}
		if now.Sub(quietSince) >= r.settle {
			return nil
		}
	}
}

// result collects the state at the end, with the user's errors.
func (r *run) result() (*Result, error) {
	end := r.clk.Now().Sub(r.sc.Start)
	jobs, pods, counts, rejected := r.api.snapshot()
	r.behMu.Lock()
	uids := slices.Clone(r.uids)
	r.behMu.Unlock()
	res := &Result{End: end, Rejected: rejected, Bindings: r.api.bindingLog(), PodJobs: r.api.podJobLog()}
	res.CronJobs = r.cronResults(jobs, counts)
	if r.sched != nil {
		res.Events = r.sched.recorded()
	}
	for i, j := range r.sc.Jobs {
		ns := j.Object.Namespace
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		jr := JobResult{Object: jobs[ns+"/"+j.Object.Name], PodsCreated: counts[uids[i]]}
		jr.Deleted = jr.Object != nil && !r.api.jobExists(ns, j.Object.Name)
		for _, p := range pods {
			if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == uids[i] && uids[i] != "" {
				jr.Pods = append(jr.Pods, p)
			}
		}
		res.Jobs = append(res.Jobs, jr)
	}
	r.userMu.Lock()
	defer r.userMu.Unlock()
	return res, errors.Join(r.userErrs...)
}

// jobBehavior is how a created job's containers run, and which job it is.
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
	if err := editJob(ctx, jobs, name, a.Edit); err != nil {
		return err
	}
	if len(a.RemoveSchedulingGates) > 0 {
		return removeGates(ctx, cs, ns, name, a.RemoveSchedulingGates)
	}
	return nil
}

// editJob updates the job's spec with edit, retried on conflicts.
func editJob(ctx context.Context, jobs batchclient.JobInterface, name string, edit func(*batchv1.JobSpec)) error {
	for range 10 {
		j, err := jobs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		edit(&j.Spec)
		_, err = jobs.Update(ctx, j, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		return err
	}
	return fmt.Errorf("update kept conflicting")
}

// removeGates removes gates from each pod of job ns/name that exists, is
// not being deleted and is not bound to a node yet, each update retried
// on conflicts.
func removeGates(ctx context.Context, cs clientset.Interface, ns, name string, gates []string) error {
	j, err := cs.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	pods := cs.CoreV1().Pods(ns)
	list, err := pods.List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, p := range list.Items {
		if ref := metav1.GetControllerOf(&p); ref == nil || ref.UID != j.UID {
			continue
		}
		if err := ungate(ctx, pods, p.Name, gates); err != nil {
			return err
		}
	}
	return nil
}

// ungate removes gates from one pod unless it is bound or being deleted.
func ungate(ctx context.Context, pods coreclient.PodInterface, name string, gates []string) error {
	for range 10 {
		p, err := pods.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if p.Spec.NodeName != "" || p.DeletionTimestamp != nil {
			return nil
		}
		kept := slices.DeleteFunc(slices.Clone(p.Spec.SchedulingGates), func(g corev1.PodSchedulingGate) bool {
			return slices.Contains(gates, g.Name)
		})
		if len(kept) == len(p.Spec.SchedulingGates) {
			return nil
		}
		p.Spec.SchedulingGates = kept
		_, err = pods.Update(ctx, p, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		return err
	}
	return fmt.Errorf("update of pod %s kept conflicting", name)
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
