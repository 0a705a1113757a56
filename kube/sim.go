package kube

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/clock"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// The resources a Sim serves; any other is kept by client-go's fake
// object tracker, which stores it and runs nothing.
var (
	jobsGR     = schema.GroupResource{Group: "batch", Resource: "jobs"}
	cronJobsGR = schema.GroupResource{Group: "batch", Resource: "cronjobs"}
	podsGR     = schema.GroupResource{Resource: "pods"}
	nodesGR    = schema.GroupResource{Resource: "nodes"}
	eventsGR   = schema.GroupResource{Resource: "events"}
)

// Options adjust a Sim. The zero value runs every pod as its template's
// annotations say (jobsim.TemplateBehavior: jobsim.DefaultRun unless
// jobsim.RunAnnotation says otherwise).
type Options struct {
	// Behaviors gives how the pods of a Job behave, by the Job's name or,
	// for a Job created with metadata.generateName, by that prefix. The
	// Job's name is looked up first.
	Behaviors map[string]jobsim.Behavior
	// Behavior, if not nil, is asked first for every Job created; a nil
	// answer falls back to Behaviors. The Job is as the API server stored
	// it; it must not be changed.
	Behavior func(job *batchv1.Job) jobsim.Behavior
	// WatchHistory is how many changes the Sim keeps for watches to
	// replay from an older resourceVersion; older ones get 410 Gone, as
	// after an etcd compaction. 0 means 100,000.
	WatchHistory int
}

// A Sim is a jobsim cluster served through a client-go clientset: the Jobs
// created through it run under jobsim's Job controller, scheduler and
// kubelets, and their pods, their status and the events the controllers
// record are written back as objects the clientset lists and watches.
//
// Virtual time moves in one of two ways. Start makes it follow the clock
// of the goroutine's testing/synctest bubble (or the wall clock outside
// one); Advance and RunUntil move it explicitly. See the package
// documentation for what each guarantees.
//
// A Sim is safe for concurrent use: its clientset is called from the
// user's goroutines, and every call and every step of the simulation hold
// one lock.
type Sim struct {
	mu   sync.Mutex
	cfg  jobsim.Config
	opts Options
	c    *jobsim.Cluster
	st   *store
	cs   *fake.Clientset
	jobs map[objectKey]*simJob
	// leaving holds the Jobs deleted whose pods are still there.
	leaving   map[objectKey][]*simJob
	cronJobs  map[objectKey]*simCronJob
	dirtyCron []*simCronJob
	dirty     []*simJob
	pending   []jobsim.Event
	nodes     bool // the nodes need writing
	nodeSince map[string]time.Time
	following bool
	wake      chan struct{}
	names     *rand.Rand
	eventSeq  uint64
	err       error
	closed    bool
	clock     *testingclock.FakeClock
}

// simJob is a Job the Sim serves: its object and jobsim's handle.
type simJob struct {
	key objectKey
	m   *manifest.Job
	h   *jobsim.JobHandle
	// pods holds jobsim's snapshot of each of its pods in the store, as
	// last written: a pod is written again only when it changed.
	pods map[string]jobsim.Pod
	// podMeta holds the labels and annotations users wrote on its pods,
	// over jobsim's own.
	podMeta map[string]metav1.ObjectMeta
	// dirty marks a Job to write; all its pods too with allPods, else
	// only those in dirtyPods.
	dirty     bool
	allPods   bool
	dirtyPods []string
	// foreground marks a Job deleted with propagationPolicy Foreground:
	// it stays, being deleted, until its pods are gone.
	foreground bool
	// owner is the CronJob that created the Job, if one did, and ownerM
	// the CronJob as it was then (its template made the Job).
	owner  *simCronJob
	ownerM *manifest.CronJob
}

// simCronJob is a CronJob the Sim serves: its object and jobsim's handle.
type simCronJob struct {
	key   objectKey
	m     *manifest.CronJob
	h     *jobsim.CronJobHandle
	dirty bool
}

