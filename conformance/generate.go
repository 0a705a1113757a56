package conformance

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Generate draws a random scenario from r. Runs last whole or quarter
// seconds, actions fall on half seconds, and the scenarios are kept short
// (most end within a few virtual minutes).
//
// The draws from r are made in a fixed order, which TestGeneratorPinned
// holds: a seed always gives the same draft.
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
	d.Until = generateUntil(r, needUntil)
	return d
}

// generateUntil draws when the scenario stops: always, after a few
// minutes, when a pod may run for ever (needed); otherwise, now and then,
// in the middle of the run; else 0, at the end.
func generateUntil(r *rand.Rand, needed bool) time.Duration {
	switch {
	case needed:
		return time.Duration(120+10*r.IntN(19)) * time.Second
	case r.IntN(10) < 3:
		// Stop in the middle, to compare the state in flight. Events fall
		// on multiples of 50 ms (quarter-second runs, half-second actions,
		// and the API's whole seconds, which a start tenths past a second
		// shifts); 30 ms past one never ties with them.
		return time.Duration(3+r.IntN(90))*time.Second + 30*time.Millisecond
	}
	return 0
}

// chance reports true with probability n percent.
func chance(r *rand.Rand, n int) bool { return r.IntN(100) < n }

// generateJob draws one job named name; forever reports whether one of
// its pods may run for ever, so that the scenario needs an end.
func generateJob(r *rand.Rand, name string) (j DraftJob, forever bool) {
	j = DraftJob{Name: name, Indexed: r.IntN(2) == 0, Runs: map[int][]DraftRun{}}
	generateShape(r, &j)
	generateLimits(r, &j)
	generatePolicies(r, &j)
	generateOptions(r, &j)
	forever = generateJobRuns(r, &j)
	generateJobActions(r, &j)
	if j.ActiveDeadline != nil {
		forever = false
	}
	return j, forever
}

// generateShape draws completions and parallelism: a work queue for some
// NonIndexed jobs, else a number of completions, now and then zero
// completions or zero parallelism.
func generateShape(r *rand.Rand, j *DraftJob) {
	c := 1 + r.IntN(5)
	if chance(r, 10) {
		c = 6 + r.IntN(11) // enough pods for the orderings of many
	}
	if !j.Indexed && chance(r, 12) {
		j.Parallelism = pint(1 + r.IntN(3)) // work queue
		return
	}
	j.Completions = pint(c)
	if chance(r, 85) {
		j.Parallelism = pint(1 + r.IntN(c+1))
	}
	switch {
	case chance(r, 3):
		j.Completions = pint(0) // done at once
	case chance(r, 3):
		j.Parallelism = pint(0) // nothing runs until an edit
	}
}

// generateLimits draws the restart policy and the failure limits:
// backoffLimit, and for Indexed jobs backoffLimitPerIndex and
// maxFailedIndexes.
func generateLimits(r *rand.Rand, j *DraftJob) {
	j.OnFailure = chance(r, 25)
	if chance(r, 75) {
		j.BackoffLimit = pint(r.IntN(5))
	}
	if j.Indexed && chance(r, 35) {
		j.BackoffLimitPerIndex = pint(r.IntN(3))
		if chance(r, 50) {
			j.MaxFailedIndexes = pint(r.IntN(*j.Completions + 1))
		}
		if chance(r, 50) {
			j.BackoffLimit = nil
		}
	}
}

// generatePolicies draws the podFailurePolicy, the successPolicy and the
// podReplacementPolicy, which a podFailurePolicy restricts to Failed.
func generatePolicies(r *rand.Rand, j *DraftJob) {
	if !j.OnFailure && chance(r, 30) {
		j.FailureRules = generateRules(r, j.BackoffLimitPerIndex != nil)
	}
	if j.Indexed && *j.Completions > 0 && chance(r, 25) {
		j.SuccessRules = generateSuccess(r, *j.Completions)
	}
	switch {
	case len(j.FailureRules) > 0:
		if chance(r, 30) {
			j.PodReplacementPolicy = "Failed"
		}
	case chance(r, 35):
		j.PodReplacementPolicy = []string{"Failed", "TerminatingOrFailed"}[r.IntN(2)]
	}
}

// generateOptions draws activeDeadlineSeconds, the grace period, whether
// the job is created suspended and whether another controller manages it.
func generateOptions(r *rand.Rand, j *DraftJob) {
	if chance(r, 20) {
		j.ActiveDeadline = pint(15 + 5*r.IntN(24))
	}
	if chance(r, 30) {
		j.Grace = pint(r.IntN(21))
	}
	j.Suspend = chance(r, 8)
	j.External = chance(r, 2)
}

