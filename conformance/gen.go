package conformance

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Draft is a scenario in a form the explorer can generate, shrink and
// write: the subset of the scenario format that Generate draws from.
type Draft struct {
	// StartTenths puts the start that many tenths of a second past a
	// whole second: the API's timestamps keep whole seconds of the wall
	// clock, not of the scenario's time.
	StartTenths int
	// Until stops both sides; 0 means run to the end.
	Until time.Duration
	// Jobs are submitted in order, each at its At.
	Jobs []DraftJob
}

// DraftJob is one job of a Draft. Nil pointers leave a field unset.
type DraftJob struct {
	// Name is metadata.name.
	Name string
	// At is when it is submitted, in seconds after the start.
	At int
	// External sets managedBy to a controller other than the built-in
	// one, which then leaves the job alone.
	External bool
	// Indexed selects completionMode Indexed.
	Indexed bool
	// Completions is spec.completions; nil is work-queue mode (NonIndexed
	// only).
	Completions *int
	// Parallelism is spec.parallelism.
	Parallelism *int
	// BackoffLimit, BackoffLimitPerIndex and MaxFailedIndexes are the
	// spec fields of those names.
	BackoffLimit, BackoffLimitPerIndex, MaxFailedIndexes *int
	// ActiveDeadline is activeDeadlineSeconds.
	ActiveDeadline *int
	// Suspend creates the job suspended.
	Suspend bool
	// OnFailure selects restartPolicy OnFailure rather than Never.
	OnFailure bool
	// PodReplacementPolicy is spec.podReplacementPolicy; "" leaves it unset.
	PodReplacementPolicy string
	// Grace is the template's terminationGracePeriodSeconds.
	Grace *int
	// FailureRules are the podFailurePolicy's rules, SuccessRules the
	// successPolicy's.
	FailureRules []DraftRule
	SuccessRules []DraftSuccessRule
	// Default is the run of container starts nothing else decides.
	Default DraftRun
	// Runs are scripted per key.
	Runs map[int][]DraftRun
	// Actions are done in order.
	Actions []DraftAction
}

// DraftRule is a podFailurePolicy rule: on exit codes (Operator In or
// NotIn Codes) or on a pod condition (Operator "").
type DraftRule struct {
	// Action is FailJob, FailIndex, Ignore or Count.
	Action string
	// Operator is In, NotIn, or "" for a pod condition.
	Operator string
	// Codes are the exit codes, increasing.
	Codes []int
	// Condition is the pod condition's type when Operator is "";
	// "" means DisruptionTarget.
	Condition string
	// Status is the condition's status; "" leaves it to its default, True.
	Status string
}

// DraftSuccessRule is a successPolicy rule; nil fields are unset.
type DraftSuccessRule struct {
	// Indexes is succeededIndexes.
	Indexes *string
	// Count is succeededCount.
	Count *int
}

// DraftRun is one container run, as the scenario format's runs.
type DraftRun struct {
	// Run is how many seconds it runs, plus Quarters quarter seconds.
	Run      int
	Quarters int
	// Exit is its exit code.
	Exit int
	// Term is how many seconds it takes to exit after SIGTERM.
	Term int
	// Disrupt, if not empty, disrupts the pod at Run with this reason.
	Disrupt string
	// Forever makes it never exit; Run and Exit are ignored.
	Forever bool
}

// DraftAction is an edit or the deletion of a job at a time (seconds).
type DraftAction struct {
	At               int
	Suspend          *bool
	Parallelism      *int
	Completions      *int // Indexed only, always with the same Parallelism
	ActiveDeadline   *int
	BackoffLimit     *int
	MaxFailedIndexes *int
	Replacement      string // podReplacementPolicy; "" leaves it
	Delete           bool
}

func pint(n int) *int { return &n }

