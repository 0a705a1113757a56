package jobsim

import (
	"fmt"
	"time"
)

// Event is one entry of a simulation's history: a Kubernetes Event (what
// `kubectl get events` would list), or a change to a Job or a CronJob
// that Kubernetes reports through a watch rather than an Event (a status
// write, a spec edit, the deletion).
type Event struct {
	// Time is the virtual time of the event.
	Time time.Time
	// Object is the Job, Pod, Node or CronJob the event is about.
	Object ObjectRef
	// Job is the name of the Job the object belongs to (the Job itself
	// for Job events); "" for Node and CronJob events, whose Related
	// names the Job a CronJob event is about.
	Job string
	// Type is Normal or Warning for Kubernetes Events, Change for watch
	// changes.
	Type EventType
	// Reason is Kubernetes' reason for the event where one exists
	// (SuccessfulCreate, BackoffLimitExceeded, Started ...). Changes use
	// Created, StatusUpdated, SpecUpdated and Deleted.
	Reason string
	// Message is the human-readable message, in Kubernetes' wording where
	// Kubernetes has one.
	Message string
	// Related names the pod a Job event is about (SuccessfulCreate,
	// SuccessfulDelete), the Job a CronJob event is about
	// (SuccessfulCreate, SuccessfulDelete, SawCompletedJob, UnexpectedJob,
	// MissingJob), the node of a Scheduled pod, or the preemptor of a
	// Preempted pod; "" otherwise.
	Related string
	// Exited marks the event of a container's end (reason Completed,
	// Error, ContainerStatusUnknown ...), and ExitCode is then its exit
	// code.
	Exited   bool
	ExitCode int
}

// String formats the event on one line: time since the Unix epoch is not
// meaningful, so it prints the RFC 3339 time.
func (e Event) String() string {
	return fmt.Sprintf("%s %s %s %s: %s", e.Time.Format(time.RFC3339), e.Object, e.Type, e.Reason, e.Message)
}

// EventType classifies an Event.
type EventType string

// The event types.
const (
	EventNormal  EventType = "Normal"
	EventWarning EventType = "Warning"
	// EventChange is a change to an object, as a watch would report it.
	EventChange EventType = "Change"
)

// Reasons of Change events: on Jobs and CronJobs, and Deleted on a pod
// when it is removed from the API (its deletion done, or the garbage
// collection of a finished pod), after its removal.
const (
	ReasonCreated       = "Created"
	ReasonStatusUpdated = "StatusUpdated"
	ReasonSpecUpdated   = "SpecUpdated"
	ReasonDeleted       = "Deleted"
)

// Reasons of the Kubernetes Events the Job controller records on a Job
// (pkg/controller/job/job_controller.go). A Job that fails records the
// reason of its Failed condition (JobReasonBackoffLimitExceeded ...).
const (
	ReasonSuccessfulCreate     = "SuccessfulCreate"
	ReasonSuccessfulDelete     = "SuccessfulDelete"
	ReasonSuspended            = "Suspended"
	ReasonResumed              = "Resumed"
	ReasonCompleted            = "Completed"
	ReasonTooManySucceededPods = "TooManySucceededPods"
)

// Reasons of the Kubernetes Events recorded on a Pod: by the scheduler
// (Scheduled, FailedScheduling, Preempted) and by the kubelet (Started,
// BackOff, Killing, and the container's end: Completed, Error or
// ContainerStatusUnknown). A disrupted pod records the reason of its
// DisruptionTarget condition (DisruptionEvictionAPI ...).
const (
	ReasonScheduled              = "Scheduled"
	ReasonFailedScheduling       = "FailedScheduling"
	ReasonPreempted              = "Preempted"
	ReasonStarted                = "Started"
	ReasonBackOff                = "BackOff"
	ReasonKilling                = "Killing"
	ReasonExitCompleted          = "Completed"
	ReasonExitError              = "Error"
	ReasonContainerStatusUnknown = "ContainerStatusUnknown"
)

// Reasons of the DisruptionTarget pod condition, and of the Event that
// reports the disruption, by the component that disrupts the pod.
const (
	DisruptionEvictionAPI  = "EvictionByEvictionAPI"
	DisruptionPreemption   = "PreemptionByScheduler"
	DisruptionTaintManager = "DeletionByTaintManager"
	DisruptionPodGC        = "DeletionByPodGC"
	DisruptionKubelet      = "TerminationByKubelet"
)

// Reasons of the Kubernetes Events recorded on a Node.
const (
	ReasonNodeFailed         = "NodeFailed"
	ReasonNodeNotReady       = "NodeNotReady"
	ReasonNodeNotSchedulable = "NodeNotSchedulable"
	ReasonNodeReady          = "NodeReady"
)

// The kinds of object an ObjectRef names.
const (
	KindJob     = "Job"
	KindPod     = "Pod"
	KindNode    = "Node"
	KindCronJob = "CronJob"
)

// ObjectRef names a Job, a Pod, a Node or a CronJob.
type ObjectRef struct {
	Kind      string // KindJob, KindPod, KindNode or KindCronJob
	Namespace string
	Name      string
}

// String returns kubectl's short form: job/NAME, pod/NAME, node/NAME or
// cronjob/NAME.
func (r ObjectRef) String() string {
	switch r.Kind {
	case KindJob:
		return "job/" + r.Name
	case KindCronJob:
		return "cronjob/" + r.Name
	case KindPod:
		return "pod/" + r.Name
	case KindNode:
		return "node/" + r.Name
	}
	return r.Kind + "/" + r.Name
}

// An Observer is told of every Event, in order, as it happens. It is
// called on the simulation goroutine and must not change the Cluster
// (reading views is fine): it sees the cluster in the middle of a step.
// To change the cluster in answer to an event (submit a Job when another
// completes), use Cluster.React.
type Observer interface {
	Observe(e Event)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(e Event)

// Observe calls f(e).
func (f ObserverFunc) Observe(e Event) { f(e) }