// New returns a Sim of a cluster configured by cfg. Its virtual clock
// starts at cfg.Start, or at time.Now() if that is zero (inside a
// testing/synctest bubble, the bubble's start). It panics if cfg fails
// jobsim.ValidateConfig, as jobsim.NewCluster does.
func New(cfg jobsim.Config, opts Options) *Sim {
	if cfg.Start.IsZero() {
		cfg.Start = time.Now()
	}
	if opts.WatchHistory == 0 {
		opts.WatchHistory = 100_000
	}
	s := &Sim{
		cfg: cfg, opts: opts,
		c:         jobsim.NewCluster(cfg),
		st:        newStore(opts.WatchHistory),
		jobs:      map[objectKey]*simJob{},
		leaving:   map[objectKey][]*simJob{},
		cronJobs:  map[objectKey]*simCronJob{},
		nodeSince: map[string]time.Time{},
		wake:      make(chan struct{}, 1),
		names:     rand.New(rand.NewPCG(cfg.Seed, 0x6b756265)),
		clock:     testingclock.NewFakeClock(cfg.Start),
	}
	s.c.Observe(jobsim.ObserverFunc(func(e jobsim.Event) { s.pending = append(s.pending, e) }))
	s.cs = fake.NewClientset()
	s.cs.PrependReactor("*", "*", s.react)
	s.cs.PrependWatchReactor("*", s.reactWatch)
	s.nodes = true
	s.publish()
	return s
}

// Clientset returns the clientset through which the Sim is used: Jobs,
// Pods, Nodes and Events are the Sim's; other resources are stored by
// client-go's fake object tracker, as with fake.NewClientset.
func (s *Sim) Clientset() kubernetes.Interface { return s.cs }

// Cluster calls f with the jobsim cluster under the Sim's lock, for its
// views (handles, Explain, Events). f must not change the cluster: writes
// go through the clientset.
func (s *Sim) Cluster(f func(c *jobsim.Cluster)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.c)
}

// Now returns the virtual time.
func (s *Sim) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c.Now()
}

// Err returns the error that stopped the simulation (the event limit of
// jobsim.Config.MaxEvents), or nil.
func (s *Sim) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Start makes the virtual clock follow time.Now until ctx is done: a
// goroutine sleeps until the next simulated event is due and runs it, and
// every call of the clientset first runs what is due. Inside a
// testing/synctest bubble this makes the run deterministic (see the
// package documentation). When ctx is done the goroutine ends and so do
// the Sim's watches. Start panics if called twice.
func (s *Sim) Start(ctx context.Context) {
	s.mu.Lock()
	if s.following {
		s.mu.Unlock()
		panic("kube: Sim.Start called twice")
	}
	s.following = true
	s.mu.Unlock()
	go s.follow(ctx)
}

func (s *Sim) follow(ctx context.Context) {
	defer s.Close()
	for {
		s.mu.Lock()
		s.runTo(time.Now())
		next, ok := s.c.Next()
		stopped := s.err != nil
		s.mu.Unlock()
		var due <-chan time.Time
		var t *time.Timer
		if ok && !stopped {
			t = time.NewTimer(time.Until(next))
			due = t.C
		}
		select {
		case <-ctx.Done():
			if t != nil {
				t.Stop()
			}
			return
		case <-due:
		case <-s.wake:
			if t != nil {
				t.Stop()
			}
		}
	}
}

// Close ends the Sim's watches: their result channels are closed, as when
// the API server goes away. Start's goroutine calls it when its context
// is done.
func (s *Sim) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.st.done)
	}
}

// Advance runs the simulation for d of virtual time, writing every change
// to the objects the clientset serves as it happens. It is for a Sim that
// was not started (Start): it returns an error otherwise.
func (s *Sim) Advance(d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.following {
		return errors.New("kube: Advance on a started Sim: its clock follows time.Now")
	}
	s.runTo(s.c.Now().Add(d))
	return s.err
}

// RunUntil runs the simulation event by event until cond, called under
// the Sim's lock after each step, holds, or until limit of virtual time
// has passed, whichever comes first. It reports whether cond held. Like
// Advance, it is for a Sim that was not started.
func (s *Sim) RunUntil(cond func(c *jobsim.Cluster) bool, limit time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.following {
		return false, errors.New("kube: RunUntil on a started Sim: its clock follows time.Now")
	}
	end := s.c.Now().Add(limit)
	for !cond(s.c) {
		next, ok := s.c.Next()
		if !ok || next.After(end) || s.err != nil {
			s.runTo(end)
			return cond(s.c), s.err
		}
		s.step()
	}
	return true, s.err
}

// runTo runs every event due by t, one step at a time, and moves the
// clock to t.
func (s *Sim) runTo(t time.Time) {
	if s.err != nil || t.Before(s.c.Now()) {
		return
	}
	for {
		next, ok := s.c.Next()
		if !ok || next.After(t) {
			break
		}
		if !s.step() {
			return
		}
	}
	if err := s.c.RunUntil(t); err != nil {
		s.err = err
	}
	s.publish()
	s.tick()
}

