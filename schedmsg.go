package jobsim

import (
	"fmt"
	"slices"
	"strings"
)

// The scheduler's messages: why a pod fits on no node, in kube-scheduler's
// words (the Unschedulable condition and the FailedScheduling event).

// nodeReasons returns why j's pod does not fit n: a node the NodeAffinity
// PreFilter leaves out (its node names) fails before any filter; the
// others fail the first of kube-scheduler's filter plugins, in their
// order (NodeUnschedulable, TaintToleration, NodeAffinity,
// NodeResourcesFit). It also reports whether preemption could help (only
// for a lack of resources).
func (s *scheduler) nodeReasons(j *job, n *nodeState) (reasons []string, resolvable bool) {
	f := j.filter
	switch {
	case f != nil && f.conflict:
		return []string{reasonAffinityConflict}, false
	case f != nil && !f.admits(&n.spec):
		return []string{reasonPreFilterNodes}, false
	case n.cordoned:
		return []string{reasonUnschedulableNode}, false
	case !n.ready:
		return []string{reasonTaint}, false
	case f == nil && !matchesSelector(n.spec.Labels, j.spec.Template.Spec.NodeSelector),
		f != nil && !f.matches(&n.spec):
		return []string{reasonSelector}, false
	}
	if n.unlimit {
		return nil, false
	}
	if j.unknownRes != "" {
		return []string{"Insufficient " + j.unknownRes}, true
	}
	if j.req[resPods] > n.alloc[resPods]-n.used[resPods] {
		reasons = append(reasons, "Too many pods")
	}
	for r, q := range j.req {
		if r != resPods && q > 0 && q > n.alloc[r]-n.used[r] {
			reasons = append(reasons, "Insufficient "+s.res[r])
		}
	}
	return reasons, len(reasons) > 0
}

// fitError is kube-scheduler's message for a pod that fits nowhere
// (FitError.Error), with the preemption attempt's message after it. When
// a PreFilter refused the pod, its message replaces the nodes' reasons.
func (s *scheduler) fitError(j *job, preempted string) string {
	if f := j.filter; f != nil && f.conflict {
		return fmt.Sprintf("0/%d nodes are available: %s.%s", len(s.nodes), reasonAffinityConflict, preempted)
	}
	hist := map[string]int{}
	for _, n := range s.nodes {
		reasons, _ := s.nodeReasons(j, n)
		for _, r := range reasons {
			hist[r]++
		}
	}
	return fmt.Sprintf("0/%d nodes are available: %s.%s", len(s.nodes), histogram(hist), preempted)
}

// histogram formats reason counts as "2 Insufficient cpu, 1 Too many
// pods", sorted as strings as kube-scheduler does.
func histogram(hist map[string]int) string {
	var parts []string
	for r, n := range hist {
		parts = append(parts, fmt.Sprintf("%d %s", n, r))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// unschedulableMessage returns the Unschedulable condition's message for a
// pending pod of j, computing it now if it was not recorded.
func (s *scheduler) unschedulableMessage(j *job) string {
	if j.unschedMsg == "" {
		post := ""
		if j.lazyPreempt {
			post = s.noVictimsMessage(j)
		}
		return s.fitError(j, post)
	}
	return j.unschedMsg
}

// noVictimsMessage is the preemption's message when no pod of lower
// priority runs anywhere.
func (s *scheduler) noVictimsMessage(j *job) string {
	if j.preemptNever {
		return " preemption: not eligible due to preemptionPolicy=Never."
	}
	hist := map[string]int{}
	for _, n := range s.nodes {
		if _, resolvable := s.nodeReasons(j, n); resolvable {
			hist[reasonNoVictims]++
		} else {
			hist[reasonNotHelpful]++
		}
	}
	return fmt.Sprintf(" preemption: 0/%d nodes are available: %s.", len(s.nodes), histogram(hist))
}
