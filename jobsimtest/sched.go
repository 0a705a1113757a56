package jobsimtest

import (
	"slices"
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
		k.antiSeen = k.anti // as the instant began
		for n, at := range k.recovered {
			if at.Before(e.Time) {
				delete(k.down, n)
				delete(k.recovered, n)
			}
		}
	}
	nodes := k.nodes()
	if !k.antiSeen && k.antiAffinity(nodes) {
		k.antiSeen = true
	}
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
		case jobsim.ReasonNodeNotReady:
			k.notReadyAt[e.Object.Name] = e.Time
		case jobsim.ReasonNodeReady:
			// Its kubelet catches up during this instant; the node counts
			// as down until the next.
			k.recovered[e.Object.Name] = e.Time
			delete(k.notReadyAt, e.Object.Name)
		}
	case e.Object.Kind == jobsim.KindJob && e.Reason == jobsim.ReasonSuccessfulDelete:
		// The controller deleted a pod: a terminating pod leaves its
		// node's room at once, before the scheduler's next pass.
		if js := k.jobs[e.Object.Namespace+"/"+e.Job]; js != nil {
			if r := js.pods[e.Related]; r != nil && r.view.Spec.NodeName != "" {
				k.touched[r.view.Spec.NodeName] = true
			}
			for _, p := range k.view(js).Pods {
				if p.Name == e.Related && p.Spec.NodeName != "" {
					k.touched[p.Spec.NodeName] = true
				}
			}
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
			k.checkBinding(e, p, nodes)
		case jobsim.ReasonStarted:
			if n := byName[p.Spec.NodeName]; !n.Ready {
				k.fail(e, "pod started on node %s, which is not Ready", n.Name)
			}
		case jobsim.ReasonFailedScheduling:
			// The scheduler says the pod fits nowhere: check.
			if n, ok := k.roomFor(nodes, p, nil); ok {
				k.fail(e, "pod declared unschedulable, but node %s has room", n)
			}
		case jobsim.ReasonPreempted:
			k.checkPreemption(e, p)
		case jobsim.DisruptionTaintManager:
			if n, ok := byName[p.Spec.NodeName]; ok {
				k.checkTaintEviction(e, p, n)
			}
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
			k.checkGates(e, p)
			c, _ := p.Status.Condition(jobsim.PodScheduled)
			if p.Spec.NodeName != "" || !p.DeletionTime.IsZero() || c.Reason != "Unschedulable" || !c.LastTransitionTime.Before(e.Time) {
				continue
			}
			// Where the pod may go depends on the other pods when it has
			// pod affinity, anti-affinity or spread constraints, or some
			// bound pod had anti-affinity at this instant: a change on any
			// node at this instant may change that of every other.
			if len(k.touched) > 0 && (interPod(p) || k.antiSeen) {
				continue
			}
			if n, ok := k.roomFor(nodes, p, k.touched); ok {
				k.fail(e, "pod %s pending since %v although node %s has room", p.Name, c.LastTransitionTime.Format(time.RFC3339), n)
			}
		}
	}
}

// pod finds the pod an event is about.
func (k *Checker) pod(e jobsim.Event) (*jobsim.Pod, bool) {
	js := k.jobs[e.Object.Namespace+"/"+e.Job]
	if js == nil {
		return nil, false
	}
	for _, p := range k.view(js).Pods {
		if p.Name == e.Object.Name {
			return p, true
		}
	}
	return nil, false
}

