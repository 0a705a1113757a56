package jobsim

import (
	"fmt"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// PodTemplate is the pod template of a Job: the metadata and spec every pod
// of the job starts from.
type PodTemplate struct {
	Labels      map[string]string
	Annotations map[string]string
	Spec        PodSpec
}

// PodSpec holds the parts of a v1 PodSpec that decide how a Job's pods
// behave in jobsim.
type PodSpec struct {
	// RestartPolicy must be Never or OnFailure for a Job.
	RestartPolicy RestartPolicy
	// InitContainers run, in jobsim, instantly and successfully before the
	// containers start, but for sidecars (RestartPolicy Always), which
	// start then and run as long as the containers do.
	InitContainers []Container
	// Containers all run the same container run (see Behavior) at once.
	Containers []Container
	// TerminationGracePeriod is terminationGracePeriodSeconds: how long a
	// deleted pod's processes get between SIGTERM and SIGKILL. Whole
	// seconds; nil means 30 s.
	TerminationGracePeriod *time.Duration
	// NodeSelector restricts the pod to nodes with all these labels.
	NodeSelector map[string]string
	// Affinity restricts the pod further: its required node affinity must
	// match the node too (see PodSpec.MatchesNode), and its pod affinity
	// and anti-affinity the pods already there.
	Affinity *Affinity
	// Tolerations let the pod be bound to, and stay on, tainted nodes.
	Tolerations []Toleration
	// TopologySpreadConstraints bound how unevenly the pod and its like
	// spread across nodes, zones or other domains.
	TopologySpreadConstraints []TopologySpreadConstraint
	// SchedulingGates keep the pod from being scheduled (SchedulingGated)
	// until every gate is removed (Cluster.RemoveSchedulingGate).
	SchedulingGates []string
	// PriorityClassName names one of the cluster's PriorityClasses; ""
	// means the global default class, or priority 0.
	PriorityClassName string
	// NodeName is the node the pod is bound to; empty in templates.
	NodeName string
	// Priority and PreemptionPolicy come from the pod's priority class.
	// The cluster sets them on pods (and PriorityClassName to the global
	// default class's, when the template names none); they are ignored in
	// templates.
	Priority         int32
	PreemptionPolicy string
	// Hostname is the pod's hostname; the Job controller sets it to
	// <job>-<index> on the pods of Indexed jobs.
	Hostname string
	// RuntimeClassName names one of the cluster's RuntimeClasses (see
	// Config.RuntimeClasses); "" means the container runtime's default
	// handler, with no overhead.
	RuntimeClassName string
	// Overhead is the pod's overhead: the resources its sandbox takes,
	// added to its containers' requests by the scheduler. The API
	// server's RuntimeClass admission sets it on pods from their
	// RuntimeClass; a template that sets it must name a class whose
	// overhead it equals, or its pods are refused.
	Overhead ResourceList
}

// RestartPolicy is a pod's restartPolicy.
type RestartPolicy string

// The restart policies a Job accepts (and Always, which it refuses).
const (
	RestartNever     RestartPolicy = "Never"
	RestartOnFailure RestartPolicy = "OnFailure"
	RestartAlways    RestartPolicy = "Always"
)

// Container is a container of a pod template.
type Container struct {
	Name    string
	Image   string
	Command []string
	Args    []string
	Env     []EnvVar
	// Requests are resources.requests: what the scheduler reserves for the
	// container on its node (see ResourceList for the units).
	Requests ResourceList
	// RestartPolicy is the container's restartPolicy. Only init
	// containers may set it, and only to Always: such a container is a
	// sidecar (a restartable init container), which starts before the
	// containers, runs while they run and is stopped once they have
	// finished. "" means an ordinary container.
	RestartPolicy RestartPolicy
}

// IsSidecar reports whether c, an init container, is a sidecar: a
// restartable init container, with restartPolicy Always.
func (c *Container) IsSidecar() bool { return c.RestartPolicy == RestartAlways }

// EnvVar is an environment variable: a literal Value, or a FieldPath read
// through the downward API (as JOB_COMPLETION_INDEX is).
type EnvVar struct {
	Name      string
	Value     string
	FieldPath string
}

// Pod is a snapshot of a pod: what `kubectl get pod -o yaml` would show at
// the moment it was taken. Changing it changes nothing in the cluster.
type Pod struct {
	Name      string
	Namespace string
	// UID is unique for the lifetime of the cluster.
	UID string
	// JobName is the name of the Job that owns the pod.
	JobName     string
	Labels      map[string]string
	Annotations map[string]string
	Finalizers  []string
	// CreationTime is metadata.creationTimestamp.
	CreationTime time.Time
	// DeletionTime is metadata.deletionTimestamp: the time by which a
	// deleted pod should be gone (deletion request + grace period). Zero
	// if the pod is not being deleted.
	DeletionTime time.Time
	// DeletionGracePeriod is metadata.deletionGracePeriodSeconds.
	DeletionGracePeriod time.Duration
	// Orphaned reports that the pod has no owner: its Job was deleted
	// with orphan propagation (Cluster.DeleteOrphan). JobName still names
	// the Job that created it.
	Orphaned bool
	Spec     PodSpec
	Status   PodStatus
}

// Index returns the pod's completion index, or -1 if it has none.
func (p Pod) Index() int {
	v, ok := p.Annotations[JobCompletionIndexAnnotation]
	if !ok {
		return -1
	}
	n, ok := parseIndex(v)
	if !ok {
		return -1
	}
	return n
}

// PodStatus mirrors the parts of v1 PodStatus the Job controller reads.
type PodStatus struct {
	Phase      PodPhase
	Conditions []PodCondition
	// StartTime is when the kubelet accepted the pod.
	StartTime time.Time
	// NominatedNodeName is the node where the scheduler preempted pods to
	// make room for this one.
	NominatedNodeName     string
	InitContainerStatuses []ContainerStatus
	ContainerStatuses     []ContainerStatus
}

// Condition returns the pod condition of type t and true, or false if the
// pod has none.
func (s PodStatus) Condition(t PodConditionType) (PodCondition, bool) {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c, true
		}
	}
	return PodCondition{}, false
}

