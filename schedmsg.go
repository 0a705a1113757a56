package jobsim

import (
	"fmt"
	"slices"
	"strings"
)

// The scheduler's messages: why a pod fits on no node, in kube-scheduler's
// words (the Unschedulable condition and the FailedScheduling event).

// fitError is kube-scheduler's message for a pod that fits nowhere
// (FitError.Error), with the preemption attempt's message after it. When
// a PreFilter refused the pod, its message replaces the nodes' reasons.
func (s *scheduler) fitError(j *job, preempted string) string {
	if preempted != "" && s.c.prof.draPostFilter {
		// DynamicResources' PostFilter runs first and has nothing to free
		// (1.34 to 1.36); its reason and the preemption's are joined.
		preempted = " no new claims to deallocate," + preempted
	}
	if f := j.filter; f != nil && f.conflict {
		return fmt.Sprintf("0/%d nodes are available: %s.%s", len(s.nodes), reasonAffinityConflict, preempted)
	}
	hist := map[string]int{}
	cy := s.newCycle(j, nil)
	for _, n := range s.nodes {
		reasons, _ := s.filter(cy, n)
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
	cy := s.newCycle(j, nil)
	for _, n := range s.nodes {
		if _, resolvable := s.filter(cy, n); resolvable {
			hist[reasonNoVictims]++
		} else {
			hist[reasonNotHelpful]++
		}
	}
	return fmt.Sprintf(" preemption: 0/%d nodes are available: %s.", len(s.nodes), histogram(hist))
}
