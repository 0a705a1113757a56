package reference

import (
	"sync"
	"sync/atomic"
	"time"

	batchinformers "k8s.io/client-go/informers/batch/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// activity counts the work in flight in one reference run, so that its
// clock can stand still while there is some: watch events not yet
// handled (by the informers' handlers or the kubelet) and the job
// controller's queued and running syncs.
type activity struct {
	events  atomic.Int64 // watch events pushed and not yet handled
	queued  atomic.Int64 // work-queue items ready for a worker
	running atomic.Int64 // work-queue items a worker is processing
	// sched, if not nil, reports whether the scheduler has work in hand.
	sched atomic.Pointer[schedTracker]
}

func (a *activity) busy() bool {
	if t := a.sched.Load(); t != nil && t.busy() {
		return true
	}
	return a.events.Load() > 0 || a.queued.Load() > 0 || a.running.Load() > 0
}

func (a *activity) handled() { a.events.Add(-1) }

// The work queues report their depth and processing through the global
// workqueue metrics provider, per queue, when the queue is made. The
// provider hands the metrics of the queues made while a run constructs
// its controller to that run.
var (
	constructMu  sync.Mutex
	constructing *activity
	providerOnce sync.Once
	providerSet  atomic.Bool
)

type queueProvider struct{}

func installQueueProvider() {
	providerOnce.Do(func() {
		workqueue.SetProvider(queueProvider{})
	})
}

func (queueProvider) owner() *activity {
	if a := constructing; a != nil {
		providerSet.Store(true)
		return a
	}
	return &activity{} // a queue of no reference run
}

// NewDepthMetric counts the items ready in the queue.
func (p queueProvider) NewDepthMetric(string) workqueue.GaugeMetric {
	return depthMetric{p.owner()}
}

// NewWorkDurationMetric is observed when a worker is done with an item.
func (p queueProvider) NewWorkDurationMetric(string) workqueue.HistogramMetric {
	return doneMetric{p.owner()}
}

// NewAddsMetric is not needed.
func (queueProvider) NewAddsMetric(string) workqueue.CounterMetric { return nopMetric{} }

// NewLatencyMetric is not needed.
func (queueProvider) NewLatencyMetric(string) workqueue.HistogramMetric { return nopMetric{} }

// NewUnfinishedWorkSecondsMetric is not needed.
func (queueProvider) NewUnfinishedWorkSecondsMetric(string) workqueue.SettableGaugeMetric {
	return nopMetric{}
}

// NewLongestRunningProcessorSecondsMetric is not needed.
func (queueProvider) NewLongestRunningProcessorSecondsMetric(string) workqueue.SettableGaugeMetric {
	return nopMetric{}
}

// NewRetriesMetric is not needed.
func (queueProvider) NewRetriesMetric(string) workqueue.CounterMetric { return nopMetric{} }

// depthMetric: Inc when an item becomes ready, Dec when a worker takes it
// (and so starts processing it).
type depthMetric struct{ a *activity }

func (m depthMetric) Inc() { m.a.queued.Add(1) }
func (m depthMetric) Dec() {
	m.a.running.Add(1)
	m.a.queued.Add(-1)
}

// doneMetric is observed once per item a worker took, when it is done.
type doneMetric struct{ a *activity }

func (m doneMetric) Observe(float64) { m.a.running.Add(-1) }

type nopMetric struct{}

func (nopMetric) Inc()            {}
func (nopMetric) Dec()            {}
func (nopMetric) Set(float64)     {}
func (nopMetric) Observe(float64) {}

// countingHandler tells the run when an informer's handler has handled a
// watch event.
type countingHandler struct {
	h cache.ResourceEventHandler
	a *activity
}

func (c countingHandler) OnAdd(obj any, initial bool) {
	c.h.OnAdd(obj, initial)
	if !initial {
		c.a.handled()
	}
}

func (c countingHandler) OnUpdate(old, cur any) {
	c.h.OnUpdate(old, cur)
	c.a.handled()
}

func (c countingHandler) OnDelete(obj any) {
	c.h.OnDelete(obj)
	c.a.handled()
}

// countingInformer wraps the handlers added to a shared informer of
// resource res, and counts them in counts.
type countingInformer struct {
	cache.SharedIndexInformer
	a      *activity
	res    string
	counts *handlerCounts
}

// AddEventHandler adds h, wrapped to count the events it handled.
func (i countingInformer) AddEventHandler(h cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	i.counts.add(i.res)
	return i.SharedIndexInformer.AddEventHandler(countingHandler{h: h, a: i.a})
}

// AddEventHandlerWithResyncPeriod adds h, wrapped to count the events it
// handled.
func (i countingInformer) AddEventHandlerWithResyncPeriod(h cache.ResourceEventHandler, resync time.Duration) (cache.ResourceEventHandlerRegistration, error) {
	i.counts.add(i.res)
	return i.SharedIndexInformer.AddEventHandlerWithResyncPeriod(countingHandler{h: h, a: i.a}, resync)
}

// AddEventHandlerWithOptions adds h, wrapped to count the events it
// handled.
func (i countingInformer) AddEventHandlerWithOptions(h cache.ResourceEventHandler, opts cache.HandlerOptions) (cache.ResourceEventHandlerRegistration, error) {
	i.counts.add(i.res)
	return i.SharedIndexInformer.AddEventHandlerWithOptions(countingHandler{h: h, a: i.a}, opts)
}

type podInformer struct {
	coreinformers.PodInformer
	inf countingInformer
}

// Informer returns the counting informer.
func (p podInformer) Informer() cache.SharedIndexInformer { return p.inf }

type jobInformer struct {
	batchinformers.JobInformer
	inf countingInformer
}

// Informer returns the counting informer.
func (j jobInformer) Informer() cache.SharedIndexInformer { return j.inf }
