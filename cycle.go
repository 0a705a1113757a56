package jobsim

import (
	"math"
)

// The exact scheduling cycle: every node through kube-scheduler's filter
// plugins, in the default profile's order, then the feasible ones through
// its score plugins, weighted and normalised as upstream does, the best
// chosen, ties broken from the seed (kube-scheduler breaks them at
// random). kube-scheduler itself looks at every node in clusters of up to
// 100 nodes (above that it scores a sample: percentageOfNodesToScore); so
// does jobsim here. The class search of scheduler.go serves the pods and
// clusters where the outcome is the same or the cluster is larger.

// cycle is what a scheduling cycle computes once for a pod before
// looking at the nodes (the PreFilter state): the counts of matching
// pods per topology domain.
type cycle struct {
	j *job
	// gone leaves out pods (the victims a preemption considers); nil
	// leaves out none.
	gone map[*pod]bool
	// Per hard spread constraint, the matching pods per domain of the
	// nodes that count, and the smallest such count.
	spread []map[string]int
	minNum []int
	// Pod affinity: the domains of pods matching all the required affinity
	// terms (per term's key), of pods matching each required anti-affinity
	// term, and of existing pods whose anti-affinity the pod matches.
	affinity, anti, existingAnti map[topoPair]int
}

// newCycle computes the cycle state of j's next pod.
func (s *scheduler) newCycle(j *job, gone map[*pod]bool) *cycle {
	d := j.dir
	if d == nil && s.antiPods == 0 && gone == nil {
		s.plain = cycle{j: j} // nothing to count: no need to allocate
		return &s.plain
	}
	cy := &cycle{j: j, gone: gone}
	if d == nil && s.antiPods == 0 {
		return cy
	}
	if d != nil && len(d.hard) > 0 {
		cy.spread = make([]map[string]int, len(d.hard))
		cy.minNum = make([]int, len(d.hard))
		for i := range d.hard {
			cy.spread[i] = map[string]int{}
		}
		for _, n := range s.nodes {
			if !hasKeys(n, d.hard) {
				continue
			}
			for i := range d.hard {
				c := &d.hard[i]
				if !s.counts(j, n, c) {
					continue
				}
				cy.spread[i][n.spec.Labels[c.key]] += cy.countMatching(n, &c.sel, j.ns)
			}
		}
		for i := range d.hard {
			m := maxInt
			for _, v := range cy.spread[i] {
				m = min(m, v)
			}
			if len(cy.spread[i]) < d.hard[i].minDomains {
				m = 0
			}
			cy.minNum[i] = m
		}
	}
	if s.antiPods == 0 && (d == nil || len(d.affinity) == 0 && len(d.anti) == 0) {
		return cy
	}
	cy.affinity, cy.anti, cy.existingAnti = map[topoPair]int{}, map[topoPair]int{}, map[topoPair]int{}
	for _, n := range s.nodes {
		for _, q := range n.pods {
			if gone[q] {
				continue
			}
			if d != nil {
				if len(d.affinity) > 0 && matchesAll(d.affinity, q) {
					for _, t := range d.affinity {
						if v, ok := n.spec.Labels[t.key]; ok {
							cy.affinity[topoPair{t.key, v}]++
						}
					}
				}
				for _, t := range d.anti {
					if v, ok := n.spec.Labels[t.key]; ok && t.matches(q) {
						cy.anti[topoPair{t.key, v}]++
					}
				}
			}
			if qd := q.job.dir; qd != nil {
				for i := range qd.anti {
					t := &qd.anti[i]
					if v, ok := n.spec.Labels[t.key]; ok && t.matchesIncoming(j) {
						cy.existingAnti[topoPair{t.key, v}]++
					}
				}
			}
		}
	}
	return cy
}

// matchesIncoming reports whether term t, of an existing pod, selects
// the incoming pods of job j.
func (t *affinityTerm) matchesIncoming(j *job) bool {
	inNS := false
	for _, ns := range t.namespaces {
		inNS = inNS || ns == j.ns
	}
	if !inNS && (t.nsSel == nil || !t.nsSel.matches(namespaceLabels(j.ns))) {
		return false
	}
	return t.sel.matchesMap(j.podLabels())
}

func matchesAll(ts []affinityTerm, q *pod) bool {
	for i := range ts {
		if !ts[i].matches(q) {
			return false
		}
	}
	return len(ts) > 0
}

