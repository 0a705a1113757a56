package conformance

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
	switch {
	case d.StartTenths > 0:
		fmt.Fprintf(&b, "start: 2026-01-01T%02d:00:00.%dZ\n", d.StartHour, d.StartTenths)
	case d.StartHour > 0:
		fmt.Fprintf(&b, "start: 2026-01-01T%02d:00:00Z\n", d.StartHour)
	}
	if d.Until > 0 {
		fmt.Fprintf(&b, "until: %s\n", d.Until)
	}
	if len(d.Pools) > 0 {
		b.WriteString("nodes:\n")
		for _, p := range d.Pools {
			capacity := fmt.Sprintf("cpu: %dm, memory: %dMi", p.MilliCPU, p.MemoryMi)
			if p.GPU > 0 {
				capacity += fmt.Sprintf(", nvidia.com/gpu: %d", p.GPU)
			}
			fmt.Fprintf(&b, "  - {name: %s, count: %d, capacity: {%s}", p.Name, p.Count, capacity)
			if len(p.Labels) > 0 {
				fmt.Fprintf(&b, ", labels: {%s}", flowMap(p.Labels))
			}
			if len(p.Taints) > 0 {
				var ts []string
				for _, t := range p.Taints {
					ts = append(ts, t.yaml())
				}
				fmt.Fprintf(&b, ", taints: [%s]", strings.Join(ts, ", "))
			}
			b.WriteString("}\n")
		}
	}
	if len(d.PriorityClasses) > 0 {
		b.WriteString("priorityClasses:\n")
		for _, pc := range d.PriorityClasses {
			fmt.Fprintf(&b, "  - %s\n", pc.yaml())
		}
	}
	if len(d.PDBs) > 0 {
		b.WriteString("pdbs:\n")
		for _, pdb := range d.PDBs {
			fmt.Fprintf(&b, "  - %s\n", pdb.yaml())
		}
	}
	if len(d.Jobs) > 0 || len(d.CronJobs) == 0 {
		b.WriteString("jobs:\n")
	}
	for _, j := range d.Jobs {
		j.write(yamlWriter{&b})
	}
	if len(d.CronJobs) > 0 {
		b.WriteString("cronJobs:\n")
	}
	for _, cj := range d.CronJobs {
		cj.write(yamlWriter{&b})
	}
	if o := d.Outage; o != nil {
		b.WriteString("faults:\n")
		fmt.Fprintf(&b, "  - {at: %s, controller: cronjob, action: down}\n", halfPast(o.Down))
		fmt.Fprintf(&b, "  - {at: %s, controller: cronjob, action: up}\n", halfPast(o.Up))
	}
	return []byte(b.String())
}

// yamlWriter writes a scenario file line by line.
type yamlWriter struct{ b *strings.Builder }

// line writes one line, indented by indent spaces.
func (w yamlWriter) line(indent int, format string, args ...any) {
	w.b.WriteString(strings.Repeat(" ", indent))
	fmt.Fprintf(w.b, format, args...)
	w.b.WriteByte('\n')
}

// write renders the job as an entry of the scenario's jobs: the Job
// object, then its pods' runs and its actions.
func (j DraftJob) write(w yamlWriter) {
	if j.At > 0 {
		w.line(2, "- at: %ds", j.At)
		w.line(4, "job:")
	} else {
		w.line(2, "- job:")
	}
	w.line(6, "apiVersion: batch/v1")
	w.line(6, "kind: Job")
	w.line(6, "metadata: {name: %s}", j.Name)
	w.line(6, "spec:")
	j.writeSpecFields(w)
	j.writeFailurePolicy(w)
	j.writeSuccessPolicy(w)
	j.writeTemplate(w)
	j.writePods(w)
	j.writeActions(w)
}

// writeSpecFields writes the job spec's scalar fields that are set.
func (j DraftJob) writeSpecFields(w yamlWriter) {
	if j.External {
		w.line(8, "managedBy: example.com/other-controller")
	}
	if j.Indexed {
		w.line(8, "completionMode: Indexed")
	}
	opt := func(name string, p *int) {
		if p != nil {
			w.line(8, "%s: %d", name, *p)
		}
	}
	opt("completions", j.Completions)
	opt("parallelism", j.Parallelism)
	opt("backoffLimit", j.BackoffLimit)
	opt("backoffLimitPerIndex", j.BackoffLimitPerIndex)
	opt("maxFailedIndexes", j.MaxFailedIndexes)
	opt("activeDeadlineSeconds", j.ActiveDeadline)
	if j.Suspend {
		w.line(8, "suspend: true")
	}
	if j.PodReplacementPolicy != "" {
		w.line(8, "podReplacementPolicy: %s", j.PodReplacementPolicy)
	}
}