// Generate draws a random scenario from r. Runs last whole or quarter
// seconds, actions fall on half seconds, and the scenarios are kept short
// (most end within a few virtual minutes).
func Generate(r *rand.Rand) Draft {
	var d Draft
	n := 1
	if r.IntN(8) == 0 {
		n = 2
	}
	needUntil := false
	for i := range n {
		j, forever := generateJob(r, fmt.Sprintf("job%d", i))
		if i > 0 || r.IntN(10) == 0 {
			j.At = r.IntN(30)
			for k := range j.Actions {
				j.Actions[k].At += j.At
			}
		}
		needUntil = needUntil || forever
		d.Jobs = append(d.Jobs, j)
	}
	if r.IntN(100) < 15 {
		d.StartTenths = 1 + r.IntN(9)
	}
	switch {
	case needUntil:
		d.Until = time.Duration(120+10*r.IntN(19)) * time.Second
	case r.IntN(10) < 3:
		// Stop in the middle, to compare the state in flight. Events fall
		// on multiples of 50 ms (quarter-second runs, half-second actions,
		// and the API's whole seconds, which a start tenths past a second
		// shifts); 30 ms past one never ties with them.
		d.Until = time.Duration(3+r.IntN(90))*time.Second + 30*time.Millisecond
	}
	return d
}

func generateJob(r *rand.Rand, name string) (DraftJob, bool) {
	j := DraftJob{Name: name, Indexed: r.IntN(2) == 0, Runs: map[int][]DraftRun{}}
	chance := func(n int) bool { return r.IntN(100) < n }
	c := 1 + r.IntN(5)
	if chance(10) {
		c = 6 + r.IntN(11) // enough pods for the orderings of many
	}
	if !j.Indexed && chance(12) {
		j.Parallelism = pint(1 + r.IntN(3)) // work queue
	} else {
		j.Completions = pint(c)
		if chance(85) {
			j.Parallelism = pint(1 + r.IntN(c+1))
		}
		switch {
		case chance(3):
			j.Completions = pint(0) // done at once
		case chance(3):
			j.Parallelism = pint(0) // nothing runs until an edit
		}
	}
	j.OnFailure = chance(25)
	if chance(75) {
		j.BackoffLimit = pint(r.IntN(5))
	}
	if j.Indexed && chance(35) {
		j.BackoffLimitPerIndex = pint(r.IntN(3))
		if chance(50) {
			j.MaxFailedIndexes = pint(r.IntN(*j.Completions + 1))
		}
		if chance(50) {
			j.BackoffLimit = nil
		}
	}
	if !j.OnFailure && chance(30) {
		j.FailureRules = generateRules(r, j.BackoffLimitPerIndex != nil)
	}
	if j.Indexed && *j.Completions > 0 && chance(25) {
		j.SuccessRules = generateSuccess(r, *j.Completions)
	}
	switch {
	case len(j.FailureRules) > 0:
		if chance(30) {
			j.PodReplacementPolicy = "Failed"
		}
	case chance(35):
		j.PodReplacementPolicy = []string{"Failed", "TerminatingOrFailed"}[r.IntN(2)]
	}
	if chance(20) {
		j.ActiveDeadline = pint(15 + 5*r.IntN(24))
	}
	if chance(30) {
		j.Grace = pint(r.IntN(21))
	}
	j.Suspend = chance(8)
	j.External = chance(2)

	failP := []int{0, 10, 30, 60, 100}[r.IntN(5)]
	// Runs between whole seconds, for a job in five: the API keeps
	// timestamps to the second, and the controller measures from those.
	quarters := chance(20)
	j.Default = generateRun(r, failP, false, quarters)
	forever := false
	keys := *orDefault(j.Completions, 3) + 2
	for k := range keys {
		if !chance(35) {
			continue
		}
		runs := make([]DraftRun, 1+r.IntN(3))
		for i := range runs {
			runs[i] = generateRun(r, 40, true, quarters)
			forever = forever || runs[i].Forever
		}
		j.Runs[k] = runs
	}
	if chance(30) {
		j.Actions = generateActions(r, j)
	}
	if j.Suspend && !slices.ContainsFunc(j.Actions, func(a DraftAction) bool { return a.Suspend != nil && !*a.Suspend }) {
		j.Actions = append(j.Actions, DraftAction{At: 5 + r.IntN(60), Suspend: new(bool)})
	}
	if j.ActiveDeadline != nil {
		forever = false
	}
	return j, forever
}

