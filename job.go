package jobsim

import "time"

// Job is a batch/v1 Job as jobsim sees it: the metadata and spec a user
// submits. It uses Go types for units (time.Duration for the ...Seconds
// fields, int for counts) and nil pointers where the API leaves a field
// unset. Submit fills in the API server's defaults (SetDefaults) and
// validates it before anything is simulated.
type Job struct {
	// Name is the Job's metadata.name: a DNS-1123 subdomain.
	Name string
	// Namespace is the Job's namespace; "" means "default".
	Namespace string
	// Labels and Annotations are the Job's own metadata. When Labels is
	// empty, defaulting copies the template's labels, as the API server does.
	Labels      map[string]string
	Annotations map[string]string
	// Spec is what the Job should do.
	Spec JobSpec
}

// JobSpec mirrors batch/v1 JobSpec. Each field's zero value means what the
// API means when the field is omitted; SetDefaults makes the defaults
// explicit.
type JobSpec struct {
	// Parallelism is the most pods that may run at once. nil means 1.
	// 0 pauses the job: running pods are deleted, none are created.
	// Mutable while the job runs.
	Parallelism *int
	// Completions is how many pods must succeed. nil (with Parallelism
	// set, or both nil after defaulting sets both to 1) means work-queue
	// mode: the job completes once any pod has succeeded and none is active.
	Completions *int
	// CompletionMode is NonIndexed ("" after defaulting) or Indexed.
	CompletionMode CompletionMode
	// BackoffLimit is how many counted pod failures the job tolerates.
	// nil means 6, or 2147483647 when BackoffLimitPerIndex is set.
	// Mutable.
	BackoffLimit *int
	// BackoffLimitPerIndex limits failures per completion index (Indexed
	// jobs only). nil turns per-index limits off.
	BackoffLimitPerIndex *int
	// MaxFailedIndexes fails the job once more indexes than this have
	// failed. Requires BackoffLimitPerIndex. Mutable.
	MaxFailedIndexes *int
	// ActiveDeadline is activeDeadlineSeconds: how long the job may be
	// active, measured from status.startTime (as the API stores it, to the
	// second). It must be whole seconds.
	// nil means no deadline. Mutable.
	ActiveDeadline *time.Duration
	// TTLAfterFinished is ttlSecondsAfterFinished: the finished job and its
	// pods are deleted this long after the job finished (after the second
	// it finished in, as the API stores the time). Whole seconds; nil
	// means never. Mutable.
	TTLAfterFinished *time.Duration
	// Suspend stops the job: active pods are deleted and none are created
	// until it is set back to false. Mutable.
	Suspend bool
	// PodFailurePolicy decides what a failed pod means for the job.
	PodFailurePolicy *PodFailurePolicy
	// SuccessPolicy lets an Indexed job succeed before all indexes have.
	SuccessPolicy *SuccessPolicy
	// PodReplacementPolicy says when a replacement pod may be created.
	// "" means Failed when PodFailurePolicy is set, else
	// TerminatingOrFailed. Mutable.
	PodReplacementPolicy PodReplacementPolicy
	// ManualSelector is manualSelector: the user chose the job's selector
	// and the pod labels it matches, so the API server adds none of its own
	// (controller-uid, job-name) to the pods.
	ManualSelector bool
	// ManagedBy names the controller that manages the job. "" (or
	// JobControllerName) means the built-in Job controller; a job managed
	// by anyone else is never synced.
	ManagedBy string
	// Template is the pod template.
	Template PodTemplate
}

// CompletionMode is batch/v1 completionMode.
type CompletionMode string

// The completion modes.
const (
	NonIndexed CompletionMode = "NonIndexed"
	Indexed    CompletionMode = "Indexed"
)

// PodReplacementPolicy is batch/v1 podReplacementPolicy.
type PodReplacementPolicy string

// The pod replacement policies.
const (
	// ReplaceTerminatingOrFailed replaces a pod as soon as it is being
	// deleted (and counts it failed then).
	ReplaceTerminatingOrFailed PodReplacementPolicy = "TerminatingOrFailed"
	// ReplaceFailed waits until the pod has reached phase Failed.
	ReplaceFailed PodReplacementPolicy = "Failed"
)

// JobControllerName is the managedBy value of the built-in Job controller.
const JobControllerName = "kubernetes.io/job-controller"

// PodFailurePolicy is batch/v1 podFailurePolicy: rules checked in order
// against each failed pod; the first that matches decides.
type PodFailurePolicy struct {
	Rules []PodFailurePolicyRule
}

// PodFailurePolicyAction is what a matching rule does.
type PodFailurePolicyAction string

// The pod failure policy actions.
const (
	// ActionFailJob fails the whole job at once.
	ActionFailJob PodFailurePolicyAction = "FailJob"
	// ActionFailIndex fails the pod's index (needs BackoffLimitPerIndex).
	ActionFailIndex PodFailurePolicyAction = "FailIndex"
	// ActionIgnore does not count the failure toward any limit.
	ActionIgnore PodFailurePolicyAction = "Ignore"
	// ActionCount counts the failure as usual.
	ActionCount PodFailurePolicyAction = "Count"
)

// PodFailurePolicyRule has exactly one of OnExitCodes and OnPodConditions.
type PodFailurePolicyRule struct {
	Action          PodFailurePolicyAction
	OnExitCodes     *PodFailurePolicyOnExitCodes
	OnPodConditions []PodFailurePolicyOnPodCondition
}

// PodFailurePolicyOperator compares a container's exit code with Values.
type PodFailurePolicyOperator string

