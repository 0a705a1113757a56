package jobsim

import (
	"fmt"
	"slices"
)

// Scheduling gates (the SchedulingGates plugin): a pod created with
// spec.schedulingGates is not scheduled, and shows PodScheduled False
// with reason SchedulingGated, until every gate is removed, as a
// controller such as Kueue removes them through the API.

// The PodScheduled condition of a gated pod, as the API server sets it.
const (
	ReasonSchedulingGated  = "SchedulingGated"
	schedulingGatedMessage = "Scheduling is blocked due to non-empty scheduling gates"
)

// RemoveSchedulingGates removes gates from the pod's spec.schedulingGates,
// as an update of the pod through the API does; gates it does not have
// are left alone. Once none is left the pod is scheduled. It returns a
// *PodNotFoundError for an unknown pod, and an error for a pod already
// bound to a node, whose gates the API no longer lets change.
func (c *Cluster) RemoveSchedulingGates(ns, name string, gates ...string) error {
	p := c.podByName(ns, name)
	if p == nil {
		return &PodNotFoundError{Namespace: ns, Name: name}
	}
	j := p.job
	left, ok := j.gated[p.seq]
	if !ok {
		if p.bound {
			return fmt.Errorf("pods %q is invalid: spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate", name)
		}
		return nil
	}
	left = slices.DeleteFunc(left, func(g string) bool { return slices.Contains(gates, g) })
	if len(left) > 0 {
		j.gated[p.seq] = left
		c.podChanged(p)
		return nil
	}
	delete(j.gated, p.seq)
	if !p.deleting && !p.terminal() {
		c.queueForScheduling(p)
	}
	c.podChanged(p)
	return nil
}

// gate records the template's gates on a new pod of j, and reports
// whether it has any (then it waits).
func (j *job) gate(p *pod) bool {
	gates := j.spec.Template.Spec.SchedulingGates
	if len(gates) == 0 {
		return false
	}
	if j.gated == nil {
		j.gated = map[uint64][]string{}
	}
	j.gated[p.seq] = slices.Clone(gates)
	return true
}