// writeFailurePolicy writes the podFailurePolicy, if the job has rules.
func (j DraftJob) writeFailurePolicy(w yamlWriter) {
	if len(j.FailureRules) == 0 {
		return
	}
	w.line(8, "podFailurePolicy:")
	w.line(10, "rules:")
	for _, r := range j.FailureRules {
		w.line(12, "- %s", r.yaml())
	}
}

// yaml renders the rule as a flow mapping.
func (r DraftRule) yaml() string {
	if r.Operator == "" {
		cond := "type: " + cmp.Or(r.Condition, "DisruptionTarget")
		if r.Status != "" {
			cond += ", status: " + strconv.Quote(r.Status)
		}
		return fmt.Sprintf("{action: %s, onPodConditions: [{%s}]}", r.Action, cond)
	}
	codes := make([]string, len(r.Codes))
	for i, c := range r.Codes {
		codes[i] = fmt.Sprint(c)
	}
	return fmt.Sprintf("{action: %s, onExitCodes: {operator: %s, values: [%s]}}", r.Action, r.Operator, strings.Join(codes, ", "))
}

// writeSuccessPolicy writes the successPolicy, if the job has rules.
func (j DraftJob) writeSuccessPolicy(w yamlWriter) {
	if len(j.SuccessRules) == 0 {
		return
	}
	w.line(8, "successPolicy:")
	w.line(10, "rules:")
	for _, r := range j.SuccessRules {
		var parts []string
		if r.Indexes != nil {
			parts = append(parts, fmt.Sprintf("succeededIndexes: %q", *r.Indexes))
		}
		if r.Count != nil {
			parts = append(parts, fmt.Sprintf("succeededCount: %d", *r.Count))
		}
		w.line(12, "- {%s}", strings.Join(parts, ", "))
	}
}

// writeTemplate writes the pod template.
func (j DraftJob) writeTemplate(w yamlWriter) {
	w.line(8, "template:")
	w.line(10, "spec:")
	policy := "Never"
	if j.OnFailure {
		policy = "OnFailure"
	}
	w.line(12, "restartPolicy: %s", policy)
	if j.Grace != nil {
		w.line(12, "terminationGracePeriodSeconds: %d", *j.Grace)
	}
	p := j.Placement
	if p == nil {
		w.line(12, "containers: [{name: main, image: busybox}]")
		return
	}
	if p.PriorityClass != "" {
		w.line(12, "priorityClassName: %s", p.PriorityClass)
	}
	if len(p.NodeSelector) > 0 {
		w.line(12, "nodeSelector: {%s}", flowMap(p.NodeSelector))
	}
	p.writeAffinity(w)
	if len(p.Tolerations) > 0 {
		w.line(12, "tolerations:")
		for _, t := range p.Tolerations {
			w.line(14, "- %s", t.yaml())
		}
	}
	if len(p.Spread) > 0 {
		w.line(12, "topologySpreadConstraints:")
		for _, c := range p.Spread {
			w.line(14, "- %s", c.yaml())
		}
	}
	if len(p.Gates) > 0 {
		var gs []string
		for _, g := range p.Gates {
			gs = append(gs, "{name: "+g+"}")
		}
		w.line(12, "schedulingGates: [%s]", strings.Join(gs, ", "))
	}
	var req []string
	if p.MilliCPU > 0 {
		req = append(req, fmt.Sprintf("cpu: %dm", p.MilliCPU))
	}
	if p.MemoryMi > 0 {
		req = append(req, fmt.Sprintf("memory: %dMi", p.MemoryMi))
	}
	res := ""
	if p.GPU > 0 {
		req = append(req, fmt.Sprintf("nvidia.com/gpu: %d", p.GPU))
		res = fmt.Sprintf(", limits: {nvidia.com/gpu: %d}", p.GPU)
	}
	w.line(12, "containers: [{name: main, image: busybox, resources: {requests: {%s}%s}}]", strings.Join(req, ", "), res)
}

// writeAffinity writes the template's affinity, if it has any: node
// affinity (required, preferred), then pod affinity and anti-affinity.
func (p *DraftPlacement) writeAffinity(w yamlWriter) {
	var affinity, anti []DraftPodAffinity
	for _, t := range p.PodAffinity {
		if t.Anti {
			anti = append(anti, t)
		} else {
			affinity = append(affinity, t)
		}
	}
	if len(p.Affinity) == 0 && len(p.Preferred) == 0 && len(affinity) == 0 && len(anti) == 0 {
		return
	}
	w.line(12, "affinity:")
	if len(p.Affinity) > 0 || len(p.Preferred) > 0 {
		w.line(14, "nodeAffinity:")
	}
	if len(p.Affinity) > 0 {
		var exprs []string
		for _, r := range p.Affinity {
			exprs = append(exprs, r.yaml())
		}
		w.line(16, "requiredDuringSchedulingIgnoredDuringExecution:")
		w.line(18, "nodeSelectorTerms: [{matchExpressions: [%s]}]", strings.Join(exprs, ", "))
	}
	if len(p.Preferred) > 0 {
		w.line(16, "preferredDuringSchedulingIgnoredDuringExecution:")
		for _, t := range p.Preferred {
			w.line(18, "- {weight: %d, preference: {matchExpressions: [%s]}}", t.Weight, t.Requirement.yaml())
		}
	}
	writePodAffinity(w, "podAffinity", affinity)
	writePodAffinity(w, "podAntiAffinity", anti)
}

