package reference

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/jobsim/jobsim"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	batchinformers "k8s.io/client-go/informers/batch/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	cronjobcontroller "k8s.io/kubernetes/pkg/controller/cronjob"
)

// CronJobWorkers is how many sync workers the CronJob controller runs,
// as kube-controller-manager's --concurrent-cron-job-syncs default.
const CronJobWorkers = 5

// CronJob is one CronJob of a Scenario.
type CronJob struct {
	// Object is the CronJob as a user submits it; the API server
	// defaults and validates it.
	Object *batchv1.CronJob
	// At is when it is created, after Start.
	At time.Duration
	// Behavior returns how the containers of the CronJob's Job of
	// creation ordinal n (0 for its first) run, as Job.Behavior.
	Behavior func(n int) jobsim.Behavior
	// Actions are done in order at their times.
	Actions []CronAction
}

// CronAction is a change made to a CronJob, as kubectl would make it.
type CronAction struct {
	// At is when, after Start.
	At time.Duration
	// Delete deletes the CronJob with background propagation: its Jobs
	// and their pods go with it.
	Delete bool
	// Edit changes the spec; the API server's update strategy and
	// validation decide.
	Edit func(spec *batchv1.CronJobSpec)
}

// ControllerFault stops or starts the CronJob controller at a time: an
// outage of kube-controller-manager's CronJob controller, whose work
// queue is lost, and its restart with new informers and a new queue.
type ControllerFault struct {
	// At is when, after Start.
	At time.Duration
	// Down stops the controller; false starts it again.
	Down bool
}

// CronJobResult is one CronJob at the end of a reference run.
type CronJobResult struct {
	// Object is the CronJob as last stored (a deleted one as it was
	// last); nil if it was never created.
	Object *batchv1.CronJob
	// Deleted reports whether the CronJob was deleted.
	Deleted bool
	// Jobs are the Jobs it created, in creation order, as last stored.
	Jobs []CreatedJob
	// Events are the events the controller recorded about it, in order.
	Events []CronEvent
}

// CreatedJob is a Job a CronJob created.
type CreatedJob struct {
	// Object is the Job as last stored.
	Object *batchv1.Job
	// Created is its exact virtual creation time (Object's
	// creationTimestamp is to the second).
	Created time.Time
	// Deleted reports whether it is gone at the end.
	Deleted bool
	// PodsCreated counts the pods the Job controller created for it.
	PodsCreated int
}

// CronEvent is an event the CronJob controller recorded.
type CronEvent struct {
	// At is its virtual time.
	At time.Time
	// Type, Reason and Message are the event's.
	Type, Reason, Message string
}

// cronState is what a run keeps about its CronJobs: which Job belongs to
// which CronJob, how the Jobs' containers run, and the controller's
// events. Its lock is taken last, after the API server's and the run's.
type cronState struct {
	mu        sync.Mutex
	byName    map[string]int            // "namespace/name" → index in the scenario
	created   [][]createdRef            // per CronJob, its Jobs in creation order
	events    [][]CronEvent             // per CronJob, its events in order
	behaviors map[types.UID]jobBehavior // the created Jobs'
	// current is the activity of the running controller, nil while it is
	// down.
	current *activity
}

func newCronState(cjs []CronJob) *cronState {
	s := &cronState{byName: map[string]int{}, created: make([][]createdRef, len(cjs)), events: make([][]CronEvent, len(cjs)),
		behaviors: map[types.UID]jobBehavior{}}
	for i, cj := range cjs {
		ns := cj.Object.Namespace
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		s.byName[ns+"/"+cj.Object.Name] = i
	}
	return s
}

// behaviorOf returns the behaviour of a Job a CronJob created.
func (s *cronState) behaviorOf(uid types.UID) (jobBehavior, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.behaviors[uid]
	return b, ok
}

type createdRef struct {
	ns, name string
	uid      types.UID
	at       time.Time
}

// jobCreated registers a Job a CronJob created: its behaviour is the
// CronJob's for the Job's ordinal. The API server calls it with its lock
// held.
func (r *run) jobCreated(j *batchv1.Job) {
	ref := metav1.GetControllerOf(j)
	if ref == nil || ref.Kind != "CronJob" {
		return
	}
	r.cron.mu.Lock()
	defer r.cron.mu.Unlock()
	i, ok := r.cron.byName[j.Namespace+"/"+ref.Name]
	if !ok {
		return
	}
	n := len(r.cron.created[i])
	r.cron.created[i] = append(r.cron.created[i], createdRef{ns: j.Namespace, name: j.Name, uid: j.UID, at: r.clk.Now()})
	var beh jobsim.Behavior
	if b := r.sc.CronJobs[i].Behavior; b != nil {
		beh = b(n)
	}
	r.cron.behaviors[j.UID] = jobBehavior{beh: beh, ns: j.Namespace, name: j.Name}
}

// cronBusy reports whether the running CronJob controller has work in
// flight.
func (r *run) cronBusy() bool {
	r.cron.mu.Lock()
	a := r.cron.current
	r.cron.mu.Unlock()
	return a != nil && a.busy()
}