// tick moves the fake clock of Clock to the virtual time.
func (s *Sim) tick() {
	if !s.following && s.clock.Now().Before(s.c.Now()) {
		s.clock.SetTime(s.c.Now())
	}
}

// step runs one event and writes what it changed.
func (s *Sim) step() bool {
	if _, err := s.c.Step(); err != nil {
		s.err = err
		return false
	}
	s.publish()
	s.tick()
	return true
}

// catchUp runs what is due before a call of the clientset is served,
// when the clock follows time.Now.
func (s *Sim) catchUp() {
	if s.following {
		s.runTo(time.Now())
	}
}

// kick wakes Start's goroutine after a write, for the events it made.
func (s *Sim) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// behavior returns how the pods of a created Job behave.
func (s *Sim) behavior(obj *batchv1.Job) jobsim.Behavior {
	if s.opts.Behavior != nil {
		if b := s.opts.Behavior(obj); b != nil {
			return b
		}
	}
	if b, ok := s.opts.Behaviors[obj.Name]; ok {
		return b
	}
	if obj.GenerateName != "" {
		if b, ok := s.opts.Behaviors[obj.GenerateName]; ok {
			return b
		}
	}
	return nil
}

// mark notes that a Job's object needs writing, and pod, if not "", or
// all its pods if all is set.
func (s *Sim) mark(sj *simJob, pod string, all bool) {
	if sj == nil {
		return
	}
	if !sj.dirty {
		sj.dirty = true
		s.dirty = append(s.dirty, sj)
	}
	sj.allPods = sj.allPods || all
	if pod != "" && !sj.allPods {
		sj.dirtyPods = append(sj.dirtyPods, pod)
	}
}

// publish writes the objects the events since the last call changed: the
// Jobs and pods they are about, the Events they record, and the nodes.
// An event about a pod changes that pod; one about a Job may change any
// of its pods (a sync takes off finalizers and writes no pod event), so
// they are all looked at, and written if jobsim's snapshot changed.
func (s *Sim) publish() {
	for _, e := range s.pending {
		switch e.Object.Kind {
		case jobsim.KindCronJob:
			if cj := s.cronJobs[objectKey{e.Object.Namespace, e.Object.Name}]; cj != nil && !cj.dirty {
				cj.dirty = true
				s.dirtyCron = append(s.dirtyCron, cj)
			}
		case jobsim.KindJob, jobsim.KindPod:
			k := objectKey{e.Object.Namespace, e.Job}
			if s.jobs[k] == nil && e.Object.Kind == jobsim.KindJob {
				s.adoptCronJobJob(k)
			}
			pod, all := "", false
			switch {
			case e.Object.Kind == jobsim.KindPod:
				pod = e.Object.Name
			case e.Reason == jobsim.ReasonSuccessfulCreate:
				pod = e.Related
			default:
				all = true
			}
			s.mark(s.jobs[k], pod, all)
			for _, sj := range s.leaving[k] {
				s.mark(sj, pod, all)
			}
		case jobsim.KindNode:
			s.nodes = true
		}
		if e.Type != jobsim.EventChange {
			s.recordEvent(e)
		}
	}
	clear(s.pending)
	s.pending = s.pending[:0]
	for _, sj := range s.dirty {
		s.writeJob(sj)
	}
	clear(s.dirty)
	s.dirty = s.dirty[:0]
	for _, cj := range s.dirtyCron {
		cj.dirty = false
		s.writeCronJob(cj)
	}
	clear(s.dirtyCron)
	s.dirtyCron = s.dirtyCron[:0]
	if s.nodes {
		s.nodes = false
		s.writeNodes()
	}
}

// writeJob writes a Job's object and those of its pods marked, or all,
// as jobsim has them now.
func (s *Sim) writeJob(sj *simJob) {
	if sj.allPods {
		var seen map[string]bool
		for _, p := range sj.h.Pods() {
			if seen == nil {
				seen = make(map[string]bool, len(sj.pods)+1)
			}
			seen[p.Name] = true
			s.writePod(sj, p)
		}
		for name := range sj.pods {
			if !seen[name] {
				s.removePod(sj, name)
			}
		}
	} else {
		for _, name := range sj.dirtyPods {
			if p, ok := sj.h.Pod(name); ok {
				s.writePod(sj, p)
			} else if _, ok := sj.pods[name]; ok {
				s.removePod(sj, name)
			}
		}
	}
	sj.dirty, sj.allPods = false, false
	clear(sj.dirtyPods)
	sj.dirtyPods = sj.dirtyPods[:0]
	if sj.h.Deleted() {
		if s.jobs[sj.key] == sj {
			delete(s.jobs, sj.key)
			if len(sj.pods) > 0 {
				s.leaving[sj.key] = append(s.leaving[sj.key], sj)
			}
		}
		if len(sj.pods) == 0 {
			s.leaving[sj.key] = slices.DeleteFunc(s.leaving[sj.key], func(x *simJob) bool { return x == sj })
			if len(s.leaving[sj.key]) == 0 {
				delete(s.leaving, sj.key)
			}
		}
		if !sj.foreground || len(sj.pods) == 0 {
			if o, ok := s.st.get(jobsGR, sj.key).(*batchv1.Job); ok && o.UID == types.UID(sj.h.UID()) {
				s.st.write(jobsGR, sj.key, nil)
			}
		}
		return
	}
	s.writeIfChanged(jobsGR, sj.key, s.jobObject(sj))
}

