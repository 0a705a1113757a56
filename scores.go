package jobsim

import "math"

// The score plugins of kube-scheduler's default profile, with their
// weights: TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1,
// PodTopologySpread 2, InterPodAffinity 2,
// NodeResourcesBalancedAllocation 1 (and ImageLocality 1, which scores 0
// on every node: jobsim's nodes hold no images). Each plugin scores 0 to
// 100 after its normalisation; a plugin with nothing to score (PreScore's
// Skip) adds nothing.

const maxNodeScore = 100

// scoreNodes returns the weighted total score of each feasible node for
// j's next pod.
func (s *scheduler) scoreNodes(j *job, nodes []*nodeState) []int64 {
	total := grow(s.total64[:0], len(nodes))
	raw := grow(s.raw64[:0], len(nodes))
	s.total64, s.raw64 = total, raw
	add := func(weight int64) {
		for i, v := range raw {
			total[i] += weight * v
			raw[i] = 0
		}
	}
	d := j.dir
	// TaintToleration: the PreferNoSchedule taints not tolerated, fewer
	// is better.
	var tols []Toleration
	if d != nil {
		tols = d.preferNoSchedule
	}
	for i, n := range nodes {
		for k := range n.taints {
			if t := &n.taints[k]; t.Effect == TaintPreferNoSchedule && !tolerates(tols, t) {
				raw[i]++
			}
		}
	}
	normalize(raw, true)
	add(3)
	// NodeAffinity: the weights of the preferred terms the node matches.
	if d != nil && len(d.preferred) > 0 {
		for i, n := range nodes {
			for _, p := range d.preferred {
				if p.term.matches(&n.spec) {
					raw[i] += p.weight
				}
			}
		}
		normalize(raw, false)
		add(2)
	}
	// NodeResourcesFit.
	for i, n := range nodes {
		raw[i] = s.fitScore(j, n)
	}
	add(1)
	// PodTopologySpread.
	if d != nil && len(d.soft) > 0 {
		s.spreadScores(j, nodes, raw)
		add(2)
	}
	// InterPodAffinity.
	if s.affinityPods > 0 || d.interPod() {
		if s.interPodScores(j, nodes, raw) {
			add(2)
		}
	}
	// NodeResourcesBalancedAllocation, skipped for best-effort pods.
	if j.req[resCPU] != 0 || j.req[resMemory] != 0 {
		for i, n := range nodes {
			raw[i] = s.balancedScore(j, n)
		}
		add(1)
	}
	return total
}

// grow returns b with n zeros.
func grow(b []int64, n int) []int64 {
	for range n {
		b = append(b, 0)
	}
	return b
}

// normalize is DefaultNormalizeScore: scores scaled so the highest is
// 100, reversed (100 minus that) when reverse is set.
func normalize(scores []int64, reverse bool) {
	var top int64
	for _, v := range scores {
		top = max(top, v)
	}
	for i, v := range scores {
		switch {
		case top == 0 && reverse:
			scores[i] = maxNodeScore
		case top == 0:
		case reverse:
			scores[i] = maxNodeScore - maxNodeScore*v/top
		default:
			scores[i] = maxNodeScore * v / top
		}
	}
}

// fitScore is NodeResourcesFit's score of n for j's pod: the scoring
// policy on CPU and memory, with the requests of containers that request
// none counted as 100m and 200Mi.
func (s *scheduler) fitScore(j *job, n *nodeState) int64 {
	load := s.load(n, j.scoreCPU, j.scoreMem)
	switch p := s.policy.(type) {
	case BuiltinScoring:
		var sum, w int64
		for _, r := range [2][2]int64{{load.CPURequested, load.CPUAllocatable}, {load.MemoryRequested, load.MemoryAllocatable}} {
			req, alloc := r[0], r[1]
			if alloc == 0 {
				continue
			}
			w++
			switch {
			case p == MostAllocated:
				sum += min(req, alloc) * maxNodeScore / alloc
			case req <= alloc:
				sum += (alloc - req) * maxNodeScore / alloc
			}
		}
		if w == 0 {
			return 0
		}
		return sum / w
	default:
		return int64(math.Round(p.Score(load)))
	}
}

// balancedScore is NodeResourcesBalancedAllocation's score: how even the
// node's CPU and memory use (by requests) would be with the pod. From
// 1.36 it scores the change in evenness the pod makes.
func (s *scheduler) balancedScore(j *job, n *nodeState) int64 {
	with := balance(n, n.used[resCPU]+j.req[resCPU], n.used[resMemory]+j.req[resMemory])
	if !s.c.prof.balanceChange {
		return with
	}
	without := balance(n, n.used[resCPU], n.used[resMemory])
	return maxNodeScore/2 + (maxNodeScore/2+with-without)/2
}

// balance is balancedResourceScore for CPU and memory.
func balance(n *nodeState, cpu, mem int64) int64 {
	var fr [2]float64
	k := 0
	for _, r := range [2][2]int64{{cpu, n.alloc[resCPU]}, {mem, n.alloc[resMemory]}} {
		if r[1] == 0 {
			continue
		}
		fr[k] = min(float64(r[0])/float64(r[1]), 1)
		k++
	}
	std := 0.0
	if k == 2 {
		std = math.Abs((fr[0] - fr[1]) / 2)
	}
	return int64((1 - std) * maxNodeScore)
}

