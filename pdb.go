package jobsim

// PodDisruptionBudgets as preemption reads them: a budget's
// status.disruptionsAllowed, as the disruption controller keeps it, is
// how many of its pods may go now.

// DeepCopy returns a copy of b that shares nothing with it.
func (b PodDisruptionBudget) DeepCopy() PodDisruptionBudget {
	b.Selector, b.MinAvailable, b.MaxUnavailable = cloneSelector(b.Selector), clonePtr(b.MinAvailable), clonePtr(b.MaxUnavailable)
	return b
}

// budget is a compiled PodDisruptionBudget.
type budget struct {
	ns  string
	sel selector
	pdb PodDisruptionBudget
}

// selects reports whether q is one of the budget's pods: in its namespace
// and matched by a selector that is not empty (an empty one selects
// nothing here, as in the scheduler's filterPodsWithPDBViolation).
func (b *budget) selects(q *pod) bool {
	return q.job.ns == b.ns && !b.sel.empty() && b.sel.matches(q.label)
}

// allowed is status.disruptionsAllowed: the budget's healthy pods (Ready
// and not being deleted) beyond minAvailable. With maxUnavailable or a
// percentage the disruption controller needs the pods' controller to
// have a scale subresource to count the pods expected, and a Job has
// none: it fails safe and allows no disruption.
func (s *scheduler) allowed(b *budget) int {
	if b.pdb.MaxUnavailable != nil || b.pdb.MinAvailable == nil || b.pdb.MinAvailable.Percent {
		return 0
	}
	healthy := 0
	for _, n := range s.nodes {
		for _, q := range n.pods {
			if q.ready && !q.deleting && b.selects(q) {
				healthy++
			}
		}
	}
	return max(0, healthy-int(b.pdb.MinAvailable.Value))
}

// pdbViolations splits victims, keeping their order, into those whose
// removal would take some budget below zero and the others
// (filterPodsWithPDBViolation).
func (s *scheduler) pdbViolations(victims []*pod) (violating, other []*pod) {
	if len(s.budgets) == 0 {
		return nil, victims
	}
	left := make([]int, len(s.budgets))
	for i := range s.budgets {
		left[i] = s.allowed(&s.budgets[i])
	}
	for _, q := range victims {
		bad := false
		for i := range s.budgets {
			if s.budgets[i].selects(q) {
				left[i]--
				bad = bad || left[i] < 0
			}
		}
		if bad {
			violating = append(violating, q)
		} else {
			other = append(other, q)
		}
	}
	return violating, other
}

// evictionAllowed reports whether the eviction API lets p go now: every
// budget that selects it allows a disruption. A pod not Ready does not
// count against its budgets, as the API lets such pods go.
func (s *scheduler) evictionAllowed(p *pod) bool { return s.blockingBudget(p) == "" }

// blockingBudget names the first budget that keeps p from being evicted
// now, or is "".
func (s *scheduler) blockingBudget(p *pod) string {
	for i := range s.budgets {
		if b := &s.budgets[i]; b.selects(p) && p.ready && s.allowed(b) < 1 {
			return b.pdb.Name
		}
	}
	return ""
}

// DisruptionBudgetError is EvictPod's refusal when a PodDisruptionBudget
// allows no disruption of the pod now (the eviction API's 429).
type DisruptionBudgetError struct {
	// Pod is the pod's name, Budget the PodDisruptionBudget's.
	Pod, Budget string
}

// Error formats the error as the eviction API does.
func (e *DisruptionBudgetError) Error() string {
	return "Cannot evict pod as it would violate the pod's disruption budget."
}
