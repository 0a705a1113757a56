package conformance

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"
)

// draftCase parses a draft as a case; name labels it.
func draftCase(name string, d Draft) (*Case, error) {
	return ParseCase(name+".yaml", d.YAML())
}

// maxExplore is the longest a generated scenario may run on jobsim: the
// explorer spends its time on many short scenarios rather than a few long
// ones.
const maxExplore = 15 * time.Minute

// GenerateValid draws scenarios from r until one is valid (the API
// server's validation, as jobsim applies it, accepts every job and
// action) and ends on jobsim within 15 virtual minutes (or, with
// CronJobs, at its until), and returns it with its case.
func GenerateValid(r *rand.Rand, name string) (Draft, *Case) {
	return GenerateValidWith(r, name, GenerateOptions{})
}

// GenerateValidWith is GenerateValid with generator options.
func GenerateValidWith(r *rand.Rand, name string, opts GenerateOptions) (Draft, *Case) {
	for {
		d := GenerateWith(r, opts)
		c, err := draftCase(name, d)
		if err != nil {
			continue
		}
		limit := maxExplore
		if len(d.CronJobs) > 0 {
			limit = d.Until // CronJobs never end: their scenarios run to it
		}
		if o, err := RunJobsim(c); err == nil && o.End <= limit {
			return d, c
		}
	}
}

// Finding is a disagreement the explorer confirmed.
type Finding struct {
	// Draft is the minimal scenario that still shows it.
	Draft Draft
	// Report is the comparison of Draft.
	Report *Report
	// Unstable is set when reference runs of the scenario disagreed with
	// each other: the real controller's timing or an arbitrary choice of
	// it decides the outcome. An unstable original is not shrunk.
	Unstable bool
	// Runs counts the reference runs spent.
	Runs int
}

// Check compares one draft and, if the sides disagree, confirms it with
// more reference runs and shrinks it to a minimal draft that still shows
// the same disagreement (an overlapping set of differing fields), within
// about budget reference runs, then confirms the minimal draft. It
// returns nil when the sides agree.
func Check(ctx context.Context, name string, d Draft, opts Options, budget int) (*Finding, error) {
	c, err := draftCase(name, d)
	if err != nil {
		return nil, err
	}
	r, err := Compare(ctx, c, opts)
	if err != nil {
		return nil, err
	}
	if r.Diff == "" {
		return nil, nil
	}
	f := &Finding{Draft: d, Report: r, Runs: 1}
	// Confirm: the real controller again, a few times; if its outcome
	// varies, the disagreement is about timing or an arbitrary choice.
	stable, runs, err := stableReference(ctx, c, r, opts)
	f.Runs += runs
	if err != nil {
		return nil, err
	}
	if !stable {
		f.Unstable = true
		return f, nil
	}
	sig := r.Fields
	for f.Runs < budget {
		progressed := false
		for _, cand := range f.Draft.Shrinks() {
			if f.Runs >= budget || ctx.Err() != nil {
				break
			}
			cc, err := draftCase(name, cand)
			if err != nil {
				continue
			}
			cr, err := Compare(ctx, cc, opts)
			f.Runs++
			if err != nil || cr.Diff == "" || !overlaps(cr.Fields, sig) {
				continue
			}
			f.Draft, f.Report = cand, cr
			progressed = true
			break
		}
		if !progressed {
			break
		}
	}
	if ctx.Err() != nil {
		return f, ctx.Err()
	}
	fc, err := draftCase(name, f.Draft)
	if err != nil {
		return nil, err
	}
	stable, runs, err = stableReference(ctx, fc, f.Report, opts)
	f.Runs += runs
	f.Unstable = !stable
	return f, err
}

// confirmRuns is how many more times a disagreement's reference is run to
// check that the real controller's outcome does not vary.
const confirmRuns = 3

// stableReference reruns the reference of a compared case and reports
// whether every run agrees with the report's.
func stableReference(ctx context.Context, c *Case, r *Report, opts Options) (bool, int, error) {
	for i := range confirmRuns {
		again, _, err := RunReference(ctx, c, r.Jobsim.End+slack(opts), opts)
		if err != nil {
			return false, i + 1, err
		}
		if diff, _ := Diff(r.Reference, again, c.Tolerance); diff != "" {
			return false, i + 1, nil
		}
	}
	return true, confirmRuns, nil
}

func slack(opts Options) time.Duration {
	if opts.Slack == 0 {
		return 30 * time.Second
	}
	return opts.Slack
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// Header returns the comment lines that head a finding's scenario file:
// where it came from and what differed.
func (f *Finding) Header(origin string) []string {
	h := []string{origin, "Found by the differential explorer. Fields that differ (reference vs jobsim):"}
	for _, field := range f.Report.Fields {
		h = append(h, "  "+field)
	}
	if f.Unstable {
		h = append(h, "The real controller's outcome varied between runs of this scenario.")
	}
	h = append(h, `To keep it in the suite as a known difference, add a line "known: WHY".`)
	return h
}
