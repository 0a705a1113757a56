package jobsim

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// Event classes: what runs first at one instant. Changes in the world (pod
// transitions, user actions) come first, then the controllers react, then
// the scheduler places new pods.
const (
	classWorld      sim.Class = 0
	classController sim.Class = 1
	classScheduler  sim.Class = 2
)

// A Cluster is a simulated Kubernetes cluster running Jobs: an API server,
// the Job controller, the TTL-after-finished controller, a scheduler and
// kubelets, all on one virtual clock.
//
// A Cluster is not safe for concurrent use. Run separate Clusters on
// separate goroutines to parallelise.
type Cluster struct {
	cfg Config
	// startFrac is how far into its second of the wall clock the cluster
	// starts: stamp's offset.
	startFrac time.Duration
	eng       *sim.Engine

	jobs    []*job          // by submission order; nil once removed
	jobKeys map[string]*job // "namespace/name" of existing jobs

	pods     []*pod  // by slot; nil for free slots
	freePods []int32 // free slots
	spare    []*pod  // recycled pod structs
	podSeq   uint64  // creation sequence, the source of UIDs

	finished []podRef // counted finished pods kept, oldest first

	sched *scheduler

	observers []Observer
	events    []Event

	// Handlers, made once so that scheduling an event allocates nothing.
	onSync, onKubelet, onSchedule, onTTL, onFault sim.Handler

	// Scratch space reused across syncs.
	scratch syncScratch

	// audit, set only by tests, runs after every event of the cluster's
	// own.
	audit func()

	behaviorRand *rand.Rand
	behaviorSrc  *rand.PCG
	rc           RunContext
}

// handler is one of the cluster's engine handlers. After it fires, a
// cluster under test (see audit) checks itself.
type handler struct {
	c    *Cluster
	fire func(arg uint64)
}

func (h handler) Fire(arg uint64) {
	h.fire(arg)
	if h.c.audit != nil {
		h.c.audit()
	}
}

// podRef names a pod slot as it was at one moment; it is stale when the
// slot was recycled.
type podRef struct {
	slot int32
	seq  uint64
}

// NewCluster returns an empty cluster at cfg.Start. It panics if cfg
// fails ValidateConfig.
func NewCluster(cfg Config) *Cluster {
	if err := ValidateConfig(cfg); err != nil {
		panic("jobsim: NewCluster: " + err.Error())
	}
	c := &Cluster{
		cfg:     cfg,
		eng:     sim.New(sim.Config{Epoch: cfg.Start, Seed: cfg.Seed, MaxEvents: cfg.MaxEvents}),
		jobKeys: map[string]*job{},
	}
	c.startFrac = cfg.Start.Sub(cfg.Start.Truncate(time.Second))
	c.onSync = handler{c, c.fireSync}
	c.onKubelet = handler{c, c.fireKubelet}
	c.onSchedule = handler{c, c.fireSchedule}
	c.onTTL = handler{c, c.fireTTL}
	c.onFault = handler{c, c.fireFault}
	c.sched = newScheduler(c, cfg)
	c.behaviorSrc = rand.NewPCG(0, 0)
	c.behaviorRand = rand.New(c.behaviorSrc)
	return c
}

// Now returns the cluster's virtual time.
func (c *Cluster) Now() time.Time { return c.eng.Now() }

// Elapsed returns the virtual time passed since Config.Start.
func (c *Cluster) Elapsed() time.Duration { return c.eng.Elapsed() }

// stamp returns elapsed time d as the API server stores it: timestamps
// (creationTimestamp, startTime, condition transitions, a container's
// finishedAt) keep whole seconds, so the controller, which reads them back,
// measures backoffs, deadlines and ages from the second they fall in.
func (c *Cluster) stamp(d time.Duration) time.Duration {
	return d - (d+c.startFrac)%time.Second
}

// Seed returns the cluster's seed.
func (c *Cluster) Seed() uint64 { return c.cfg.Seed }

// Run simulates until nothing is left to happen: every job has finished
// (or waits forever on a pod that never exits) and every timer has fired.
// It returns an error only if the event limit is reached.
func (c *Cluster) Run() error { return c.eng.Run() }