func orDefault(p *int, n int) *int {
	if p == nil {
		return &n
	}
	return p
}

func generateRun(r *rand.Rand, failPercent int, special, quarters bool) DraftRun {
	run := DraftRun{Run: 1 + r.IntN(30)}
	if quarters {
		run.Quarters = r.IntN(4)
	}
	if r.IntN(100) < failPercent {
		run.Exit = []int{1, 1, 2, 3, 5, 42}[r.IntN(6)]
	}
	if special {
		switch r.IntN(12) {
		case 0:
			run.Disrupt = []string{"EvictionByEvictionAPI", "PreemptionByScheduler", "DeletionByTaintManager"}[r.IntN(3)]
			run.Exit = 0
		case 1:
			run.Forever = true
			run.Exit = 0
		}
	}
	if r.IntN(4) == 0 {
		run.Term = r.IntN(40)
	}
	return run
}

func generateRules(r *rand.Rand, perIndex bool) []DraftRule {
	actions := []string{"FailJob", "Ignore", "Count"}
	if perIndex {
		actions = append(actions, "FailIndex")
	}
	rules := make([]DraftRule, 1+r.IntN(2))
	for i := range rules {
		rule := DraftRule{Action: actions[r.IntN(len(actions))]}
		if r.IntN(3) == 0 {
			rule.Operator = "" // a pod condition
			switch r.IntN(6) {
			case 0:
				// Every failed pod has Ready=False: the rule matches
				// them all.
				rule.Condition, rule.Status = "Ready", "False"
			case 1:
				rule.Condition, rule.Status = "ContainersReady", []string{"False", "Unknown"}[r.IntN(2)]
			case 2:
				rule.Status = "False" // DisruptionTarget=False: never set
			}
		} else {
			rule.Operator = []string{"In", "In", "NotIn"}[r.IntN(3)]
			pool := []int{1, 2, 3, 5, 42}
			r.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
			rule.Codes = slices.Clone(pool[:1+r.IntN(2)])
			slices.Sort(rule.Codes)
		}
		rules[i] = rule
	}
	return rules
}

func generateSuccess(r *rand.Rand, completions int) []DraftSuccessRule {
	var rule DraftSuccessRule
	if r.IntN(3) > 0 {
		// A list of some indexes.
		var idx []string
		for i := range completions {
			if r.IntN(2) == 0 {
				idx = append(idx, fmt.Sprint(i))
			}
		}
		if len(idx) == 0 {
			idx = []string{fmt.Sprint(r.IntN(completions))}
		}
		s := strings.Join(idx, ",")
		rule.Indexes = &s
		if r.IntN(2) == 0 {
			rule.Count = pint(1 + r.IntN(len(idx)))
		}
	} else {
		rule.Count = pint(1 + r.IntN(completions))
	}
	return []DraftSuccessRule{rule}
}

func generateActions(r *rand.Rand, j DraftJob) []DraftAction {
	var as []DraftAction
	at := 0
	for range 1 + r.IntN(2) {
		at += 3 + r.IntN(40)
		switch r.IntN(12) {
		case 0, 1:
			as = append(as, DraftAction{At: at, Suspend: new(bool)})
			*as[len(as)-1].Suspend = true
			at += 5 + r.IntN(60)
			as = append(as, DraftAction{At: at, Suspend: new(bool)})
		case 2, 3, 4:
			p := r.IntN(5)
			if j.Indexed && j.Completions != nil {
				p = min(p, 5)
			}
			as = append(as, DraftAction{At: at, Parallelism: &p})
		case 5:
			as = append(as, DraftAction{At: at, ActiveDeadline: pint(at + 5 + 5*r.IntN(12))})
		case 6:
			as = append(as, DraftAction{At: at, BackoffLimit: pint(r.IntN(4))})
		case 7:
			as = append(as, DraftAction{At: at, Delete: true})
			return as
		case 8:
			as = append(as, DraftAction{At: at, Suspend: new(bool)})
			*as[len(as)-1].Suspend = true
		case 9:
			if j.Indexed {
				// Elastic Indexed: completions and parallelism in tandem.
				n := r.IntN(*j.Completions + 3)
				as = append(as, DraftAction{At: at, Completions: pint(n), Parallelism: pint(n)})
			}
		case 10:
			if j.BackoffLimitPerIndex != nil {
				as = append(as, DraftAction{At: at, MaxFailedIndexes: pint(r.IntN(*j.Completions + 1))})
			}
		case 11:
			p := []string{"Failed", "TerminatingOrFailed"}[r.IntN(2)]
			if len(j.FailureRules) > 0 {
				p = "Failed" // the only policy a podFailurePolicy allows
			}
			as = append(as, DraftAction{At: at, Replacement: p})
		}
	}
	return as
}