// PodPhase is a pod's phase.
type PodPhase string

// The pod phases.
const (
	PodPending   PodPhase = "Pending"
	PodRunning   PodPhase = "Running"
	PodSucceeded PodPhase = "Succeeded"
	PodFailed    PodPhase = "Failed"
	PodUnknown   PodPhase = "Unknown"
)

// PodConditionType is the type of a pod condition.
type PodConditionType string

// Pod condition types jobsim sets.
const (
	PodScheduled              PodConditionType = "PodScheduled"
	PodReadyToStartContainers PodConditionType = "PodReadyToStartContainers"
	PodInitialized            PodConditionType = "Initialized"
	PodContainersReady        PodConditionType = "ContainersReady"
	PodReady                  PodConditionType = "Ready"
	// DisruptionTarget is added when the control plane disrupts a pod
	// (preemption, eviction, taint manager, pod GC).
	DisruptionTarget PodConditionType = "DisruptionTarget"
)

// PodCondition mirrors v1 PodCondition.
type PodCondition struct {
	Type               PodConditionType
	Status             ConditionStatus
	Reason             string
	Message            string
	LastTransitionTime time.Time
}

// ContainerStatus mirrors v1 ContainerStatus.
type ContainerStatus struct {
	Name string
	// State is the current state; LastTerminationState the state of the
	// previous instance, after a restart.
	State                ContainerState
	LastTerminationState ContainerState
	Ready                bool
	// RestartCount grows by one each time the kubelet restarts the
	// container (not when it exits).
	RestartCount int
	Started      bool
}

// ContainerState holds at most one of its members, as in v1.
type ContainerState struct {
	Waiting    *ContainerStateWaiting
	Running    *ContainerStateRunning
	Terminated *ContainerStateTerminated
}

// ContainerStateWaiting is a container that has not started (again).
type ContainerStateWaiting struct {
	Reason  string
	Message string
}

// ContainerStateRunning is a running container.
type ContainerStateRunning struct {
	StartedAt time.Time
}

