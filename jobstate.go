package jobsim

import (
	"slices"
	"time"

	"github.com/jobsim/jobsim/internal/bitset"
	"github.com/jobsim/jobsim/sim"
)

// job is the cluster's record of one Job: its spec and status as the API
// server stores them, and the bookkeeping the controller keeps so that one
// sync costs what changed rather than a scan of every pod.
type job struct {
	c      *Cluster
	handle *JobHandle // &self
	self   JobHandle  // the handle, kept in the job: it lives as long anyway
	seq    uint64     // creation order, the source of its UID
	slot   int32      // its place in Cluster.jobSlots, the engine argument of its timers
	owner  *cronJob   // the CronJob that created it, or nil
	// listPos is its place in Cluster.jobs.
	listPos int
	name    string
	ns      string
	meta    Job // metadata and spec as stored (spec edited in place)
	spec    *JobSpec
	gen     int // metadata.generation
	// shared is the snapshot SharedJobView keeps, of generation sharedGen.
	shared    *Job
	sharedGen int
	beh       Behavior
	key       uint64 // keys the job's random streams: see newJob

	created time.Duration

	status jobStatus

	pods  []*pod // every existing pod of the job, in no particular order
	cands []*pod // pods holding the finalizer that are terminal or being deleted

	nActive      int // neither terminal nor being deleted
	nReady       int // active and Ready
	nTerminating int // being deleted, not terminal
	restarts     int // restartCount summed over Pending and Running pods
	nextOrdinal  int // creation ordinal of the next pod (NonIndexed run key)

	idx *indexState // nil for NonIndexed jobs

	backoff backoffRecord

	syncTimer sim.Timer
	syncAt    time.Duration // when syncTimer fires
	// apiRetries counts the syncs in a row whose status write the API
	// server refused (see plan.refused).
	apiRetries int
	ttlTimer   sim.Timer

	deleting bool // metadata.deletionTimestamp is set (foreground deletion)
	gone     bool // removed from the API
	// handed: its handle was given out (handOut), so the struct is never
	// filled again for another Job. released: gone, and out of every
	// list of the cluster's (releaseJob).
	handed, released bool
	// cronSeen is what its CronJob's controller last saw of it (ownerSees).
	cronSeen cronSeen

	// What the (immutable) pod failure policy needs to see of a pod.
	policyFailsJob, policyOnConditions bool

	// Scheduling: what every pod of the job requests, and where its
	// pending pods wait.
	req                resVec
	scoreCPU, scoreMem int64
	held               *heldRequests // what a pod bound now takes
	priority           int32
	preemptNever       bool                // its priority class's preemptionPolicy is Never
	lazyPreempt        bool                // its preemption message is computed when asked
	classes            []*nodeClass        // node classes whose every node its nodeSelector and node affinity admit
	partial            []classPart         // classes only some of whose nodes they admit (matchFields)
	filter             *nodeFilter         // its required node affinity, nil if none
	labels             map[string]string   // its pods' labels (but the completion index), once asked for: see podLabels
	dir                *directives         // its other scheduling directives, nil if none
	exact              bool                // placed by evaluating every node (see place)
	gated              map[uint64][]string // the scheduling gates left, by pod seq
	tolerations        []Toleration        // its pods' tolerations, the API server's defaults added
	podSpec            *PodSpec            // its pods' spec as the RuntimeClass admission leaves it
	adm                admission           // what that admission set
	spreads            []*domainCount      // its spread constraints' running counts, in the class search
	unknownRes         string              // a resource no node has
	queue              []podRef            // pods waiting to be bound, oldest first
	qHead              int
	inQueue, parked    bool
	unschedMsg         string // why its pending pods fit nowhere
	marked             int    // queue entries that carry unschedMsg
	stats              jobStats

	// verdicts is how the controller counted each finished pod, for
	// Explain (explain_record.go).
	verdicts []podVerdict

	// reqBuf and heldBuf hold req and held until the pod template's
	// requests change: the memory a job reused by Reset keeps.
	reqBuf resVec
	// store holds what the stored spec points to (see specStore).
	store   specStore
	heldBuf heldRequests
}

