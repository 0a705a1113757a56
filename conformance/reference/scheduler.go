package reference

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	corev1informers "k8s.io/client-go/informers/core/v1"
	clientset "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// The real kube-scheduler runs in a run whose scenario has nodes: built by
// scheduler.New with the release's default component configuration (the
// default profile, "default-scheduler"), with its own informers over its
// own client, as kube-scheduler has them (pods without the terminated
// ones, the field selector of scheduler.NewInformerFactory), and the
// run's virtual clock for its scheduling queue (scheduler.WithClock: the
// pods' backoff of 1 s doubling to 10 s, the backoff queue's flush and the
// 5 min limit in the unschedulable pool).
//
// Unmodified, it is watched in three places, so that the virtual clock
// stands still while it has work in hand and the harness learns what it
// chose:
//
//   - Scheduler.NextPod (NextEntity from 1.37), the function its
//     scheduling loop takes the next pod with: while the loop is not
//     waiting in it, a scheduling cycle is under way;
//   - each profile's framework (Scheduler.Profiles), wrapped: a pod
//     reserved on a node is in flight until its Bind plugins return (the
//     binding written), and the Score plugins' totals tell the nodes of
//     the best score, among which kube-scheduler picks at random;
//   - its event recorder, which records the events (FailedScheduling,
//     Scheduled, Preempted) in the run instead of writing them.

// schedTracker follows one scheduler.
type schedTracker struct {
	clk     *virtualClock
	started atomic.Bool
	waiting atomic.Bool  // the scheduling loop waits for a pod
	binding atomic.Int64 // pods reserved whose binding is not written

	mu       sync.Mutex
	reserved map[types.UID]bool
	ties     map[types.UID][]string // the last scoring of each pod's current cycle
	events   []Event
}

func newSchedTracker(clk *virtualClock) *schedTracker {
	return &schedTracker{clk: clk, reserved: map[types.UID]bool{}, ties: map[types.UID][]string{}}
}

// busy reports whether the scheduler has work in hand.
func (t *schedTracker) busy() bool {
	return t.started.Load() && !t.waiting.Load() || t.binding.Load() > 0
}

// next wraps the scheduling loop's wait for the next pod.
func (t *schedTracker) next(wait func() *corev1.Pod) {
	t.started.Store(true)
	t.waiting.Store(true)
	p := wait()
	t.waiting.Store(false)
	if p != nil {
		t.mu.Lock()
		delete(t.ties, p.UID) // a new cycle
		t.mu.Unlock()
	}
}

// scored records a scoring: the total score of each node.
func (t *schedTracker) scored(pod *corev1.Pod, nodes []string, totals []int64) {
	var best []string
	var top int64
	for i, n := range nodes {
		switch {
		case len(best) == 0 || totals[i] > top:
			best, top = []string{n}, totals[i]
		case totals[i] == top:
			best = append(best, n)
		}
	}
	slices.Sort(best)
	t.mu.Lock()
	t.ties[pod.UID] = best
	t.mu.Unlock()
}

// tiesOf returns the best-scored nodes of the pod's current cycle, nil if
// it was not scored (a single feasible node).
func (t *schedTracker) tiesOf(uid types.UID) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ties[uid]
}

func (t *schedTracker) reserve(uid types.UID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.reserved[uid] {
		t.reserved[uid] = true
		t.binding.Add(1)
	}
}

func (t *schedTracker) unreserve(uid types.UID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reserved[uid] {
		delete(t.reserved, uid)
		t.binding.Add(-1)
	}
}

// tracedFramework is a profile's framework, watched (see above).
type tracedFramework struct {
	framework.Framework
	t *schedTracker
}

// RunScorePlugins records the nodes' total scores.
func (f *tracedFramework) RunScorePlugins(ctx context.Context, state fwk.CycleState, pod *corev1.Pod, nodes []fwk.NodeInfo) ([]nodePluginScores, *fwk.Status) {
	scores, st := f.Framework.RunScorePlugins(ctx, state, pod, nodes)
	if st.IsSuccess() {
		names, totals := make([]string, len(scores)), make([]int64, len(scores))
		for i, s := range scores {
			names[i], totals[i] = s.Name, s.TotalScore
		}
		f.t.scored(pod, names, totals)
	}
	return scores, st
}

// RunReservePluginsReserve counts the pod in flight once reserved.
func (f *tracedFramework) RunReservePluginsReserve(ctx context.Context, state fwk.CycleState, pod *corev1.Pod, nodeName string) *fwk.Status {
	st := f.Framework.RunReservePluginsReserve(ctx, state, pod, nodeName)
	if st.IsSuccess() {
		f.t.reserve(pod.UID)
	}
	return st
}

