package conformance

import (
	"maps"
	"slices"
)

// Shrinks returns smaller variants of d, simplest first: fewer jobs,
// actions, scripted runs and policy rules, unset options, fewer
// completions, shorter runs; then, for a cluster, fewer pools, nodes,
// taints, priority classes and budgets, and fewer scheduling directives
// and requests; then fewer CronJobs, their actions, the outage, and
// their options. Some may be invalid; the caller checks.
func (d Draft) Shrinks() []Draft {
	s := &shrinker{from: d}
	s.shrinkDraft()
	for ji, j := range d.Jobs {
		s.shrinkTimeline(ji, j)
		s.shrinkRuns(ji, j)
		s.shrinkPolicies(ji, j)
		s.shrinkOptions(ji, j)
		s.shrinkSize(ji, j)
		s.shrinkDefaultRun(ji, j)
	}
	s.shrinkCluster()
	for ji, j := range d.Jobs {
		if j.Placement != nil {
			s.shrinkPlacement(ji, *j.Placement)
		}
	}
	s.shrinkCronJobs()
	return s.out
}

// shrinker collects the variants of a draft, each made on a copy of it.
type shrinker struct {
	from Draft
	out  []Draft
}

// add appends the variant f makes of a copy of the draft.
func (s *shrinker) add(f func(d *Draft)) {
	c := s.from.clone()
	f(&c)
	s.out = append(s.out, c)
}

// job appends the variant f makes of a copy of the draft's job ji.
func (s *shrinker) job(ji int, f func(j *DraftJob)) {
	s.add(func(c *Draft) { f(&c.Jobs[ji]) })
}

// shrinkDraft drops one job at a time (when there are several, or
// CronJobs), Until
// and the start's tenths.
func (s *shrinker) shrinkDraft() {
	d := s.from
	if len(d.Jobs) > 1 || len(d.CronJobs) > 0 {
		for i := range d.Jobs {
			s.add(func(c *Draft) { c.Jobs = slices.Delete(c.Jobs, i, i+1) })
		}
	}
	if d.Until > 0 {
		s.add(func(c *Draft) { c.Until = 0 })
	}
	if d.StartTenths > 0 {
		s.add(func(c *Draft) { c.StartTenths = 0 })
	}
}

// shrinkTimeline drops one action at a time, the external manager, and
// the submission delay (moving the actions along with it).
func (s *shrinker) shrinkTimeline(ji int, j DraftJob) {
	for ai := range j.Actions {
		s.job(ji, func(j *DraftJob) { j.Actions = slices.Delete(j.Actions, ai, ai+1) })
	}
	if j.External {
		s.job(ji, func(j *DraftJob) { j.External = false })
	}
	if j.At > 0 {
		s.job(ji, func(j *DraftJob) {
			for k := range j.Actions {
				j.Actions[k].At -= j.At
			}
			j.At = 0
		})
	}
}

// shrinkRuns drops the scripted runs of one key at a time, or the last or
// first of several.
func (s *shrinker) shrinkRuns(ji int, j DraftJob) {
	for _, k := range sortedKeys(j.Runs) {
		s.job(ji, func(j *DraftJob) { delete(j.Runs, k) })
		if len(j.Runs[k]) > 1 {
			s.job(ji, func(j *DraftJob) { j.Runs[k] = j.Runs[k][:len(j.Runs[k])-1] })
			s.job(ji, func(j *DraftJob) { j.Runs[k] = j.Runs[k][1:] })
		}
	}
}

// shrinkPolicies drops one podFailurePolicy rule at a time, and the
// successPolicy.
func (s *shrinker) shrinkPolicies(ji int, j DraftJob) {
	for ri := range j.FailureRules {
		s.job(ji, func(j *DraftJob) { j.FailureRules = slices.Delete(j.FailureRules, ri, ri+1) })
	}
	if len(j.SuccessRules) > 0 {
		s.job(ji, func(j *DraftJob) { j.SuccessRules = nil })
	}
}

