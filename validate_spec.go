package jobsim

import (
	"fmt"
	"math"
	"slices"
)

// Limits of batch/v1 Job validation (pkg/apis/batch/validation).
const (
	maxParallelismForIndexedJob             = 100_000
	maxFailedIndexesForIndexedJob           = 100_000
	completionsSoftLimit                    = 100_000
	parallelismLimitForHighCompletions      = 10_000
	maxFailedIndexesLimitForHighCompletions = 10_000
	maxPodFailurePolicyRules                = 20
	maxOnExitCodesValues                    = 255
	maxOnPodConditionsPatterns              = 20
	maxManagedByLength                      = 63
	maxSucceededIndexesLength               = 64 * 1024
	maxSuccessPolicyRules                   = 20
)

// Messages shared by several rules.
const (
	msgNegative    = "must be greater than or equal to 0"
	msgInt32       = "must be less than or equal to 2147483647"
	msgWholeSecond = "must be a whole number of seconds"
)

// validateJobSpec checks a JobSpec (upstream validateJobSpec), with
// jobsim's extra rules for its Go types: ints must fit the API's int32 and
// durations must be whole seconds.
func validateJobSpec(s *JobSpec) fieldErrors {
	var l fieldErrors
	l.count("spec.parallelism", s.Parallelism)
	l.count("spec.completions", s.Completions)
	l.seconds("spec.activeDeadlineSeconds", s.ActiveDeadline, false)
	l.count("spec.backoffLimit", s.BackoffLimit)
	l.seconds("spec.ttlSecondsAfterFinished", s.TTLAfterFinished, true)
	l.count("spec.backoffLimitPerIndex", s.BackoffLimitPerIndex)
	l.count("spec.maxFailedIndexes", s.MaxFailedIndexes)
	if s.MaxFailedIndexes != nil && s.BackoffLimitPerIndex == nil {
		l.required("spec.backoffLimitPerIndex", "when maxFailedIndexes is specified")
	}
	l.managedBy(s.ManagedBy)
	l.completionMode(s)
	if s.PodFailurePolicy != nil {
		l.podFailurePolicy(s)
	}
	if s.SuccessPolicy != nil {
		if s.CompletionMode != Indexed {
			l.invalid("spec.successPolicy", *s.SuccessPolicy, "requires indexed completion mode")
		} else {
			l.successPolicy(s)
		}
	}
	l.podReplacementPolicy(s)
	l.podTemplate(&s.Template)
	l.jobRestartPolicy(s)
	return l
}

// managedBy checks spec.managedBy; "" means unset.
func (l *fieldErrors) managedBy(v string) {
	if v == "" {
		return
	}
	const path = "spec.managedBy"
	*l = append(*l, domainPrefixedPathErrors(path, v)...)
	if len(v) > maxManagedByLength {
		l.tooLong(path, maxManagedByLength)
	}
}

// completionMode checks spec.completionMode and the limits of Indexed and
// NonIndexed jobs. "" counts as unset (NonIndexed).
func (l *fieldErrors) completionMode(s *JobSpec) {
	switch s.CompletionMode {
	case "", NonIndexed:
		if s.BackoffLimitPerIndex != nil {
			l.invalid("spec.backoffLimitPerIndex", *s.BackoffLimitPerIndex, "requires indexed completion mode")
		}
		if s.MaxFailedIndexes != nil {
			l.invalid("spec.maxFailedIndexes", *s.MaxFailedIndexes, "requires indexed completion mode")
		}
	case Indexed:
		l.indexedLimits(s)
	default:
		l.notSupported("spec.completionMode", s.CompletionMode, string(NonIndexed), string(Indexed))
	}
}

// indexedLimits checks the size limits of an Indexed job.
func (l *fieldErrors) indexedLimits(s *JobSpec) {
	p, c, mfi := s.Parallelism, s.Completions, s.MaxFailedIndexes
	if c == nil {
		l.required("spec.completions", "when completion mode is Indexed")
	}
	if p != nil && *p > maxParallelismForIndexedJob {
		l.invalid("spec.parallelism", *p, fmt.Sprintf(
			"must be less than or equal to %d when completion mode is Indexed", maxParallelismForIndexedJob))
	}
	if c != nil && mfi != nil && *mfi > *c {
		l.invalid("spec.maxFailedIndexes", *mfi, "must be less than or equal to completions")
	}
	if mfi != nil && *mfi > maxFailedIndexesForIndexedJob {
		l.invalid("spec.maxFailedIndexes", *mfi, fmt.Sprintf("must be less than or equal to %d", maxFailedIndexesForIndexedJob))
	}
	if c == nil || *c <= completionsSoftLimit || s.BackoffLimitPerIndex == nil {
		return
	}
	const high = "when completions are above 100000 and used with backoff limit per index"
	if mfi == nil {
		l.required("spec.maxFailedIndexes", fmt.Sprintf("must be specified when completions is above %d", completionsSoftLimit))
	}
	if p != nil && *p > parallelismLimitForHighCompletions {
		l.invalid("spec.parallelism", *p, fmt.Sprintf("must be less than or equal to %d %s", parallelismLimitForHighCompletions, high))
	}
	if mfi != nil && *mfi > maxFailedIndexesLimitForHighCompletions {
		l.invalid("spec.maxFailedIndexes", *mfi, fmt.Sprintf("must be less than or equal to %d %s", maxFailedIndexesLimitForHighCompletions, high))
	}
}

