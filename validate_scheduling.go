package jobsim

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Validation of what a pod template tells kube-scheduler beyond node
// affinity (pod affinity and anti-affinity, scheduling gates, topology
// spread constraints, tolerations), of the taints of Config.Nodes and of
// Config.PodDisruptionBudgets, as the API server validates them:
// pkg/apis/core/validation (validateAffinity, validatePodAffinityTerm,
// ValidateMatchLabelKeysAndMismatchLabelKeys, validateSchedulingGates,
// validateTopologySpreadConstraints, ValidateTolerations,
// validateNodeTaints), apimachinery's ValidateLabelSelector, and
// pkg/apis/policy/validation (ValidatePodDisruptionBudgetSpec), with
// their field paths and messages.
//
// The rules are those of every release jobsim simulates (1.34 to 1.37),
// with the defaults of their feature gates, but for one: a toleration's
// operator Gt or Lt, which 1.35 and later know behind the alpha gate
// TaintTolerationComparisonOperators (off, and not simulated), is refused
// in their words, listing the four operators; 1.34 lists two.

// isNotPositiveMsg is pkg/apis/core/validation's isNotPositiveErrorMsg.
const isNotPositiveMsg = "must be greater than zero"

// scheduling checks the pod spec's pod affinity and anti-affinity,
// scheduling gates, topology spread constraints and tolerations, in the
// order ValidatePodSpec checks them.
func (l *fieldErrors) scheduling(s *PodSpec, path string) {
	if a := s.Affinity; a != nil {
		l.podAffinity(a.PodAffinity, path+".affinity.podAffinity")
		l.podAffinity(a.PodAntiAffinity, path+".affinity.podAntiAffinity")
	}
	if len(s.SchedulingGates) > 0 {
		l.schedulingGates(s.SchedulingGates, path+".schedulingGates")
	}
	if len(s.TopologySpreadConstraints) > 0 {
		l.spreadConstraints(s.TopologySpreadConstraints, path+".topologySpreadConstraints")
	}
	if len(s.Tolerations) > 0 {
		l.tolerations(s.Tolerations, path+".tolerations")
	}
}

// podAffinity is validatePodAffinity and validatePodAntiAffinity: the
// required terms, then the preferred ones with their weights. Selector
// values must be label values (allowInvalidLabelValueInSelector is
// false on create).
func (l *fieldErrors) podAffinity(a *PodAffinity, path string) {
	if a == nil {
		return
	}
	for i, t := range a.RequiredDuringSchedulingIgnoredDuringExecution {
		l.podAffinityTerm(&t, fieldIndex(path+".requiredDuringSchedulingIgnoredDuringExecution", i))
	}
	for i, w := range a.PreferredDuringSchedulingIgnoredDuringExecution {
		p := fieldIndex(path+".preferredDuringSchedulingIgnoredDuringExecution", i)
		if w.Weight <= 0 || w.Weight > 100 {
			l.invalid(p+".weight", w.Weight, "must be in the range 1-100")
		}
		l.podAffinityTerm(&w.PodAffinityTerm, p+".podAffinityTerm")
	}
}

// podAffinityTerm is validatePodAffinityTerm. Upstream reports a bad
// namespace at ".namespace", without the list's name or index, and so
// does jobsim.
func (l *fieldErrors) podAffinityTerm(t *PodAffinityTerm, path string) {
	l.labelSelector(t.LabelSelector, path+".labelSelector")
	l.labelSelector(t.NamespaceSelector, path+".namespaceSelector")
	for _, ns := range t.Namespaces {
		for _, msg := range dns1123LabelMsgs(ns) {
			l.invalid(path+".namespace", ns, msg)
		}
	}
	l.labelKeys(path, t.MatchLabelKeys, t.MismatchLabelKeys, t.LabelSelector)
	if t.TopologyKey == "" {
		l.required(path+".topologyKey", "can not be empty")
	}
	l.labelName(path+".topologyKey", t.TopologyKey)
}

// labelName is apimachinery's ValidateLabelName: a qualified name.
func (l *fieldErrors) labelName(path, key string) {
	for _, msg := range qualifiedNameMsgs(key) {
		l.invalid(path, key, msg)
	}
}