// generateJobRuns draws the job's default run and the scripted runs of
// some keys (the completion count and two more); it reports whether a
// scripted run lasts for ever.
func generateJobRuns(r *rand.Rand, j *DraftJob) (forever bool) {
	failP := []int{0, 10, 30, 60, 100}[r.IntN(5)]
	// Runs between whole seconds, for a job in five: the API keeps
	// timestamps to the second, and the controller measures from those.
	quarters := chance(r, 20)
	j.Default = generateRun(r, failP, false, quarters)
	keys := *orDefault(j.Completions, 3) + 2
	for k := range keys {
		if !chance(r, 35) {
			continue
		}
		runs := make([]DraftRun, 1+r.IntN(3))
		for i := range runs {
			runs[i] = generateRun(r, 40, true, quarters)
			forever = forever || runs[i].Forever
		}
		j.Runs[k] = runs
	}
	return forever
}

// generateJobActions draws the job's actions, and resumes a job created
// suspended if none of them does.
func generateJobActions(r *rand.Rand, j *DraftJob) {
	if chance(r, 30) {
		j.Actions = generateActions(r, *j)
	}
	if j.Suspend && !slices.ContainsFunc(j.Actions, func(a DraftAction) bool { return a.Suspend != nil && !*a.Suspend }) {
		j.Actions = append(j.Actions, DraftAction{At: 5 + r.IntN(60), Suspend: new(bool)})
	}
}

// orDefault returns p, or a pointer to n when p is nil.
func orDefault(p *int, n int) *int {
	if p == nil {
		return &n
	}
	return p
}

// generateRun draws one run, failing with probability failPercent
// percent; special runs may be disruptions or last for ever, and quarters
// adds quarter seconds.
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

// generateRules draws one or two podFailurePolicy rules, FailIndex among
// their actions when perIndex (backoffLimitPerIndex is set).
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

// generateSuccess draws one successPolicy rule for completions indexes.
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

// generateActions draws one or two actions on j (a suspension comes with
// its resumption), at increasing times; a deletion is the last.
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

// GenerateOptions choose what Generate draws beyond the job.
type GenerateOptions struct {
	// Cluster draws a cluster too: one to three pools of up to four nodes
	// (capacities, zone and disk labels, now and then GPUs), and for each
	// job requests, now and then a nodeSelector or a required node
	// affinity; then, now and then, pool taints, priority classes and a
	// PodDisruptionBudget, and for each job tolerations, preferred node
	// affinity, a spread constraint, pod (anti-)affinity, a scheduling
	// gate and its removal, and a priority class. These draws come after
	// the job's, so a seed's jobs are those Generate draws without the
	// option (but for a gate's removal among their actions).
	Cluster bool
	// CronJobs draws, after everything else, zero to two CronJobs: a
	// schedule (every 5 or 15 minutes, hourly, or daily at 02:30), now
	// and then a time zone, a concurrencyPolicy, now and then a starting
	// deadline and history limits, a Job template of one or two pods
	// whose runs may outlast the period or fail, now and then a
	// suspension and resumption, a schedule or policy edit, and an
	// outage of the CronJob controller. A draft with CronJobs runs a few
	// hours.
	CronJobs bool
}

// GenerateWith is Generate with options.
func GenerateWith(r *rand.Rand, opts GenerateOptions) Draft {
	d := Generate(r)
	if opts.Cluster {
		generateCluster(r, &d)
	}
	if opts.CronJobs {
		generateCronJobs(r, &d)
	}
	return d
}

