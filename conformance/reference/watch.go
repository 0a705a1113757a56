package reference

import (
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	k8stesting "k8s.io/client-go/testing"
)

// watcher is a watch.Interface with an unbounded buffer: the fake
// clientset's own watches panic once 100 events wait undelivered.
type watcher struct {
	resource string
	ns       string
	sel      labels.Selector
	fields   fields.Selector
	// weight is how many counted handlers handle each of its events (see
	// handlerCounts): what an event adds to activity.events.
	weight int64
	// act is the activity its events count in (the run's, or that of the
	// component whose client watches).
	act *activity
	// gate, if not nil, holds delivery while it is write-locked.
	gate *sync.RWMutex

	mu     sync.Mutex
	queue  []watch.Event
	signal chan struct{}
	result chan watch.Event
	done   chan struct{}
	once   sync.Once
}

var _ watch.Interface = (*watcher)(nil)

func newWatcher(resource, ns string, sel labels.Selector, fs fields.Selector, gate *sync.RWMutex) *watcher {
	w := &watcher{
		resource: resource, ns: ns, sel: sel, fields: fs, gate: gate,
		signal: make(chan struct{}, 1),
		result: make(chan watch.Event),
		done:   make(chan struct{}),
	}
	go w.loop()
	return w
}

func (w *watcher) loop() {
	defer close(w.result)
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.mu.Unlock()
			select {
			case <-w.signal:
				continue
			case <-w.done:
				return
			}
		}
		ev := w.queue[0]
		w.queue[0] = watch.Event{}
		w.queue = w.queue[1:]
		w.mu.Unlock()
		if w.gate != nil {
			w.gate.RLock()
		}
		select {
		case w.result <- ev:
		case <-w.done:
		}
		if w.gate != nil {
			w.gate.RUnlock()
		}
		if w.stopped() {
			return
		}
	}
}

// activity returns the activity w's events count in; def when w has
// none of its own.
func (w *watcher) activity(def *activity) *activity {
	if w.act != nil {
		return w.act
	}
	return def
}

func (w *watcher) push(ev watch.Event) {
	w.mu.Lock()
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
}

func (w *watcher) matches(resource string, o runtime.Object) bool {
	if resource != w.resource {
		return false
	}
	m := metaOf(o)
	if w.ns != "" && m.Namespace != w.ns {
		return false
	}
	if w.fields != nil && !w.fields.Empty() && !w.fields.Matches(fieldsOf(o)) {
		return false
	}
	return w.sel == nil || w.sel.Matches(labels.Set(m.Labels))
}

// event returns the event w delivers for ev, whose object was prev before
// (nil if none), as the API server's watch cache filters: an object that
// starts to match is Added, one that stops matching Deleted.
func (w *watcher) event(res string, ev watch.Event, prev runtime.Object) (watch.Event, bool) {
	now := w.matches(res, ev.Object)
	switch ev.Type {
	case watch.Modified:
		before := prev != nil && w.matches(res, prev)
		switch {
		case before && now:
		case now:
			ev.Type = watch.Added
		case before:
			ev.Type = watch.Deleted
		default:
			return ev, false
		}
	default:
		if !now {
			return ev, false
		}
	}
	return watch.Event{Type: ev.Type, Object: ev.Object.DeepCopyObject()}, true
}

// fieldsOf returns the fields a field selector may name
// (pkg/registry/core/pod.ToSelectableFields, for those the components
// here use).
func fieldsOf(o runtime.Object) fields.Set {
	m := metaOf(o)
	set := fields.Set{"metadata.name": m.Name, "metadata.namespace": m.Namespace}
	if p, ok := o.(*corev1.Pod); ok {
		set["spec.nodeName"] = p.Spec.NodeName
		set["spec.schedulerName"] = p.Spec.SchedulerName
		set["spec.restartPolicy"] = string(p.Spec.RestartPolicy)
		set["status.phase"] = string(p.Status.Phase)
		set["status.nominatedNodeName"] = p.Status.NominatedNodeName
	}
	return set
}

func (w *watcher) stopped() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Stop ends the watch and closes its channel.
func (w *watcher) Stop() { w.once.Do(func() { close(w.done) }) }

// ResultChan returns the channel of events.
func (w *watcher) ResultChan() <-chan watch.Event { return w.result }

// reactWatch serves the watches of the informers of a client whose
// counted handlers counts counts.
func (s *apiServer) reactWatch(counts *handlerCounts, act *activity) k8stesting.WatchReactionFunc {
	return func(action k8stesting.Action) (bool, watch.Interface, error) {
		res := action.GetResource().Resource
		wr := action.(k8stesting.WatchAction).GetWatchRestrictions()
		w := s.watch(res, action.GetNamespace(), wr.Labels, wr.Fields, wr.ResourceVersion, &s.gate, counts.of(res), act)
		return true, w, nil
	}
}

// watch starts a watch that first replays the events after resourceVersion
// rv ("" or "0": none); gate, if not nil, can hold its delivery. Each of
// its events counts weight in act's events (nil: the run's) until handled.
func (s *apiServer) watch(res, ns string, sel labels.Selector, fs fields.Selector, rv string, gate *sync.RWMutex, weight int64, act *activity) *watcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := newWatcher(res, ns, sel, fs, gate)
	w.weight = weight
	w.act = act
	from, _ := strconv.ParseUint(rv, 10, 64)
	if from > 0 {
		for _, e := range s.log {
			if e.rv <= from {
				continue
			}
			if ev, ok := w.event(e.resource, e.ev, e.prev); ok {
				w.activity(s.act).events.Add(w.weight)
				w.push(ev)
			}
		}
	}
	s.watches = append(s.watches, w)
	return w
}

// handlerCounts counts, per resource, the counted event handlers (see
// countingInformer) of one client's informers: each event of a watch of
// theirs waits for that many handlers. An informer's handlers are all
// added before it starts, and so before its watch.
type handlerCounts struct {
	mu sync.Mutex
	n  map[string]int64
}

func newHandlerCounts() *handlerCounts { return &handlerCounts{n: map[string]int64{}} }

func (h *handlerCounts) add(res string) {
	h.mu.Lock()
	h.n[res]++
	h.mu.Unlock()
}

func (h *handlerCounts) of(res string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[res]
}

// holdInformers runs f while the informers' watches deliver nothing: the
// changes f makes reach the controller together.
func (s *apiServer) holdInformers(f func()) {
	s.gate.Lock()
	defer s.gate.Unlock()
	f()
}