// shrinkOptions unsets one option at a time (backoffLimitPerIndex with
// the maxFailedIndexes that needs it).
func (s *shrinker) shrinkOptions(ji int, j DraftJob) {
	if j.ActiveDeadline != nil {
		s.job(ji, func(j *DraftJob) { j.ActiveDeadline = nil })
	}
	if j.MaxFailedIndexes != nil {
		s.job(ji, func(j *DraftJob) { j.MaxFailedIndexes = nil })
	}
	if j.BackoffLimitPerIndex != nil {
		s.job(ji, func(j *DraftJob) { j.BackoffLimitPerIndex, j.MaxFailedIndexes = nil, nil })
	}
	if j.BackoffLimit != nil {
		s.job(ji, func(j *DraftJob) { j.BackoffLimit = nil })
	}
	if j.PodReplacementPolicy != "" {
		s.job(ji, func(j *DraftJob) { j.PodReplacementPolicy = "" })
	}
	if j.Grace != nil {
		s.job(ji, func(j *DraftJob) { j.Grace = nil })
	}
}

// shrinkSize lowers parallelism, and completions by one (with the
// parallelism and maxFailedIndexes above them).
func (s *shrinker) shrinkSize(ji int, j DraftJob) {
	if j.Parallelism != nil && *j.Parallelism > 1 {
		s.job(ji, func(j *DraftJob) { j.Parallelism = pint(*j.Parallelism - 1) })
	}
	if j.Completions != nil && *j.Completions > 1 {
		s.job(ji, func(j *DraftJob) {
			j.Completions = pint(*j.Completions - 1)
			if j.Parallelism != nil && *j.Parallelism > *j.Completions {
				j.Parallelism = pint(*j.Completions)
			}
			if j.MaxFailedIndexes != nil && *j.MaxFailedIndexes > *j.Completions {
				j.MaxFailedIndexes = pint(*j.Completions)
			}
		})
	}
}

// shrinkDefaultRun makes the default run exit at SIGTERM at once, last
// about half as long, and end on a whole second.
func (s *shrinker) shrinkDefaultRun(ji int, j DraftJob) {
	if j.Default.Term != 0 {
		s.job(ji, func(j *DraftJob) { j.Default.Term = 0 })
	}
	if j.Default.Run > 2 {
		s.job(ji, func(j *DraftJob) { j.Default.Run = (j.Default.Run + 1) / 2 })
	}
	if j.Default.Quarters != 0 {
		s.job(ji, func(j *DraftJob) { j.Default.Quarters = 0 })
	}
}

// shrinkCluster drops one pool at a time (when there are several),
// lowers a pool's count, drops a pool's taints, the priority classes
// (pods then all have priority 0) and the budgets.
func (s *shrinker) shrinkCluster() {
	d := s.from
	for i, p := range d.Pools {
		if len(d.Pools) > 1 {
			s.add(func(c *Draft) { c.Pools = slices.Delete(c.Pools, i, i+1) })
		}
		if p.Count > 1 {
			s.add(func(c *Draft) { c.Pools[i].Count-- })
		}
		if len(p.Taints) > 0 {
			s.add(func(c *Draft) { c.Pools[i].Taints = nil })
		}
	}
	if len(d.PriorityClasses) > 0 {
		s.add(func(c *Draft) {
			c.PriorityClasses, c.PDBs = nil, nil
			for k := range c.Jobs {
				if p := c.Jobs[k].Placement; p != nil {
					p.PriorityClass = ""
				}
			}
		})
	}
	if len(d.PDBs) > 0 {
		s.add(func(c *Draft) { c.PDBs = nil })
	}
}