// generateCluster draws the pools and each job's placement.
func generateCluster(r *rand.Rand, d *Draft) {
	zones := []string{"a", "b", "c"}
	gpus := false
	for i := range 1 + r.IntN(3) {
		p := DraftPool{
			Name:     fmt.Sprintf("pool%d", i),
			Count:    1 + r.IntN(4),
			MilliCPU: []int{1000, 2000, 4000, 8000}[r.IntN(4)],
			MemoryMi: []int{2048, 4096, 8192, 16384}[r.IntN(4)],
			Labels:   map[string]string{"topology.kubernetes.io/zone": zones[r.IntN(3)]},
		}
		if chance(r, 40) {
			p.Labels["disk"] = []string{"ssd", "hdd"}[r.IntN(2)]
		}
		if chance(r, 20) {
			p.GPU, gpus = 1+r.IntN(2), true
		}
		d.Pools = append(d.Pools, p)
	}
	for k := range d.Jobs {
		p := &DraftPlacement{
			MilliCPU: []int{0, 250, 500, 1000, 2000}[r.IntN(5)],
			MemoryMi: []int{0, 256, 1024, 4096}[r.IntN(4)],
		}
		if gpus && chance(r, 30) {
			p.GPU = 1
		}
		switch n := r.IntN(10); {
		case n < 3:
			pool := d.Pools[r.IntN(len(d.Pools))]
			keys := slices.Sorted(maps.Keys(pool.Labels))
			key := keys[r.IntN(len(keys))]
			p.NodeSelector = map[string]string{key: pool.Labels[key]}
		case n < 5:
			switch r.IntN(4) {
			case 0:
				p.Affinity = []DraftRequirement{{Key: "topology.kubernetes.io/zone", Operator: "In", Values: []string{zones[r.IntN(3)], zones[r.IntN(3)]}}}
			case 1:
				p.Affinity = []DraftRequirement{{Key: "topology.kubernetes.io/zone", Operator: "NotIn", Values: []string{zones[r.IntN(3)]}}}
			case 2:
				p.Affinity = []DraftRequirement{{Key: "disk", Operator: "Exists"}}
			default:
				p.Affinity = []DraftRequirement{{Key: "disk", Operator: "DoesNotExist"}}
			}
			if p.Affinity[0].Operator == "In" && p.Affinity[0].Values[0] == p.Affinity[0].Values[1] {
				p.Affinity[0].Values = p.Affinity[0].Values[:1]
			}
		}
		d.Jobs[k].Placement = p
	}
	generateDirectives(r, d)
}

// The topology keys the explorer spreads and groups pods by.
const (
	zoneKey     = "topology.kubernetes.io/zone"
	hostnameKey = "kubernetes.io/hostname"
)

// generateDirectives draws, after the pools and each job's requests and
// node selection, the rest of a cluster and its scheduling directives:
// pool taints, priority classes and PodDisruptionBudgets, and for each
// job tolerations, preferred node affinity, spread constraints, pod
// affinity and anti-affinity, scheduling gates (most often removed by an
// action) and a priority class.
func generateDirectives(r *rand.Rand, d *Draft) {
	for i := range d.Pools {
		if chance(r, 30) {
			d.Pools[i].Taints = []DraftTaint{generateTaint(r)}
		}
	}
	if chance(r, 20) {
		d.PriorityClasses = []DraftPriorityClass{
			{Name: "low", Value: r.IntN(11), GlobalDefault: chance(r, 50)},
			{Name: "high", Value: 1000, Never: chance(r, 25)},
		}
	}
	for k := range d.Jobs {
		generateJobDirectives(r, d, &d.Jobs[k])
	}
	if len(d.PriorityClasses) > 0 && chance(r, 40) {
		pdb := DraftPDB{Name: "pdb0", Job: d.Jobs[r.IntN(len(d.Jobs))].Name}
		if chance(r, 50) {
			pdb.MinAvailable = pint(r.IntN(3))
		} else {
			pdb.MaxUnavailable = pint(r.IntN(2))
		}
		d.PDBs = []DraftPDB{pdb}
	}
}

// addAction inserts a into j's actions in time order, after those at the
// same time, unless the job is deleted before then.
func addAction(j *DraftJob, a DraftAction) {
	i := len(j.Actions)
	for i > 0 && j.Actions[i-1].At > a.At {
		i--
	}
	if slices.ContainsFunc(j.Actions[:i], func(b DraftAction) bool { return b.Delete }) {
		return
	}
	j.Actions = slices.Insert(j.Actions, i, a)
}

// generateTaint draws a taint of a gpu or dedicated key.
func generateTaint(r *rand.Rand) DraftTaint {
	t := DraftTaint{Key: "nvidia.com/gpu", Value: "true"}
	if chance(r, 50) {
		t = DraftTaint{Key: "dedicated", Value: []string{"batch", "infra"}[r.IntN(2)]}
	}
	t.Effect = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}[r.IntN(3)]
	return t
}