// podReplacementPolicy checks spec.podReplacementPolicy; "" means unset.
// With a pod failure policy only Failed is allowed.
func (l *fieldErrors) podReplacementPolicy(s *JobSpec) {
	const path = "spec.podReplacementPolicy"
	v := s.PodReplacementPolicy
	switch {
	case v == "":
	case s.PodFailurePolicy != nil:
		if v != ReplaceFailed {
			l.notSupported(path, v, string(ReplaceFailed))
		}
	case v != ReplaceFailed && v != ReplaceTerminatingOrFailed:
		l.notSupported(path, v, string(ReplaceFailed), string(ReplaceTerminatingOrFailed))
	}
}

// jobRestartPolicy checks the template's restartPolicy against what a Job
// allows. An empty policy is reported like Always, the pod default.
func (l *fieldErrors) jobRestartPolicy(s *JobSpec) {
	const path = "spec.template.spec.restartPolicy"
	switch rp := s.Template.Spec.RestartPolicy; {
	case rp == "" || rp == RestartAlways:
		l.required(path, fmt.Sprintf("valid values: %q, %q", RestartOnFailure, RestartNever))
	case rp != RestartOnFailure && rp != RestartNever:
		l.notSupported(path, rp, string(RestartOnFailure), string(RestartNever))
	case s.PodFailurePolicy != nil && rp != RestartNever:
		l.invalid(path, rp, fmt.Sprintf("only %q is supported when podFailurePolicy is specified", RestartNever))
	}
}

// podFailurePolicy checks spec.podFailurePolicy.
func (l *fieldErrors) podFailurePolicy(s *JobSpec) {
	const rulesPath = "spec.podFailurePolicy.rules"
	rules := s.PodFailurePolicy.Rules
	if len(rules) > maxPodFailurePolicyRules {
		l.tooMany(rulesPath, len(rules), maxPodFailurePolicyRules)
	}
	names := map[string]bool{}
	for _, c := range s.Template.Spec.Containers {
		names[c.Name] = true
	}
	for _, c := range s.Template.Spec.InitContainers {
		names[c.Name] = true
	}
	for i := range rules {
		l.podFailurePolicyRule(s, &rules[i], fieldIndex(rulesPath, i), names)
	}
}

func (l *fieldErrors) podFailurePolicyRule(s *JobSpec, r *PodFailurePolicyRule, path string, containers map[string]bool) {
	actionPath := path + ".action"
	switch r.Action {
	case "":
		l.required(actionPath, `valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`)
	case ActionFailIndex:
		if s.BackoffLimitPerIndex == nil {
			l.invalid(actionPath, r.Action, "requires the backoffLimitPerIndex to be set")
		}
	case ActionCount, ActionFailJob, ActionIgnore:
	default:
		l.notSupported(actionPath, r.Action, "Count", "FailIndex", "FailJob", "Ignore")
	}
	if r.OnExitCodes != nil {
		l.onExitCodes(r.OnExitCodes, path+".onExitCodes", containers)
	}
	if len(r.OnPodConditions) > 0 {
		l.onPodConditions(r.OnPodConditions, path+".onPodConditions")
	}
	switch {
	case r.OnExitCodes != nil && len(r.OnPodConditions) > 0:
		l.invalid(path, omittedValue{}, "specifying both OnExitCodes and OnPodConditions is not supported")
	case r.OnExitCodes == nil && len(r.OnPodConditions) == 0:
		l.invalid(path, omittedValue{}, "specifying one of OnExitCodes and OnPodConditions is required")
	}
}

