package jobsimtest

import (
	"strings"
	"time"

	"github.com/jobsim/jobsim"
)

// Scheduling invariants (checked when the cluster has nodes of finite
// capacity).

// checkScheduling runs after every event.
func (k *Checker) checkScheduling(e jobsim.Event) {
	if e.Time.After(k.instant) {
		k.instant = e.Time
		k.touched = map[string]bool{}
		for n, at := range k.recovered {
			if at.Before(e.Time) {
				delete(k.down, n)
				delete(k.recovered, n)
			}
		}
	}
	nodes := k.h.Nodes()
	byName := map[string]jobsim.NodeView{}
	for _, n := range nodes {
		byName[n.Name] = n
		// No node ever holds more than its capacity.
		if n.Capacity == nil {
			continue // the default node of unlimited capacity
		}
		for r, v := range n.Requested {
			limit, ok := n.Capacity[r]
			if !ok && r == jobsim.ResourcePods {
				limit, ok = 110, true
			}
			if v > limit {
				k.fail(e, "node %s: %s requested %d > capacity %d", n.Name, r, v, limit)
			}
		}
	}
	switch {
	case e.Object.Kind == jobsim.KindNode:
		k.touched[e.Object.Name] = true
		switch e.Reason {
		case jobsim.ReasonNodeFailed:
			k.down[e.Object.Name] = true
			delete(k.recovered, e.Object.Name)
		case jobsim.ReasonNodeReady:
			// Its kubelet catches up during this instant; the node counts
			// as down until the next.
			k.recovered[e.Object.Name] = e.Time
		}
	case e.Object.Kind == jobsim.KindPod:
		p, ok := k.pod(e)
		if !ok {
			return
		}
		if p.Spec.NodeName != "" {
			k.touched[p.Spec.NodeName] = true
		}
		switch e.Reason {
		case jobsim.ReasonScheduled:
			// Bound only to a Ready, schedulable node its selector and
			// required node affinity match.
			n := byName[p.Spec.NodeName]
			if !n.Ready || n.Unschedulable || !p.Spec.MatchesNode(n.Node) {
				k.fail(e, "pod bound to node %s (ready %v, unschedulable %v, labels %v) against selector %v and affinity %+v", n.Name, n.Ready, n.Unschedulable, n.Labels, p.Spec.NodeSelector, p.Spec.Affinity)
			}
		case jobsim.ReasonStarted:
			if n := byName[p.Spec.NodeName]; !n.Ready {
				k.fail(e, "pod started on node %s, which is not Ready", n.Name)
			}
		case jobsim.ReasonFailedScheduling:
			// The scheduler says the pod fits nowhere: check.
			if n, ok := roomFor(nodes, p, nil); ok {
				k.fail(e, "pod declared unschedulable, but node %s has room", n)
			}
		case jobsim.ReasonPreempted:
			k.checkPreemption(e, p)
		}
	}
	// A pod that waited from an earlier instant does not wait while a node
	// has room for it, unless that node's room changed at this instant
	// (the scheduler has not had its pass yet).
	if e.Reason == jobsim.ReasonFailedScheduling {
		return
	}
	for _, js := range k.jobs {
		for _, p := range k.view(js).Pods {
			c, _ := p.Status.Condition(jobsim.PodScheduled)
			if p.Spec.NodeName != "" || !p.DeletionTime.IsZero() || c.Reason != "Unschedulable" || !c.LastTransitionTime.Before(e.Time) {
				continue
			}
			if n, ok := roomFor(nodes, p, k.touched); ok {
				k.fail(e, "pod %s pending since %v although node %s has room", p.Name, c.LastTransitionTime.Format(time.RFC3339), n)
			}
		}
	}
}

// pod finds the pod an event is about.
func (k *Checker) pod(e jobsim.Event) (jobsim.Pod, bool) {
	js := k.jobs[e.Object.Namespace+"/"+e.Job]
	if js == nil {
		return jobsim.Pod{}, false
	}
	for _, p := range k.view(js).Pods {
		if p.Name == e.Object.Name {
			return p, true
		}
	}
	return jobsim.Pod{}, false
}

// roomFor returns a Ready, schedulable node, not in skip, that matches p's
// selector and required node affinity and has room for p's requests.
func roomFor(nodes []jobsim.NodeView, p jobsim.Pod, skip map[string]bool) (string, bool) {
	req := jobsim.ResourceList{jobsim.ResourcePods: 1}
	for _, ct := range p.Spec.Containers {
		for r, v := range ct.Requests {
			req[r] += v
		}
	}
	for _, ct := range p.Spec.InitContainers {
		for r, v := range ct.Requests {
			req[r] = max(req[r], v)
		}
	}
	for _, n := range nodes {
		if skip[n.Name] || !n.Ready || n.Unschedulable || !p.Spec.MatchesNode(n.Node) {
			continue
		}
		if n.Capacity == nil {
			return n.Name, true
		}
		fits := true
		for r, v := range req {
			limit, ok := n.Capacity[r]
			if !ok && r == jobsim.ResourcePods {
				limit = 110
			}
			if v > 0 && v > limit-n.Requested[r] {
				fits = false
			}
		}
		if fits {
			return n.Name, true
		}
	}
	return "", false
}

// checkPreemption: no pod is preempted by one of equal or lower priority.
func (k *Checker) checkPreemption(e jobsim.Event, victim jobsim.Pod) {
	// "Preempted by pod UID on node NAME"
	fields := strings.Fields(e.Message)
	if len(fields) < 4 {
		k.fail(e, "unexpected preemption message %q", e.Message)
		return
	}
	uid := fields[3]
	for _, js := range k.jobs {
		for _, p := range k.view(js).Pods {
			if p.UID == uid && p.Spec.Priority <= victim.Spec.Priority {
				k.fail(e, "pod %s (priority %d) preempted by %s of priority %d", victim.Name, victim.Spec.Priority, p.Name, p.Spec.Priority)
			}
		}
	}
}