// ContainerStateTerminated is a container that exited.
type ContainerStateTerminated struct {
	ExitCode   int
	Reason     string
	StartedAt  time.Time
	FinishedAt time.Time
}

// The cluster's record of a pod.

// pod is the cluster's record of one pod. It is kept compact, and recycled
// once the pod is gone, so that a long job costs memory in proportion to
// the pods that exist, not to those ever created.
// lastRun is a container instance before its restart.
type lastRun struct {
	valid            bool
	started, finishd time.Duration
	exitCode         int
	reason           string
}

type pod struct {
	nameOnce string // name, once asked for
	slot     int32  // position in Cluster.pods
	seq      uint64 // creation sequence number: orders pods, derives the UID
	job      *job
	jobPos   int32 // position in job.pods
	candPos  int32 // position in job.cands, -1 if absent
	ordinal  int   // creation ordinal within the job
	index    int   // completion index, -1 if none
	created  time.Duration

	phase     PodPhase
	finalizer bool
	bound     bool
	started   bool // accepted by the kubelet (status.startTime set)
	startTime time.Duration
	deleting  bool
	delAt     time.Duration // when deletion was requested
	delGrace  time.Duration

	ready   bool
	readyAt time.Duration // last transition of the Ready condition

	// The current container instance (every container of the pod shares
	// it) and the previous one, after a restart.
	cstate    containerPhase
	cStarted  time.Duration
	cFinished time.Duration
	exitCode  int
	exitWhy   string
	last      lastRun
	restarts  int
	endedAt   time.Duration // when it became terminal, its sidecars stopped
	attempt   int           // runs started in this pod
	run       Run
	loop      crashLoop

	timer     sim.Timer
	timerKind timerKind
	timerAt   time.Duration // when the timer fires
	frozen    bool          // the timer waits for the node to recover

	// Scheduling.
	node          *nodeState    // the node it is bound to
	held          *heldRequests // what it takes on the node; nil once given back
	nodePos       int           // position in node.pods while holding
	queuedAt      time.Duration
	boundAt       time.Duration
	unschedulable bool // PodScheduled=False
	unschedAt     time.Duration
	nominated     *nodeState // status.nominatedNodeName after a preemption

	shared   *sharedPod // the snapshot SharedPods keeps, if asked for
	orphaned bool       // its job was deleted with orphan propagation

	disruption   string // reason of the DisruptionTarget condition, if any
	disruptedAt  time.Duration
	match        policyMatch // the pod failure policy's decision, once terminal
	matched      bool
	failureCount int // batch.kubernetes.io/job-index-failure-count
	ignoredCount int // batch.kubernetes.io/job-index-ignored-failure-count
}

type containerPhase uint8

const (
	containerCreating  containerPhase = iota // waiting, never started
	containerRunning                         // running
	containerExited                          // terminated
	containerCrashLoop                       // waiting to restart after an exit
)

type timerKind uint8

const (
	timerNone    timerKind = iota
	timerRunEnd            // the process exits (or is disrupted)
	timerRestart           // CrashLoopBackOff is over
	timerKill              // a deleted pod's process exits or is killed
)

func (p *pod) terminal() bool { return p.phase == PodSucceeded || p.phase == PodFailed }

// active reports whether the Job controller counts p as active.
func (p *pod) active() bool { return !p.terminal() && !p.deleting }

// nameAlphabet is what the API server draws generated-name suffixes from
// (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits).
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// maxGeneratedNameLength is how much of a generateName prefix the API
// server keeps before appending the 5-character suffix.
const maxGeneratedNameLength = 58

func (p *pod) name() string {
	if p.nameOnce == "" {
		p.nameOnce = p.makeName()
	}
	return p.nameOnce
}

// makeName is name, made.
func (p *pod) makeName() string {
	j := p.job
	var prefix string
	if p.index >= 0 && j.indexed() {
		mid := fmt.Sprintf("-%d-", p.index)
		prefix = j.name + mid
		if len(prefix) > maxGeneratedNameLength {
			prefix = prefix[:maxGeneratedNameLength-len(mid)] + mid
		}
	} else {
		prefix = j.name + "-"
		if len(prefix) > maxGeneratedNameLength {
			prefix = prefix[:maxGeneratedNameLength]
		}
	}
	return prefix + nameSuffix(j.key, uint64(p.ordinal))
}

