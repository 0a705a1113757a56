package manifest

import (
	"fmt"
	"os"
	"time"

	"github.com/jobsim/jobsim"
)

// The scenario format, apiVersion jobsim/v1alpha1, kind Scenario. See
// docs/scenario.md for the reference.
const (
	ScenarioAPIVersion = "jobsim/v1alpha1"
	ScenarioKind       = "Scenario"
)

// DefaultSeed is the seed of a scenario that names none, and of a plain
// manifest.
const DefaultSeed = 1

// DefaultHorizon is how long a simulation may run when no `until` stops
// it earlier: it ends when nothing is left to happen, or 720 hours (30
// days) after its start, whichever comes first.
const DefaultHorizon = 720 * time.Hour

// Options adjust how inputs are read. The zero value reads files from the
// file system and changes nothing.
type Options struct {
	// ReleaseName, if not empty, replaces {{ .Release.Name }} (any
	// spacing) in manifests and scenarios before they are read, as
	// `helm template` would for that release. Other Helm markup is still
	// a problem.
	ReleaseName string
	// Seed, if not nil, replaces the scenario's seed (and the default
	// seed of a plain manifest).
	Seed *uint64
	// ReadFile reads a file named by a path; nil means os.ReadFile. The
	// manifests a scenario names are read through it too, at paths
	// relative to the scenario's directory.
	ReadFile func(name string) ([]byte, error)
	// Version, if not zero, replaces the scenario's kubernetesVersion
	// (jobsim.Latest for a plain manifest).
	Version jobsim.Version
	// FeatureGates are set over the scenario's featureGates, gate by
	// gate.
	FeatureGates map[string]bool
	// Until, if not 0, is the until the scenario will be run with
	// (SimOptions.Until): a scenario with CronJobs then needs none of
	// its own.
	Until time.Duration
}

func (o Options) readFile(name string) ([]byte, error) {
	if o.ReadFile != nil {
		return o.ReadFile(name)
	}
	return os.ReadFile(name)
}

// Scenario is what to simulate: the jobs, when they are submitted, how
// their pods behave and what is done to them while they run. A plain
// manifest is read as a scenario whose jobs are all submitted at the start
// and behave as their pod templates' annotations say.
type Scenario struct {
	// File is the scenario's path, as given to Load or Parse.
	File string
	// IsScenario is true for a scenario file (kind: Scenario) and false
	// for a plain manifest.
	IsScenario bool
	// Seed is the root of every random draw; DefaultSeed when unset.
	Seed uint64
	// Start is the virtual time the simulation starts at; the Unix epoch
	// when unset.
	Start time.Time
	// Until stops the clock this long after Start; 0 means no limit but
	// DefaultHorizon.
	Until time.Duration
	// KubernetesVersion is the release simulated (kubernetesVersion:
	// "1.36"); zero means jobsim.Latest.
	KubernetesVersion jobsim.Version
	// FeatureGates are the feature gates set over the version's
	// defaults (featureGates: {Name: true}).
	FeatureGates map[string]bool
	// Nodes describes the cluster's nodes, in pools of identical nodes;
	// nil means one node, node-0, of unlimited capacity.
	Nodes []NodePool
	// PriorityClasses says what the pods' priorityClassName means.
	PriorityClasses []PriorityClass
	// RuntimeClasses say what the pods' runtimeClassName means: the
	// overhead and scheduling the API server's admission gives them.
	// With none, each name the jobs use is a class with neither.
	RuntimeClasses []jobsim.RuntimeClass
	// Faults happen to nodes at given times.
	Faults []Fault
	// PodDisruptionBudgets limit the voluntary disruptions of the pods
	// they select (pdbs:).
	PodDisruptionBudgets []jobsim.PodDisruptionBudget
	// Scheduler configures the scheduler; nil means its defaults.
	Scheduler *Scheduler
	// Jobs are the jobs to submit, in the order of the file.
	Jobs []*ScenarioJob
	// CronJobs are the CronJobs to create (cronJobs:), in the order of
	// the file.
	CronJobs []*ScenarioCronJob
	// Notices tell about what was skipped while reading.
	Notices []Notice

	gateLines map[string]int // featureGates key → line
}