// RunUntil simulates everything that happens up to and including t, then
// moves the clock to t. It panics if t is before Now.
func (c *Cluster) RunUntil(t time.Time) error { return c.eng.RunUntil(t) }

// Advance is RunUntil(Now().Add(d)).
func (c *Cluster) Advance(d time.Duration) error { return c.eng.Advance(d) }

// Next returns the time of the next thing that will happen, and false if
// nothing is left to happen.
func (c *Cluster) Next() (time.Time, bool) { return c.eng.Next() }

// Step simulates the next event only, and reports whether there was one.
func (c *Cluster) Step() (bool, error) { return c.eng.Step() }

// At calls f at virtual time t, before the controllers react to anything
// else happening at t, as a user's kubectl command would. It panics if t is
// before Now. Use it to script edits and deletions during a run.
func (c *Cluster) At(t time.Time, f func()) {
	c.eng.At(t, classWorld, handler{c, func(uint64) { f() }}, 0)
}

// Observe adds an observer that is told of every later event.
func (c *Cluster) Observe(o Observer) { c.observers = append(c.observers, o) }

// Events returns the events recorded so far (none if Config.DiscardEvents
// is set). The slice is the caller's.
func (c *Cluster) Events() []Event { return slices.Clone(c.events) }

// recording reports whether anyone wants events, so that hot paths skip
// formatting them otherwise.
func (c *Cluster) recording() bool { return len(c.observers) > 0 || !c.cfg.DiscardEvents }

func (c *Cluster) emit(e Event) {
	if !c.cfg.DiscardEvents {
		c.events = append(c.events, e)
	}
	for _, o := range c.observers {
		o.Observe(e)
	}
}

func (c *Cluster) jobEvent(j *job, t EventType, reason, msg string) {
	if !c.recording() {
		return
	}
	c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindJob, Namespace: j.ns, Name: j.name}, Job: j.name, Type: t, Reason: reason, Message: msg})
}

func (c *Cluster) podEvent(p *pod, t EventType, reason, msg string) {
	if !c.recording() {
		return
	}
	j := p.job
	c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindPod, Namespace: j.ns, Name: p.name()}, Job: j.name, Type: t, Reason: reason, Message: msg})
}

// Submit creates a job, as `kubectl create` would: it applies the API
// server's defaults, validates the result and returns every problem as a
// *ValidationError, or starts simulating the job at Now. b decides how its
// containers run; nil means TemplateBehavior(job.Spec.Template).
func (c *Cluster) Submit(job Job, b Behavior) (*JobHandle, error) {
	spec := job
	SetDefaults(&spec)
	if err := Validate(spec); err != nil {
		return nil, err
	}
	key := spec.Namespace + "/" + spec.Name
	if _, ok := c.jobKeys[key]; ok {
		return nil, &AlreadyExistsError{Namespace: spec.Namespace, Name: spec.Name}
	}
	if name := spec.Spec.Template.Spec.PriorityClassName; name != "" {
		if _, ok := c.sched.classesOf[name]; !ok {
			return nil, &ValidationError{Kind: "Job.batch", Name: spec.Name, Errors: []FieldError{{
				Type: ErrorTypeNotFound, Field: "spec.template.spec.priorityClassName", BadValue: name,
				Detail: "no PriorityClass with name " + name + " was found"}}}
		}
	}
	if b == nil {
		b = TemplateBehavior(spec.Spec.Template)
	}
	j := c.newJob(spec, b)
	c.sched.schedulingInfo(j)
	c.jobKeys[key] = j
	c.jobs = append(c.jobs, j)
	c.jobEvent(j, EventChange, ReasonCreated, "Job created")
	c.enqueue(j, 0)
	return j.handle, nil
}

// AlreadyExistsError is returned by Submit for a job whose namespace and
// name are taken.
type AlreadyExistsError struct{ Namespace, Name string }

// Error formats the error as the API server does.
func (e *AlreadyExistsError) Error() string {
	return fmt.Sprintf("jobs.batch %q already exists in namespace %q", e.Name, e.Namespace)
}