// labelSelector is apimachinery's ValidateLabelSelector, label values
// required valid: the matchLabels, then each requirement (its values for
// the operator, a label key, label values).
func (l *fieldErrors) labelSelector(s *LabelSelector, path string) {
	if s == nil {
		return
	}
	l.labels(path+".matchLabels", s.MatchLabels)
	for i, r := range s.MatchExpressions {
		p := fieldIndex(path+".matchExpressions", i)
		switch r.Operator {
		case LabelSelectorOpIn, LabelSelectorOpNotIn:
			if len(r.Values) == 0 {
				l.required(p+".values", "must be specified when `operator` is 'In' or 'NotIn'")
			}
		case LabelSelectorOpExists, LabelSelectorOpDoesNotExist:
			if len(r.Values) > 0 {
				l.forbidden(p+".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
			}
		default:
			l.invalid(p+".operator", r.Operator, "not a valid selector operator")
		}
		l.labelName(p+".key", r.Key)
		for k, v := range r.Values {
			for _, msg := range labelValueMsgs(v) {
				l.invalid(fieldIndex(p+".values", k), v, msg)
			}
		}
	}
}

// labelKeys is ValidateMatchLabelKeysAndMismatchLabelKeys at path, the
// term's (or the spread constraint's) own path: the keys are label names
// and need a labelSelector; a key of matchLabelKeys must not also be
// both in the selector's matchLabels and in one of its matchExpressions
// (or in two of them), reported at path[i], i the key's last index; and
// no key may be in both matchLabelKeys and mismatchLabelKeys.
//
// The template is validated as written: the API server merges the keys
// into the selector of each pod it creates, not into the template's.
func (l *fieldErrors) labelKeys(path string, match, mismatch []string, sel *LabelSelector) {
	l.labelKeyList(path+".matchLabelKeys", match, sel)
	l.labelKeyList(path+".mismatchLabelKeys", mismatch, sel)
	if sel != nil {
		index := map[string]int{}
		for i, k := range match {
			index[k] = i
		}
		keys := map[string]bool{}
		for k := range sel.MatchLabels {
			keys[k] = true
		}
		for _, r := range sel.MatchExpressions {
			if i, ok := index[r.Key]; ok && keys[r.Key] {
				l.invalid(fieldIndex(path, i), r.Key, "exists in both matchLabelKeys and labelSelector")
			}
			keys[r.Key] = true
		}
	}
	for i, k := range match {
		if slices.Contains(mismatch, k) {
			l.invalid(fieldIndex(path+".matchLabelKeys", i), k, "exists in both matchLabelKeys and mismatchLabelKeys")
		}
	}
}

// labelKeyList is validateLabelKeys.
func (l *fieldErrors) labelKeyList(path string, keys []string, sel *LabelSelector) {
	if len(keys) == 0 {
		return
	}
	if sel == nil {
		l.forbidden(path, "must not be specified when labelSelector is not set")
		return
	}
	for i, k := range keys {
		l.labelName(fieldIndex(path, i), k)
	}
}

// schedulingGates is validateSchedulingGates: qualified names, no
// duplicates.
func (l *fieldErrors) schedulingGates(gates []string, path string) {
	seen := map[string]bool{}
	for i, g := range gates {
		p := fieldIndex(path, i)
		l.labelName(p, g)
		if seen[g] {
			l.duplicate(p, g)
		}
		seen[g] = true
	}
}

// spreadConstraints is validateTopologySpreadConstraints on create, with
// MatchLabelKeysInPodTopologySpread and its SelectorMerge on (their
// defaults in 1.34 to 1.37): matchLabelKeys is checked as pod affinity's
// is, without mismatchLabelKeys. A topologyKey need not be a label name.
func (l *fieldErrors) spreadConstraints(cs []TopologySpreadConstraint, path string) {
	for i := range cs {
		c := &cs[i]
		p := fieldIndex(path, i)
		if c.MaxSkew <= 0 {
			l.invalid(p+".maxSkew", int64(c.MaxSkew), isNotPositiveMsg)
		}
		if c.TopologyKey == "" {
			l.required(p+".topologyKey", "can not be empty")
		}
		if c.WhenUnsatisfiable != DoNotSchedule && c.WhenUnsatisfiable != ScheduleAnyway {
			l.notSupported(p+".whenUnsatisfiable", c.WhenUnsatisfiable, string(DoNotSchedule), string(ScheduleAnyway))
		}
		for _, o := range cs[i+1:] {
			if o.TopologyKey == c.TopologyKey && o.WhenUnsatisfiable == c.WhenUnsatisfiable {
				l.duplicate(p+".{topologyKey, whenUnsatisfiable}", fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable))
				break
			}
		}
		if m := c.MinDomains; m != nil {
			if *m <= 0 {
				l.invalid(p+".minDomains", int64(*m), isNotPositiveMsg)
			}
			if c.WhenUnsatisfiable != DoNotSchedule {
				l.invalid(p+".minDomains", *m, fmt.Sprintf("can only use minDomains if whenUnsatisfiable=%s, not %s", DoNotSchedule, c.WhenUnsatisfiable))
			}
		}
		l.inclusionPolicy(p+".nodeAffinityPolicy", c.NodeAffinityPolicy)
		l.inclusionPolicy(p+".nodeTaintsPolicy", c.NodeTaintsPolicy)
		l.labelKeys(p, c.MatchLabelKeys, nil, c.LabelSelector)
		l.labelSelector(c.LabelSelector, p+".labelSelector")
	}
}