// YAML renders the draft as a scenario file, with header as its leading
// comment lines.
func (d Draft) YAML(header ...string) []byte {
	var b strings.Builder
	for _, h := range header {
		for _, line := range strings.Split(h, "\n") {
			fmt.Fprintf(&b, "# %s\n", line)
		}
	}
	b.WriteString("apiVersion: jobsim/v1alpha1\nkind: Scenario\n")
	if d.StartTenths > 0 {
		fmt.Fprintf(&b, "start: 2026-01-01T00:00:00.%dZ\n", d.StartTenths)
	}
	if d.Until > 0 {
		fmt.Fprintf(&b, "until: %s\n", d.Until)
	}
	b.WriteString("jobs:\n")
	for _, j := range d.Jobs {
		j.write(&b)
	}
	return []byte(b.String())
}

func (j DraftJob) write(b *strings.Builder) {
	w := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat(" ", indent))
		fmt.Fprintf(b, format, args...)
		b.WriteByte('\n')
	}
	if j.At > 0 {
		w(2, "- at: %ds", j.At)
		w(4, "job:")
	} else {
		w(2, "- job:")
	}
	w(6, "apiVersion: batch/v1")
	w(6, "kind: Job")
	w(6, "metadata: {name: %s}", j.Name)
	w(6, "spec:")
	if j.External {
		w(8, "managedBy: example.com/other-controller")
	}
	if j.Indexed {
		w(8, "completionMode: Indexed")
	}
	opt := func(name string, p *int) {
		if p != nil {
			w(8, "%s: %d", name, *p)
		}
	}
	opt("completions", j.Completions)
	opt("parallelism", j.Parallelism)
	opt("backoffLimit", j.BackoffLimit)
	opt("backoffLimitPerIndex", j.BackoffLimitPerIndex)
	opt("maxFailedIndexes", j.MaxFailedIndexes)
	opt("activeDeadlineSeconds", j.ActiveDeadline)
	if j.Suspend {
		w(8, "suspend: true")
	}
	if j.PodReplacementPolicy != "" {
		w(8, "podReplacementPolicy: %s", j.PodReplacementPolicy)
	}
	if len(j.FailureRules) > 0 {
		w(8, "podFailurePolicy:")
		w(10, "rules:")
		for _, r := range j.FailureRules {
			if r.Operator == "" {
				cond := "type: " + cmp.Or(r.Condition, "DisruptionTarget")
				if r.Status != "" {
					cond += ", status: " + strconv.Quote(r.Status)
				}
				w(12, "- {action: %s, onPodConditions: [{%s}]}", r.Action, cond)
				continue
			}
			codes := make([]string, len(r.Codes))
			for i, c := range r.Codes {
				codes[i] = fmt.Sprint(c)
			}
			w(12, "- {action: %s, onExitCodes: {operator: %s, values: [%s]}}", r.Action, r.Operator, strings.Join(codes, ", "))
		}
	}
	if len(j.SuccessRules) > 0 {
		w(8, "successPolicy:")
		w(10, "rules:")
		for _, r := range j.SuccessRules {
			var parts []string
			if r.Indexes != nil {
				parts = append(parts, fmt.Sprintf("succeededIndexes: %q", *r.Indexes))
			}
			if r.Count != nil {
				parts = append(parts, fmt.Sprintf("succeededCount: %d", *r.Count))
			}
			w(12, "- {%s}", strings.Join(parts, ", "))
		}
	}
	w(8, "template:")
	w(10, "spec:")
	policy := "Never"
	if j.OnFailure {
		policy = "OnFailure"
	}
	w(12, "restartPolicy: %s", policy)
	if j.Grace != nil {
		w(12, "terminationGracePeriodSeconds: %d", *j.Grace)
	}
	w(12, "containers: [{name: main, image: busybox}]")
	w(4, "pods:")
	w(6, "default: %s", j.Default)
	if len(j.Runs) > 0 {
		w(6, "runs:")
		keys := make([]int, 0, len(j.Runs))
		for k := range j.Runs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			runs := make([]string, len(j.Runs[k]))
			for i, r := range j.Runs[k] {
				runs[i] = r.String()
			}
			w(8, "%q: [%s]", fmt.Sprint(k), strings.Join(runs, ", "))
		}
	}
	if len(j.Actions) > 0 {
		w(4, "actions:")
		for _, a := range j.Actions {
			parts := []string{fmt.Sprintf("at: %d.5s", a.At)}
			if a.Suspend != nil {
				parts = append(parts, fmt.Sprintf("suspend: %t", *a.Suspend))
			}
			field := func(name string, p *int) {
				if p != nil {
					parts = append(parts, fmt.Sprintf("%s: %d", name, *p))
				}
			}
			field("parallelism", a.Parallelism)
			field("completions", a.Completions)
			field("activeDeadlineSeconds", a.ActiveDeadline)
			field("backoffLimit", a.BackoffLimit)
			field("maxFailedIndexes", a.MaxFailedIndexes)
			if a.Replacement != "" {
				parts = append(parts, "podReplacementPolicy: "+a.Replacement)
			}
			if a.Delete {
				parts = append(parts, "delete: true")
			}
			w(6, "- {%s}", strings.Join(parts, ", "))
		}
	}
}

