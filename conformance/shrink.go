package conformance

import "slices"

// Shrinks returns smaller variants of d, simplest first: fewer jobs,
// actions, scripted runs and policy rules, unset options, fewer
// completions, shorter runs. Some may be invalid; the caller checks.
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

// shrinkDraft drops one job at a time (when there are several), Until
// and the start's tenths.
func (s *shrinker) shrinkDraft() {
	d := s.from
	if len(d.Jobs) > 1 {
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

// clone deep-copies the draft.
func (d Draft) clone() Draft {
	out := d
	out.Jobs = make([]DraftJob, len(d.Jobs))
	for i, j := range d.Jobs {
		out.Jobs[i] = j.clone()
	}
	return out
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
	return c
}

// clone deep-copies the action.
func (a DraftAction) clone() DraftAction {
	cloneInts(&a.Parallelism, &a.Completions, &a.ActiveDeadline, &a.BackoffLimit, &a.MaxFailedIndexes)
	if a.Suspend != nil {
		v := *a.Suspend
		a.Suspend = &v
	}
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
