package manifest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jobsim/jobsim"
)

// SimOptions adjust a simulation. The zero value runs the scenario as it
// is written.
type SimOptions struct {
	// Until, if not 0, replaces the scenario's until.
	Until time.Duration
	// SyncDelay is jobsim.Config.SyncDelay: 0 makes the Job controller
	// react at once, 1s like the real controller.
	SyncDelay time.Duration
	// MaxEvents is jobsim.Config.MaxEvents; 0 means its default.
	MaxEvents uint64
	// Observer, if not nil, is told of every event up to the end of the
	// simulation, as it happens.
	Observer jobsim.Observer
	// NodeUse records each node's use for Simulation.NodeUse: the pods
	// bound to it and its average utilisation. It costs a snapshot of the
	// nodes after each step that binds pods or ends them.
	NodeUse bool
	// History keeps the cluster's event log (jobsim.Config.DiscardEvents
	// false), which Explain reads; without it a Simulation discards its
	// events once its observers have seen them.
	History bool
	// Cluster, if not nil, is the cluster to run on: Reset (see
	// jobsim.Cluster.Reset) instead of a new one being made, so that a
	// sweep's worker runs seed after seed on the same memory. What the
	// cluster ran before, and every Simulation that ran on it, must not
	// be used any more.
	Cluster *jobsim.Cluster
	// Unobserved runs without the Simulation's own observer, for which
	// the cluster words every event: several times faster, for a sweep
	// that only reads the Jobs' statuses and metrics at the end. End is
	// then the time of the last step the cluster took, which may come
	// after the last event, and the node summaries stay empty. Simulate
	// refuses it with NodeUse, an Observer, or a scenario with CronJobs
	// (whose Jobs the observer follows).
	Unobserved bool

	// cfg, if not nil, is the cluster's configuration as given, and
	// rerun the job replaced in it: see Simulation.Rerun.
	cfg   *jobsim.Config
	rerun *rerunJob
}

// rerunJob is the job a re-run submits in place of the scenario's.
type rerunJob struct {
	index int
	job   jobsim.Job
}

// ReasonActionFailed is the reason of the event a Simulation reports
// (with type jobsim.EventChange, so not as a Kubernetes Event) when an
// action of the scenario cannot be carried out: its job was already gone,
// deleted by the TTL-after-finished controller, say.
const ReasonActionFailed = "ActionFailed"

// Simulation is a scenario loaded into a jobsim.Cluster: its jobs
// submitted at their times and its actions scheduled. Step and Run
// simulate it up to its end: until nothing is left to happen, or the
// scenario's until, or DefaultHorizon.
//
// A Simulation is not safe for concurrent use.
type Simulation struct {
	scenario *Scenario
	opts     SimOptions
	cluster  *jobsim.Cluster
	handles  []*jobsim.JobHandle
	limit    time.Time
	until    bool
	done     bool
	cut      bool
	last     time.Time

	nodes   map[string]*nodeTrack // by node name
	dirty   bool                  // a pod was bound or ended since the last sample
	sampled time.Time             // when the nodes' use was last sampled

	nextCheck uint64 // the events fired at the next check of the limit

	cronHandles []*jobsim.CronJobHandle // per scenario CronJob; nil until created
	cronCreated map[string]int          // CronJob namespace/name → Jobs it created
	cronOrdinal map[string]int          // its Job's namespace/name → the Job's ordinal
}

// Simulate loads the scenario into a new cluster (or opts.Cluster),
// ready to run. Its errors are an *Error for a scenario whose cluster
// configuration (Scenario.Config) jobsim.NewCluster would refuse, which
// Parse and Load have already reported, and one for options that
// contradict each other (see SimOptions.Unobserved).
func (s *Scenario) Simulate(opts SimOptions) (*Simulation, error) {
	sim := &Simulation{scenario: s, opts: opts}
	cfg := sim.config()
	if err := jobsim.ValidateConfig(cfg); err != nil {
		if opts.cfg != nil {
			return nil, err
		}
		var ps problems
		ps.add(s.File, 0, "", "%v", err)
		return nil, ps.err()
	}
	if opts.Unobserved && (opts.NodeUse || opts.Observer != nil || len(s.CronJobs) > 0) {
		return nil, fmt.Errorf("%s: SimOptions.Unobserved with NodeUse, an Observer or CronJobs", s.File)
	}
	until := s.Until
	if opts.Until > 0 {
		until = opts.Until
	}
	sim.until = until > 0
	if !sim.until && len(s.CronJobs) > 0 && !s.cronJobsDeleted() {
		var ps problems
		ps.add(s.File, 0, "until", "Required value: a CronJob never finishes: give the time to run until (jobsim run --until 24h, or get and describe --at)")
		return nil, ps.err()
	}
	if !sim.until {
		until = DefaultHorizon
	}
	sim.limit = s.Start.Add(until)
	sim.last = s.Start
	sim.sampled = s.Start
	sim.cluster, sim.handles = sim.build(cfg)
	sim.nextCheck = nextLimitCheck(0, sim.eventLimit())
	sim.sample()
	return sim, nil
}

