package kube

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
)

// objectKey names an object of one resource: "" namespace for cluster
// scoped ones.
type objectKey struct{ ns, name string }

// change is one write to the store, as a watch reports it: the object
// after the write (before it, for a deletion) and the one it replaced.
type change struct {
	rv   uint64
	gr   schema.GroupResource
	typ  watch.EventType
	obj  runtime.Object
	prev runtime.Object // nil for ADDED
}

// store is the API server's storage: every object jobsim serves, one
// resourceVersion counter for all of them, as etcd's revision is, and the
// log of changes that watches replay from.
type store struct {
	rv      uint64
	objects map[schema.GroupResource]map[objectKey]runtime.Object
	log     []change
	// logStart is the resourceVersion of the oldest change log holds:
	// watches from before it are told 410 Gone.
	logStart uint64
	maxLog   int
	watchers []*watcher
	done     chan struct{} // closed when the Sim stops: watches end
}

func newStore(maxLog int) *store {
	return &store{objects: map[schema.GroupResource]map[objectKey]runtime.Object{}, maxLog: maxLog, logStart: 1, done: make(chan struct{})}
}

// get returns the stored object, which must not be changed.
func (s *store) get(gr schema.GroupResource, k objectKey) runtime.Object {
	return s.objects[gr][k]
}

// write stores obj (nil deletes the object at k) with a new
// resourceVersion, logs the change and tells the watches.
func (s *store) write(gr schema.GroupResource, k objectKey, obj runtime.Object) {
	m := s.objects[gr]
	if m == nil {
		m = map[objectKey]runtime.Object{}
		s.objects[gr] = m
	}
	prev := m[k]
	s.rv++
	c := change{rv: s.rv, gr: gr, prev: prev}
	switch {
	case obj == nil && prev == nil:
		s.rv--
		return
	case obj == nil:
		// The deleted object, at the resourceVersion of its deletion, as
		// the API server's watch shows it.
		del := prev.DeepCopyObject()
		setRV(del, s.rv)
		delete(m, k)
		c.typ, c.obj = watch.Deleted, del
	case prev == nil:
		setRV(obj, s.rv)
		m[k] = obj
		c.typ, c.obj = watch.Added, obj
	default:
		setRV(obj, s.rv)
		m[k] = obj
		c.typ, c.obj = watch.Modified, obj
	}
	s.log = append(s.log, c)
	if s.maxLog > 0 && len(s.log) > s.maxLog {
		drop := len(s.log) - s.maxLog/2
		s.logStart = s.log[drop].rv
		s.log = slices.Delete(s.log, 0, drop)
	}
	for _, w := range s.watchers {
		w.offer(c)
	}
}

// list returns the objects of gr in ns ("" for all) that sel selects,
// sorted by namespace and name, and the resourceVersion of the list.
func (s *store) list(gr schema.GroupResource, ns string, sel selector) ([]runtime.Object, uint64) {
	var out []runtime.Object
	var keys []objectKey
	for k, o := range s.objects[gr] {
		if (ns == "" || k.ns == ns) && sel.matches(o) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b objectKey) int {
		return cmp.Or(strings.Compare(a.ns, b.ns), strings.Compare(a.name, b.name))
	})
	for _, k := range keys {
		out = append(out, s.objects[gr][k].DeepCopyObject())
	}
	return out, s.rv
}

// watch opens a watch of gr in ns ("" for all) from resourceVersion rv
// (as the API server reads it: "" from now, "0" with the current objects
// first, N with every change after N, 410 Gone if the log no longer holds
// them), with the current objects first if initial is set, followed by a
// bookmark that ends them when bookmark is set too (sendInitialEvents).
func (s *store) watch(gr schema.GroupResource, ns string, sel selector, rv string, initial, bookmark bool, newList func() runtime.Object) (*watcher, error) {
	w := newWatcher(gr, ns, sel, s.done)
	switch {
	case initial || rv == "0" || (rv == "" && initial):
		objs, at := s.list(gr, ns, sel)
		for _, o := range objs {
			w.queue = append(w.queue, watch.Event{Type: watch.Added, Object: o})
		}
		if bookmark && initial {
			b := newList()
			setRV(b, at)
			if m, err := meta.Accessor(b); err == nil {
				m.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
			}
			w.queue = append(w.queue, watch.Event{Type: watch.Bookmark, Object: b})
		}
	case rv == "":
	default:
		from, err := strconv.ParseUint(rv, 10, 64)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("invalid resource version %q: %v", rv, err))
		}
		if from+1 < s.logStart {
			return nil, apierrors.NewResourceExpired(fmt.Sprintf("too old resource version: %d (%d)", from, s.logStart-1))
		}
		if from > s.rv {
			return nil, apierrors.NewTimeoutError(fmt.Sprintf("Too large resource version: %d, current: %d", from, s.rv), 1)
		}
		for _, c := range s.log {
			if c.rv > from && c.gr == gr {
				w.enqueue(c)
			}
		}
	}
	s.watchers = append(s.watchers, w)
	w.drop = func() { s.remove(w) }
	w.start()
	return w, nil
}