// jobStats accumulates scheduling figures of a job.
type jobStats struct {
	nBound  int
	waitSum time.Duration
	waitMax time.Duration
	runSum  time.Duration
}

func (s *jobStats) bound(wait time.Duration) {
	s.nBound++
	s.waitSum += wait
	s.waitMax = max(s.waitMax, wait)
}

// jobStatus is JobStatus without the index strings, which are kept as sets.
type jobStatus struct {
	conditions     []JobCondition
	startTime      time.Duration
	started        bool
	completionTime time.Duration
	completed      bool
	active         int
	ready          int
	terminating    int
	succeeded      int
	failed         int
}

func (s *jobStatus) condition(t JobConditionType) *JobCondition {
	for i := range s.conditions {
		if s.conditions[i].Type == t {
			return &s.conditions[i]
		}
	}
	return nil
}

func (s *jobStatus) isTrue(t JobConditionType) bool {
	c := s.condition(t)
	return c != nil && c.Status == ConditionTrue
}

// finishedAs is the condition that finished the job as the CronJob
// controller reads it: Complete if true, else Failed if true, else "".
func (s *jobStatus) finishedAs() JobConditionType {
	switch {
	case s.isTrue(JobComplete):
		return JobComplete
	case s.isTrue(JobFailed):
		return JobFailed
	}
	return ""
}

// finished reports whether the first Complete or the first Failed
// condition is true: isTrue of either, in one pass (a sync asks often).
func (s *jobStatus) finished() bool {
	var complete, failed bool // the first of each type seen
	for i := range s.conditions {
		c := &s.conditions[i]
		switch {
		case c.Type == JobComplete && !complete:
			complete = true
		case c.Type == JobFailed && !failed:
			failed = true
		default:
			continue
		}
		if c.Status == ConditionTrue {
			return true
		}
	}
	return false
}

// indexState tracks an Indexed job's indexes.
type indexState struct {
	completions int
	succeeded   bitset.Set // succeeded indexes < completions
	nSucceeded  int
	failed      bitset.Set // failed indexes (backoffLimitPerIndex)
	nFailed     int
	active      []uint16 // active pods per index
	terminating []uint16 // terminating pods per index
	attempts    []int32  // container runs started per index (run key)
	next        int      // lowest index never handed out
	returned    indexHeap
	extra       int // active pods beyond one per index, or without a valid index

	successRules []successRule // the success policy, with its progress
}

// markSucceeded records that index i succeeded and reports whether it is
// new.
func (x *indexState) markSucceeded(i int) bool {
	if !x.succeeded.Add(i) {
		return false
	}
	x.nSucceeded++
	for k := range x.successRules {
		x.successRules[k].succeeded(i)
	}
	return true
}

func (x *indexState) grow(i int) {
	for len(x.active) <= i {
		x.active = append(x.active, 0)
		x.terminating = append(x.terminating, 0)
		x.attempts = append(x.attempts, 0)
	}
}

func (x *indexState) valid(i int) bool { return i >= 0 && i < x.completions }

// reset sets up the index state for spec's completions, keeping the
// succeeded and failed indexes that remain in range.
func (x *indexState) reset(spec *JobSpec) {
	x.completions = *spec.Completions
	x.nSucceeded -= x.succeeded.Truncate(x.completions)
	x.nFailed -= x.failed.Truncate(x.completions)
	x.successRules = newSuccessRules(spec.SuccessPolicy, x.completions)
	if len(x.successRules) == 0 {
		return
	}
	for i := range x.completions {
		if x.succeeded.Has(i) {
			for k := range x.successRules {
				x.successRules[k].succeeded(i)
			}
		}
	}
}