func (l *fieldErrors) onExitCodes(e *PodFailurePolicyOnExitCodes, path string, containers map[string]bool) {
	switch e.Operator {
	case "":
		l.required(path+".operator", `valid values: ["In" "NotIn"]`)
	case OpIn, OpNotIn:
	default:
		l.notSupported(path+".operator", e.Operator, string(OpIn), string(OpNotIn))
	}
	if e.ContainerName != "" && !containers[e.ContainerName] {
		l.invalid(path+".containerName", e.ContainerName, "must be one of the container or initContainer names in the pod template")
	}
	valuesPath := path + ".values"
	if len(e.Values) == 0 {
		l.invalid(valuesPath, e.Values, "at least one value is required")
	} else if len(e.Values) > maxOnExitCodesValues {
		l.tooMany(valuesPath, len(e.Values), maxOnExitCodesValues)
	}
	seen := map[int]bool{}
	ordered := true
	for j, v := range e.Values {
		p := fieldIndex(valuesPath, j)
		if v < math.MinInt32 || v > math.MaxInt32 {
			l.invalid(p, v, "must be between -2147483648 and 2147483647, inclusive")
		}
		if e.Operator == OpIn && v == 0 {
			l.invalid(p, v, "must not be 0 for the In operator")
		}
		if seen[v] {
			l.duplicate(p, v)
		}
		seen[v] = true
		if j > 0 && e.Values[j-1] > v {
			ordered = false
		}
	}
	if !ordered {
		l.invalid(valuesPath, e.Values, "must be ordered")
	}
}

func (l *fieldErrors) onPodConditions(patterns []PodFailurePolicyOnPodCondition, path string) {
	if len(patterns) > maxOnPodConditionsPatterns {
		l.tooMany(path, len(patterns), maxOnPodConditionsPatterns)
	}
	for j, c := range patterns {
		p := fieldIndex(path, j)
		for _, msg := range qualifiedNameMsgs(c.Type) {
			l.invalid(p+".type", c.Type, msg)
		}
		switch c.Status {
		case "":
			l.required(p+".status", `valid values: ["False" "True" "Unknown"]`)
		case ConditionTrue, ConditionFalse, ConditionUnknown:
		default:
			l.notSupported(p+".status", c.Status, "False", "True", "Unknown")
		}
	}
}

// successPolicy checks the success policy of an Indexed job.
func (l *fieldErrors) successPolicy(s *JobSpec) {
	const rulesPath = "spec.successPolicy.rules"
	rules := s.SuccessPolicy.Rules
	if len(rules) == 0 {
		l.required(rulesPath, "at least one rules must be specified when the successPolicy is specified")
	}
	if len(rules) > maxSuccessPolicyRules {
		l.tooMany(rulesPath, len(rules), maxSuccessPolicyRules)
	}
	for i := range rules {
		l.successPolicyRule(s, &rules[i], fieldIndex(rulesPath, i))
	}
}

// successPolicyRule checks one rule. The checks against completions are
// skipped when completions is unset (already reported as Required); the
// API server would dereference it regardless.
func (l *fieldErrors) successPolicyRule(s *JobSpec, r *SuccessPolicyRule, path string) {
	if r.SucceededCount == nil && r.SucceededIndexes == nil {
		l.required(path, "at least one of succeededCount or succeededIndexes must be specified")
	}
	total := 0
	if r.SucceededIndexes != nil {
		p := path + ".succeededIndexes"
		if len(*r.SucceededIndexes) > maxSucceededIndexesLength {
			l.tooLong(p, maxSucceededIndexesLength)
		}
		if s.Completions != nil {
			n, err := countSucceededIndexes(*r.SucceededIndexes, *s.Completions)
			if err != nil {
				l.invalid(p, *r.SucceededIndexes, "error parsing succeededIndexes: "+err.Error())
			}
			total = n
		}
	}
	if r.SucceededCount == nil {
		return
	}
	p, n := path+".succeededCount", *r.SucceededCount
	l.count(p, r.SucceededCount)
	if s.Completions != nil && n > *s.Completions {
		l.invalid(p, n, fmt.Sprintf("must be less than or equal to %d (the number of specified completions)", *s.Completions))
	}
	if s.Completions != nil && r.SucceededIndexes != nil && n > total {
		l.invalid(p, n, fmt.Sprintf("must be less than or equal to %d (the number of indexes in the specified succeededIndexes field)", total))
	}
}