// ScenarioJob is one job of a scenario.
type ScenarioJob struct {
	// Manifest is the Job.
	Manifest *Job
	// At is when it is submitted, after the scenario's start.
	At time.Duration
	// Pods says how its containers behave.
	Pods Pods
	// Actions are the edits and the deletion made while it runs, in the
	// order of the file.
	Actions []Action
	// UID is the UID the job gets when it is submitted.
	UID string

	path     string      // field path in the scenario, "jobs[0]"
	line     int         // its line in the scenario
	runLines map[int]int // pods.runs key → line
	// mostCompletions is the largest completions valid actions set.
	mostCompletions int
}

// Pods says how a job's containers behave: each container start takes a
// jobsim.Run. Runs scripted for a key come first; past the end of a key's
// list, and for keys not listed, Random applies if it is set, else
// Default, else the pod template's annotations (jobsim.TemplateBehavior).
type Pods struct {
	// Default is the run of every container start that nothing else
	// decides; nil means the template's annotations.
	Default *jobsim.Run
	// Runs are scripted runs per key: the completion index for Indexed
	// jobs, the pod's creation ordinal for NonIndexed ones (see
	// jobsim.Script).
	Runs map[int][]jobsim.Run
	// Random draws runs at random instead of Default.
	Random *jobsim.Random
}

// Behavior returns the jobsim.Behavior that p describes for a job with
// pod template t.
func (p Pods) Behavior(t jobsim.PodTemplate) jobsim.Behavior {
	var then jobsim.Behavior
	switch {
	case p.Random != nil:
		then = *p.Random
	case p.Default != nil:
		then = jobsim.Always(*p.Default)
	default:
		then = jobsim.TemplateBehavior(t)
	}
	if len(p.Runs) == 0 {
		return then
	}
	return jobsim.Script(p.Runs, then)
}

// Action is a change made to a running job at a given time, as `kubectl
// edit` or `kubectl delete` would. Nil fields are left as they are.
type Action struct {
	// At is when, after the scenario's start.
	At time.Duration
	// Delete deletes the job (and, through the garbage collector, its
	// pods); it comes alone.
	Delete bool

	// The fields a running Job lets one change (ValidateJobSpecUpdate in
	// pkg/apis/batch/validation/validation.go).
	Suspend              *bool                        // spec.suspend
	Parallelism          *int                         // spec.parallelism
	Completions          *int                         // spec.completions: Indexed jobs, in tandem with parallelism
	ActiveDeadline       *time.Duration               // spec.activeDeadlineSeconds
	BackoffLimit         *int                         // spec.backoffLimit
	MaxFailedIndexes     *int                         // spec.maxFailedIndexes
	TTLAfterFinished     *time.Duration               // spec.ttlSecondsAfterFinished
	PodReplacementPolicy *jobsim.PodReplacementPolicy // spec.podReplacementPolicy

	// RemoveSchedulingGates removes these scheduling gates from the
	// job's pods that exist then and are not bound to a node yet, as a
	// client's update of each pod would. It changes no field of the Job:
	// pods created later get the template's gates.
	RemoveSchedulingGates []string

	// CompletionMode, BackoffLimitPerIndex and ManagedBy are immutable:
	// an action that changes them is refused, as the API server would.
	CompletionMode       *jobsim.CompletionMode // spec.completionMode
	BackoffLimitPerIndex *int                   // spec.backoffLimitPerIndex
	ManagedBy            *string                // spec.managedBy

	path      string         // "jobs[0].actions[1]"
	line      int            // line of the action
	lines     map[string]int // key → line
	gateLines []int          // line of each of RemoveSchedulingGates
	gatePaths []string       // field path of each of RemoveSchedulingGates
}

// editsSpec reports whether the action changes the Job's spec.
func (a *Action) editsSpec() bool {
	for k := range a.lines {
		if k != "delete" && k != "removeSchedulingGates" {
			return true
		}
	}
	return false
}