// The exit-code operators.
const (
	OpIn    PodFailurePolicyOperator = "In"
	OpNotIn PodFailurePolicyOperator = "NotIn"
)

// PodFailurePolicyOnExitCodes matches a container that terminated with a
// non-zero exit code In (or NotIn) Values.
type PodFailurePolicyOnExitCodes struct {
	// ContainerName restricts the rule to one container; "" means any.
	ContainerName string
	Operator      PodFailurePolicyOperator
	// Values are the exit codes, strictly increasing.
	Values []int
}

// PodFailurePolicyOnPodCondition matches a pod condition by type and
// status.
type PodFailurePolicyOnPodCondition struct {
	Type string
	// Status is True, False or Unknown; "" means True.
	Status ConditionStatus
}

// SuccessPolicy is batch/v1 successPolicy (Indexed jobs only): the job
// succeeds once any rule is satisfied.
type SuccessPolicy struct {
	Rules []SuccessPolicyRule
}

// SuccessPolicyRule is satisfied when the listed indexes succeeded (all of
// them, or SucceededCount of them), or, with only SucceededCount, when that
// many indexes succeeded.
type SuccessPolicyRule struct {
	// SucceededIndexes is an interval list such as "0,2-5"; nil means
	// unset.
	SucceededIndexes *string
	// SucceededCount is a number of indexes; nil means unset.
	SucceededCount *int
}

// JobStatus mirrors batch/v1 JobStatus. Times are virtual; a zero time.Time
// means the field is unset.
type JobStatus struct {
	// Conditions in the order they were first added.
	Conditions []JobCondition
	// StartTime is when the job was first (or, after a resume, last)
	// started.
	StartTime time.Time
	// CompletionTime is set only when the job is Complete.
	CompletionTime time.Time
	// Active counts pods that are neither terminal nor being deleted.
	Active int
	// Ready counts active pods whose Ready condition is true.
	Ready int
	// Terminating counts pods being deleted that are not terminal yet.
	Terminating int
	// Succeeded counts succeeded pods (Indexed: succeeded indexes).
	Succeeded int
	// Failed counts failed pods, except those a policy ignored.
	Failed int
	// CompletedIndexes lists the succeeded indexes of an Indexed job as
	// an interval string ("1,3-5,7").
	CompletedIndexes string
	// FailedIndexes lists failed indexes when BackoffLimitPerIndex is set;
	// nil otherwise.
	FailedIndexes *string
}

// Condition returns the condition of type t and true, or false if the job
// has none.
func (s JobStatus) Condition(t JobConditionType) (JobCondition, bool) {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c, true
		}
	}
	return JobCondition{}, false
}

// IsTrue reports whether the job has condition t with status True.
func (s JobStatus) IsTrue(t JobConditionType) bool {
	c, ok := s.Condition(t)
	return ok && c.Status == ConditionTrue
}

// Finished reports whether the job is Complete or Failed.
func (s JobStatus) Finished() bool {
	return s.IsTrue(JobComplete) || s.IsTrue(JobFailed)
}

// JobCondition mirrors batch/v1 JobCondition.
type JobCondition struct {
	Type               JobConditionType
	Status             ConditionStatus
	Reason             string
	Message            string
	LastProbeTime      time.Time
	LastTransitionTime time.Time
}

// JobConditionType is the type of a JobCondition.
type JobConditionType string

// The Job condition types.
const (
	JobSuspended          JobConditionType = "Suspended"
	JobComplete           JobConditionType = "Complete"
	JobFailed             JobConditionType = "Failed"
	JobFailureTarget      JobConditionType = "FailureTarget"
	JobSuccessCriteriaMet JobConditionType = "SuccessCriteriaMet"
)

// ConditionStatus is True, False or Unknown.
type ConditionStatus string

// The condition statuses.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// Reasons the Job controller gives in conditions and events.
const (
	JobReasonPodFailurePolicy         = "PodFailurePolicy"
	JobReasonBackoffLimitExceeded     = "BackoffLimitExceeded"
	JobReasonDeadlineExceeded         = "DeadlineExceeded"
	JobReasonMaxFailedIndexesExceeded = "MaxFailedIndexesExceeded"
	JobReasonFailedIndexes            = "FailedIndexes"
	JobReasonSuccessPolicy            = "SuccessPolicy"
	JobReasonCompletionsReached       = "CompletionsReached"
	JobReasonSuspended                = "JobSuspended"
	JobReasonResumed                  = "JobResumed"
)

// Well-known label, annotation and finalizer names on Jobs and their pods.
const (
	JobCompletionIndexAnnotation          = "batch.kubernetes.io/job-completion-index"
	JobIndexFailureCountAnnotation        = "batch.kubernetes.io/job-index-failure-count"
	JobIndexIgnoredFailureCountAnnotation = "batch.kubernetes.io/job-index-ignored-failure-count"
	JobTrackingFinalizer                  = "batch.kubernetes.io/job-tracking"
	JobNameLabel                          = "batch.kubernetes.io/job-name"
	ControllerUIDLabel                    = "batch.kubernetes.io/controller-uid"
	LegacyJobNameLabel                    = "job-name"
	LegacyControllerUIDLabel              = "controller-uid"
	// CompletionIndexEnv is the environment variable that carries the
	// completion index into every container of an Indexed job's pods.
	CompletionIndexEnv = "JOB_COMPLETION_INDEX"
)

// Ptr returns a pointer to v, for the optional fields of JobSpec:
// Spec.Completions = jobsim.Ptr(5).
func Ptr[T any](v T) *T { return &v }
