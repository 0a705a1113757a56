package jobsim

import "fmt"

// One door for a pod's state. Every change to what a job's derived counts
// see of one of its pods (its existence, phase, deletion, readiness,
// restarts and finalizer) goes through account: the caller takes the
// pod's standing before changing its fields and hands it over after, and
// account brings every count to the pod's new standing. Nothing else
// writes nActive, nReady, nTerminating, restarts, the per-index counts or
// the list of candidates a sync looks at; and when a pod ends, account
// tells the scheduler its room is free. checkCounts recomputes them all
// from the pods, for tests.

// standing is what a job's counts see of one pod.
type standing struct {
	flags    standingFlags
	restarts int // its restarts, while it is not terminal
}

// standingFlags are the parts of a pod's standing that are yes or no.
type standingFlags uint8

const (
	stActive      standingFlags = 1 << iota // neither terminal nor being deleted
	stTerminating                           // being deleted, not terminal
	stReady                                 // active and Ready
	stCand                                  // holds the finalizer, and is terminal or being deleted
)

func (s standing) active() bool      { return s.flags&stActive != 0 }
func (s standing) terminating() bool { return s.flags&stTerminating != 0 }
func (s standing) ready() bool       { return s.flags&stReady != 0 }
func (s standing) cand() bool        { return s.flags&stCand != 0 }

// standing returns what the counts see of p now. A pod that is gone has
// the zero standing.
func (p *pod) standing() standing {
	var s standing
	switch {
	case p.terminal():
		if p.finalizer {
			s.flags = stCand
		}
		return s
	case p.deleting:
		s.flags = stTerminating
		if p.finalizer {
			s.flags |= stCand
		}
	default:
		s.flags = stActive
		if p.ready {
			s.flags |= stReady
		}
	}
	s.restarts = p.restarts
	return s
}

// account moves j's counts from p's standing was to now. Only what
// changed is touched: most transitions change one or two flags.
func (j *job) account(p *pod, was, now standing) {
	j.restarts += now.restarts - was.restarts
	d := was.flags ^ now.flags
	if d == 0 {
		return
	}
	if d&stReady != 0 {
		j.nReady += sign(now.ready())
	}
	if d&stActive != 0 {
		j.nActive += sign(now.active())
		if now.active() {
			j.idxEnterActive(p)
		} else {
			j.idxLeaveActive(p)
		}
	}
	if d&stTerminating != 0 {
		j.nTerminating += sign(now.terminating())
		if now.terminating() {
			j.idxEnterTerminating(p)
		} else {
			j.idxLeaveTerminating(p)
		}
	}
	if d&stCand != 0 {
		if now.cand() {
			j.addCand(p)
		} else {
			j.dropCand(p)
		}
	}
	if was.flags&(stActive|stTerminating) != 0 && now.flags&(stActive|stTerminating) == 0 {
		j.c.sched.release(p) // the pod ended: its room on its node is free
	}
}

// sign is +1 for a count a pod enters, -1 for one it leaves.
func sign(enters bool) int {
	if enters {
		return 1
	}
	return -1
}