// NotFoundError is returned for a job that does not exist.
type NotFoundError struct{ Namespace, Name string }

// Error formats the error as the API server does.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("jobs.batch %q not found in namespace %q", e.Name, e.Namespace)
}

// Job returns the existing job called name in namespace ns ("" means
// "default"), or nil.
func (c *Cluster) Job(ns, name string) *JobHandle {
	if ns == "" {
		ns = "default"
	}
	if j := c.jobKeys[ns+"/"+name]; j != nil {
		return j.handle
	}
	return nil
}

// Jobs returns a handle on every job ever submitted, in submission order,
// deleted ones included.
func (c *Cluster) Jobs() []*JobHandle {
	var hs []*JobHandle
	for _, j := range c.jobs {
		hs = append(hs, j.handle)
	}
	return hs
}

// Pods returns a snapshot of every pod that exists, in creation order.
func (c *Cluster) Pods() []Pod {
	var ps []*pod
	for _, p := range c.pods {
		if p != nil {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *pod) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Pod, len(ps))
	for i, p := range ps {
		out[i] = c.podView(p)
	}
	return out
}

// Update edits a job's spec as `kubectl edit` would: edit changes a copy,
// the API server's update validation decides (only the mutable fields may
// change: parallelism, suspend, activeDeadline, backoffLimit,
// maxFailedIndexes, ttlAfterFinished, podReplacementPolicy, and the
// completions of an Indexed job together with its parallelism), and the
// controller syncs the job at once.
func (c *Cluster) Update(ns, name string, edit func(spec *JobSpec)) error {
	if ns == "" {
		ns = "default"
	}
	j := c.jobKeys[ns+"/"+name]
	if j == nil {
		return &NotFoundError{Namespace: ns, Name: name}
	}
	old := j.object()
	next := old
	next.Spec = cloneSpec(old.Spec)
	edit(&next.Spec)
	SetDefaults(&next)
	if err := ValidateUpdate(old, next); err != nil {
		return err
	}
	c.applyUpdate(j, old.Spec, next.Spec)
	return nil
}

// Delete deletes a job as `kubectl delete job` does (background
// propagation): the job is gone at once, and the garbage collector deletes
// its pods, which terminate gracefully.
func (c *Cluster) Delete(ns, name string) error {
	if ns == "" {
		ns = "default"
	}
	j := c.jobKeys[ns+"/"+name]
	if j == nil {
		return &NotFoundError{Namespace: ns, Name: name}
	}
	c.removeJob(j, "Job deleted")
	return nil
}

// DeletePod deletes a pod as `kubectl delete pod` does: its
// deletionTimestamp is set and its process gets the pod's termination grace
// period to exit. The Job controller then replaces it according to the
// job's podReplacementPolicy.
func (c *Cluster) DeletePod(ns, name string) error {
	p := c.podByName(ns, name)
	if p == nil {
		return &PodNotFoundError{Namespace: ns, Name: name}
	}
	c.deletePod(p)
	return nil
}

// EvictPod evicts a pod through the eviction API: it gets the
// DisruptionTarget condition (reason EvictionByEvictionAPI) and is deleted
// gracefully. A pod failure policy can tell such disruptions from the
// pod's own failures.
func (c *Cluster) EvictPod(ns, name string) error {
	p := c.podByName(ns, name)
	if p == nil {
		return &PodNotFoundError{Namespace: ns, Name: name}
	}
	c.disrupt(p, DisruptionEvictionAPI)
	return nil
}

func (c *Cluster) podByName(ns, name string) *pod {
	if ns == "" {
		ns = "default"
	}
	for _, p := range c.pods {
		if p != nil && p.job.ns == ns && p.name() == name {
			return p
		}
	}
	return nil
}

// PodNotFoundError is returned for a pod that does not exist.
type PodNotFoundError struct{ Namespace, Name string }

// Error formats the error as the API server does.
func (e *PodNotFoundError) Error() string {
	return fmt.Sprintf("pods %q not found in namespace %q", e.Name, e.Namespace)
}