// Apply makes the action's changes to a spec.
func (a *Action) Apply(s *jobsim.JobSpec) {
	if a.Suspend != nil {
		s.Suspend = *a.Suspend
	}
	if a.Parallelism != nil {
		s.Parallelism = jobsim.Ptr(*a.Parallelism)
	}
	if a.Completions != nil {
		s.Completions = jobsim.Ptr(*a.Completions)
	}
	if a.ActiveDeadline != nil {
		s.ActiveDeadline = jobsim.Ptr(*a.ActiveDeadline)
	}
	if a.BackoffLimit != nil {
		s.BackoffLimit = jobsim.Ptr(*a.BackoffLimit)
	}
	if a.MaxFailedIndexes != nil {
		s.MaxFailedIndexes = jobsim.Ptr(*a.MaxFailedIndexes)
	}
	if a.TTLAfterFinished != nil {
		s.TTLAfterFinished = jobsim.Ptr(*a.TTLAfterFinished)
	}
	if a.PodReplacementPolicy != nil {
		s.PodReplacementPolicy = *a.PodReplacementPolicy
	}
	if a.CompletionMode != nil {
		s.CompletionMode = *a.CompletionMode
	}
	if a.BackoffLimitPerIndex != nil {
		s.BackoffLimitPerIndex = jobsim.Ptr(*a.BackoffLimitPerIndex)
	}
	if a.ManagedBy != nil {
		s.ManagedBy = *a.ManagedBy
	}
}

// NodePool is a group of identical nodes, named NAME-0 to NAME-(Count-1).
type NodePool struct {
	Name  string // the pool's name, the prefix of its nodes' names
	Count int    // how many nodes, at least 1
	// Labels are each node's labels, which pods' nodeSelectors match.
	Labels map[string]string
	// Capacity is each node's allocatable capacity, in jobsim's units
	// (jobsim.ResourceList): cpu in millicores ("4" is 4000), memory in
	// bytes ("16Gi"), pods and extended resources (nvidia.com/gpu) as
	// counts. A resource left out is 0, except pods: 110.
	Capacity jobsim.ResourceList
	// Taints are each node's taints.
	Taints []jobsim.Taint
	// Zones spread the pool's nodes over zones: node i gets the label
	// topology.kubernetes.io/zone: Zones[i % len(Zones)].
	Zones []string
	// Region, if not empty, is each node's topology.kubernetes.io/region
	// label.
	Region string
}

// NodeLabels returns the labels of the pool's node i: the pool's labels,
// its zone and its region. (The cluster adds the labels a kubelet gives
// its node: kubernetes.io/hostname, kubernetes.io/os and
// kubernetes.io/arch.)
func (np NodePool) NodeLabels(i int) map[string]string {
	labels := cloneMap(np.Labels)
	if len(np.Zones) > 0 || np.Region != "" {
		if labels == nil {
			labels = map[string]string{}
		}
		if len(np.Zones) > 0 {
			labels[jobsim.LabelZone] = np.Zones[i%len(np.Zones)]
		}
		if np.Region != "" {
			labels[jobsim.LabelRegion] = np.Region
		}
	}
	return labels
}

// NodeNames returns the names of the pool's nodes.
func (np NodePool) NodeNames() []string {
	names := make([]string, np.Count)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d", np.Name, i)
	}
	return names
}

// Scheduler configures the scheduler of a scenario (the scheduler: field).
type Scheduler struct {
	// Scoring is LeastAllocated (spread pods; the default) or
	// MostAllocated (pack them).
	Scoring string
	// Latency is how long a new pod waits before the scheduler first tries
	// to place it.
	Latency time.Duration
}

// The scoring policies a scenario may name.
const (
	ScoringLeastAllocated = "LeastAllocated"
	ScoringMostAllocated  = "MostAllocated"
)

// PriorityClass is a scheduling.k8s.io/v1 PriorityClass: what a pod's
// priorityClassName means.
type PriorityClass struct {
	Name             string // a DNS subdomain, not starting with system-
	Value            int32  // the priority; at most 1000000000
	GlobalDefault    bool   // the class of pods that name none
	PreemptionPolicy string // PreemptLowerPriority (the default) or Never
	Description      string // free text
}

// FaultAction is what a Fault does to its node.
type FaultAction string

// The fault actions.
const (
	FaultFail    FaultAction = "fail"
	FaultDrain   FaultAction = "drain"
	FaultRecover FaultAction = "recover"
)

// Fault happens to a node, or to a controller, at a given time.
type Fault struct {
	At   time.Duration // when, after the scenario's start
	Node string        // the node's name, such as pool-a-1; "" for a controller's fault
	// Controller is the controller that stops (FaultDown) or starts
	// (FaultUp): ControllerCronJob; "" for a node's fault.
	Controller string
	Action     FaultAction // what happens to it

	path     string // "faults[0]"
	line     int    // its line
	nodeLine int    // the line of its node, 0 if it names none
}