// roomFor returns a node, not in skip, that passes every filter for p:
// its taints, including the lifecycle ones of a cordoned or not-Ready
// node, are tolerated; it matches p's selector and required node affinity;
// it has room for p's requests; p's spread constraints and the pods'
// required affinity and anti-affinity allow it.
func (k *Checker) roomFor(nodes []jobsim.NodeView, p *jobsim.Pod, skip map[string]bool) (string, bool) {
	req := jobsim.PodRequests(p.Spec)
	req[jobsim.ResourcePods] = 1
	byName := map[string]*jobsim.NodeView{}
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
	}
	var others []placed
	directed := interPod(p) || k.antiAffinity(nodes)
	if directed {
		others = k.boundPods(byName, p.UID)
	}
	tols := tolerations(p.Spec)
	for i, n := range nodes {
		if skip[n.Name] || !p.Spec.MatchesNode(n.Node) {
			continue
		}
		if _, bad := untolerated(nodeTaints(n), tols); bad {
			continue
		}
		if directed && (interPodViolation(p, &nodes[i], others) != "" || spreadViolation(p, &nodes[i], nodes, others) != "") {
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
func (k *Checker) checkPreemption(e jobsim.Event, victim *jobsim.Pod) {
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

// checkBinding checks a Scheduled event: the node the pod is bound to
// passes the filters of kube-scheduler's default profile that the checker
// can judge from the views.
func (k *Checker) checkBinding(e jobsim.Event, p *jobsim.Pod, nodes []jobsim.NodeView) {
	byName := map[string]*jobsim.NodeView{}
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
	}
	n := byName[p.Spec.NodeName]
	if n == nil {
		k.fail(e, "pod bound to node %q, which the cluster does not have", p.Spec.NodeName)
		return
	}
	if len(p.Spec.SchedulingGates) > 0 {
		k.fail(e, "pod with scheduling gates %v bound to node %s (SchedulingGates.PreEnqueue)", p.Spec.SchedulingGates, n.Name)
	}
	// NodeAffinity.Filter: its nodeSelector and required node affinity
	// match the node.
	if !p.Spec.MatchesNode(n.Node) {
		k.fail(e, "pod bound to node %s (labels %v) against selector %v and affinity %+v (NodeAffinity.Filter)", n.Name, n.Labels, p.Spec.NodeSelector, p.Spec.Affinity)
	}
	// TaintToleration.Filter and NodeUnschedulable.Filter: it tolerates
	// every NoSchedule and NoExecute taint the node shows at the binding,
	// the lifecycle ones of a cordoned or not-Ready node included, with
	// the tolerations the API server admitted it with.
	if t, bad := untolerated(nodeTaints(*n), tolerations(p.Spec)); bad {
		k.fail(e, "pod bound to node %s (ready %v, unschedulable %v) whose taint %s it does not tolerate (TaintToleration.Filter, NodeUnschedulable.Filter)", n.Name, n.Ready, n.Unschedulable, taintString(t))
	}
	if !interPod(p) && !k.antiAffinity(nodes) {
		return
	}
	others := k.boundPods(byName, p.UID)
	if msg := interPodViolation(p, n, others); msg != "" {
		k.fail(e, "%s", msg)
	}
	if msg := spreadViolation(p, n, nodes, others); msg != "" {
		k.fail(e, "%s", msg)
	}
}

// taintString prints a taint as kubectl does: key=value:effect.
func taintString(t jobsim.Taint) string {
	if t.Value == "" {
		return t.Key + ":" + string(t.Effect)
	}
	return t.Key + "=" + t.Value + ":" + string(t.Effect)
}

// antiAffinity reports whether some pod bound to a node has required
// anti-affinity, which then bears on every pod's placement.
func (k *Checker) antiAffinity(nodes []jobsim.NodeView) bool {
	if k.antiAt == k.seq {
		return k.anti
	}
	k.antiAt, k.anti = k.seq, false
	for _, js := range k.jobs {
		// Pods take their template's anti-affinity, which no update
		// changes (it is not one of the mutable scheduling directives):
		// a job without it needs no fresh view.
		if len(podAntiAffinity(js.view.Job.Spec.Template.Spec)) == 0 {
			continue
		}
		for _, p := range k.view(js).Pods {
			if p.Spec.NodeName != "" && len(podAntiAffinity(p.Spec)) > 0 && p.Status.Phase != jobsim.PodSucceeded && p.Status.Phase != jobsim.PodFailed {
				k.anti = true
				return true
			}
		}
	}
	return false
}

// checkGates: a pod with scheduling gates is not bound, and shows
// PodScheduled False with reason SchedulingGated, as the API server sets
// it when it creates the pod (applySchedulingGatedCondition,
// pkg/registry/core/pod/strategy.go); the SchedulingGates plugin keeps it
// out of the scheduling queue (PreEnqueue), and pod validation refuses
// a nodeName next to gates.
func (k *Checker) checkGates(e jobsim.Event, p *jobsim.Pod) {
	if len(p.Spec.SchedulingGates) == 0 {
		return
	}
	if p.Spec.NodeName != "" {
		k.fail(e, "pod %s has scheduling gates %v but is bound to node %s (SchedulingGates.PreEnqueue)", p.Name, p.Spec.SchedulingGates, p.Spec.NodeName)
	}
	if c, ok := p.Status.Condition(jobsim.PodScheduled); !ok || c.Status != jobsim.ConditionFalse || c.Reason != jobsim.ReasonSchedulingGated {
		k.fail(e, "pod %s has scheduling gates %v but PodScheduled %q/%q, not False/SchedulingGated (applySchedulingGatedCondition)", p.Name, p.Spec.SchedulingGates, c.Status, c.Reason)
	}
}

// checkTaintEviction checks an eviction by the taint manager from a node
// that is not Ready (pkg/controller/tainteviction/taint_eviction.go): it
// comes when the shortest tolerationSeconds of the tolerations the pod
// uses for the node's NoExecute taints runs out (getMinTolerationTime),
// counted from when the node got the unreachable NoExecute taint (its
// NodeNotReady event) or the pod was bound, if later; at once if the pod
// does not tolerate one of them; never if none of the tolerations it uses
// has tolerationSeconds. Evictions from Ready nodes stand for NoExecute
// taints the history does not show (a Behavior's Disrupt) and are not
// checked.
func (k *Checker) checkTaintEviction(e jobsim.Event, p *jobsim.Pod, n jobsim.NodeView) {
	taintedAt, ok := k.notReadyAt[n.Name]
	if n.Ready || !ok {
		return
	}
	var boundAt time.Time
	if c, ok := p.Status.Condition(jobsim.PodScheduled); ok && c.Status == jobsim.ConditionTrue {
		boundAt = c.LastTransitionTime
	}
	if boundAt.After(taintedAt) {
		taintedAt = boundAt
	}
	tols := tolerations(p.Spec)
	// wait is the time the tolerations used allow, or -1 for ever.
	wait := func(taints []jobsim.Taint) time.Duration {
		w := time.Duration(-1)
		for _, t := range taints {
			if t.Effect != jobsim.TaintNoExecute {
				continue
			}
			used := false
			for i := range tols {
				if !tols[i].ToleratesTaint(&t) {
					continue
				}
				used = true
				if d := tols[i].TolerationPeriod; d != nil && (w < 0 || max(*d, 0) < w) {
					w = max(*d, 0)
				}
			}
			if !used {
				return 0
			}
		}
		return w
	}
	w := wait(nodeTaints(n))
	// The node's own NoExecute taints were there when the pod was bound:
	// their tolerations may run out first.
	own := time.Duration(-1)
	if slices.ContainsFunc(n.Taints, func(t jobsim.Taint) bool { return t.Effect == jobsim.TaintNoExecute }) {
		own = wait(n.Taints)
	}
	if w < 0 && own < 0 {
		k.fail(e, "pod evicted by the taint manager from node %s, whose NoExecute taints it tolerates for ever (getMinTolerationTime)", n.Name)
		return
	}
	earliest := taintedAt.Add(w)
	if w < 0 || own >= 0 && boundAt.Add(own).Before(earliest) {
		earliest = boundAt.Add(own)
	}
	if e.Time.Before(earliest) {
		k.fail(e, "pod evicted by the taint manager %v after node %s was tainted NoExecute (%v), before its toleration of %v ran out (getMinTolerationTime)",
			e.Time.Sub(taintedAt), n.Name, taintedAt.Format(time.RFC3339), w)
	}
}
