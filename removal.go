package jobsim

import (
	"slices"
	"sort"
)

// Which active pods a sync deletes first (activePodsForRemoval and
// controller.ActivePods): the order of pods for removal.

// removalOrder returns the active pods a sync deletes when it must delete
// at least n (activePodsForRemoval): for Indexed jobs first every pod
// without a valid index and every duplicate of an index, then the rest in
// controller.ActivePods order.
func (c *Cluster) removalOrder(j *job, n int) []*pod {
	if n <= 0 && (!j.indexed() || j.idx.extra == 0) {
		return nil
	}
	pods := c.activePods(j)
	var rm []*pod
	left := pods
	if j.indexed() {
		rm, left = c.splitIndexExtras(pods, j.idx.completions)
	}
	if len(rm) < n {
		if j.indexed() {
			// Upstream sorts the pods by index, then with sort.Sort, whose
			// order of equal pods depends on that input order only: the same
			// algorithm here leaves them where upstream does.
			sort.Sort(byActivePods{c, left})
		} else {
			slices.SortFunc(left, func(a, b *pod) int {
				switch {
				case deleteBefore(c.rank(a), c.rank(b)):
					return -1
				case deleteBefore(c.rank(b), c.rank(a)):
					return 1
				}
				return 0
			})
		}
		rm = append(rm, left[:n-len(rm)]...)
	}
	return rm
}

// splitIndexExtras separates, from an Indexed job's active pods, those to
// delete regardless of counts (no valid index, or not the best pod of its
// index) from the rest (appendDuplicatedIndexPodsForRemoval).
func (c *Cluster) splitIndexExtras(pods []*pod, completions int) (rm, left []*pod) {
	sorted := slices.Clone(pods)
	slices.SortStableFunc(sorted, func(a, b *pod) int { return a.index - b.index })
	for i := 0; i < len(sorted); {
		k := i + 1
		for k < len(sorted) && sorted[k].index == sorted[i].index {
			k++
		}
		group := sorted[i:k]
		switch ix := group[0].index; {
		case ix < 0 || ix >= completions:
			rm = append(rm, group...)
		case len(group) == 1:
			left = append(left, group[0])
		default:
			sort.Sort(byActivePods{c, group})
			rm = append(rm, group[:len(group)-1]...)
			left = append(left, group[len(group)-1])
		}
		i = k
	}
	return rm, left
}

// rank describes p for activePodsLess, its times as the API stores them.
func (c *Cluster) rank(p *pod) podRank {
	return podRank{
		assigned:   p.bound,
		phase:      p.phase,
		ready:      p.ready,
		readySince: c.stamp(p.readyAt),
		// Rule 5's tie-break, the sidecars' restarts, always ties:
		// jobsim's sidecars run as long as the containers and never
		// restart.
		restarts: p.restarts,
		created:  c.stamp(p.created),
		seq:      p.seq,
	}
}

// byActivePods sorts pods as sort.Sort(controller.ActivePods(...)) does:
// the same algorithm on the same order, so that equal pods end where
// upstream leaves them.
type byActivePods struct {
	c    *Cluster
	pods []*pod
}

func (s byActivePods) Len() int { return len(s.pods) }

func (s byActivePods) Swap(i, j int) { s.pods[i], s.pods[j] = s.pods[j], s.pods[i] }

func (s byActivePods) Less(i, j int) bool {
	return activePodsLess(s.c.rank(s.pods[i]), s.c.rank(s.pods[j]))
}

// activePods returns the job's active pods in creation order, in scratch
// space.
func (c *Cluster) activePods(j *job) []*pod {
	ps := c.scratch.pods[:0]
	for _, p := range j.pods {
		if p.active() {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, bySeq)
	c.scratch.pods = ps
	return ps
}