// hasKeys reports whether n has the topology key of every constraint
// (nodeLabelsMatchSpreadConstraints).
func hasKeys(n *nodeState, cs []spreadConstraint) bool {
	for i := range cs {
		if _, ok := n.spec.Labels[cs[i].key]; !ok {
			return false
		}
	}
	return true
}

// counts reports whether n's pods count for constraint c of j's pods: its
// node inclusion policies (matchNodeInclusionPolicies).
func (s *scheduler) counts(j *job, n *nodeState, c *spreadConstraint) bool {
	if c.honorAffinity && !s.matchesAffinity(j, n) {
		return false
	}
	if c.honorTaints && untolerated(n.taints, j.tolerations, TaintNoSchedule, TaintNoExecute) != nil {
		return false
	}
	return true
}

// countMatching counts the pods on n in namespace ns that sel matches,
// leaving out terminating ones (countPodsMatchSelector); an empty
// selector counts none.
func (cy *cycle) countMatching(n *nodeState, sel *selector, ns string) int {
	if sel.empty() {
		return 0
	}
	k := 0
	for _, q := range n.pods {
		if !q.deleting && !cy.gone[q] && q.job.ns == ns && sel.matches(q.label) {
			k++
		}
	}
	return k
}

// matchesAffinity reports whether n matches the nodeSelector and the
// required node affinity of j's pods (the NodeAffinity filter).
func (s *scheduler) matchesAffinity(j *job, n *nodeState) bool {
	if f := j.filter; f != nil {
		return f.admits(&n.spec) && f.matches(&n.spec)
	}
	return matchesSelector(n.spec.Labels, j.podSpec.NodeSelector)
}

// The filter reasons of the plugins jobsim adds to the earlier ones, in
// kube-scheduler's words.
const (
	reasonSpread           = "node(s) didn't match pod topology spread constraints"
	reasonSpreadLabel      = reasonSpread + " (missing required label)"
	reasonAffinityRules    = "node(s) didn't match pod affinity rules"
	reasonAntiAffinity     = "node(s) didn't match pod anti-affinity rules"
	reasonExistingAnti     = "node(s) didn't satisfy existing pods anti-affinity rules"
	reasonNodeUnschedTaint = "node(s) had untolerated taint(s)"
)

// filter runs kube-scheduler's filters on n for j's next pod, in the
// default profile's order, and returns the reasons of the first that
// fails (none if n is feasible) and whether preemption could help
// (Unschedulable rather than UnschedulableAndUnresolvable).
func (s *scheduler) filter(cy *cycle, n *nodeState) (reasons []string, resolvable bool) {
	r, resolvable := s.check(cy, n)
	switch r {
	case "":
		return nil, false
	case reasonResources:
		return s.lacks(cy, n), resolvable
	}
	return []string{r}, resolvable
}

// reasonResources stands, in check's result, for NodeResourcesFit's
// reasons, which lacks lists.
const reasonResources = "resources"

// check is filter without the allocation: the first failing filter's
// reason (reasonResources for NodeResourcesFit's) or "".
func (s *scheduler) check(cy *cycle, n *nodeState) (reason string, resolvable bool) {
	j := cy.j
	tols := j.tolerations
	f := j.filter
	switch {
	case f != nil && f.conflict:
		return reasonAffinityConflict, false
	case f != nil && !f.admits(&n.spec):
		return reasonPreFilterNodes, false
	case n.cordoned && !tolerates(tols, &Taint{Key: TaintNodeUnschedulable, Effect: TaintNoSchedule}):
		return reasonUnschedulableNode, false
	case untolerated(n.taints, tols, TaintNoSchedule, TaintNoExecute) != nil:
		return reasonTaint, false
	case !s.matchesAffinity(j, n):
		return reasonSelector, false
	}
	if !s.roomFor(cy, n) {
		return reasonResources, s.couldFit(cy.j, n)
	}
	d := j.dir
	if d != nil {
		for i := range d.hard {
			c := &d.hard[i]
			v, ok := n.spec.Labels[c.key]
			if !ok {
				return reasonSpreadLabel, false
			}
			self := 0
			if c.sel.matchesMap(j.podLabels()) {
				self = 1
			}
			if cy.spread[i][v]+self-cy.minNum[i] > c.maxSkew {
				return reasonSpread, true
			}
		}
	}
	if cy.affinity == nil {
		return "", false
	}
	if d != nil && len(d.affinity) > 0 {
		exist := true
		for _, t := range d.affinity {
			v, ok := n.spec.Labels[t.key]
			if !ok {
				return reasonAffinityRules, false
			}
			if cy.affinity[topoPair{t.key, v}] <= 0 {
				exist = false
			}
		}
		if !exist && !(len(cy.affinity) == 0 && d.selfAffinity) {
			return reasonAffinityRules, false
		}
	}
	if d != nil {
		for _, t := range d.anti {
			if v, ok := n.spec.Labels[t.key]; ok && cy.anti[topoPair{t.key, v}] > 0 {
				return reasonAntiAffinity, true
			}
		}
	}
	for k, v := range n.spec.Labels {
		if cy.existingAnti[topoPair{k, v}] > 0 {
			return reasonExistingAnti, true
		}
	}
	return "", false
}