// spreadScores fills raw with PodTopologySpread's normalised scores of
// the ScheduleAnyway constraints: fewer matching pods in the node's
// domain is better, each constraint weighted by the log of its number of
// domains.
func (s *scheduler) spreadScores(j *job, nodes []*nodeState, raw []int64) {
	cs := j.dir.soft
	cy := &cycle{j: j}
	counts := make([]map[string]int64, len(cs))
	size := make([]int, len(cs))
	ignored := make([]bool, len(nodes))
	nIgnored := 0
	for i := range cs {
		counts[i] = map[string]int64{}
	}
	for k, n := range nodes {
		if !hasKeys(n, cs) {
			ignored[k] = true
			nIgnored++
			continue
		}
		for i := range cs {
			if cs[i].key == LabelHostname {
				continue
			}
			v := n.spec.Labels[cs[i].key]
			if _, ok := counts[i][v]; !ok {
				counts[i][v] = 0
				size[i]++
			}
		}
	}
	weight := make([]float64, len(cs))
	for i := range cs {
		sz := size[i]
		if cs[i].key == LabelHostname {
			sz = len(nodes) - nIgnored
		}
		weight[i] = math.Log(float64(sz + 2))
	}
	for _, n := range s.nodes {
		if !hasKeys(n, cs) {
			continue
		}
		for i := range cs {
			c := &cs[i]
			if c.key == LabelHostname || !s.counts(j, n, c) {
				continue
			}
			v := n.spec.Labels[c.key]
			if _, ok := counts[i][v]; ok {
				counts[i][v] += int64(cy.countMatching(n, &c.sel, j.ns))
			}
		}
	}
	for k, n := range nodes {
		if ignored[k] {
			continue
		}
		var score float64
		for i := range cs {
			c := &cs[i]
			var cnt int64
			if c.key == LabelHostname {
				cnt = int64(cy.countMatching(n, &c.sel, j.ns))
			} else {
				cnt = counts[i][n.spec.Labels[c.key]]
			}
			score += float64(cnt)*weight[i] + float64(c.maxSkew-1)
		}
		raw[k] = int64(math.Round(score))
	}
	var lo, hi int64 = math.MaxInt64, 0
	for k := range nodes {
		if !ignored[k] {
			lo, hi = min(lo, raw[k]), max(hi, raw[k])
		}
	}
	for k := range nodes {
		switch {
		case ignored[k]:
			raw[k] = 0
		case hi == 0:
			raw[k] = maxNodeScore
		default:
			raw[k] = maxNodeScore * (hi + lo - raw[k]) / hi
		}
	}
}

// interPodScores fills raw with InterPodAffinity's normalised scores and
// reports whether it scored at all: the weights of the preferred terms,
// the pod's and the existing pods' (and 1 for an existing pod's required
// affinity the pod matches), summed per topology domain.
func (s *scheduler) interPodScores(j *job, nodes []*nodeState, raw []int64) bool {
	d := j.dir
	topo := map[topoPair]int64{}
	keys := map[string]bool{}
	seen := false
	record := func(t *affinityTerm, n *nodeState, w int64) {
		if v, ok := n.spec.Labels[t.key]; ok {
			topo[topoPair{t.key, v}] += w
			keys[t.key] = true
			seen = true
		}
	}
	for _, n := range s.nodes {
		if len(n.spec.Labels) == 0 {
			continue
		}
		for _, q := range n.pods {
			weighted := func(ts []weightedAffinityTerm, sign int64, matches func(*affinityTerm) bool) {
				for i := range ts {
					if t := &ts[i]; matches(&t.affinityTerm) {
						record(&t.affinityTerm, n, sign*t.weight)
					}
				}
			}
			isQ := func(t *affinityTerm) bool { return t.matches(q) }
			isIncoming := func(t *affinityTerm) bool { return t.matchesIncoming(j) }
			if d != nil {
				weighted(d.prefAffinity, 1, isQ)
				weighted(d.prefAnti, -1, isQ)
			}
			if qd := q.job.dir; qd != nil {
				for i := range qd.affinity {
					if t := &qd.affinity[i]; isIncoming(t) {
						record(t, n, 1) // hardPodAffinityWeight
					}
				}
				weighted(qd.prefAffinity, 1, isIncoming)
				weighted(qd.prefAnti, -1, isIncoming)
			}
		}
	}
	if !seen {
		return false
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for k, n := range nodes {
		var sc int64
		for key := range keys {
			if v, ok := n.spec.Labels[key]; ok {
				sc += topo[topoPair{key, v}]
			}
		}
		raw[k] = sc
		lo, hi = min(lo, sc), max(hi, sc)
	}
	for k := range raw {
		f := 0.0
		if hi > lo {
			f = maxNodeScore * (float64(raw[k]-lo) / float64(hi-lo))
		}
		raw[k] = int64(f)
	}
	return len(topo) > 0
}
