package jobsim

import "time"

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
	// containers start.
	InitContainers []Container
	// Containers all run the same container run (see Behavior) at once.
	Containers []Container
	// TerminationGracePeriod is terminationGracePeriodSeconds: how long a
	// deleted pod's processes get between SIGTERM and SIGKILL. Whole
	// seconds; nil means 30 s.
	TerminationGracePeriod *time.Duration
	// NodeSelector restricts the pod to nodes with all these labels.
	NodeSelector map[string]string
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
}

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
	Spec                PodSpec
	Status              PodStatus
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