// lacks returns NodeResourcesFit's reasons for n: the resources it has
// too little of left for j's pod, none if it has room. Pods the cycle
// leaves out give their room back.
func (s *scheduler) lacks(cy *cycle, n *nodeState) (reasons []string) {
	j := cy.j
	if n.unlimit {
		return nil
	}
	if j.unknownRes != "" {
		return []string{"Insufficient " + j.unknownRes}
	}
	free := func(r int) int64 {
		v := n.alloc[r] - n.used[r]
		for q := range cy.gone {
			if q.node == n && q.held != nil {
				v += q.held.req[r]
			}
		}
		return v
	}
	if j.req[resPods] > free(resPods) {
		reasons = append(reasons, "Too many pods")
	}
	for r, q := range j.req {
		if r != resPods && q > 0 && q > free(r) {
			reasons = append(reasons, "Insufficient "+s.res[r])
		}
	}
	return reasons
}

// couldFit reports whether j's pod would fit n were n empty: a request
// above the node's allocatable makes NodeResourcesFit's refusal
// UnschedulableAndUnresolvable, which preemption cannot help ("Too many
// pods" can be helped).
func (s *scheduler) couldFit(j *job, n *nodeState) bool {
	if j.unknownRes != "" {
		return false
	}
	for r, q := range j.req {
		if r != resPods && q > 0 && q > n.alloc[r] {
			return false
		}
	}
	return true
}

// roomFor reports whether n has room for j's pod (no reason of lacks).
func (s *scheduler) roomFor(cy *cycle, n *nodeState) bool {
	if n.unlimit {
		return true
	}
	if cy.j.unknownRes != "" {
		return false
	}
	if cy.gone == nil {
		return fits(n, cy.j.req)
	}
	return len(s.lacks(cy, n)) == 0
}

// placeExact returns the node j's next pod goes to, or nil, evaluating
// every node.
func (s *scheduler) placeExact(j *job) *nodeState {
	cy := s.newCycle(j, nil)
	feasible := s.feasible[:0]
	for _, n := range s.treeOrder {
		if r, _ := s.check(cy, n); r == "" {
			feasible = append(feasible, n)
		}
	}
	s.feasible = feasible[:0]
	switch len(feasible) {
	case 0:
		return nil
	case 1:
		return feasible[0]
	}
	scores := s.scoreNodes(j, feasible)
	if s.c.prof.tiesByHeap {
		return feasible[s.bestByHeap(scores)]
	}
	best, ties := -1, 0
	var top int64 = math.MinInt64
	for i, sc := range scores {
		switch {
		case sc > top:
			best, top, ties = i, sc, 1
		case sc == top:
			ties++
			if s.rng.IntN(ties) == 0 {
				best = i
			}
		}
	}
	return feasible[best]
}

// bestByHeap returns the index of the node kube-scheduler takes from
// scores, listed in its order of the feasible nodes, from 1.35 on: the
// root of a max-heap built over the list by container/heap.Init, which
// among equal best scores is the one the sifts leave on top, usually
// the first listed. (The random tie-breaker of its entries is set only
// for extenders' scores, which jobsim's cluster has none of.)
func (s *scheduler) bestByHeap(scores []int64) int {
	h := s.heapIdx[:0]
	for i := range scores {
		h = append(h, i)
	}
	s.heapIdx = h[:0]
	n := len(h)
	for i0 := n/2 - 1; i0 >= 0; i0-- {
		// container/heap's down, with Less(a, b) = a scores higher.
		for i := i0; ; {
			j := 2*i + 1
			if j >= n {
				break
			}
			if j2 := j + 1; j2 < n && scores[h[j2]] > scores[h[j]] {
				j = j2
			}
			if !(scores[h[j]] > scores[h[i]]) {
				break
			}
			h[i], h[j] = h[j], h[i]
			i = j
		}
	}
	return h[0]
}