// shrinkPlacement drops one of the job's scheduling directives at a time
// (a gate with the actions that remove it), one optional field of a
// spread constraint, and each request.
func (s *shrinker) shrinkPlacement(ji int, p DraftPlacement) {
	place := func(f func(p *DraftPlacement)) { s.job(ji, func(j *DraftJob) { f(j.Placement) }) }
	if p.NodeSelector != nil {
		place(func(p *DraftPlacement) { p.NodeSelector = nil })
	}
	if p.Affinity != nil {
		place(func(p *DraftPlacement) { p.Affinity = nil })
	}
	for i := range p.Preferred {
		place(func(p *DraftPlacement) { p.Preferred = slices.Delete(p.Preferred, i, i+1) })
	}
	for i := range p.Tolerations {
		place(func(p *DraftPlacement) { p.Tolerations = slices.Delete(p.Tolerations, i, i+1) })
	}
	for i, c := range p.Spread {
		place(func(p *DraftPlacement) { p.Spread = slices.Delete(p.Spread, i, i+1) })
		if c.MinDomains != nil {
			place(func(p *DraftPlacement) { p.Spread[i].MinDomains = nil })
		}
		if c.NodeAffinityPolicy != "" {
			place(func(p *DraftPlacement) { p.Spread[i].NodeAffinityPolicy = "" })
		}
		if c.NodeTaintsPolicy != "" {
			place(func(p *DraftPlacement) { p.Spread[i].NodeTaintsPolicy = "" })
		}
		if c.MatchLabelKeys != nil {
			place(func(p *DraftPlacement) { p.Spread[i].MatchLabelKeys = nil })
		}
	}
	for i := range p.PodAffinity {
		place(func(p *DraftPlacement) { p.PodAffinity = slices.Delete(p.PodAffinity, i, i+1) })
	}
	if p.Gates != nil {
		s.job(ji, func(j *DraftJob) {
			j.Placement.Gates = nil
			j.Actions = slices.DeleteFunc(j.Actions, func(a DraftAction) bool { return a.RemoveGates != nil })
		})
	}
	if p.PriorityClass != "" {
		place(func(p *DraftPlacement) { p.PriorityClass = "" })
	}
	if p.GPU > 0 {
		place(func(p *DraftPlacement) { p.GPU = 0 })
	}
	if p.MilliCPU > 0 {
		place(func(p *DraftPlacement) { p.MilliCPU = 0 })
	}
	if p.MemoryMi > 0 {
		place(func(p *DraftPlacement) { p.MemoryMi = 0 })
	}
}

// shrinkCronJobs drops the outage, one CronJob at a time, one of its
// actions at a time (a suspension with the resumption after it), the
// runs of one Job at a time, and its options one at a time; it makes its
// Jobs one pod, and its default run succeed and last about half as long.
func (s *shrinker) shrinkCronJobs() {
	d := s.from
	if d.Outage != nil {
		s.add(func(c *Draft) { c.Outage = nil })
	}
	for i, cj := range d.CronJobs {
		s.add(func(c *Draft) { c.CronJobs = slices.Delete(c.CronJobs, i, i+1) })
		cron := func(f func(cj *DraftCronJob)) { s.add(func(c *Draft) { f(&c.CronJobs[i]) }) }
		for ai, a := range cj.Actions {
			cron(func(cj *DraftCronJob) {
				n := 1
				if a.Suspend != nil && *a.Suspend {
					// With the first resumption after it, if any.
					if k := slices.IndexFunc(cj.Actions[ai+1:], func(b DraftCronAction) bool { return b.Suspend != nil && !*b.Suspend }); k == 0 {
						n = 2
					}
				}
				cj.Actions = slices.Delete(cj.Actions, ai, ai+n)
			})
		}
		for _, k := range slices.Sorted(maps.Keys(cj.Jobs)) {
			cron(func(cj *DraftCronJob) { delete(cj.Jobs, k) })
		}
		if cj.TimeZone != "" {
			cron(func(cj *DraftCronJob) { cj.TimeZone = "" })
		}
		if cj.Policy != "" {
			cron(func(cj *DraftCronJob) { cj.Policy = "" })
		}
		if cj.Deadline != nil {
			cron(func(cj *DraftCronJob) { cj.Deadline = nil })
		}
		if cj.SuccessLimit != nil {
			cron(func(cj *DraftCronJob) { cj.SuccessLimit = nil })
		}
		if cj.FailedLimit != nil {
			cron(func(cj *DraftCronJob) { cj.FailedLimit = nil })
		}
		if cj.Pods > 1 {
			cron(func(cj *DraftCronJob) { cj.Pods = 1 })
		}
		if cj.Default.Exit != 0 {
			cron(func(cj *DraftCronJob) { cj.Default.Exit = 0 })
		}
		if cj.Default.Run > 2 {
			cron(func(cj *DraftCronJob) { cj.Default.Run = (cj.Default.Run + 1) / 2 })
		}
	}
}