// writePodAffinity writes the terms under name (podAffinity or
// podAntiAffinity): the required ones, then the preferred ones.
func writePodAffinity(w yamlWriter, name string, terms []DraftPodAffinity) {
	if len(terms) == 0 {
		return
	}
	w.line(14, "%s:", name)
	var required, preferred []string
	for _, t := range terms {
		term := fmt.Sprintf("{topologyKey: %s, labelSelector: %s}", t.TopologyKey, t.Selector.yaml())
		if t.Weight == 0 {
			required = append(required, term)
		} else {
			preferred = append(preferred, fmt.Sprintf("{weight: %d, podAffinityTerm: %s}", t.Weight, term))
		}
	}
	if len(required) > 0 {
		w.line(16, "requiredDuringSchedulingIgnoredDuringExecution:")
		for _, t := range required {
			w.line(18, "- %s", t)
		}
	}
	if len(preferred) > 0 {
		w.line(16, "preferredDuringSchedulingIgnoredDuringExecution:")
		for _, t := range preferred {
			w.line(18, "- %s", t)
		}
	}
}

// yaml renders the requirement as a flow mapping.
func (r DraftRequirement) yaml() string {
	e := fmt.Sprintf("{key: %s, operator: %s", r.Key, r.Operator)
	if len(r.Values) > 0 {
		q := make([]string, len(r.Values))
		for i, v := range r.Values {
			q[i] = strconv.Quote(v)
		}
		e += ", values: [" + strings.Join(q, ", ") + "]"
	}
	return e + "}"
}

// yaml renders the selector as a flow mapping.
func (s DraftSelector) yaml() string {
	if s.Job == "" {
		return "{matchExpressions: [{key: job-name, operator: Exists}]}"
	}
	return fmt.Sprintf("{matchLabels: {batch.kubernetes.io/job-name: %s}}", s.Job)
}

// yaml renders the taint as a flow mapping.
func (t DraftTaint) yaml() string {
	if t.Value == "" {
		return fmt.Sprintf("{key: %s, effect: %s}", t.Key, t.Effect)
	}
	return fmt.Sprintf("{key: %s, value: %q, effect: %s}", t.Key, t.Value, t.Effect)
}