// Config returns the configuration of the scenario's cluster: its seed
// and start, its nodes (each pool's nodes, in order), its priority
// classes and its scheduler.
//
// When the scenario declares no priority classes, the classes its pod
// templates name (priorityClassName) are given the value 0: the scenario
// says nothing of priorities, and all pods are equal.
func (s *Scenario) Config() jobsim.Config {
	cfg := jobsim.Config{Seed: s.Seed, Start: s.Start, PriorityClasses: s.priorityClasses(),
		Version: s.KubernetesVersion, FeatureGates: maps.Clone(s.FeatureGates)}
	for _, pool := range s.Nodes {
		for i, name := range pool.NodeNames() {
			cfg.Nodes = append(cfg.Nodes, jobsim.Node{Name: name, Labels: pool.NodeLabels(i), Capacity: maps.Clone(pool.Capacity), Taints: slices.Clone(pool.Taints)})
		}
	}
	cfg.PodDisruptionBudgets = clonePDBs(s.PodDisruptionBudgets)
	cfg.RuntimeClasses = s.runtimeClasses()
	if sc := s.Scheduler; sc != nil {
		if sc.Scoring == ScoringMostAllocated {
			cfg.Scoring = jobsim.MostAllocated
		}
		cfg.SchedulingLatency = sc.Latency
	}
	return cfg
}

// clonePDBs deep-copies pod disruption budgets.
func clonePDBs(bs []jobsim.PodDisruptionBudget) []jobsim.PodDisruptionBudget {
	if bs == nil {
		return nil
	}
	out := make([]jobsim.PodDisruptionBudget, len(bs))
	for i, b := range bs {
		out[i] = b.DeepCopy()
	}
	return out
}

