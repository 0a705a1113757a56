package jobsim

import "slices"

// Topology spread in the class search. In a large cluster, a pod whose
// only pod-dependent directive is a DoNotSchedule spread over a node
// label (a zone, say) need not count pods at every placement: each such
// constraint keeps its matching pods per domain up to date as pods are
// bound, deleted and finish, and a node class, whose nodes share their
// labels, lies in one domain.

// domainCount is a hard spread constraint's running count: the pods it
// selects per domain of the nodes that count for it. Domains are numbered
// in the order their first node is listed.
type domainCount struct {
	owner    *job
	c        *spreadConstraint
	domain   []int32       // per node: its domain, -1 if it lacks the key
	counting []bool        // per node: its pods count
	counts   []int         // per domain: the pods that count in it
	counted  []bool        // per domain: some node of it counts
	domains  int           // how many domains have a node that counts
	match    map[*job]bool // per job: its pods match the selector
	self     int           // 1 if the owner's pods match the selector themselves
}

// classSpread reports whether the constraints of j's pods can be kept by
// running counts and node classes: only DoNotSchedule constraints over
// keys other than the hostname, which ignore taints (their default), and
// nothing else that depends on other pods.
func classSpread(d *directives) bool {
	if d == nil || len(d.hard) == 0 || len(d.soft) > 0 || d.interPod() || d.lifecycle || len(d.preferred) > 0 {
		return false
	}
	for _, c := range d.hard {
		if c.key == LabelHostname || c.honorTaints {
			return false
		}
	}
	return true
}

// trackSpread replaces j's running counts with new ones for its current
// constraints, counting the pods bound now.
func (s *scheduler) trackSpread(j *job) {
	s.untrackSpread(j)
	for i := range j.dir.hard {
		c := &j.dir.hard[i]
		dc := &domainCount{owner: j, c: c, domain: make([]int32, len(s.nodes)), counting: make([]bool, len(s.nodes)), match: map[*job]bool{}}
		if c.sel.matchesMap(j.podLabels()) {
			dc.self = 1
		}
		ids := map[string]int32{}
		for _, n := range s.nodes {
			v, ok := n.spec.Labels[c.key]
			if !ok {
				dc.domain[n.idx] = -1
				continue
			}
			id, seen := ids[v]
			if !seen {
				id = int32(len(ids))
				ids[v] = id
				dc.counts = append(dc.counts, 0)
				dc.counted = append(dc.counted, false)
			}
			dc.domain[n.idx] = id
			if hasKeys(n, j.dir.hard) && s.counts(j, n, c) {
				dc.counting[n.idx] = true
				if !dc.counted[id] {
					dc.counted[id] = true
					dc.domains++
				}
			}
		}
		for _, n := range s.nodes {
			for _, q := range n.pods {
				if !q.deleting {
					dc.add(q, 1)
				}
			}
		}
		s.spreads = append(s.spreads, dc)
		j.spreads = append(j.spreads, dc)
	}
}

// add counts q, bound to its node, with sign +1 or -1, if it is one of the
// constraint's pods on a node that counts.
func (dc *domainCount) add(q *pod, sign int) {
	n := q.node
	if !dc.counting[n.idx] || q.job.ns != dc.owner.ns || dc.c.sel.empty() {
		return
	}
	m, ok := dc.match[q.job]
	if !ok || dc.c.sel.usesIndex {
		m = dc.c.sel.matches(q.label)
		dc.match[q.job] = m
	}
	if m {
		dc.counts[dc.domain[n.idx]] += sign
	}
}

// spreadCounted adds or removes a bound pod that starts or stops counting
// (bound; deleted or finished).
func (s *scheduler) spreadCounted(q *pod, sign int) {
	for _, dc := range s.spreads {
		dc.add(q, sign)
	}
}

// allows reports whether a pod of the owner may go to a node of domain d:
// its count plus the pod itself, less the smallest count over the domains
// that count (0 below minDomains), is at most maxSkew.
func (dc *domainCount) allows(d int32, self int) bool {
	low := 0
	if dc.domains >= dc.c.minDomains {
		low = maxInt
		for i, k := range dc.counts {
			if dc.counted[i] {
				low = min(low, k)
			}
		}
	}
	return dc.counts[d]+self-low <= dc.c.maxSkew
}

// spreadAllows reports whether every running count of j lets its next
// pod go to node n's domain.
func (s *scheduler) spreadAllows(j *job, n *nodeState) bool {
	for _, dc := range j.spreads {
		d := dc.domain[n.idx]
		if d < 0 || !dc.allows(d, dc.self) {
			return false
		}
	}
	return true
}

// untrackSpread drops j's running counts.
func (s *scheduler) untrackSpread(j *job) {
	if len(j.spreads) > 0 {
		s.spreads = slices.DeleteFunc(s.spreads, func(dc *domainCount) bool { return dc.owner == j })
		j.spreads = j.spreads[:0]
	}
}