func (c *Cluster) newJob(j *job, obj Job, b Behavior) *job {
	*j = job{
		c:       c,
		seq:     c.jobSeq,
		name:    obj.Name,
		ns:      obj.Namespace,
		meta:    obj,
		gen:     1,
		beh:     b,
		created: c.eng.Elapsed(),
		// The memory of a job of the run before Reset, emptied.
		pods: j.pods, cands: j.cands, queue: j.queue, classes: j.classes, verdicts: j.verdicts,
		status: jobStatus{conditions: j.status.conditions}, reqBuf: j.reqBuf, store: j.store,
	}
	c.jobSeq++
	j.spec = &j.meta.Spec
	// The pods' names and behaviours draw from streams keyed by the
	// cluster's seed and the job's namespace and name alone.
	j.key = sim.Mix(c.cfg.Seed, hashKey(j.ns, j.name))
	j.self = JobHandle{j: j}
	j.handle = &j.self
	if j.spec.CompletionMode == Indexed {
		j.idx = &indexState{}
		j.idx.reset(j.spec)
	}
	if pfp := j.spec.PodFailurePolicy; pfp != nil {
		for _, r := range pfp.Rules {
			j.policyFailsJob = j.policyFailsJob || r.Action == ActionFailJob
			j.policyOnConditions = j.policyOnConditions || len(r.OnPodConditions) > 0
		}
	}
	return j
}

// hashKey is sim.Hash(ns + "/" + name), without making the string.
func hashKey(ns, name string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037) // FNV-1a's offset basis, as sim.Hash
	for i := 0; i < len(ns); i++ {
		h = (h ^ uint64(ns[i])) * prime
	}
	h = (h ^ '/') * prime
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * prime
	}
	return h
}

// handOut returns the job's handle for the caller to keep: from then on
// the struct stays this Job's (see retire).
func (j *job) handOut() *JobHandle {
	j.handed = true
	return j.handle
}

// emptied returns the job struct emptied for filling again, keeping the
// memory of its lists, queues, conditions and spec store.
func (j *job) emptied() job {
	return job{pods: emptied(j.pods), cands: emptied(j.cands), queue: j.queue[:0], classes: emptied(j.classes),
		verdicts: j.verdicts[:0], status: jobStatus{conditions: j.status.conditions[:0]}, reqBuf: j.reqBuf,
		store: j.store.emptied()}
}

// retire makes the struct of a deleted Job of a CronJob ready to be
// filled again, when nothing can see it any more: no handle on it was
// given out, it has no pods left, its CronJob's status no longer lists
// it, and the scheduler holds nothing of it. A CronJob creates Jobs for as
// long as it runs; its history limits delete as many, whose memory the
// next ones take. Jobs created by Submit stay listed once deleted (Jobs),
// so they are never retired.
func (c *Cluster) retire(j *job) {
	if !j.released || j.handed || c.noShortcuts || j.owner == nil || len(j.pods) > 0 || j.inQueue || j.parked ||
		len(c.sched.spreads) > 0 || slices.Contains(j.owner.active, j) {
		return
	}
	*j = j.emptied()
	c.spareJobs = append(c.spareJobs, j)
}

// takeJob returns a job struct to fill: one of the run before Reset or of
// a retired Job, its slices emptied, or a new one.
func (c *Cluster) takeJob() *job {
	if n := len(c.spareJobs); n > 0 {
		j := c.spareJobs[n-1]
		c.spareJobs[n-1] = nil
		c.spareJobs = c.spareJobs[:n-1]
		return j
	}
	return new(job)
}

// object returns the job as the API stores it (metadata and spec).
func (j *job) object() Job { return j.meta }

func (j *job) indexed() bool { return j.idx != nil }

func (j *job) restartPolicy() RestartPolicy { return j.spec.Template.Spec.RestartPolicy }

// onlyReplaceFailed reports whether replacements wait for pods to be
// Failed (podReplacementPolicy Failed, implied by podFailurePolicy).
func (j *job) onlyReplaceFailed() bool {
	return j.spec.PodReplacementPolicy == ReplaceFailed || j.spec.PodFailurePolicy != nil
}

// external reports whether another controller manages the job.
func (j *job) external() bool {
	return j.spec.ManagedBy != "" && j.spec.ManagedBy != JobControllerName
}

// grace returns the termination grace period of the job's pods.
func (j *job) grace() time.Duration {
	if g := j.spec.Template.Spec.TerminationGracePeriod; g != nil {
		return *g
	}
	return 30 * time.Second
}

func (j *job) firstContainer() string {
	if cs := j.spec.Template.Spec.Containers; len(cs) > 0 {
		return cs[0].Name
	}
	return ""
}
