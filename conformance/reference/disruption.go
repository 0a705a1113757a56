package reference

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// disruptionMessages is the message each writer of the DisruptionTarget
// pod condition gives it, by the condition's reason, as Kubernetes writes
// it, the same from 1.34 to 1.37 (files under k8s.io/kubernetes).
var disruptionMessages = map[string]string{
	// pkg/registry/core/pod/storage/eviction.go, addConditionAndDeletePod
	// (the eviction subresource's conditionAppender).
	"EvictionByEvictionAPI": "Eviction API: evicting",
	// pkg/scheduler/framework/preemption/preemption.go, NewEvaluator's
	// PreemptPod: "%s: preempting to accommodate a higher priority pod"
	// with the preemptor's spec.schedulerName, here the default one.
	corev1.PodReasonPreemptionByScheduler: fmt.Sprintf("%s: preempting to accommodate a higher priority pod", corev1.DefaultSchedulerName),
	// pkg/controller/tainteviction/taint_eviction.go,
	// addConditionAndDeletePod.
	"DeletionByTaintManager": "Taint manager: deleting due to NoExecute taint",
	// pkg/controller/podgc/gc_controller.go, PodGCController.gcOrphaned.
	"DeletionByPodGC": "PodGC: node no longer exists",
	// pkg/kubelet/eviction/eviction_manager.go, managerImpl.synchronize,
	// whose message is evictionMessage's (pkg/kubelet/eviction/helpers.go):
	// nodeLowMessageFmt, "The node was low on resource: %v. ", here for
	// memory. The threshold and per-container usage it appends after that
	// come from node statistics, which this kubelet does not keep. (The
	// kubelet's other writers of this reason have their own messages:
	// nodeShutdownMessage in pkg/kubelet/nodeshutdown/nodeshutdown_manager.go
	// and the critical-pod preemption's in pkg/kubelet/preemption/preemption.go.)
	corev1.PodReasonTerminationByKubelet: fmt.Sprintf("The node was low on resource: %v. ", corev1.ResourceMemory),
}

// disruptionMessage returns the DisruptionTarget condition's message for
// reason, or "" for a reason no Kubernetes component writes.
func disruptionMessage(reason string) string {
	return disruptionMessages[reason]
}