// writePod writes a pod's object if jobsim's snapshot of it changed.
func (s *Sim) writePod(sj *simJob, p jobsim.Pod) {
	if last, ok := sj.pods[p.Name]; ok && reflect.DeepEqual(last, p) {
		return
	}
	sj.pods[p.Name] = p
	obj := manifest.PodObject(sj.m, sj.h.UID(), p)
	obj.TypeMeta = metav1.TypeMeta{}
	if m, ok := sj.podMeta[p.Name]; ok {
		obj.Labels, obj.Annotations = m.Labels, m.Annotations
	}
	s.st.write(podsGR, objectKey{p.Namespace, p.Name}, obj)
}

// removePod removes a pod that is gone from the API.
func (s *Sim) removePod(sj *simJob, name string) {
	delete(sj.pods, name)
	delete(sj.podMeta, name)
	s.st.write(podsGR, objectKey{sj.key.ns, name}, nil)
}

// adoptCronJobJob starts serving a Job a CronJob created, once its first
// event names it.
func (s *Sim) adoptCronJobJob(k objectKey) {
	h := s.c.Job(k.ns, k.name)
	if h == nil || h.CronJob() == nil {
		return
	}
	owner := h.CronJob()
	cj := s.cronJobs[objectKey{owner.Namespace(), owner.Name()}]
	if cj == nil || cj.h != owner {
		return
	}
	s.jobs[k] = &simJob{key: k, m: cj.m.Template, h: h, owner: cj, ownerM: cj.m, pods: map[string]jobsim.Pod{}, podMeta: map[string]metav1.ObjectMeta{}}
}

// writeCronJob writes a CronJob's object as jobsim has it now, or removes
// it once deleted.
func (s *Sim) writeCronJob(cj *simCronJob) {
	if cj.h.Deleted() {
		if o, ok := s.st.get(cronJobsGR, cj.key).(*batchv1.CronJob); ok && o.UID == types.UID(cj.h.UID()) {
			s.st.write(cronJobsGR, cj.key, nil)
		}
		if s.cronJobs[cj.key] == cj {
			delete(s.cronJobs, cj.key)
		}
		return
	}
	o := manifest.CronJobObject(cj.m, cj.h)
	o.TypeMeta = metav1.TypeMeta{}
	if stored, ok := s.st.get(cronJobsGR, cj.key).(*batchv1.CronJob); ok {
		out := stored.DeepCopy()
		out.Spec, out.Status, out.Generation = o.Spec, o.Status, o.Generation
		o = out
	}
	s.writeIfChanged(cronJobsGR, cj.key, o)
}

// jobsimAnnotations are the annotations manifest.JobObject adds, which
// change at every instant (the makespan so far) and are no part of what
// the API server stores.
var jobsimAnnotations = []string{manifest.PodsBoundAnnotation, manifest.QueueWaitMeanAnnotation,
	manifest.QueueWaitMaxAnnotation, manifest.RunTimeAnnotation, manifest.MakespanAnnotation}

// jobObject returns a Job's object: jobsim's spec and status over the
// metadata stored (which users may have changed).
func (s *Sim) jobObject(sj *simJob) *batchv1.Job {
	var o *batchv1.Job
	if sj.owner != nil {
		o = manifest.CronJobJobObject(sj.ownerM, sj.owner.h, sj.h)
	} else {
		o = manifest.JobObject(sj.m, sj.h)
	}
	o.TypeMeta = metav1.TypeMeta{}
	for _, a := range jobsimAnnotations {
		if _, mine := sj.m.Object.Annotations[a]; !mine {
			delete(o.Annotations, a)
		}
	}
	if len(o.Annotations) == 0 {
		o.Annotations = nil
	}
	stored, _ := s.st.get(jobsGR, sj.key).(*batchv1.Job)
	if stored == nil {
		return o
	}
	out := stored.DeepCopy()
	out.Spec = o.Spec
	out.Generation = o.Generation
	if m := o.Spec.ManagedBy; m == nil || *m == jobsim.JobControllerName {
		out.Status = o.Status
	} // else the status is its controller's, as written through the clientset
	return out
}

