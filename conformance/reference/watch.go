package reference

import (
	"strconv"
	"sync"

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

func newWatcher(resource, ns string, sel labels.Selector, gate *sync.RWMutex) *watcher {
	w := &watcher{
		resource: resource, ns: ns, sel: sel, gate: gate,
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
	return w.sel == nil || w.sel.Matches(labels.Set(m.Labels))
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

func (s *apiServer) reactWatch(action k8stesting.Action) (bool, watch.Interface, error) {
	res := action.GetResource().Resource
	wr := action.(k8stesting.WatchAction).GetWatchRestrictions()
	w := s.watch(res, action.GetNamespace(), wr.Labels, wr.ResourceVersion, &s.gate)
	return true, w, nil
}

// watch starts a watch that first replays the events after resourceVersion
// rv ("" or "0": none); gate, if not nil, can hold its delivery.
func (s *apiServer) watch(res, ns string, sel labels.Selector, rv string, gate *sync.RWMutex) *watcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := newWatcher(res, ns, sel, gate)
	from, _ := strconv.ParseUint(rv, 10, 64)
	if from > 0 {
		for _, e := range s.log {
			if e.rv > from && w.matches(e.resource, e.ev.Object) {
				s.act.events.Add(1)
				w.push(watch.Event{Type: e.ev.Type, Object: e.ev.Object.DeepCopyObject()})
			}
		}
	}
	s.watches = append(s.watches, w)
	return w
}

// holdInformers runs f while the informers' watches deliver nothing: the
// changes f makes reach the controller together.
func (s *apiServer) holdInformers(f func()) {
	s.gate.Lock()
	defer s.gate.Unlock()
	f()
}