// String formats the run as the scenario format writes it.
func (r DraftRun) String() string {
	parts := []string{"run: " + (time.Duration(r.Run)*time.Second + time.Duration(r.Quarters)*250*time.Millisecond).String()}
	if r.Forever {
		parts = []string{"forever: true"}
	}
	if r.Exit != 0 {
		parts = append(parts, fmt.Sprintf("exit: %d", r.Exit))
	}
	if r.Term != 0 {
		parts = append(parts, fmt.Sprintf("term: %ds", r.Term))
	}
	if r.Disrupt != "" {
		parts = append(parts, "disrupt: "+r.Disrupt)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// clone deep-copies the draft.
func (d Draft) clone() Draft {
	out := d
	out.Jobs = make([]DraftJob, len(d.Jobs))
	for i, j := range d.Jobs {
		c := j
		for _, p := range []**int{&c.Completions, &c.Parallelism, &c.BackoffLimit, &c.BackoffLimitPerIndex,
			&c.MaxFailedIndexes, &c.ActiveDeadline, &c.Grace} {
			if *p != nil {
				*p = pint(**p)
			}
		}
		c.FailureRules = slices.Clone(j.FailureRules)
		c.SuccessRules = slices.Clone(j.SuccessRules)
		c.Actions = slices.Clone(j.Actions)
		for k, a := range c.Actions {
			for _, p := range []**int{&a.Parallelism, &a.Completions, &a.ActiveDeadline, &a.BackoffLimit, &a.MaxFailedIndexes} {
				if *p != nil {
					*p = pint(**p)
				}
			}
			if a.Suspend != nil {
				v := *a.Suspend
				a.Suspend = &v
			}
			c.Actions[k] = a
		}
		for k, r := range c.SuccessRules {
			if r.Indexes != nil {
				v := *r.Indexes
				r.Indexes = &v
			}
			if r.Count != nil {
				r.Count = pint(*r.Count)
			}
			c.SuccessRules[k] = r
		}
		for k, r := range c.FailureRules {
			r.Codes = slices.Clone(r.Codes)
			c.FailureRules[k] = r
		}
		c.Runs = map[int][]DraftRun{}
		for k, v := range j.Runs {
			c.Runs[k] = slices.Clone(v)
		}
		out.Jobs[i] = c
	}
	return out
}

// Shrinks returns smaller variants of d, simplest first: fewer jobs,
// actions, scripted runs and policy rules, unset options, fewer
// completions, shorter runs. Some may be invalid; the caller checks.
func (d Draft) Shrinks() []Draft {
	var out []Draft
	add := func(f func(d *Draft)) {
		c := d.clone()
		f(&c)
		out = append(out, c)
	}
	if len(d.Jobs) > 1 {
		for i := range d.Jobs {
			add(func(c *Draft) { c.Jobs = slices.Delete(c.Jobs, i, i+1) })
		}
	}
	if d.Until > 0 {
		add(func(c *Draft) { c.Until = 0 })
	}
	if d.StartTenths > 0 {
		add(func(c *Draft) { c.StartTenths = 0 })
	}
	for ji, j := range d.Jobs {
		job := func(f func(j *DraftJob)) { add(func(c *Draft) { f(&c.Jobs[ji]) }) }
		for ai := range j.Actions {
			job(func(j *DraftJob) { j.Actions = slices.Delete(j.Actions, ai, ai+1) })
		}
		if j.External {
			job(func(j *DraftJob) { j.External = false })
		}
		if j.At > 0 {
			job(func(j *DraftJob) {
				for k := range j.Actions {
					j.Actions[k].At -= j.At
				}
				j.At = 0
			})
		}
		keys := make([]int, 0, len(j.Runs))
		for k := range j.Runs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			job(func(j *DraftJob) { delete(j.Runs, k) })
			if len(j.Runs[k]) > 1 {
				job(func(j *DraftJob) { j.Runs[k] = j.Runs[k][:len(j.Runs[k])-1] })
				job(func(j *DraftJob) { j.Runs[k] = j.Runs[k][1:] })
			}
		}
		for ri := range j.FailureRules {
			job(func(j *DraftJob) { j.FailureRules = slices.Delete(j.FailureRules, ri, ri+1) })
		}
		if len(j.SuccessRules) > 0 {
			job(func(j *DraftJob) { j.SuccessRules = nil })
		}
		if j.ActiveDeadline != nil {
			job(func(j *DraftJob) { j.ActiveDeadline = nil })
		}
		if j.MaxFailedIndexes != nil {
			job(func(j *DraftJob) { j.MaxFailedIndexes = nil })
		}
		if j.BackoffLimitPerIndex != nil {
			job(func(j *DraftJob) { j.BackoffLimitPerIndex, j.MaxFailedIndexes = nil, nil })
		}
		if j.BackoffLimit != nil {
			job(func(j *DraftJob) { j.BackoffLimit = nil })
		}
		if j.PodReplacementPolicy != "" {
			job(func(j *DraftJob) { j.PodReplacementPolicy = "" })
		}
		if j.Grace != nil {
			job(func(j *DraftJob) { j.Grace = nil })
		}
		if j.Parallelism != nil && *j.Parallelism > 1 {
			job(func(j *DraftJob) { j.Parallelism = pint(*j.Parallelism - 1) })
		}
		if j.Completions != nil && *j.Completions > 1 {
			job(func(j *DraftJob) {
				j.Completions = pint(*j.Completions - 1)
				if j.Parallelism != nil && *j.Parallelism > *j.Completions {
					j.Parallelism = pint(*j.Completions)
				}
				if j.MaxFailedIndexes != nil && *j.MaxFailedIndexes > *j.Completions {
					j.MaxFailedIndexes = pint(*j.Completions)
				}
			})
		}
		if j.Default.Term != 0 {
			job(func(j *DraftJob) { j.Default.Term = 0 })
		}
		if j.Default.Run > 2 {
			job(func(j *DraftJob) { j.Default.Run = (j.Default.Run + 1) / 2 })
		}
		if j.Default.Quarters != 0 {
			job(func(j *DraftJob) { j.Default.Quarters = 0 })
		}
	}
	return out
}
