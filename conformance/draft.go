package conformance

import "time"

// Draft is a scenario in a form the explorer can generate, shrink and
// write: the subset of the scenario format that Generate draws from.
type Draft struct {
	// StartTenths puts the start that many tenths of a second past a
	// whole second: the API's timestamps keep whole seconds of the wall
	// clock, not of the scenario's time.
	StartTenths int
	// Until stops both sides; 0 means run to the end.
	Until time.Duration
	// Jobs are submitted in order, each at its At.
	Jobs []DraftJob
	// Pools are the cluster's nodes; none means the one node of
	// unlimited capacity.
	Pools []DraftPool
	// PriorityClasses are the scenario's priority classes; none leaves
	// every pod at priority 0.
	PriorityClasses []DraftPriorityClass
	// PDBs are the scenario's PodDisruptionBudgets.
	PDBs []DraftPDB
	// StartHour puts the start that many hours past midnight (UTC) of
	// the start's day, for daily schedules to fall in the run.
	StartHour int
	// CronJobs are created at the start.
	CronJobs []DraftCronJob
	// Outage, if not nil, stops the CronJob controller for a while.
	Outage *DraftOutage
}

// DraftPriorityClass is a priority class.
type DraftPriorityClass struct {
	Name  string
	Value int
	// GlobalDefault makes it the class of pods that name none.
	GlobalDefault bool
	// Never sets preemptionPolicy Never: its pods wait, preempting none.
	Never bool
}

// DraftPDB is a PodDisruptionBudget over one job's pods (those with its
// batch.kubernetes.io/job-name label). One of MinAvailable and
// MaxUnavailable is set.
type DraftPDB struct {
	Name string
	// Job is the name of the job whose pods it selects.
	Job                          string
	MinAvailable, MaxUnavailable *int
}

// DraftTaint is a node taint.
type DraftTaint struct {
	Key, Value string
	// Effect is NoSchedule, PreferNoSchedule or NoExecute.
	Effect string
}

// DraftPool is a pool of identical nodes.
type DraftPool struct {
	// Name is the pool's name, Count its number of nodes.
	Name  string
	Count int
	// MilliCPU, MemoryMi and GPU are each node's capacity (GPU as
	// nvidia.com/gpu, none when 0).
	MilliCPU, MemoryMi, GPU int
	// Labels are each node's labels.
	Labels map[string]string
	// Taints are each node's taints.
	Taints []DraftTaint
}

// DraftPlacement is what a job's pods ask of the scheduler.
type DraftPlacement struct {
	// MilliCPU, MemoryMi and GPU are each pod's requests (0: none).
	MilliCPU, MemoryMi, GPU int
	// NodeSelector is the template's nodeSelector.
	NodeSelector map[string]string
	// Affinity is a required node affinity of one term.
	Affinity []DraftRequirement
	// Preferred are preferred node affinity terms of one requirement
	// each.
	Preferred []DraftPreferred
	// Tolerations are the template's tolerations.
	Tolerations []DraftToleration
	// Spread are the template's topologySpreadConstraints.
	Spread []DraftSpread
	// PodAffinity are pod affinity and anti-affinity terms.
	PodAffinity []DraftPodAffinity
	// Gates are the template's schedulingGates.
	Gates []string
	// PriorityClass is priorityClassName; "" leaves it unset.
	PriorityClass string
}

// DraftPreferred is a preferred node affinity term: one requirement and
// its weight (1 to 100).
type DraftPreferred struct {
	Weight      int
	Requirement DraftRequirement
}

// DraftToleration is a toleration; Seconds, set only with the effect
// NoExecute, is tolerationSeconds.
type DraftToleration struct {
	// Operator is Equal or Exists (Value then empty).
	Key, Operator, Value string
	// Effect is the taint effect it tolerates; "" tolerates them all.
	Effect  string
	Seconds *int
}

// DraftSelector selects pods by their jobs' labels: those of the job
// named Job (its batch.kubernetes.io/job-name label), or, when Job is
// empty, every job's pods (job-name Exists).
type DraftSelector struct {
	Job string
}

// DraftSpread is a topology spread constraint.
type DraftSpread struct {
	// TopologyKey is the zone or hostname label.
	TopologyKey string
	MaxSkew     int
	// When is whenUnsatisfiable: DoNotSchedule or ScheduleAnyway.
	When string
	// MinDomains, with DoNotSchedule only, is minDomains.
	MinDomains *int
	// NodeAffinityPolicy and NodeTaintsPolicy are Honor, Ignore or ""
	// (unset).
	NodeAffinityPolicy, NodeTaintsPolicy string
	// MatchLabelKeys are label keys of the pod itself.
	MatchLabelKeys []string
	Selector       DraftSelector
}

// DraftPodAffinity is a pod affinity or anti-affinity term, required
// when Weight is 0, else preferred with that weight.
type DraftPodAffinity struct {
	Anti   bool
	Weight int
	// TopologyKey is the zone or hostname label.
	TopologyKey string
	Selector    DraftSelector
}