// nameSuffix returns the 5-character generated-name suffix of the n-th pod
// of a job. It is a keyed permutation of n over the 27⁵ possible suffixes,
// so a job's pods never collide (the real API server draws at random and
// retries on a collision) and the names still look random.
func nameSuffix(key, n uint64) string {
	const space = 27 * 27 * 27 * 27 * 27 // 14,348,907 < 2^24
	v := permute24(key, uint32(n%space))
	for v >= space {
		v = permute24(key, v) // cycle-walk back into range
	}
	var b [5]byte
	for i := range b {
		b[i] = nameAlphabet[v%27]
		v /= 27
	}
	return string(b[:])
}

// permute24 is a four-round Feistel permutation of 24-bit values.
func permute24(key uint64, v uint32) uint32 {
	l, r := v>>12, v&0xfff
	for round := uint64(0); round < 4; round++ {
		f := uint32(sim.Mix(key, round<<32|uint64(r))) & 0xfff
		l, r = r, l^f
	}
	return l<<12 | r
}

// uid formats the pod's UID: a version-4-shaped UUID derived from the seed
// and the creation sequence number.
func (c *Cluster) uid(kind, seq uint64) string {
	a := sim.Mix(c.cfg.Seed, kind<<56|seq)
	b := sim.Mix(a, seq)
	return formatUID(a, b)
}

// formatUID formats a and b's bits as a UUID, as fmt's
// "%08x-%04x-4%03x-%04x-%012x" would print them, without its cost: every
// job and pod gets one.
func formatUID(a, b uint64) string {
	var buf [36]byte
	putHex(buf[0:8], uint64(uint32(a>>32)))
	buf[8] = '-'
	putHex(buf[9:13], uint64(uint16(a>>16)))
	buf[13], buf[14] = '-', '4'
	putHex(buf[15:18], uint64(uint16(a)&0xfff))
	buf[18] = '-'
	putHex(buf[19:23], uint64(uint16(b>>48)&0x3fff|0x8000))
	buf[23] = '-'
	putHex(buf[24:36], b&0xffffffffffff)
	return string(buf[:])
}

// putHex writes v's low len(dst) hex digits into dst, zero-padded.
func putHex(dst []byte, v uint64) {
	const digits = "0123456789abcdef"
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = digits[v&0xf]
		v >>= 4
	}
}

// UID kinds, so that a job and a pod never share a UID.
const (
	kindJob     uint64 = 1
	kindPod     uint64 = 2
	kindCronJob uint64 = 3
)

// finishTime is when the controller considers p finished
// (getFinishedTime): its containers' finish time if all terminated (the
// sidecars', which upstream counts too, is the same: they stop when the
// containers exit), else
// when it stopped being Ready, else its deletion request, else its
// creation.
func (p *pod) finishTime() time.Duration {
	switch {
	case p.cstate == containerExited:
		return p.cFinished
	case p.started && !p.ready:
		return p.readyAt
	case p.deleting:
		return p.delAt
	}
	return p.created
}

func (c *Cluster) allocPod() *pod {
	var p *pod
	if n := len(c.spare); n > 0 {
		p = c.spare[n-1]
		c.spare = c.spare[:n-1]
	} else {
		p = new(pod)
	}
	if n := len(c.freePods); n > 0 {
		p.slot = c.freePods[n-1]
		c.freePods = c.freePods[:n-1]
		c.pods[p.slot] = p
	} else {
		p.slot = int32(len(c.pods))
		c.pods = append(c.pods, p)
	}
	return p
}

// lookup returns the pod ref names, or nil if it is gone.
func (c *Cluster) lookup(ref podRef) *pod {
	if int(ref.slot) >= len(c.pods) {
		return nil
	}
	if p := c.pods[ref.slot]; p != nil && p.seq == ref.seq {
		return p
	}
	return nil
}