// clone deep-copies the draft.
func (d Draft) clone() Draft {
	out := d
	out.Jobs = make([]DraftJob, len(d.Jobs))
	for i, j := range d.Jobs {
		out.Jobs[i] = j.clone()
	}
	out.Pools = slices.Clone(d.Pools)
	for i, p := range out.Pools {
		out.Pools[i].Labels = maps.Clone(p.Labels)
		out.Pools[i].Taints = slices.Clone(p.Taints)
	}
	out.PriorityClasses = slices.Clone(d.PriorityClasses)
	out.CronJobs = slices.Clone(d.CronJobs)
	for i, cj := range out.CronJobs {
		cloneInts(&out.CronJobs[i].Deadline, &out.CronJobs[i].SuccessLimit, &out.CronJobs[i].FailedLimit)
		out.CronJobs[i].Jobs = maps.Clone(cj.Jobs)
		out.CronJobs[i].Actions = slices.Clone(cj.Actions)
		for k, a := range out.CronJobs[i].Actions {
			if a.Suspend != nil {
				v := *a.Suspend
				out.CronJobs[i].Actions[k].Suspend = &v
			}
		}
	}
	if d.Outage != nil {
		o := *d.Outage
		out.Outage = &o
	}
	out.PDBs = slices.Clone(d.PDBs)
	for i := range out.PDBs {
		cloneInts(&out.PDBs[i].MinAvailable, &out.PDBs[i].MaxUnavailable)
	}
	return out
}

// clone deep-copies the placement.
func (p DraftPlacement) clone() *DraftPlacement {
	p.NodeSelector = maps.Clone(p.NodeSelector)
	p.Affinity = slices.Clone(p.Affinity)
	for i, r := range p.Affinity {
		p.Affinity[i].Values = slices.Clone(r.Values)
	}
	p.Preferred = slices.Clone(p.Preferred)
	for i, t := range p.Preferred {
		p.Preferred[i].Requirement.Values = slices.Clone(t.Requirement.Values)
	}
	p.Tolerations = slices.Clone(p.Tolerations)
	for i := range p.Tolerations {
		cloneInts(&p.Tolerations[i].Seconds)
	}
	p.Spread = slices.Clone(p.Spread)
	for i, c := range p.Spread {
		cloneInts(&p.Spread[i].MinDomains)
		p.Spread[i].MatchLabelKeys = slices.Clone(c.MatchLabelKeys)
	}
	p.PodAffinity = slices.Clone(p.PodAffinity)
	p.Gates = slices.Clone(p.Gates)
	return &p
}

// clone deep-copies the job.
func (j DraftJob) clone() DraftJob {
	c := j
	cloneInts(&c.Completions, &c.Parallelism, &c.BackoffLimit, &c.BackoffLimitPerIndex,
		&c.MaxFailedIndexes, &c.ActiveDeadline, &c.Grace)
	c.FailureRules = slices.Clone(j.FailureRules)
	c.SuccessRules = slices.Clone(j.SuccessRules)
	c.Actions = slices.Clone(j.Actions)
	for k, a := range c.Actions {
		c.Actions[k] = a.clone()
	}
	for k, r := range c.SuccessRules {
		c.SuccessRules[k] = r.clone()
	}
	for k, r := range c.FailureRules {
		r.Codes = slices.Clone(r.Codes)
		c.FailureRules[k] = r
	}
	c.Runs = map[int][]DraftRun{}
	for k, v := range j.Runs {
		c.Runs[k] = slices.Clone(v)
	}
	if j.Placement != nil {
		c.Placement = j.Placement.clone()
	}
	return c
}

// clone deep-copies the action.
func (a DraftAction) clone() DraftAction {
	cloneInts(&a.Parallelism, &a.Completions, &a.ActiveDeadline, &a.BackoffLimit, &a.MaxFailedIndexes)
	if a.Suspend != nil {
		v := *a.Suspend
		a.Suspend = &v
	}
	a.RemoveGates = slices.Clone(a.RemoveGates)
	return a
}

// clone deep-copies the rule.
func (r DraftSuccessRule) clone() DraftSuccessRule {
	if r.Indexes != nil {
		v := *r.Indexes
		r.Indexes = &v
	}
	if r.Count != nil {
		r.Count = pint(*r.Count)
	}
	return r
}

// cloneInts points each set pointer at a copy of its value.
func cloneInts(ps ...**int) {
	for _, p := range ps {
		if *p != nil {
			*p = pint(**p)
		}
	}
}