// DraftRequirement is a node selector requirement.
type DraftRequirement struct {
	Key, Operator string
	Values        []string
}

// DraftJob is one job of a Draft. Nil pointers leave a field unset.
type DraftJob struct {
	// Name is metadata.name.
	Name string
	// At is when it is submitted, in seconds after the start.
	At int
	// External sets managedBy to a controller other than the built-in
	// one, which then leaves the job alone.
	External bool
	// Indexed selects completionMode Indexed.
	Indexed bool
	// Completions is spec.completions; nil is work-queue mode (NonIndexed
	// only).
	Completions *int
	// Parallelism is spec.parallelism.
	Parallelism *int
	// BackoffLimit, BackoffLimitPerIndex and MaxFailedIndexes are the
	// spec fields of those names.
	BackoffLimit, BackoffLimitPerIndex, MaxFailedIndexes *int
	// ActiveDeadline is activeDeadlineSeconds.
	ActiveDeadline *int
	// Suspend creates the job suspended.
	Suspend bool
	// OnFailure selects restartPolicy OnFailure rather than Never.
	OnFailure bool
	// PodReplacementPolicy is spec.podReplacementPolicy; "" leaves it unset.
	PodReplacementPolicy string
	// Grace is the template's terminationGracePeriodSeconds.
	Grace *int
	// FailureRules are the podFailurePolicy's rules, SuccessRules the
	// successPolicy's.
	FailureRules []DraftRule
	SuccessRules []DraftSuccessRule
	// Default is the run of container starts nothing else decides.
	Default DraftRun
	// Runs are scripted per key.
	Runs map[int][]DraftRun
	// Actions are done in order.
	Actions []DraftAction
	// Placement, if not nil, is what its pods ask of the scheduler.
	Placement *DraftPlacement
}

// DraftRule is a podFailurePolicy rule: on exit codes (Operator In or
// NotIn Codes) or on a pod condition (Operator "").
type DraftRule struct {
	// Action is FailJob, FailIndex, Ignore or Count.
	Action string
	// Operator is In, NotIn, or "" for a pod condition.
	Operator string
	// Codes are the exit codes, increasing.
	Codes []int
	// Condition is the pod condition's type when Operator is "";
	// "" means DisruptionTarget.
	Condition string
	// Status is the condition's status; "" leaves it to its default, True.
	Status string
}

// DraftSuccessRule is a successPolicy rule; nil fields are unset.
type DraftSuccessRule struct {
	// Indexes is succeededIndexes.
	Indexes *string
	// Count is succeededCount.
	Count *int
}

// DraftRun is one container run, as the scenario format's runs.
type DraftRun struct {
	// Run is how many seconds it runs, plus Quarters quarter seconds.
	Run      int
	Quarters int
	// Exit is its exit code.
	Exit int
	// Term is how many seconds it takes to exit after SIGTERM.
	Term int
	// Disrupt, if not empty, disrupts the pod at Run with this reason.
	Disrupt string
	// Forever makes it never exit; Run and Exit are ignored.
	Forever bool
}

// DraftAction is an edit or the deletion of a job at a time (seconds).
type DraftAction struct {
	At               int
	Suspend          *bool
	Parallelism      *int
	Completions      *int // Indexed only, always with the same Parallelism
	ActiveDeadline   *int
	BackoffLimit     *int
	MaxFailedIndexes *int
	Replacement      string // podReplacementPolicy; "" leaves it
	Delete           bool
	RemoveGates      []string // removeSchedulingGates
}

func pint(n int) *int { return &n }

// DraftCronJob is a CronJob of a Draft, created at the start. Its Jobs
// have backoffLimit 0 and Pods pods (completions and parallelism), and
// restartPolicy Never. Nil pointers leave a field unset.
type DraftCronJob struct {
	// Name is metadata.name.
	Name string
	// Schedule is spec.schedule, TimeZone spec.timeZone ("" unset).
	Schedule, TimeZone string
	// Policy is spec.concurrencyPolicy; "" leaves it unset (Allow).
	Policy string
	// Deadline is startingDeadlineSeconds.
	Deadline *int
	// SuccessLimit and FailedLimit are successfulJobsHistoryLimit and
	// failedJobsHistoryLimit.
	SuccessLimit, FailedLimit *int
	// Pods is each Job's completions and parallelism.
	Pods int
	// Default is the run of the pods of every Job; Jobs replaces it for
	// the Jobs of some creation ordinals.
	Default DraftRun
	Jobs    map[int]DraftRun
	// Actions are edits of the CronJob, in time order.
	Actions []DraftCronAction
}

// DraftCronAction is an edit of a CronJob at a time (At seconds, plus
// half a second).
type DraftCronAction struct {
	At       int
	Suspend  *bool
	Schedule string // "" leaves it
	Policy   string // concurrencyPolicy; "" leaves it
}

// DraftOutage is an outage of the CronJob controller: down at Down, up
// at Up (seconds, plus half a second).
type DraftOutage struct {
	Down, Up int
}