// busy reports whether the cluster has work in flight.
func (r *run) busy() bool { return r.act.busy() || r.cronBusy() }

// cronRecorder is the CronJob controller's event recorder: it records
// each event at once, in order, under its CronJob. It stands in for the
// broadcaster's recorder, whose correlator aggregates and rate-limits
// similar events on the wall clock (10 in 10 minutes, 25 per object
// refilled every 5 minutes), which a run that takes a day of virtual
// time in seconds would trip where a cluster would not.
type cronRecorder struct{ r *run }

var _ record.EventRecorder = cronRecorder{}

// Event records an event.
func (c cronRecorder) Event(obj runtime.Object, typ, reason, message string) {
	cj, ok := obj.(*batchv1.CronJob)
	if !ok {
		return
	}
	c.r.cron.mu.Lock()
	defer c.r.cron.mu.Unlock()
	i, ok := c.r.cron.byName[cj.Namespace+"/"+cj.Name]
	if !ok {
		return
	}
	c.r.cron.events[i] = append(c.r.cron.events[i], CronEvent{At: c.r.clk.Now(), Type: typ, Reason: reason, Message: message})
}

// Eventf records an event with a formatted message.
func (c cronRecorder) Eventf(obj runtime.Object, typ, reason, format string, args ...any) {
	c.Event(obj, typ, reason, fmt.Sprintf(format, args...))
}

// AnnotatedEventf records an event; the annotations are dropped.
func (c cronRecorder) AnnotatedEventf(obj runtime.Object, _ map[string]string, typ, reason, format string, args ...any) {
	c.Eventf(obj, typ, reason, format, args...)
}

type cronJobInformer struct {
	batchinformers.CronJobInformer
	inf countingInformer
}

// Informer returns the counting informer.
func (c cronJobInformer) Informer() cache.SharedIndexInformer { return c.inf }

// The CronJob controller has no constructor with a clock: NewControllerV2
// sets its unexported field now to time.Now and builds its work queue
// with the wall clock. The run replaces both, before the controller
// runs, with the virtual clock's: now and a rate-limiting queue of the
// same kind (the default controller rate limiter, name "cronjob") on the
// virtual clock. The fields are found by name and type; a release that
// renames or retypes them fails the run with an error rather than running
// on the wall clock.
//
// Its event recorder is replaced the same way, by cronRecorder.

// setField sets the unexported field name of the struct p points to.
func setField(p any, name string, v any) error {
	s := reflect.ValueOf(p).Elem()
	f := s.FieldByName(name)
	if !f.IsValid() {
		return fmt.Errorf("reference: %s has no field %s: the CronJob controller changed, see cronjob.go", s.Type(), name)
	}
	val := reflect.ValueOf(v)
	if !val.Type().AssignableTo(f.Type()) {
		return fmt.Errorf("reference: %s.%s is a %s, not a %s: the CronJob controller changed, see cronjob.go", s.Type(), name, f.Type(), val.Type())
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(val)
	return nil
}

// getField returns the unexported field name of the struct p points to.
func getField(p any, name string) (reflect.Value, error) {
	s := reflect.ValueOf(p).Elem()
	f := s.FieldByName(name)
	if !f.IsValid() {
		return reflect.Value{}, fmt.Errorf("reference: %s has no field %s: the CronJob controller changed, see cronjob.go", s.Type(), name)
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), nil
}

// cronController is one running instance of the CronJob controller.
type cronController struct {
	cancel  context.CancelFunc
	done    chan struct{}
	factory informers.SharedInformerFactory
}

// startCronController builds a CronJob controller with its own client
// and informers (as after a restart of kube-controller-manager) on the
// run's clock, starts it and waits for its informers to sync.
func (r *run) startCronController(parent context.Context) (*cronController, error) {
	act := &activity{}
	cs := fake.NewClientset()
	counts := newHandlerCounts()
	r.api.installFor(&cs.Fake, counts, act)
	factory := informers.NewSharedInformerFactory(cs, 0)
	jobInf, cjInf := factory.Batch().V1().Jobs(), factory.Batch().V1().CronJobs()
	ctx, cancel := context.WithCancel(parent)
	installQueueProvider()
	constructMu.Lock()
	constructing = act
	jm, err := cronjobcontroller.NewControllerV2(ctx,
		jobInformer{JobInformer: jobInf, inf: countingInformer{jobInf.Informer(), act, "jobs", counts}},
		cronJobInformer{CronJobInformer: cjInf, inf: countingInformer{cjInf.Informer(), act, "cronjobs", counts}},
		cs)
	var q workqueue.TypedRateLimitingInterface[string]
	if err == nil {
		limiter := workqueue.DefaultTypedControllerRateLimiter[string]()
		q = newTimedQueue(workqueue.NewTypedRateLimitingQueueWithConfig(limiter,
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "cronjob", Clock: r.clk}), limiter, r.clk)
	}
	constructing = nil
	constructMu.Unlock()
	if err != nil {
		cancel()
		return nil, err
	}
	old, err := getField(jm, "queue")
	if err != nil {
		cancel()
		return nil, err
	}
	oldQueue, _ := old.Interface().(workqueue.TypedRateLimitingInterface[string])
	err = errors.Join(
		setField(jm, "queue", q),
		setField(jm, "now", r.clk.Now),
		setField(jm, "recorder", record.EventRecorder(cronRecorder{r})),
	)
	if oldQueue != nil {
		oldQueue.ShutDown()
	}
	if err != nil {
		cancel()
		q.ShutDown()
		return nil, err
	}
	factory.Start(ctx.Done())
	c := &cronController{cancel: cancel, done: make(chan struct{}), factory: factory}
	go func() {
		defer close(c.done)
		jm.Run(ctx, CronJobWorkers)
	}()
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			c.stop()
			return nil, fmt.Errorf("reference: CronJob controller's informer for %v did not sync", typ)
		}
	}
	r.cron.mu.Lock()
	r.cron.current = act
	r.cron.mu.Unlock()
	return c, nil
}