// recountActiveIndexes counts the active pods per index again, after the
// job's completions changed what counts as extra.
func (j *job) recountActiveIndexes() {
	x := j.idx
	clear(x.active)
	x.extra = 0
	for _, p := range j.pods {
		if p.standing().active() {
			j.idxEnterActive(p)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The index bookkeeping of Indexed jobs.

// idxEnterActive records a new active pod of j. Active pods without an
// index, with an index out of range, or beyond the first of their index are
// extra: the controller deletes them.
func (j *job) idxEnterActive(p *pod) {
	if !j.indexed() {
		return
	}
	x := j.idx
	if p.index < 0 {
		x.extra++
		return
	}
	x.grow(p.index)
	x.active[p.index]++
	if p.index >= x.completions || x.active[p.index] > 1 {
		x.extra++
	}
}

// idxLeaveActive records that an active pod of j stopped being active,
// by finishing or by being deleted; its index may be pending again.
func (j *job) idxLeaveActive(p *pod) {
	if !j.indexed() {
		return
	}
	x := j.idx
	if p.index < 0 {
		x.extra--
		return
	}
	if p.index >= x.completions || x.active[p.index] > 1 {
		x.extra--
	}
	x.active[p.index]--
	x.returned.push(int32(p.index))
}

// idxEnterTerminating records that a pod of j is being deleted.
func (j *job) idxEnterTerminating(p *pod) {
	if j.indexed() && p.index >= 0 {
		j.idx.terminating[p.index]++
	}
}

// idxLeaveTerminating records that a terminating pod of j finished or
// went away.
func (j *job) idxLeaveTerminating(p *pod) {
	if !j.indexed() || p.index < 0 {
		return
	}
	j.idx.terminating[p.index]--
	j.idx.returned.push(int32(p.index))
}

// addCand adds p to the pods the next sync must look at (account's
// list of candidates).
func (j *job) addCand(p *pod) {
	if p.candPos >= 0 || !p.finalizer {
		return
	}
	p.candPos = int32(len(j.cands))
	j.cands = append(j.cands, p)
}

func (j *job) dropCand(p *pod) {
	i := p.candPos
	if i < 0 {
		return
	}
	last := len(j.cands) - 1
	j.cands[i] = j.cands[last]
	j.cands[i].candPos = i
	j.cands[last] = nil
	j.cands = j.cands[:last]
	p.candPos = -1
}

// checkCounts recomputes every count account keeps from the pods of every
// job, and reports the first that differs. It is for tests: it costs a
// scan of every pod.
func (c *Cluster) checkCounts() error {
	for _, j := range c.jobs {
		if j == nil || j.gone {
			continue
		}
		if err := j.checkCounts(); err != nil {
			return fmt.Errorf("%s at %s: %w", j.name, c.eng.Elapsed(), err)
		}
	}
	return nil
}

func (j *job) checkCounts() error {
	var sum standing
	nActive, nReady, nTerm, nCand := 0, 0, 0, 0
	var active, terminating []int
	extra := 0
	for k, p := range j.pods {
		if p.job != j || int(p.jobPos) != k {
			return fmt.Errorf("pod %d of the job's list is out of place", k)
		}
		s := p.standing()
		nActive += b2i(s.active())
		nTerm += b2i(s.terminating())
		nReady += b2i(s.ready())
		sum.restarts += s.restarts
		if s.cand() {
			nCand++
			if p.candPos < 0 || int(p.candPos) >= len(j.cands) || j.cands[p.candPos] != p {
				return fmt.Errorf("pod %s is a candidate but not in the list", p.name())
			}
		} else if p.candPos >= 0 {
			return fmt.Errorf("pod %s is in the candidate list but is no candidate", p.name())
		}
		if !j.indexed() {
			continue
		}
		switch {
		case s.active() && p.index < 0:
			extra++
		case s.active():
			active = grown(active, p.index)
			active[p.index]++
			if p.index >= j.idx.completions || active[p.index] > 1 {
				extra++
			}
		case s.terminating() && p.index >= 0:
			terminating = grown(terminating, p.index)
			terminating[p.index]++
		}
	}
	type counts struct{ Active, Ready, Terminating, Restarts, Candidates int }
	want := counts{nActive, nReady, nTerm, sum.restarts, nCand}
	got := counts{j.nActive, j.nReady, j.nTerminating, j.restarts, len(j.cands)}
	if want != got {
		return fmt.Errorf("counts %+v, recomputed from the pods %+v", got, want)
	}
	if !j.indexed() {
		return nil
	}
	x := j.idx
	if x.extra != extra {
		return fmt.Errorf("extra pods %d, recomputed %d", x.extra, extra)
	}
	for i := range max(len(x.active), len(active), len(terminating)) {
		if a, b := nth(x.active, i), nth(active, i); a != b {
			return fmt.Errorf("active pods of index %d: %d, recomputed %d", i, a, b)
		}
		if a, b := nth(x.terminating, i), nth(terminating, i); a != b {
			return fmt.Errorf("terminating pods of index %d: %d, recomputed %d", i, a, b)
		}
	}
	return nil
}

func grown(s []int, i int) []int {
	if i < len(s) {
		return s
	}
	return append(s, make([]int, i+1-len(s))...)
}

// nth returns s[i], or 0 past the end.
func nth[T uint16 | int](s []T, i int) int {
	if i < len(s) {
		return int(s[i])
	}
	return 0
}