// yaml renders the toleration as a flow mapping.
func (t DraftToleration) yaml() string {
	parts := []string{"key: " + t.Key, "operator: " + t.Operator}
	if t.Value != "" {
		parts = append(parts, "value: "+strconv.Quote(t.Value))
	}
	if t.Effect != "" {
		parts = append(parts, "effect: "+t.Effect)
	}
	if t.Seconds != nil {
		parts = append(parts, fmt.Sprintf("tolerationSeconds: %d", *t.Seconds))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// yaml renders the constraint as a flow mapping.
func (c DraftSpread) yaml() string {
	parts := []string{fmt.Sprintf("maxSkew: %d", c.MaxSkew), "topologyKey: " + c.TopologyKey, "whenUnsatisfiable: " + c.When}
	if c.MinDomains != nil {
		parts = append(parts, fmt.Sprintf("minDomains: %d", *c.MinDomains))
	}
	if c.NodeAffinityPolicy != "" {
		parts = append(parts, "nodeAffinityPolicy: "+c.NodeAffinityPolicy)
	}
	if c.NodeTaintsPolicy != "" {
		parts = append(parts, "nodeTaintsPolicy: "+c.NodeTaintsPolicy)
	}
	if len(c.MatchLabelKeys) > 0 {
		parts = append(parts, "matchLabelKeys: ["+strings.Join(c.MatchLabelKeys, ", ")+"]")
	}
	parts = append(parts, "labelSelector: "+c.Selector.yaml())
	return "{" + strings.Join(parts, ", ") + "}"
}

// yaml renders the priority class as a flow mapping.
func (pc DraftPriorityClass) yaml() string {
	s := fmt.Sprintf("{name: %s, value: %d", pc.Name, pc.Value)
	if pc.GlobalDefault {
		s += ", globalDefault: true"
	}
	if pc.Never {
		s += ", preemptionPolicy: Never"
	}
	return s + "}"
}

// yaml renders the budget as a flow mapping.
func (b DraftPDB) yaml() string {
	s := fmt.Sprintf("{name: %s, selector: {matchLabels: {batch.kubernetes.io/job-name: %s}}", b.Name, b.Job)
	if b.MinAvailable != nil {
		s += fmt.Sprintf(", minAvailable: %d", *b.MinAvailable)
	}
	if b.MaxUnavailable != nil {
		s += fmt.Sprintf(", maxUnavailable: %d", *b.MaxUnavailable)
	}
	return s + "}"
}

// flowMap renders a map as the inside of a YAML flow mapping, sorted.
func flowMap(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %s", k, strconv.Quote(m[k])))
	}
	return strings.Join(parts, ", ")
}

// writePods writes the job's runs: the default, then the scripted runs by
// increasing key.
func (j DraftJob) writePods(w yamlWriter) {
	w.line(4, "pods:")
	w.line(6, "default: %s", j.Default)
	if len(j.Runs) == 0 {
		return
	}
	w.line(6, "runs:")
	for _, k := range sortedKeys(j.Runs) {
		runs := make([]string, len(j.Runs[k]))
		for i, r := range j.Runs[k] {
			runs[i] = r.String()
		}
		w.line(8, "%q: [%s]", fmt.Sprint(k), strings.Join(runs, ", "))
	}
}

// writeActions writes the job's actions, if it has any.
func (j DraftJob) writeActions(w yamlWriter) {
	if len(j.Actions) == 0 {
		return
	}
	w.line(4, "actions:")
	for _, a := range j.Actions {
		w.line(6, "- %s", a.yaml())
	}
}

// yaml renders the action as a flow mapping.
func (a DraftAction) yaml() string {
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
	if len(a.RemoveGates) > 0 {
		parts = append(parts, "removeSchedulingGates: ["+strings.Join(a.RemoveGates, ", ")+"]")
	}
	if a.Delete {
		parts = append(parts, "delete: true")
	}
	return "{" + strings.Join(parts, ", ") + "}"
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

// sortedKeys returns the keys of a job's scripted runs, increasing.
func sortedKeys(runs map[int][]DraftRun) []int {
	keys := make([]int, 0, len(runs))
	for k := range runs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// halfPast renders half a second past sec seconds as a duration.
func halfPast(sec int) string {
	return (time.Duration(sec)*time.Second + 500*time.Millisecond).String()
}

// write renders the CronJob as an entry of the scenario's cronJobs: the
// CronJob object, then its Jobs' runs and its actions.
func (cj DraftCronJob) write(w yamlWriter) {
	w.line(2, "- cronJob:")
	w.line(6, "apiVersion: batch/v1")
	w.line(6, "kind: CronJob")
	w.line(6, "metadata: {name: %s}", cj.Name)
	w.line(6, "spec:")
	w.line(8, "schedule: %q", cj.Schedule)
	if cj.TimeZone != "" {
		w.line(8, "timeZone: %s", cj.TimeZone)
	}
	if cj.Policy != "" {
		w.line(8, "concurrencyPolicy: %s", cj.Policy)
	}
	opt := func(name string, p *int) {
		if p != nil {
			w.line(8, "%s: %d", name, *p)
		}
	}
	opt("startingDeadlineSeconds", cj.Deadline)
	opt("successfulJobsHistoryLimit", cj.SuccessLimit)
	opt("failedJobsHistoryLimit", cj.FailedLimit)
	w.line(8, "jobTemplate:")
	w.line(10, "spec:")
	w.line(12, "backoffLimit: 0")
	if cj.Pods > 1 {
		w.line(12, "completions: %d", cj.Pods)
		w.line(12, "parallelism: %d", cj.Pods)
	}
	w.line(12, "template:")
	w.line(14, "spec:")
	w.line(16, "restartPolicy: Never")
	w.line(16, "containers: [{name: main, image: busybox}]")
	w.line(4, "pods:")
	w.line(6, "default: %s", cj.Default)
	if len(cj.Jobs) > 0 {
		w.line(4, "jobs:")
		for _, k := range slices.Sorted(maps.Keys(cj.Jobs)) {
			w.line(6, "%q: {default: %s}", fmt.Sprint(k), cj.Jobs[k])
		}
	}
	if len(cj.Actions) > 0 {
		w.line(4, "actions:")
		for _, a := range cj.Actions {
			w.line(6, "- %s", a.yaml())
		}
	}
}

// yaml renders the action as a flow mapping.
func (a DraftCronAction) yaml() string {
	parts := []string{"at: " + halfPast(a.At)}
	if a.Suspend != nil {
		parts = append(parts, fmt.Sprintf("suspend: %t", *a.Suspend))
	}
	if a.Schedule != "" {
		parts = append(parts, fmt.Sprintf("schedule: %q", a.Schedule))
	}
	if a.Policy != "" {
		parts = append(parts, "concurrencyPolicy: "+a.Policy)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
