package jobsim

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxAnnotationsSize is the most bytes all keys and values of one object's
// annotations may take together.
const maxAnnotationsSize = 256 * 1024

// podTemplate checks the Job's pod template as upstream
// ValidatePodTemplateSpec does for the fields jobsim has, plus the format
// of the jobsim annotations. Upstream reports the template's own labels
// and annotations at spec.template.labels and spec.template.annotations
// (not ...metadata...), and so does jobsim.
func (l *fieldErrors) podTemplate(t *PodTemplate) {
	l.labels("spec.template.labels", t.Labels)
	l.annotations("spec.template.annotations", t.Annotations)
	l.behaviorAnnotations(t.Annotations)
	l.podSpec(&t.Spec, "spec.template.spec")
}

// behaviorAnnotations checks RunAnnotation and ExitCodeAnnotation.
func (l *fieldErrors) behaviorAnnotations(a map[string]string) {
	const path = "spec.template.metadata.annotations"
	if v, ok := a[RunAnnotation]; ok {
		if d, err := time.ParseDuration(v); err != nil {
			l.invalid(fieldKey(path, RunAnnotation), v, `must be a duration such as "90s" or "1m30s"`)
		} else if d < 0 {
			l.invalid(fieldKey(path, RunAnnotation), v, msgNegative)
		}
	}
	if v, ok := a[ExitCodeAnnotation]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 255 {
			l.invalid(fieldKey(path, ExitCodeAnnotation), v, "must be an integer between 0 and 255, inclusive")
		}
	}
}

// podSpec checks the pod spec of a template (upstream ValidatePodSpec, for
// the fields jobsim's PodSpec has).
func (l *fieldErrors) podSpec(s *PodSpec, path string) {
	// The paths of fields that are empty or valid, as most are, are not
	// built: a sweep validates the same Job thousands of times.
	if g := s.TerminationGracePeriod; g == nil || *g < 0 || *g%time.Second != 0 {
		gracePath := path + ".terminationGracePeriodSeconds"
		if g == nil {
			l.required(gracePath, "")
		}
		l.seconds(gracePath, g, false)
	}
	l.containers(s.Containers, path)
	if len(s.InitContainers) > 0 {
		l.initContainers(s.InitContainers, s.Containers, path+".initContainers")
	}
	// The pod-level check knows Always; "" stands for it (the pod default).
	switch s.RestartPolicy {
	case "", RestartAlways, RestartOnFailure, RestartNever:
	default:
		l.notSupported(path+".restartPolicy", s.RestartPolicy,
			string(RestartAlways), string(RestartOnFailure), string(RestartNever))
	}
	if len(s.NodeSelector) > 0 {
		l.labels(path+".nodeSelector", s.NodeSelector)
	}
	if s.Affinity != nil {
		l.affinity(s.Affinity, path+".affinity")
	}
	l.scheduling(s, path)
	if s.Hostname != "" {
		for _, msg := range dns1123LabelMsgs(s.Hostname) {
			l.invalid(path+".hostname", s.Hostname, msg)
		}
	}
	if s.NodeName != "" {
		for _, msg := range dns1123SubdomainMsgs(s.NodeName, "characters") {
			l.invalid(path+".nodeName", s.NodeName, msg)
		}
	}
	if s.RuntimeClassName != "" {
		for _, msg := range dns1123SubdomainMsgs(s.RuntimeClassName, "characters") {
			l.invalid(path+".runtimeClassName", s.RuntimeClassName, msg)
		}
	}
	for _, r := range sortedKeys(s.Overhead) {
		if s.Overhead[r] < 0 {
			l.invalid(path+".overhead.limits["+r+"]", s.Overhead[r], "must be greater than or equal to 0")
		}
	}
}

// containers checks the regular containers of the pod spec at path: at
// least one, each valid, and names unique among them. (The path of the
// list is made where it is needed: a path kept in an error is allocated,
// and a valid spec keeps none.)
func (l *fieldErrors) containers(cs []Container, path string) {
	if len(cs) == 0 {
		l.required(path+".containers", "")
		return
	}
	seen := map[string]bool{}
	for i := range cs {
		p := fieldIndex(path+".containers", i)
		l.container(&cs[i], p)
		if seen[cs[i].Name] {
			l.duplicate(p+".name", cs[i].Name)
		}
		seen[cs[i].Name] = true
		if cs[i].RestartPolicy != "" {
			l.forbidden(p+".restartPolicy", "may not be set for non-init containers")
		}
	}
}

// initContainers checks the init containers: each valid, names unique
// among init and regular containers.
func (l *fieldErrors) initContainers(cs, regular []Container, path string) {
	seen := map[string]bool{}
	for _, c := range regular {
		seen[c.Name] = true
	}
	for i := range cs {
		p := fieldIndex(path, i)
		l.container(&cs[i], p)
		switch cs[i].RestartPolicy {
		case "", RestartAlways:
		default:
			l.notSupported(p+".restartPolicy", cs[i].RestartPolicy, string(RestartAlways))
		}
		if seen[cs[i].Name] {
			l.duplicate(p+".name", cs[i].Name)
		} else if cs[i].Name != "" {
			seen[cs[i].Name] = true
		}
	}
}