// generateJobDirectives draws one job's directives beyond its requests.
func generateJobDirectives(r *rand.Rand, d *Draft, j *DraftJob) {
	p := j.Placement
	var taints []DraftTaint
	for _, pool := range d.Pools {
		taints = append(taints, pool.Taints...)
	}
	if len(taints) > 0 && chance(r, 60) {
		p.Tolerations = []DraftToleration{generateToleration(r, taints[r.IntN(len(taints))])}
	}
	if chance(r, 20) {
		for range 1 + r.IntN(2) {
			p.Preferred = append(p.Preferred, DraftPreferred{Weight: 1 + r.IntN(100), Requirement: generatePreference(r, d.Pools)})
		}
	}
	if chance(r, 25) {
		p.Spread = []DraftSpread{generateSpread(r, d, j)}
	}
	if chance(r, 25) {
		p.PodAffinity = []DraftPodAffinity{generatePodAffinity(r, d, j)}
	}
	if chance(r, 10) {
		p.Gates = []string{"example.com/gate"}
		if chance(r, 80) {
			addAction(j, DraftAction{At: j.At + 3 + r.IntN(40), RemoveGates: []string{"example.com/gate"}})
		}
	}
	if len(d.PriorityClasses) > 0 && chance(r, 60) {
		p.PriorityClass = []string{"low", "high", "high"}[r.IntN(3)]
	}
}

// generateToleration draws a toleration of taint t, or one that just
// misses it (another value or effect): Equal or Exists, of t's effect or
// of every effect, with tolerationSeconds now and then for NoExecute.
// The seconds outlast the explorer's scenarios: the reference runs no
// taint-eviction controller.
func generateToleration(r *rand.Rand, t DraftTaint) DraftToleration {
	tl := DraftToleration{Key: t.Key, Operator: "Equal", Value: t.Value, Effect: t.Effect}
	if chance(r, 40) {
		tl.Operator, tl.Value = "Exists", ""
	}
	switch n := r.IntN(10); {
	case n < 2:
		tl.Effect = ""
	case n < 4 && tl.Operator == "Equal":
		tl.Value = "other" // misses
	case n < 5:
		tl.Effect = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}[r.IntN(3)] // misses unless the same
	}
	if tl.Effect == "NoExecute" && chance(r, 50) {
		tl.Seconds = pint([]int{1800, 3600}[r.IntN(2)])
	}
	return tl
}

// generatePreference draws a preferred node affinity requirement: a zone,
// or a label of one of the pools.
func generatePreference(r *rand.Rand, pools []DraftPool) DraftRequirement {
	pool := pools[r.IntN(len(pools))]
	keys := slices.Sorted(maps.Keys(pool.Labels))
	key := keys[r.IntN(len(keys))]
	if chance(r, 30) {
		return DraftRequirement{Key: key, Operator: "NotIn", Values: []string{pool.Labels[key]}}
	}
	return DraftRequirement{Key: key, Operator: "In", Values: []string{pool.Labels[key]}}
}

// generateSpread draws a spread constraint over zones or nodes of the
// job's own pods, or of every job's.
func generateSpread(r *rand.Rand, d *Draft, j *DraftJob) DraftSpread {
	c := DraftSpread{
		TopologyKey: []string{zoneKey, hostnameKey}[r.IntN(2)],
		MaxSkew:     1 + r.IntN(2),
		When:        []string{"DoNotSchedule", "ScheduleAnyway"}[r.IntN(2)],
		Selector:    generateSelector(r, d, j),
	}
	if c.When == "DoNotSchedule" && chance(r, 25) {
		c.MinDomains = pint(1 + r.IntN(4))
	}
	if chance(r, 20) {
		c.NodeAffinityPolicy = []string{"Honor", "Ignore"}[r.IntN(2)]
	}
	if chance(r, 20) {
		c.NodeTaintsPolicy = []string{"Honor", "Ignore"}[r.IntN(2)]
	}
	if c.Selector.Job == "" && chance(r, 50) {
		// Narrowed to the pod's own job; not a key the selector names.
		c.MatchLabelKeys = []string{[]string{"batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"}[r.IntN(2)]}
	}
	return c
}

// generatePodAffinity draws a pod affinity or anti-affinity term,
// required or preferred, by zone or node.
func generatePodAffinity(r *rand.Rand, d *Draft, j *DraftJob) DraftPodAffinity {
	t := DraftPodAffinity{
		Anti:        chance(r, 60),
		TopologyKey: []string{zoneKey, hostnameKey}[r.IntN(2)],
		Selector:    generateSelector(r, d, j),
	}
	if chance(r, 50) {
		t.Weight = 1 + r.IntN(100)
	}
	return t
}

// generateSelector draws a selector of the job's own pods, another job's,
// or every job's.
func generateSelector(r *rand.Rand, d *Draft, j *DraftJob) DraftSelector {
	switch n := r.IntN(10); {
	case n < 6:
		return DraftSelector{Job: j.Name}
	case n < 8:
		return DraftSelector{Job: d.Jobs[r.IntN(len(d.Jobs))].Name}
	}
	return DraftSelector{}
}