// remove forgets a stopped watcher.
func (s *store) remove(w *watcher) {
	s.watchers = slices.DeleteFunc(s.watchers, func(x *watcher) bool { return x == w })
}

// setRV sets an object's resourceVersion.
func setRV(o runtime.Object, rv uint64) {
	if m, err := meta.Accessor(o); err == nil {
		m.SetResourceVersion(strconv.FormatUint(rv, 10))
		return
	}
	if l, err := meta.ListAccessor(o); err == nil {
		l.SetResourceVersion(strconv.FormatUint(rv, 10))
	}
}

// selector is a list or watch's label and field selectors.
type selector struct {
	labels labels.Selector
	fields fields.Selector
}

func (s selector) matches(o runtime.Object) bool {
	m, err := meta.Accessor(o)
	if err != nil {
		return false
	}
	if s.labels != nil && !s.labels.Empty() && !s.labels.Matches(labels.Set(m.GetLabels())) {
		return false
	}
	if s.fields != nil && !s.fields.Empty() && !s.fields.Matches(fieldSet(o)) {
		return false
	}
	return true
}

// watcher is one open watch. Its changes are queued without bound, so that
// the store never waits for a slow reader, and a goroutine of its own
// hands them to the reader in order.
type watcher struct {
	gr     schema.GroupResource
	ns     string
	sel    selector
	mu     sync.Mutex
	queue  []watch.Event
	wake   chan struct{}
	out    chan watch.Event
	stop   chan struct{}
	done   <-chan struct{}
	once   sync.Once
	drop   func() // removes the watcher from the store; under the Sim's lock
	locker sync.Locker
}

func newWatcher(gr schema.GroupResource, ns string, sel selector, done <-chan struct{}) *watcher {
	return &watcher{gr: gr, ns: ns, sel: sel, wake: make(chan struct{}, 1), out: make(chan watch.Event), stop: make(chan struct{}), done: done}
}

// offer queues a change if the watch sees it: a modification that moves
// an object into or out of the selection is the addition or deletion the
// API server's watch reports then.
func (w *watcher) offer(c change) {
	if c.gr != w.gr {
		return
	}
	w.mu.Lock()
	w.enqueue(c)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// enqueue queues c as this watch sees it; the caller holds w.mu or owns w.
func (w *watcher) enqueue(c change) {
	m, err := meta.Accessor(c.obj)
	if err != nil || (w.ns != "" && m.GetNamespace() != w.ns) {
		return
	}
	now := w.sel.matches(c.obj)
	before := c.prev != nil && w.sel.matches(c.prev)
	typ := c.typ
	switch {
	case c.typ == watch.Modified && now && !before:
		typ = watch.Added
	case c.typ == watch.Modified && !now && before:
		typ = watch.Deleted
	case c.typ == watch.Deleted && !before:
		return
	case c.typ != watch.Deleted && !now:
		return
	}
	w.queue = append(w.queue, watch.Event{Type: typ, Object: c.obj})
}

// start runs the goroutine that delivers the queue.
func (w *watcher) start() {
	go func() {
		defer close(w.out)
		for {
			w.mu.Lock()
			if len(w.queue) == 0 {
				w.mu.Unlock()
				select {
				case <-w.wake:
					continue
				case <-w.stop:
					return
				case <-w.done:
					return
				}
			}
			e := w.queue[0]
			w.queue[0] = watch.Event{}
			w.queue = w.queue[1:]
			w.mu.Unlock()
			e.Object = e.Object.DeepCopyObject()
			select {
			case w.out <- e:
			case <-w.stop:
				return
			case <-w.done:
				return
			}
		}
	}()
}

// Stop ends the watch and closes its result channel.
func (w *watcher) Stop() {
	w.once.Do(func() {
		close(w.stop)
		if w.locker != nil {
			w.locker.Lock()
			defer w.locker.Unlock()
		}
		if w.drop != nil {
			w.drop()
		}
	})
}

// ResultChan returns the channel of the watch's events.
func (w *watcher) ResultChan() <-chan watch.Event { return w.out }
