package jobsim

import (
	"maps"
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
// the Job controller, the CronJob controller, the TTL-after-finished
// controller, a scheduler and kubelets, all on one virtual clock.
//
// A Cluster is not safe for concurrent use. Run separate Clusters on
// separate goroutines to parallelise.
type Cluster struct {
	cfg Config
	// prof is what cfg's version and feature gates decide.
	prof profile
	// startFrac is how far into its second of the wall clock the cluster
	// starts: stamp's offset.
	startFrac time.Duration
	eng       *sim.Engine
	// capturing makes emit keep events in captured, for StepChange.
	capturing bool
	captured  []Event

	// jobs lists the jobs by creation order, deleted ones included, but
	// for the Jobs of CronJobs, which leave it once deleted (nil holes,
	// compacted as they grow: their number stays bounded by the history
	// limits, not by the Jobs ever created).
	jobs     []*job
	jobHoles int
	jobSeq   uint64  // creation sequence: the source of job UIDs
	jobSlots []*job  // existing jobs by slot, the argument of their timers
	freeJobs []int32 // free slots
	// spareJobs are the jobs of the run before Reset, to be filled again.
	spareJobs []*job
	jobKeys   map[objectKey]*job // existing jobs

	cronJobs    []*cronJob          // by creation order, deleted ones included
	cronJobKeys map[string]*cronJob // "namespace/name" of existing CronJobs
	cronDown    bool                // the CronJob controller is stopped
	noShortcuts bool                // no retire, no quiet CronJob syncs: for a test (export_test.go)
	// cronDownSpans are the spans the CronJob controller was stopped,
	// for CronJobHandle.Runs.
	cronDownSpans []timeSpan
	cronScratch   cronPlan

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
	onCronNow, onCronLater                        sim.Handler

	// Scratch space reused across syncs.
	scratch syncScratch

	// audit, set only by tests, runs after each function scheduled with
	// At. (The tests wrap the handlers above to run it after theirs: the
	// hot path keeps plain handlers.)
	audit func()

	behaviorRand *rand.Rand
	behaviorSrc  *rand.PCG
	rc           RunContext
}

// objectKey is an object's namespace and name.
type objectKey struct{ ns, name string }

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
	c := &Cluster{}
	c.onSync = sim.HandlerFunc(c.fireSync)
	c.onKubelet = sim.HandlerFunc(c.fireKubelet)
	c.onSchedule = sim.HandlerFunc(c.fireSchedule)
	c.onTTL = sim.HandlerFunc(c.fireTTL)
	c.onFault = sim.HandlerFunc(c.fireFault)
	c.onCronNow = sim.HandlerFunc(c.fireCronNow)
	c.onCronLater = sim.HandlerFunc(c.fireCronLater)
	c.behaviorSrc = rand.NewPCG(0, 0)
	c.behaviorRand = rand.New(c.behaviorSrc)
	c.start(cfg)
	return c
}

// start readies c, new or just emptied by Reset, for a run of cfg: what
// depends on cfg, made again or reset in place.
func (c *Cluster) start(cfg Config) {
	rcs := make([]RuntimeClass, len(cfg.RuntimeClasses))
	for i, rc := range cfg.RuntimeClasses {
		rc.Overhead, rc.NodeSelector = maps.Clone(rc.Overhead), maps.Clone(rc.NodeSelector)
		rc.Tolerations = cloneTolerations(rc.Tolerations)
		rcs[i] = rc
	}
	cfg.RuntimeClasses = rcs
	c.cfg = cfg
	c.prof = newProfile(cfg.Version, cfg.FeatureGates)
	c.startFrac = cfg.Start.Sub(cfg.Start.Truncate(time.Second))
	ecfg := sim.Config{Epoch: cfg.Start, Seed: cfg.Seed, MaxEvents: cfg.MaxEvents}
	if c.eng == nil {
		c.eng = sim.New(ecfg)
	} else {
		c.eng.Reset(ecfg)
	}
	if c.jobKeys == nil {
		c.jobKeys, c.cronJobKeys = map[objectKey]*job{}, map[string]*cronJob{}
	}
	if c.sched == nil || !c.sched.reset(cfg) {
		c.sched = newScheduler(c, cfg)
	}
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

// Fired returns how many engine events the cluster has fired so far: the
// count Config.MaxEvents bounds.
func (c *Cluster) Fired() uint64 { return c.eng.Fired() }

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
	c.eng.At(t, classWorld, sim.HandlerFunc(func(uint64) {
		f()
		if c.audit != nil {
			c.audit()
		}
	}), 0)
}

// Observe adds an observer that is told of every later event.
func (c *Cluster) Observe(o Observer) { c.observers = append(c.observers, o) }

// Events returns the events recorded so far (none if Config.DiscardEvents
// is set). The slice is the caller's.
func (c *Cluster) Events() []Event { return slices.Clone(c.events) }

// recording reports whether anyone wants events, so that hot paths skip
// formatting them otherwise.
func (c *Cluster) recording() bool {
	return len(c.observers) > 0 || !c.cfg.DiscardEvents || c.capturing
}

func (c *Cluster) emit(e Event) {
	if !c.cfg.DiscardEvents {
		c.events = append(c.events, e)
	}
	if c.capturing {
		c.captured = append(c.captured, e)
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