// removeGates removes gates from the pods of job ns/name that exist and
// are not bound yet, each pod the gates it still has; the first error is
// returned, after trying every pod.
func removeGates(c *jobsim.Cluster, ns, name string, gates []string) error {
	h := c.Job(ns, name)
	if h == nil {
		return fmt.Errorf("jobs.batch %q not found", name)
	}
	var first error
	for _, p := range h.Pods() {
		if p.Spec.NodeName != "" || !p.DeletionTime.IsZero() {
			continue
		}
		var has []string
		for _, g := range gates {
			if slices.Contains(p.Spec.SchedulingGates, g) {
				has = append(has, g)
			}
		}
		if len(has) == 0 {
			continue
		}
		if err := c.RemoveSchedulingGates(p.Namespace, p.Name, has...); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// priorityClasses returns the scenario's priority classes, or, when it
// declares none, a class of value 0 for each name its jobs use.
func (s *Scenario) priorityClasses() []jobsim.PriorityClass {
	var out []jobsim.PriorityClass
	if len(s.PriorityClasses) > 0 {
		for _, pc := range s.PriorityClasses {
			out = append(out, jobsim.PriorityClass{Name: pc.Name, Value: pc.Value, GlobalDefault: pc.GlobalDefault, PreemptionPolicy: pc.PreemptionPolicy})
		}
		return out
	}
	for _, name := range s.classNamesUsed() {
		out = append(out, jobsim.PriorityClass{Name: name})
	}
	return out
}

// runtimeClasses returns the scenario's runtime classes, or, when it
// declares none, a class with no overhead and no scheduling for each
// runtimeClassName its jobs use.
func (s *Scenario) runtimeClasses() []jobsim.RuntimeClass {
	var out []jobsim.RuntimeClass
	if len(s.RuntimeClasses) > 0 {
		for _, rc := range s.RuntimeClasses {
			rc.Overhead, rc.NodeSelector = maps.Clone(rc.Overhead), maps.Clone(rc.NodeSelector)
			rc.Tolerations = slices.Clone(rc.Tolerations)
			out = append(out, rc)
		}
		return out
	}
	var used []string
	for _, sj := range s.Jobs {
		if sj.Manifest == nil {
			continue
		}
		if name := sj.Manifest.Job.Spec.Template.Spec.RuntimeClassName; name != "" {
			used = append(used, name)
		}
	}
	slices.Sort(used)
	for _, name := range slices.Compact(used) {
		out = append(out, jobsim.RuntimeClass{Name: name, Handler: "runc"})
	}
	return out
}

// isSystemClass reports whether name is one of the priority classes every
// cluster has.
func isSystemClass(name string) bool {
	return name == "system-cluster-critical" || name == "system-node-critical"
}

// classNamesUsed returns the priority class names the jobs' pod
// templates name, sorted, the built-in system classes left out.
func (s *Scenario) classNamesUsed() []string {
	var used []string
	for _, sj := range s.Jobs {
		if sj.Manifest == nil {
			continue
		}
		if name := sj.Manifest.Job.Spec.Template.Spec.PriorityClassName; name != "" && !isSystemClass(name) {
			used = append(used, name)
		}
	}
	slices.Sort(used)
	return slices.Compact(used)
}

// NodeHistory is what a simulation's events told of one node, up to now:
// the facts kubectl shows of a node that jobsim's node views do not keep.
type NodeHistory struct {
	// ReadySince is when the node's Ready condition last changed
	// (NodeReady or NodeNotReady), or the start.
	ReadySince time.Time
	// CordonedSince is when the node was last cordoned
	// (NodeNotSchedulable), zero if it is not.
	CordonedSince time.Time
	// KubeletStopped is when the node's kubelet last stopped
	// (NodeFailed), zero if it runs.
	KubeletStopped time.Time
	// Down lists the spans the node's kubelet was down, from NodeFailed to
	// NodeReady, in order; the last one's To is zero while it is down.
	Down []Span
}

// Span is a span of virtual time.
type Span struct{ From, To time.Time }

// observe updates h from one of its node's events.
func (h *NodeHistory) observe(e jobsim.Event) {
	switch e.Reason {
	case jobsim.ReasonNodeFailed:
		h.KubeletStopped = e.Time
		if n := len(h.Down); n == 0 || !h.Down[n-1].To.IsZero() {
			h.Down = append(h.Down, Span{From: e.Time})
		}
	case jobsim.ReasonNodeNotReady:
		h.ReadySince = e.Time
	case jobsim.ReasonNodeNotSchedulable:
		h.CordonedSince = e.Time
	case jobsim.ReasonNodeReady:
		// Only RecoverNode makes a node Ready again, and it uncordons it
		// and restarts its kubelet.
		h.ReadySince, h.CordonedSince, h.KubeletStopped = e.Time, time.Time{}, time.Time{}
		if n := len(h.Down); n > 0 && h.Down[n-1].To.IsZero() {
			h.Down[n-1].To = e.Time
		}
	}
}

// NodeHistory returns what the events so far told of the named node.
func (sim *Simulation) NodeHistory(name string) NodeHistory {
	h := sim.track(name).NodeHistory
	h.Down = slices.Clone(h.Down)
	return h
}

// nodeTrack is what the simulation follows of a node: its history, and
// its use when SimOptions.NodeUse is set.
type nodeTrack struct {
	NodeHistory

	bound     []string            // the first pods bound to it, in order (NodeUse)
	boundN    int                 // how many pods were bound to it
	requested jobsim.ResourceList // what its pods requested at the last sample
	area      map[string]float64  // requested × seconds, per resource
}

func (sim *Simulation) track(name string) *nodeTrack {
	t := sim.nodes[name]
	if t == nil {
		t = &nodeTrack{NodeHistory: NodeHistory{ReadySince: sim.scenario.Start}, area: map[string]float64{}}
		if sim.nodes == nil {
			sim.nodes = map[string]*nodeTrack{}
		}
		sim.nodes[name] = t
	}
	return t
}

// observe notes what the summary and the node views need of each event,
// then passes it on.
func (sim *Simulation) observe(e jobsim.Event) {
	sim.last = e.Time
	switch {
	case e.Object.Kind == jobsim.KindCronJob:
		if e.Reason == jobsim.ReasonSuccessfulCreate && e.Related != "" {
			key := e.Object.Namespace + "/" + e.Object.Name
			sim.cronOrdinal[e.Object.Namespace+"/"+e.Related] = sim.cronCreated[key]
			sim.cronCreated[key]++
		}
		if e.Reason == jobsim.ReasonDeleted {
			delete(sim.cronCreated, e.Object.Namespace+"/"+e.Object.Name)
		}
	case e.Object.Kind == jobsim.KindNode:
		sim.track(e.Object.Name).observe(e)
	case e.Reason == jobsim.ReasonScheduled:
		sim.dirty = true
		if sim.opts.NodeUse && e.Related != "" {
			t := sim.track(e.Related)
			t.boundN++
			if len(t.bound) < MaxBoundListed {
				t.bound = append(t.bound, e.Object.Name)
			}
		}
	case e.Exited:
		sim.dirty = true
	}
	if sim.opts.Observer != nil {
		sim.opts.Observer.Observe(e)
	}
}

// build makes the cluster: the jobs at time 0 submitted, the later ones
// and the actions scheduled.
func (sim *Simulation) build(cfg jobsim.Config) (*jobsim.Cluster, []*jobsim.JobHandle) {
	s := sim.scenario
	c := sim.opts.Cluster
	if c == nil {
		c = jobsim.NewCluster(cfg)
	} else {
		c.Reset(cfg)
	}
	note := func(j *Job, msg string) { sim.note(c, j, msg) }
	if !sim.opts.Unobserved {
		c.Observe(jobsim.ObserverFunc(sim.observe))
	}
	handles := make([]*jobsim.JobHandle, len(s.Jobs))
	for _, i := range s.submissionOrder() {
		if s.Jobs[i].At == 0 {
			handles[i] = sim.submit(c, i)
		} else {
			c.At(s.Start.Add(s.Jobs[i].At), func() { handles[i] = sim.submit(c, i) })
		}
	}
	for _, sj := range s.Jobs {
		for k := range sj.Actions {
			a := &sj.Actions[k]
			ns, name := sj.Manifest.Job.Namespace, sj.Manifest.Job.Name
			c.At(s.Start.Add(a.At), func() {
				var err error
				switch {
				case a.Delete:
					err = c.Delete(ns, name)
				case a.editsSpec():
					err = c.Update(ns, name, a.Apply)
				}
				if err != nil {
					note(sj.Manifest, a.path+": "+err.Error())
				}
				if len(a.RemoveSchedulingGates) > 0 {
					if err := removeGates(c, ns, name, a.RemoveSchedulingGates); err != nil {
						note(sj.Manifest, a.path+".removeSchedulingGates: "+err.Error())
					}
				}
			})
		}
	}
	sim.buildCronJobs(c)
	for _, f := range s.Faults {
		if f.Controller != "" {
			do := c.StopCronJobController
			if f.Action == FaultUp {
				do = c.StartCronJobController
			}
			c.At(s.Start.Add(f.At), do)
			continue
		}
		do := map[FaultAction]func(string) error{FaultFail: c.FailNode, FaultDrain: c.DrainNode, FaultRecover: c.RecoverNode}[f.Action]
		c.At(s.Start.Add(f.At), func() {
			if err := do(f.Node); err != nil {
				sim.observe(jobsim.Event{Time: c.Now(), Object: jobsim.ObjectRef{Kind: jobsim.KindNode, Name: f.Node},
					Type: jobsim.EventChange, Reason: ReasonActionFailed, Message: f.path + ": " + err.Error()})
			}
		})
	}
	return c, handles
}

// config returns the configuration of the simulation's cluster.
func (sim *Simulation) config() jobsim.Config {
	if sim.opts.cfg != nil {
		return *sim.opts.cfg
	}
	cfg := sim.scenario.Config()
	cfg.SyncDelay = sim.opts.SyncDelay
	cfg.MaxEvents = sim.opts.MaxEvents
	cfg.DiscardEvents = !sim.opts.History
	return cfg
}

// buildCronJobs creates the scenario's CronJobs at their times and
// schedules their actions. The faults come after, so that at one instant
// the CronJobs' actions come before the controller's faults.
func (sim *Simulation) buildCronJobs(c *jobsim.Cluster) {
	s := sim.scenario
	if len(s.CronJobs) == 0 {
		return
	}
	sim.cronHandles = make([]*jobsim.CronJobHandle, len(s.CronJobs))
	sim.cronCreated, sim.cronOrdinal = map[string]int{}, map[string]int{}
	ordinal := func(ns, name string) (int, bool) {
		n, ok := sim.cronOrdinal[ns+"/"+name]
		return n, ok
	}
	note := func(cj jobsim.CronJob, msg string) {
		sim.observe(jobsim.Event{Time: c.Now(), Object: jobsim.ObjectRef{Kind: jobsim.KindCronJob, Namespace: cj.Namespace, Name: cj.Name},
			Type: jobsim.EventChange, Reason: ReasonActionFailed, Message: msg})
	}
	order := make([]int, len(s.CronJobs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpDuration(s.CronJobs[a].At, s.CronJobs[b].At) })
	for _, i := range order {
		sc := s.CronJobs[i]
		cj := sc.Manifest.CronJob
		create := func() {
			h, err := c.SubmitCronJob(cj, sc.Behavior(cj.Spec.JobTemplate.Spec.Template, ordinal))
			if err != nil {
				note(cj, "cannot create the CronJob: "+err.Error())
				return
			}
			sim.cronHandles[i] = h
		}
		if sc.At == 0 {
			create()
		} else {
			c.At(s.Start.Add(sc.At), create)
		}
	}
	for _, sc := range s.CronJobs {
		cj := sc.Manifest.CronJob
		for k := range sc.Actions {
			a := &sc.Actions[k]
			c.At(s.Start.Add(a.At), func() {
				var err error
				if a.Delete {
					err = c.DeleteCronJob(cj.Namespace, cj.Name)
				} else {
					err = c.UpdateCronJob(cj.Namespace, cj.Name, a.Apply)
				}
				if err != nil {
					note(cj, a.path+": "+err.Error())
				}
			})
		}
	}
}

// submit submits the scenario's i-th Job (or the re-run's in its place)
// to c, and returns its handle; nil, with an event saying why, if c
// refuses it.
func (sim *Simulation) submit(c *jobsim.Cluster, i int) *jobsim.JobHandle {
	sj := sim.scenario.Jobs[i]
	job := &sj.Manifest.Job
	if rj := sim.opts.rerun; rj != nil && rj.index == i {
		job = &rj.job
	}
	h, err := c.Submit(*job, sj.Pods.Behavior(job.Spec.Template))
	if err != nil {
		sim.note(c, sj.Manifest, "cannot submit the job: "+err.Error())
		return nil
	}
	return h
}

// note tells of an action on Job j that failed, as an event.
func (sim *Simulation) note(c *jobsim.Cluster, j *Job, msg string) {
	sim.observe(jobsim.Event{Time: c.Now(), Object: jobsim.ObjectRef{Kind: jobsim.KindJob, Namespace: j.Job.Namespace, Name: j.Job.Name},
		Job: j.Job.Name, Type: jobsim.EventChange, Reason: ReasonActionFailed, Message: msg})
}

func cmpDuration(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cronJobsDeleted reports whether an action deletes every CronJob of the
// scenario.
func (s *Scenario) cronJobsDeleted() bool {
	for _, sc := range s.CronJobs {
		if _, ok := sc.deletedAt(); !ok {
			return false
		}
	}
	return true
}

// CronJobs returns the handle of each scenario CronJob, in the
// scenario's order; nil for one not created (yet).
func (sim *Simulation) CronJobs() []*jobsim.CronJobHandle { return sim.cronHandles }

// Scenario returns the scenario being simulated.
func (sim *Simulation) Scenario() *Scenario { return sim.scenario }

// Cluster returns the simulated cluster. Read from it; changing it
// (submitting, stepping) breaks the Simulation.
func (sim *Simulation) Cluster() *jobsim.Cluster { return sim.cluster }

// Jobs returns the handle of each scenario job, in the scenario's order;
// nil for a job not submitted (yet).
func (sim *Simulation) Jobs() []*jobsim.JobHandle { return sim.handles }

// Limit returns the time the simulation stops at, at the latest: Start
// plus the scenario's until, or plus DefaultHorizon.
func (sim *Simulation) Limit() time.Time { return sim.limit }

// HasUntil reports whether the limit is an until of the scenario or the
// options, rather than DefaultHorizon.
func (sim *Simulation) HasUntil() bool { return sim.until }

// Stopped reports whether the simulation reached its limit with things
// left to happen (jobs still running, timers pending).
func (sim *Simulation) Stopped() bool { return sim.cut }

// Done reports whether the simulation has ended.
func (sim *Simulation) Done() bool { return sim.done }

// End returns the time of the last event simulated, or the limit if the
// simulation stopped there.
func (sim *Simulation) End() time.Time {
	if sim.cut {
		return sim.limit
	}
	return sim.last
}

// Step simulates the next event, if there is one before the limit, and
// reports whether it did. Events are reported to the observer as they
// happen. With an until, when nothing is left to happen while a job
// still runs (its pods never exit, or wait for room on a node), the
// clock runs on to the until: the simulation stops there. Its only error
// is the event limit's, as Run's.
func (sim *Simulation) Step() (bool, error) {
	if sim.done {
		return false, nil
	}
	if t, ok := sim.cluster.Next(); ok && t.After(sim.limit) {
		// The next event lies past the limit: the clock stops there.
		sim.done, sim.cut = true, true
		if err := sim.cluster.RunUntil(sim.limit); err != nil {
			return false, err
		}
		sim.account(sim.limit)
		return false, nil
	}
	ok, err := sim.cluster.Step()
	if err != nil {
		sim.done = true
		return false, err
	}
	if !ok {
		sim.done = true
		if sim.until && sim.running() {
			// Nothing is due, yet jobs still run (pods that never exit,
			// or wait for room): the clock runs on to the until.
			sim.cut = true
			if err := sim.cluster.RunUntil(sim.limit); err != nil {
				return false, err
			}
		}
		sim.account(sim.End())
		return false, nil
	}
	if sim.dirty {
		sim.sample()
	}
	if sim.opts.Unobserved {
		sim.last = sim.cluster.Now()
	}
	if sim.cluster.Fired() >= sim.nextCheck {
		sim.nextCheck = nextLimitCheck(sim.cluster.Fired(), sim.eventLimit())
		if err := sim.checkLimit(); err != nil {
			sim.done = true
			return false, err
		}
	}
	return true, nil
}

// running reports whether a submitted job has neither finished nor been
// deleted, or a CronJob exists.
func (sim *Simulation) running() bool {
	for _, h := range sim.handles {
		if h != nil && !h.Finished() && !h.Deleted() {
			return true
		}
	}
	// A CronJob never finishes: a suspended one, with nothing due, still
	// counts its scheduled times up to the until.
	for _, h := range sim.cronHandles {
		if h != nil && !h.Deleted() {
			return true
		}
	}
	return false
}

// Run simulates up to the end. Its only error is the event limit's (see
// jobsim.Config.MaxEvents): a *LimitError when the run is seen early to
// need more events than the limit.
func (sim *Simulation) Run() error {
	for {
		ok, err := sim.Step()
		if err != nil || !ok {
			return err
		}
	}
}

// sample records the nodes' use now, after a step that bound pods or
// ended them: what they requested since the last sample is added to
// their utilisation, and the pods bound since are noted. It does nothing
// unless SimOptions.NodeUse is set.
func (sim *Simulation) sample() {
	sim.dirty = false
	if !sim.opts.NodeUse {
		return
	}
	now := sim.cluster.Now()
	sim.account(now)
	for name, req := range sim.cluster.NodeRequests() {
		sim.track(name).requested = req
	}
}

// account adds to each node's utilisation what it requested from the
// last sample until t.
func (sim *Simulation) account(t time.Time) {
	dt := t.Sub(sim.sampled).Seconds()
	if !sim.opts.NodeUse || dt <= 0 {
		return
	}
	for _, n := range sim.nodes {
		for r, v := range n.requested {
			n.area[r] += float64(v) * dt
		}
	}
	sim.sampled = t
}

// MaxBoundListed is how many of the pods bound to a node NodeUse names.
const MaxBoundListed = 100

// NodeUse is what a simulation saw of one node (with SimOptions.NodeUse).
type NodeUse struct {
	// Pods counts the pods bound to the node since the start.
	Pods int
	// Bound names the first of them (MaxBoundListed at most), in order.
	Bound []string
	// Utilisation is, for each resource of the node's capacity, the share
	// of it that pods requested on average since the start:
	// jobsim.Cluster.Utilisation for this node alone.
	Utilisation map[string]float64
}

// NodeUse returns what the simulation saw of the named node so far, with
// SimOptions.NodeUse; false without it, or for an unknown node.
func (sim *Simulation) NodeUse(name string) (NodeUse, bool) {
	if !sim.opts.NodeUse {
		return NodeUse{}, false
	}
	for _, n := range sim.cluster.Nodes() {
		if n.Name != name {
			continue
		}
		u := NodeUse{Utilisation: map[string]float64{}}
		elapsed := sim.sampled.Sub(sim.scenario.Start).Seconds()
		if t := sim.nodes[name]; t != nil {
			u.Pods, u.Bound = t.boundN, slices.Clone(t.bound)
			for r, c := range n.Capacity {
				if c > 0 && elapsed > 0 {
					u.Utilisation[r] = t.area[r] / (float64(c) * elapsed)
				}
			}
		}
		return u, true
	}
	return NodeUse{}, false
}