// stop cancels the controller's context, which shuts its queue down
// (what it held is lost), waits for it and shuts its informers down.
func (c *cronController) stop() {
	c.cancel()
	<-c.done
	c.factory.Shutdown()
}

// cronFault stops or starts the CronJob controller.
func (r *run) cronFault(ctx context.Context, down bool) {
	r.cronMu.Lock()
	defer r.cronMu.Unlock()
	if down {
		if r.cronCtl == nil {
			return
		}
		r.cron.mu.Lock()
		r.cron.current = nil
		r.cron.mu.Unlock()
		r.cronCtl.stop()
		r.cronCtl = nil
		return
	}
	if r.cronCtl != nil {
		return
	}
	c, err := r.startCronController(ctx)
	if err != nil {
		r.fail(fmt.Errorf("starting the CronJob controller: %w", err))
		return
	}
	r.cronCtl = c
}

// stopCron stops the CronJob controller if it runs.
func (r *run) stopCron() { r.cronFault(context.Background(), true) }

// scheduleCronJobs sets the user's timers for the CronJobs: each one's
// creation and edits, and the controller's faults.
func (r *run) scheduleCronJobs(ctx context.Context) {
	for _, cj := range r.sc.CronJobs {
		obj := cj.Object.DeepCopy()
		if obj.Namespace == "" {
			obj.Namespace = metav1.NamespaceDefault
		}
		r.atUser(cj.At, func() { r.submitCronJob(ctx, obj) })
		for _, a := range cj.Actions {
			r.atUser(a.At, func() {
				if err := r.doCronAction(ctx, obj.Namespace, obj.Name, a); err != nil {
					r.fail(fmt.Errorf("cronjob %s, action at %s: %w", obj.Name, a.At, err))
				}
			})
		}
	}
	for _, f := range r.sc.ControllerFaults {
		r.atUser(f.At, func() { r.cronFault(ctx, f.Down) })
	}
}

// submitCronJob creates CronJob i of the scenario.
func (r *run) submitCronJob(ctx context.Context, obj *batchv1.CronJob) {
	if _, err := r.cs.BatchV1().CronJobs(obj.Namespace).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
		r.fail(fmt.Errorf("creating cronjob %s: %w", obj.Name, err))
	}
}

// doCronAction edits a CronJob through the update strategy (retried on
// conflicts) or deletes it with background propagation.
func (r *run) doCronAction(ctx context.Context, ns, name string, a CronAction) error {
	cjs := r.cs.BatchV1().CronJobs(ns)
	if a.Delete {
		return cjs.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: ptr(metav1.DeletePropagationBackground)})
	}
	for range 10 {
		cj, err := cjs.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		a.Edit(&cj.Spec)
		_, err = cjs.Update(ctx, cj, metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		return err
	}
	return fmt.Errorf("update kept conflicting")
}

// cronResults collects the CronJobs' state at the end.
func (r *run) cronResults(jobs map[string]*batchv1.Job, counts map[types.UID]int) []CronJobResult {
	r.api.mu.Lock()
	last := map[string]*batchv1.CronJob{}
	for k, cj := range r.api.lastCronJob {
		last[k] = cj.DeepCopy()
	}
	exists := map[string]bool{}
	for k := range r.api.objs {
		exists[k] = true
	}
	r.api.mu.Unlock()
	r.cron.mu.Lock()
	defer r.cron.mu.Unlock()
	var out []CronJobResult
	for i, cj := range r.sc.CronJobs {
		ns := cj.Object.Namespace
		if ns == "" {
			ns = metav1.NamespaceDefault
		}
		cr := CronJobResult{Object: last[ns+"/"+cj.Object.Name], Events: append([]CronEvent(nil), r.cron.events[i]...)}
		cr.Deleted = cr.Object != nil && !exists[objKey("cronjobs", ns, cj.Object.Name)]
		for _, c := range r.cron.created[i] {
			cr.Jobs = append(cr.Jobs, CreatedJob{
				Object:      jobs[c.ns+"/"+c.name],
				Created:     c.at,
				Deleted:     !exists[objKey("jobs", c.ns, c.name)],
				PodsCreated: counts[c.uid],
			})
		}
		out = append(out, cr)
	}
	return out
}