// inclusionPolicy is validateNodeInclusionPolicy; "" stands for nil.
func (l *fieldErrors) inclusionPolicy(path string, p NodeInclusionPolicy) {
	if p != "" && p != NodeInclusionPolicyHonor && p != NodeInclusionPolicyIgnore {
		l.notSupported(path, p, string(NodeInclusionPolicyHonor), string(NodeInclusionPolicyIgnore))
	}
}

// The operators a toleration may not use while the gate
// TaintTolerationComparisonOperators (alpha from 1.35) is off.
const (
	tolerationOpLt TolerationOperator = "Lt"
	tolerationOpGt TolerationOperator = "Gt"
)

// tolerations is ValidateTolerations with comparison operators off. The
// value of an Equal toleration that is not a label value is reported at
// ".operator", as upstream does, its messages joined by ";". A
// tolerationSeconds must be whole seconds to be written in the API.
func (l *fieldErrors) tolerations(ts []Toleration, path string) {
	for i := range ts {
		t := &ts[i]
		p := fieldIndex(path, i)
		if t.Key != "" {
			l.labelName(p+".key", t.Key)
		}
		if t.Key == "" && t.Operator != TolerationOpExists {
			l.invalid(p+".operator", t.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\"")
		}
		if t.TolerationPeriod != nil && t.Effect != TaintNoExecute {
			l.invalid(p+".effect", t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")
		}
		switch t.Operator {
		case TolerationOpEqual, "":
			if msgs := labelValueMsgs(t.Value); len(msgs) > 0 {
				l.invalid(p+".operator", t.Value, joinMsgs(msgs))
			}
		case TolerationOpExists:
			if t.Value != "" {
				l.invalid(p+".operator", t.Value, "value must be empty when `operator` is 'Exists'")
			}
		case tolerationOpLt, tolerationOpGt:
			l.notSupported(p+".operator", t.Operator, string(TolerationOpEqual), string(TolerationOpExists), string(tolerationOpLt), string(tolerationOpGt))
		default:
			l.notSupported(p+".operator", t.Operator, string(TolerationOpEqual), string(TolerationOpExists))
		}
		if t.Effect != "" {
			l.taintEffect(p+".effect", t.Effect)
		}
		if d := t.TolerationPeriod; d != nil && *d%time.Second != 0 {
			l.invalid(p+".tolerationSeconds", d.String(), msgWholeSecond)
		}
	}
}

func joinMsgs(msgs []string) string { return strings.Join(msgs, ";") }

// taintEffect is validateTaintEffect, for an effect that is not empty.
func (l *fieldErrors) taintEffect(path string, e TaintEffect) {
	switch e {
	case TaintNoSchedule, TaintPreferNoSchedule, TaintNoExecute:
	default:
		l.notSupported(path, e, string(TaintNoSchedule), string(TaintPreferNoSchedule), string(TaintNoExecute))
	}
}

// taintValue is how upstream shows a duplicated taint (an internal
// core.Taint, which has no JSON tags).
type taintValue struct {
	Key       string
	Value     string
	Effect    TaintEffect
	TimeAdded *time.Time
}

// nodeTaints is validateNodeTaints: a label name as key, a label value
// (its messages joined by ";"), an effect, and no two taints with the
// same key and effect.
func (l *fieldErrors) nodeTaints(ts []Taint, path string) {
	seen := map[TaintEffect]map[string]bool{}
	for i, t := range ts {
		p := fieldIndex(path, i)
		l.labelName(p+".key", t.Key)
		if msgs := labelValueMsgs(t.Value); len(msgs) > 0 {
			l.invalid(p+".value", t.Value, joinMsgs(msgs))
		}
		if t.Effect == "" {
			l.required(p+".effect", "")
		} else {
			l.taintEffect(p+".effect", t.Effect)
		}
		if seen[t.Effect][t.Key] {
			*l = append(*l, FieldError{Type: ErrorTypeDuplicate, Field: p, BadValue: taintValue{Key: t.Key, Value: t.Value, Effect: t.Effect},
				Detail: "taints must be unique by key and effect pair"})
			continue
		}
		if seen[t.Effect] == nil {
			seen[t.Effect] = map[string]bool{}
		}
		seen[t.Effect][t.Key] = true
	}
}

// percentRE is apimachinery's IsValidPercent format.
var percentRE = regexp.MustCompile(`^[0-9]+%$`)

// percentMsg is IsValidPercent's message.
var percentMsg = regexMsg("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%")

// value is how an IntOrString shows in an error: a number,
// or the percentage string.
func (v IntOrPercent) value() any {
	if v.Percent {
		return strconv.Itoa(int(v.Value)) + "%"
	}
	return v.Value
}

// selectorValue, requirementValue and pdbSpecValue are how upstream
// shows a PodDisruptionBudget's spec (an internal type without JSON tags
// holding a metav1.LabelSelector, which has them).
type (
	selectorValue struct {
		MatchLabels      map[string]string  `json:"matchLabels,omitempty"`
		MatchExpressions []requirementValue `json:"matchExpressions,omitempty"`
	}
	requirementValue struct {
		Key      string   `json:"key"`
		Operator string   `json:"operator"`
		Values   []string `json:"values,omitempty"`
	}
	pdbSpecValue struct {
		MinAvailable               any
		Selector                   *selectorValue
		MaxUnavailable             any
		UnhealthyPodEvictionPolicy *string
	}
)

func pdbSpecShown(b *PodDisruptionBudget) pdbSpecValue {
	v := pdbSpecValue{MinAvailable: b.MinAvailable.value(), MaxUnavailable: b.MaxUnavailable.value()}
	if s := b.Selector; s != nil {
		v.Selector = &selectorValue{MatchLabels: s.MatchLabels}
		for _, r := range s.MatchExpressions {
			v.Selector.MatchExpressions = append(v.Selector.MatchExpressions, requirementValue{Key: r.Key, Operator: string(r.Operator), Values: r.Values})
		}
	}
	return v
}

// podDisruptionBudget checks a budget at path as the API server checks
// one on create: ValidatePodDisruptionBudgetSpec (not both minAvailable
// and maxUnavailable; each a count not negative or a percentage at most
// 100%; the selector), then, only if that passed, its metadata, as the
// generic registry does: a name that may be a path segment (not "." or
// "..", without "/" or "%"; PodDisruptionBudget names need not be DNS
// names) and, when given, a namespace that is a DNS label ("" is the
// default namespace).
func (l *fieldErrors) podDisruptionBudget(b *PodDisruptionBudget, path string) {
	before := len(*l)
	if b.MinAvailable != nil && b.MaxUnavailable != nil {
		l.invalid(path, pdbSpecShown(b), "minAvailable and maxUnavailable cannot be both set")
	}
	l.intOrPercent(path+".minAvailable", b.MinAvailable)
	l.intOrPercent(path+".maxUnavailable", b.MaxUnavailable)
	l.labelSelector(b.Selector, path+".selector")
	if len(*l) > before {
		return
	}
	switch b.Name {
	case "":
		l.required(path+".name", "name or generateName is required")
	case ".", "..":
		l.invalid(path+".name", b.Name, fmt.Sprintf("may not be '%s'", b.Name))
	}
	for _, bad := range []string{"/", "%"} {
		if strings.Contains(b.Name, bad) {
			l.invalid(path+".name", b.Name, fmt.Sprintf("may not contain '%s'", bad))
		}
	}
	if b.Namespace != "" {
		for _, msg := range dns1123LabelMsgs(b.Namespace) {
			l.invalid(path+".namespace", b.Namespace, msg)
		}
	}
}

// intOrPercent is ValidatePositiveIntOrPercent and
// IsNotMoreThan100Percent.
func (l *fieldErrors) intOrPercent(path string, v *IntOrPercent) {
	if v == nil {
		return
	}
	switch {
	case v.Percent && !percentRE.MatchString(v.value().(string)):
		l.invalid(path, v.value(), percentMsg)
	case v.Percent && v.Value > 100:
		l.invalid(path, v.value(), "must not be greater than 100%")
	case !v.Percent && v.Value < 0:
		l.invalid(path, int64(v.Value), msgNegative)
	}
}

// validateScheduling checks the taints of cfg's nodes and its pod
// disruption budgets, whose namespace and name must be unique.
func validateScheduling(cfg Config) []FieldError {
	var l fieldErrors
	for i, n := range cfg.Nodes {
		l.nodeTaints(n.Taints, fmt.Sprintf("nodes[%d].taints", i))
	}
	seen := map[string]bool{}
	for i := range cfg.PodDisruptionBudgets {
		b := &cfg.PodDisruptionBudgets[i]
		path := fmt.Sprintf("podDisruptionBudgets[%d]", i)
		l.podDisruptionBudget(b, path)
		ns := b.Namespace
		if ns == "" {
			ns = "default"
		}
		if key := ns + "/" + b.Name; b.Name != "" && seen[key] {
			l.duplicate(path+".name", b.Name)
		} else {
			seen[key] = true
		}
	}
	return l
}