// writeIfChanged writes obj unless the stored object is the same but for
// its resourceVersion.
func (s *Sim) writeIfChanged(gr schema.GroupResource, k objectKey, obj metav1.Object) {
	if prev := s.st.get(gr, k); prev != nil {
		pm := prev.(metav1.Object)
		obj.SetResourceVersion(pm.GetResourceVersion())
		if equality.Semantic.DeepEqual(prev, obj) {
			return
		}
	}
	s.st.write(gr, k, obj.(runtime.Object))
}

// recordEvent writes the v1 Event Kubernetes records for e, if any
// (manifest.EventObject), with the uid of the object it is about.
func (s *Sim) recordEvent(e jobsim.Event) {
	s.eventSeq++
	ev, ok := manifest.EventObject(e, s.eventSeq)
	if !ok {
		return
	}
	ev.TypeMeta = metav1.TypeMeta{}
	ev.UID = types.UID(fmt.Sprintf("event-%d", s.eventSeq))
	switch e.Object.Kind {
	case jobsim.KindJob:
		if sj := s.jobs[objectKey{e.Object.Namespace, e.Object.Name}]; sj != nil {
			ev.InvolvedObject.UID = types.UID(sj.h.UID())
		}
	case jobsim.KindNode:
		ev.InvolvedObject.UID = types.UID(e.Object.Name)
	case jobsim.KindPod:
		if p, ok := s.st.get(podsGR, objectKey{e.Object.Namespace, e.Object.Name}).(*corev1.Pod); ok {
			ev.InvolvedObject.UID = p.UID
		}
	}
	s.st.write(eventsGR, objectKey{ev.Namespace, ev.Name}, ev)
}

// writeNodes writes the nodes as jobsim has them now.
func (s *Sim) writeNodes() {
	for _, v := range s.c.Nodes() {
		s.writeIfChanged(nodesGR, objectKey{"", v.Name}, s.nodeObject(v))
	}
}

// nodeObject returns a node's object: its labels, taints, capacity and
// Ready condition.
func (s *Sim) nodeObject(v jobsim.NodeView) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: v.Name, UID: types.UID(v.Name), Labels: maps.Clone(v.Labels),
		CreationTimestamp: metav1.NewTime(s.cfg.Start)}}
	if len(v.Capacity) > 0 {
		n.Status.Capacity = corev1.ResourceList{}
		for r, q := range v.Capacity {
			n.Status.Capacity[corev1.ResourceName(r)] = parseQuantity(r, q)
		}
		n.Status.Allocatable = n.Status.Capacity.DeepCopy()
	}
	for _, t := range v.Taints {
		n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)})
	}
	n.Spec.Unschedulable = v.Unschedulable
	ready := corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
		Message: "kubelet is posting ready status"}
	if !v.Ready {
		ready.Status, ready.Reason, ready.Message = corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
	}
	key := v.Name + "/" + string(ready.Status)
	since, ok := s.nodeSince[key]
	if !ok {
		since = s.c.Now()
		s.nodeSince[key] = since
		delete(s.nodeSince, v.Name+"/"+otherStatus(ready.Status))
	}
	ready.LastTransitionTime = metav1.NewTime(since)
	n.Status.Conditions = []corev1.NodeCondition{ready}
	n.Status.NodeInfo = corev1.NodeSystemInfo{KubeletVersion: s.cfg.Version.Release(), OperatingSystem: "linux", Architecture: "amd64"}
	return n
}

func otherStatus(st corev1.ConditionStatus) string {
	if st == corev1.ConditionTrue {
		return string(corev1.ConditionUnknown)
	}
	return string(corev1.ConditionTrue)
}

// Clock returns a clock of the Sim's virtual time for controllers that
// take one (k8s.io/utils/clock). For a started Sim it is the real clock:
// time.Now, which inside a testing/synctest bubble is the bubble's, and
// which the Sim follows. Otherwise it is a fake clock that Advance and
// RunUntil move with the simulation, firing its timers as they pass their
// time. Call it after Start, if Start is called.
func (s *Sim) Clock() clock.WithTicker {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.following {
		return clock.RealClock{}
	}
	return s.clock
}
