package manifest

import (
	"fmt"

	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	eventsv1 "github.com/jobsim/jobsim/internal/k8s/eventsv1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"

	"github.com/jobsim/jobsim"
)

// The components that record Kubernetes Events about Jobs and their pods,
// as an Event's source.component (reportingController) names them.
const (
	SourceJobController = "job-controller"
	SourceScheduler     = "default-scheduler"
	SourceKubelet       = "kubelet"
	SourceTaintEviction = "taint-eviction-controller"
	SourceNodeLifecycle = "node-controller"
	SourceCronJob       = "cronjob-controller"
)

// ReasonTaintManagerEviction is the reason of the Event the taint-eviction
// controller records when it deletes a pod (pkg/controller/tainteviction).
const ReasonTaintManagerEviction = "TaintManagerEviction"

// EventSource returns the component that records the Kubernetes Event of
// e: the Job controller for a Job's, the CronJob controller for a
// CronJob's, the node lifecycle controller for a node's NodeNotReady; for
// a pod's, the scheduler (Scheduled, FailedScheduling, Preempted) or the
// taint-eviction controller; the kubelet for the others.
func EventSource(e jobsim.Event) string {
	switch e.Object.Kind {
	case jobsim.KindJob:
		return SourceJobController
	case jobsim.KindCronJob:
		return SourceCronJob
	case jobsim.KindNode:
		if e.Reason == jobsim.ReasonNodeNotReady {
			return SourceNodeLifecycle
		}
		return SourceKubelet
	}
	switch e.Reason {
	case jobsim.ReasonScheduled, jobsim.ReasonFailedScheduling, jobsim.ReasonPreempted:
		return SourceScheduler
	case ReasonTaintManagerEviction:
		return SourceTaintEviction
	}
	return SourceKubelet
}

// Recorded returns the Kubernetes Event recorded for e, and false if
// Kubernetes records none. Changes (jobsim.EventChange) are what a watch
// reports, not Events. jobsim reports a container's exit, and the reason
// of a pod's DisruptionTarget condition, as events of the pod: Kubernetes
// records none for an exit, and for a disruption only the taint-eviction
// controller's "Marking for deletion" (the scheduler's Preempted event is
// reported apart, as Kubernetes records it).
func Recorded(e jobsim.Event) (jobsim.Event, bool) {
	if e.Type == jobsim.EventChange {
		return e, false
	}
	if e.Object.Kind != jobsim.KindPod {
		return e, true
	}
	if e.Exited {
		return e, false
	}
	switch e.Reason {
	case jobsim.DisruptionTaintManager:
		e.Type, e.Reason = jobsim.EventNormal, ReasonTaintManagerEviction
		e.Message = "Marking for deletion Pod " + e.Object.Namespace + "/" + e.Object.Name
	case jobsim.DisruptionEvictionAPI, jobsim.DisruptionPreemption, jobsim.DisruptionPodGC, jobsim.DisruptionKubelet:
		return e, false
	}
	return e, true
}

// involved returns the reference to the object of e, without its uid
// (which the caller knows, if anyone).
func involved(e jobsim.Event) corev1.ObjectReference {
	ref := corev1.ObjectReference{Kind: e.Object.Kind, Namespace: e.Object.Namespace, Name: e.Object.Name, APIVersion: "v1"}
	if e.Object.Kind == jobsim.KindJob || e.Object.Kind == jobsim.KindCronJob {
		ref.APIVersion = "batch/v1"
	}
	return ref
}

// eventName is the name of an Event about e's object: the object's name
// and a hexadecimal number, as the recorders make it from the time; n is
// added to the time's nanoseconds to tell apart the events of one object
// at one instant.
func eventName(e jobsim.Event, n uint64) string {
	return fmt.Sprintf("%s.%x", e.Object.Name, uint64(e.Time.UnixNano())+n)
}

// eventNamespace is the namespace an Event about e's object is kept in:
// the object's, or default for a node's.
func eventNamespace(e jobsim.Event) string {
	if e.Object.Namespace == "" {
		return metav1.NamespaceDefault
	}
	return e.Object.Namespace
}

// EventObject returns the v1 Event the API server holds for e once it is
// recorded, as `kubectl get events -o yaml` shows it, and false if
// Kubernetes records no Event for e (see Recorded). Its name is the
// object's and a hexadecimal number made of the time and n, which tells
// apart the events of one object at one instant (a counter of the run's
// events, say). It is the Event as first recorded: count 1, the first and
// last timestamps at e's time (the recorders' aggregation of repeats is
// not applied). The involved object's uid is left empty: the caller knows
// it.
func EventObject(e jobsim.Event, n uint64) (*corev1.Event, bool) {
	e, ok := Recorded(e)
	if !ok {
		return nil, false
	}
	t := metav1.NewTime(e.Time)
	src := EventSource(e)
	return &corev1.Event{
		TypeMeta:            metav1.TypeMeta{APIVersion: "v1", Kind: "Event"},
		ObjectMeta:          metav1.ObjectMeta{Name: eventName(e, n), Namespace: eventNamespace(e), CreationTimestamp: t},
		InvolvedObject:      involved(e),
		Reason:              e.Reason,
		Message:             e.Message,
		Source:              corev1.EventSource{Component: src},
		FirstTimestamp:      t,
		LastTimestamp:       t,
		Count:               1,
		Type:                string(e.Type),
		ReportingController: src,
	}, true
}

// EventV1Object returns the events.k8s.io/v1 Event of e, as EventObject
// returns the v1 one: the same Event read through the newer API (note is
// the message, regarding the involved object, eventTime its time).
func EventV1Object(e jobsim.Event, n uint64) (*eventsv1.Event, bool) {
	v1, ok := EventObject(e, n)
	if !ok {
		return nil, false
	}
	ev := &eventsv1.Event{
		TypeMeta:                 metav1.TypeMeta{APIVersion: "events.k8s.io/v1", Kind: "Event"},
		ObjectMeta:               v1.ObjectMeta,
		EventTime:                metav1.NewMicroTime(e.Time),
		ReportingController:      v1.ReportingController,
		ReportingInstance:        v1.ReportingController,
		Reason:                   v1.Reason,
		Regarding:                v1.InvolvedObject,
		Note:                     v1.Message,
		Type:                     v1.Type,
		DeprecatedSource:         v1.Source,
		DeprecatedFirstTimestamp: v1.FirstTimestamp,
		DeprecatedLastTimestamp:  v1.LastTimestamp,
		DeprecatedCount:          v1.Count,
	}
	return ev, true
}