// container checks what every container needs: a DNS-label name, an image
// and well-formed environment variable names.
func (l *fieldErrors) container(c *Container, path string) {
	if c.Name == "" {
		l.required(path+".name", "")
	} else {
		for _, msg := range dns1123LabelMsgs(c.Name) {
			l.invalid(path+".name", c.Name, msg)
		}
	}
	if c.Image == "" {
		l.required(path+".image", "")
	}
	for i, e := range c.Env {
		p := fieldIndex(path+".env", i)
		if e.Name == "" {
			l.required(p+".name", "")
		} else if !isRelaxedEnvVarName(e.Name) {
			l.invalid(p+".name", e.Name, "a valid environment variable name must consist only of printable ASCII characters other than '='")
		}
		if e.FieldPath != "" && e.Value != "" {
			l.invalid(p+".valueFrom", "", "may not be specified when `value` is not empty")
		}
	}
}

// isRelaxedEnvVarName reports whether name uses only printable ASCII
// characters other than '=' (the rule in force since v1.34).
func isRelaxedEnvVarName(name string) bool {
	return !strings.ContainsFunc(name, func(r rune) bool {
		return r > unicode.MaxASCII || !unicode.IsPrint(r) || r == '='
	})
}

// affinity checks node affinity as upstream validateNodeAffinity does, on
// create: the values of required terms must be label values, those of
// preferred terms need not be.
func (l *fieldErrors) affinity(a *Affinity, path string) {
	if a == nil || a.NodeAffinity == nil {
		return
	}
	na, path := a.NodeAffinity, path+".nodeAffinity"
	if r := na.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
		p := path + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
		if len(r.NodeSelectorTerms) == 0 {
			l.required(p, "must have at least one node selector term")
		}
		for i := range r.NodeSelectorTerms {
			l.nodeSelectorTerm(&r.NodeSelectorTerms[i], false, fieldIndex(p, i))
		}
	}
	for i := range na.PreferredDuringSchedulingIgnoredDuringExecution {
		t := &na.PreferredDuringSchedulingIgnoredDuringExecution[i]
		p := fieldIndex(path+".preferredDuringSchedulingIgnoredDuringExecution", i)
		if t.Weight <= 0 || t.Weight > 100 {
			l.invalid(p+".weight", t.Weight, "must be in the range 1-100")
		}
		l.nodeSelectorTerm(&t.Preference, true, p+".preference")
	}
}

// nodeSelectorTerm is upstream ValidateNodeSelectorTerm.
func (l *fieldErrors) nodeSelectorTerm(t *NodeSelectorTerm, anyValue bool, path string) {
	for i := range t.MatchExpressions {
		l.nodeSelectorRequirement(&t.MatchExpressions[i], anyValue, fieldIndex(path+".matchExpressions", i))
	}
	for i := range t.MatchFields {
		l.nodeFieldSelectorRequirement(&t.MatchFields[i], fieldIndex(path+".matchFields", i))
	}
}

// nodeSelectorRequirement is upstream ValidateNodeSelectorRequirement:
// the values the operator takes, a label key, and (unless anyValue)
// label values.
func (l *fieldErrors) nodeSelectorRequirement(r *NodeSelectorRequirement, anyValue bool, path string) {
	switch r.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(r.Values) == 0 {
			l.required(path+".values", "must be specified when `operator` is 'In' or 'NotIn'")
		}
	case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
		if len(r.Values) > 0 {
			l.forbidden(path+".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
		}
	case NodeSelectorOpGt, NodeSelectorOpLt:
		if len(r.Values) != 1 {
			l.required(path+".values", "must be specified single value when `operator` is 'Lt' or 'Gt'")
		}
	default:
		l.invalid(path+".operator", r.Operator, "not a valid selector operator")
	}
	for _, msg := range qualifiedNameMsgs(r.Key) {
		l.invalid(path+".key", r.Key, msg)
	}
	if anyValue {
		return
	}
	for i, v := range r.Values {
		for _, msg := range labelValueMsgs(v) {
			l.invalid(fieldIndex(path+".values", i), v, msg)
		}
	}
}

// nodeFieldSelectorRequirement is upstream
// ValidateNodeFieldSelectorRequirement: metadata.name In or NotIn one
// node name.
func (l *fieldErrors) nodeFieldSelectorRequirement(r *NodeSelectorRequirement, path string) {
	switch r.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(r.Values) != 1 {
			l.required(path+".values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector")
		}
	default:
		l.invalid(path+".operator", r.Operator, "not a valid selector operator")
	}
	if r.Key != NodeNameField {
		l.invalid(path+".key", r.Key, "not a valid field selector key")
		return
	}
	for i, v := range r.Values {
		for _, msg := range dns1123SubdomainMsgs(v, "characters") {
			l.invalid(fieldIndex(path+".values", i), v, msg)
		}
	}
}