// validateSpecUpdate checks the immutable fields of a spec update (upstream
// ValidateJobSpecUpdate; the new spec's own validity is checked by
// validateJobSpec). tu says what of the pod template may change, which
// depends on the job's status and the version (Cluster.templateUpdateOf).
func validateSpecUpdate(old, new *JobSpec, tu templateUpdate) fieldErrors {
	var l fieldErrors
	l.completionsUpdate(old, new)
	l.templateUpdate(old, new, tu)
	l.immutable("spec.completionMode", modeValue(new.CompletionMode), effectiveCompletionMode(old.CompletionMode), effectiveCompletionMode(new.CompletionMode))
	l.immutable("spec.podFailurePolicy", new.PodFailurePolicy, old.PodFailurePolicy, new.PodFailurePolicy)
	l.immutable("spec.backoffLimitPerIndex", new.BackoffLimitPerIndex, old.BackoffLimitPerIndex, new.BackoffLimitPerIndex)
	l.immutable("spec.managedBy", optionalString(new.ManagedBy), old.ManagedBy, new.ManagedBy)
	l.immutable("spec.successPolicy", new.SuccessPolicy, old.SuccessPolicy, new.SuccessPolicy)
	return l
}

// templateUpdate is what of a job's pod template an update may change
// (upstream JobValidationOptions, set by validationOptionsForJob): the
// scheduling directives (node affinity, nodeSelector, tolerations,
// scheduling gates, the template's labels and annotations), and the
// containers' resources.
type templateUpdate struct {
	directives, resources bool
}

// templateUpdate checks the pod template of a spec update (upstream
// validatePodTemplateUpdate): immutable but for what tu allows, and for
// a suspended job whose resources may change, immutable but for the
// resources of the containers and init containers, matched by name.
func (l *fieldErrors) templateUpdate(old, new *JobSpec, tu templateUpdate) {
	was := old.Template
	if tu.directives {
		was.Labels, was.Annotations = new.Template.Labels, new.Template.Annotations
		was.Spec.NodeSelector = new.Template.Spec.NodeSelector
		was.Spec.Tolerations, was.Spec.SchedulingGates = new.Template.Spec.Tolerations, new.Template.Spec.SchedulingGates
		// Of the affinity, only the node affinity may change (and the
		// affinity go, if it had nothing else).
		na := func(a *Affinity) *NodeAffinity {
			if a == nil {
				return nil
			}
			return a.NodeAffinity
		}
		switch old, next := was.Spec.Affinity, new.Template.Spec.Affinity; {
		case next == nil && old != nil:
			if old.PodAffinity == nil && old.PodAntiAffinity == nil {
				was.Spec.Affinity = nil
			} else {
				was.Spec.Affinity = &Affinity{PodAffinity: old.PodAffinity, PodAntiAffinity: old.PodAntiAffinity}
			}
		case next != nil && old == nil:
			was.Spec.Affinity = &Affinity{NodeAffinity: na(next)}
		case next != nil:
			was.Spec.Affinity = &Affinity{NodeAffinity: na(next), PodAffinity: old.PodAffinity, PodAntiAffinity: old.PodAntiAffinity}
		}
	}
	if !old.Suspend || !tu.resources {
		l.immutable("spec.template", new.Template, was, new.Template)
		return
	}
	spec := was.Spec
	spec.Containers = withRequestsOf(spec.Containers, new.Template.Spec.Containers)
	spec.InitContainers = withRequestsOf(spec.InitContainers, new.Template.Spec.InitContainers)
	was.Spec = spec
	// Upstream compares only the pod spec here, so the template's labels
	// and annotations may change too.
	l.immutable("spec.template.spec", new.Template.Spec, was.Spec, new.Template.Spec)
}

// withRequestsOf returns old with the requests of the containers of
// next that have the same name at the same place, when both have as many
// containers (upstream validatePodResourceUpdatesOnly).
func withRequestsOf(old, next []Container) []Container {
	if len(old) != len(next) {
		return old
	}
	out := slices.Clone(old)
	for i := range out {
		if out[i].Name == next[i].Name {
			out[i].Requests = next[i].Requests
		}
	}
	return out
}

// completionsUpdate: completions is immutable, except that an Indexed job
// may change it together with parallelism, to the same value.
func (l *fieldErrors) completionsUpdate(old, new *JobSpec) {
	const path = "spec.completions"
	if new.CompletionMode != Indexed {
		l.immutable(path, new.Completions, old.Completions, new.Completions)
		return
	}
	if new.Completions == nil || semanticEqual(old.Completions, new.Completions) {
		return
	}
	if new.Parallelism == nil || *new.Completions != *new.Parallelism {
		l.invalid(path, new.Completions, "can only be modified in tandem with spec.parallelism")
	}
}

// effectiveCompletionMode is the completion mode a job has: "" means NonIndexed.
func effectiveCompletionMode(m CompletionMode) CompletionMode {
	if m == "" {
		return NonIndexed
	}
	return m
}

// modeValue shows a completion mode in an error; "" (unset) shows as null.
func modeValue(m CompletionMode) any {
	if m == "" {
		return nil
	}
	return m
}

// optionalString shows an optional string field in an error: "" (unset) shows
// as null, as a nil pointer does upstream.
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