// RunReservePluginsUnreserve ends the pod's flight: it failed.
func (f *tracedFramework) RunReservePluginsUnreserve(ctx context.Context, state fwk.CycleState, pod *corev1.Pod, nodeName string) {
	f.Framework.RunReservePluginsUnreserve(ctx, state, pod, nodeName)
	f.t.unreserve(pod.UID)
}

// RunBindPlugins ends the pod's flight once the binding is written (or
// failed).
func (f *tracedFramework) RunBindPlugins(ctx context.Context, state fwk.CycleState, pod *corev1.Pod, nodeName string) *fwk.Status {
	st := f.Framework.RunBindPlugins(ctx, state, pod, nodeName)
	f.t.unreserve(pod.UID)
	return st
}

// Event is an event a component recorded.
type Event struct {
	// At is its virtual time.
	At time.Time
	// Reason and Message are the event's; Regarding names the object it
	// is about (namespace/name), Related the other one, if any.
	Reason, Message    string
	Regarding, Related string
	// UID is the regarding object's.
	UID types.UID
}

// eventRecorder is the scheduler's events.EventRecorderLogger: it records
// the events in the tracker.
type eventRecorder struct{ t *schedTracker }

var _ events.EventRecorderLogger = eventRecorder{}

// Eventf records an event.
func (r eventRecorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	ev := Event{At: r.t.clk.Now(), Reason: reason, Message: fmt.Sprintf(note, args...)}
	if m, ok := regarding.(metav1.Object); ok && m != nil {
		ev.Regarding, ev.UID = m.GetNamespace()+"/"+m.GetName(), m.GetUID()
	}
	if m, ok := related.(metav1.Object); ok && m != nil && related != nil {
		ev.Related = m.GetNamespace() + "/" + m.GetName()
	}
	r.t.mu.Lock()
	r.t.events = append(r.t.events, ev)
	r.t.mu.Unlock()
}

// WithLogger returns the recorder.
func (r eventRecorder) WithLogger(klog.Logger) events.EventRecorderLogger { return r }

// newSchedulerFactory is scheduler.NewInformerFactory, whose pod
// informer leaves out terminated pods, with pod and node informers that
// count their handlers' events (the factory hands out the informers
// InformerFor is given).
func newSchedulerFactory(cs clientset.Interface, a *activity, counts *handlerCounts) informers.SharedInformerFactory {
	f := informers.NewSharedInformerFactory(cs, 0)
	byNamespace := cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}
	f.InformerFor(&corev1.Pod{}, func(cs clientset.Interface, resync time.Duration) cache.SharedIndexInformer {
		selector := fmt.Sprintf("status.phase!=%v,status.phase!=%v", corev1.PodSucceeded, corev1.PodFailed)
		inf := corev1informers.NewFilteredPodInformer(cs, metav1.NamespaceAll, resync, cache.Indexers{},
			func(o *metav1.ListOptions) { o.FieldSelector = selector })
		return countingInformer{inf, a, "pods", counts}
	})
	f.InformerFor(&corev1.Node{}, func(cs clientset.Interface, resync time.Duration) cache.SharedIndexInformer {
		return countingInformer{corev1informers.NewFilteredNodeInformer(cs, resync, byNamespace, nil), a, "nodes", counts}
	})
	return f
}

// startScheduler builds the scheduler on its own client and informers,
// starts it and waits for its informers to sync. stop, to be called once
// the run is over, cancels the scheduler and waits for it.
func (r *run) startScheduler(ctx context.Context) (stop func(), err error) {
	t := newSchedTracker(r.clk)
	cs := fake.NewClientset()
	counts := newHandlerCounts()
	r.api.install(&cs.Fake, counts)
	factory := newSchedulerFactory(cs, r.act, counts)
	ctx, cancel := context.WithCancel(ctx)
	sched, err := scheduler.New(ctx, cs, factory, nil, recorderFactory(eventRecorder{t}),
		scheduler.WithClock(r.clk))
	if err != nil {
		cancel()
		return nil, fmt.Errorf("reference: kube-scheduler: %w", err)
	}
	for name, f := range sched.Profiles {
		sched.Profiles[name] = &tracedFramework{Framework: f, t: t}
	}
	wrapNext(sched, t)
	r.sched = t
	r.act.sched.Store(t)
	r.api.ties = t.tiesOf
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			cancel()
			factory.Shutdown()
			return nil, fmt.Errorf("reference: scheduler informer for %v did not sync", typ)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sched.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
		factory.Shutdown()
	}, nil
}

// recorded returns the events the scheduler recorded.
func (t *schedTracker) recorded() []Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.events)
}
