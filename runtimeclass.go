package jobsim

import (
	"fmt"
	"maps"
	"slices"
)

// RuntimeClass is a node.k8s.io/v1 RuntimeClass: a container runtime
// configuration that pods choose with runtimeClassName. The API server's
// RuntimeClass admission gives each pod that names one the class's
// overhead, and merges the class's scheduling into the pod's.
type RuntimeClass struct {
	// Name is what runtimeClassName names: a DNS subdomain.
	Name string
	// Handler names the runtime configuration on the nodes: a DNS
	// label, required. jobsim does not model runtimes; it is checked only.
	Handler string
	// Overhead is overhead.podFixed: what the pod's sandbox takes beyond
	// its containers. The scheduler adds it to the pod's requests. nil
	// means the class defines no overhead; a non-nil empty list defines
	// an empty one (which a pod's overhead must then equal).
	Overhead ResourceList
	// NodeSelector is scheduling.nodeSelector: labels added to every
	// pod's nodeSelector. A pod that already selects another value for
	// one of them is refused.
	NodeSelector map[string]string
	// Tolerations is scheduling.tolerations: added to every pod's
	// tolerations, but for those a pod's toleration already covers.
	Tolerations []Toleration
}

// runtimeClasses checks the cluster's RuntimeClasses as the API server
// checks them on create (ValidateRuntimeClass).
func (l *fieldErrors) runtimeClasses(rcs []RuntimeClass) {
	seen := map[string]bool{}
	for i := range rcs {
		rc := &rcs[i]
		path := fmt.Sprintf("runtimeClasses[%d]", i)
		switch {
		case rc.Name == "":
			l.required(path+".name", "name or generateName is required")
		case seen[rc.Name]:
			l.duplicate(path+".name", rc.Name)
		default:
			for _, msg := range dns1123SubdomainMsgs(rc.Name, "characters") {
				l.invalid(path+".name", rc.Name, msg)
			}
		}
		seen[rc.Name] = true
		if rc.Handler == "" {
			l.required(path+".handler", "")
		} else {
			for _, msg := range dns1123LabelMsgs(rc.Handler) {
				l.invalid(path+".handler", rc.Handler, msg)
			}
		}
		for _, r := range slices.Sorted(maps.Keys(rc.Overhead)) {
			if rc.Overhead[r] < 0 {
				l.invalid(path+".overhead.podFixed["+r+"]", rc.Overhead[r], "must be greater than or equal to 0")
			}
		}
		l.labels(path+".scheduling.nodeSelector", rc.NodeSelector)
		l.tolerations(rc.Tolerations, path+".scheduling.tolerations")
		type key struct {
			Key      string             `json:"key,omitempty"`
			Operator TolerationOperator `json:"operator,omitempty"`
			Value    string             `json:"value,omitempty"`
			Effect   TaintEffect        `json:"effect,omitempty"`
		}
		keys := map[key]bool{}
		for k, t := range rc.Tolerations {
			lk := key{t.Key, t.Operator, t.Value, t.Effect}
			if keys[lk] {
				l.duplicate(fieldIndex(path+".scheduling.tolerations", k), lk)
			}
			keys[lk] = true
		}
	}
}

// admission is what the RuntimeClass admission plugin makes of a pod
// template (plugin/pkg/admission/runtimeclass): the overhead, node
// selector and tolerations its pods get.
type admission struct {
	overhead     ResourceList
	nodeSelector map[string]string
	// tolerations are the template's merged with the class's (nil if
	// the class has none to add), and the same after the
	// DefaultTolerationSeconds plugin, which runs first, added its own.
	tolerations, withDefaults []Toleration
}

// admitRuntimeClass applies the RuntimeClass admission plugin to the pods
// of template s, as the API server does to each pod the Job controller
// creates: it refuses a pod naming a class that does not exist, one
// whose overhead differs from its class's, one with an overhead but no
// class that defines one, and one whose nodeSelector gives a label of
// the class's nodeSelector another value. jobsim does not simulate
// pods the API server refuses to create: Submit refuses the job
// instead, with the plugin's message at the template's field.
func (c *Cluster) admitRuntimeClass(s *PodSpec) (admission, *FieldError) {
	a := admission{overhead: s.Overhead, nodeSelector: s.NodeSelector}
	const path = "spec.template.spec."
	forbidden := func(field, msg string) (admission, *FieldError) {
		return admission{}, &FieldError{Type: ErrorTypeForbidden, Field: path + field, Detail: "pod rejected: " + msg}
	}
	var rc *RuntimeClass
	if s.RuntimeClassName != "" {
		i := slices.IndexFunc(c.cfg.RuntimeClasses, func(rc RuntimeClass) bool { return rc.Name == s.RuntimeClassName })
		if i < 0 {
			return forbidden("runtimeClassName", fmt.Sprintf("RuntimeClass %q not found", s.RuntimeClassName))
		}
		rc = &c.cfg.RuntimeClasses[i]
	}
	// The mutating phase: the class's overhead, then its scheduling.
	if rc != nil && rc.Overhead != nil {
		if len(s.Overhead) > 0 && !maps.Equal(s.Overhead, rc.Overhead) {
			return forbidden("overhead", "Pod's Overhead doesn't match RuntimeClass's defined Overhead")
		}
		a.overhead = maps.Clone(rc.Overhead)
	}
	if rc != nil && (rc.NodeSelector != nil || rc.Tolerations != nil) {
		if len(s.NodeSelector) == 0 {
			a.nodeSelector = maps.Clone(rc.NodeSelector)
		} else {
			a.nodeSelector = maps.Clone(s.NodeSelector)
			for _, k := range slices.Sorted(maps.Keys(rc.NodeSelector)) {
				want := rc.NodeSelector[k]
				if have, ok := a.nodeSelector[k]; ok && have != want {
					return admission{}, &FieldError{Type: ErrorTypeForbidden, Field: path + "nodeSelector",
						Detail: fmt.Sprintf("conflict: runtimeClass.scheduling.nodeSelector[%s] = %s; pod.spec.nodeSelector[%s] = %s", k, want, k, have)}
				}
				a.nodeSelector[k] = want
			}
		}
		if len(rc.Tolerations) > 0 {
			a.tolerations = mergeTolerations(s.Tolerations, rc.Tolerations)
			a.withDefaults = mergeTolerations(withDefaultTolerations(s.Tolerations), rc.Tolerations)
		}
	}
	// The validating phase: a pod's overhead needs a class that defines it.
	if (rc == nil || rc.Overhead == nil) && len(s.Overhead) > 0 {
		return forbidden("overhead", "Pod Overhead set without corresponding RuntimeClass defined Overhead")
	}
	return a, nil
}

// mergeTolerations is MergeTolerations of pkg/util/tolerations: first
// then second, without the tolerations another one covers (of two equal
// ones, the first is kept).
func mergeTolerations(first, second []Toleration) []Toleration {
	all := append(slices.Clone(first), second...)
	var merged []Toleration
next:
	for i := range all {
		t := &all[i]
		for k := range merged {
			if tolerationCovers(&merged[k], t) {
				continue next
			}
		}
		for k := i + 1; k < len(all); k++ {
			if !sameToleration(t, &all[k]) && tolerationCovers(&all[k], t) {
				continue next
			}
		}
		merged = append(merged, *t)
	}
	return merged
}

func sameToleration(a, b *Toleration) bool {
	if a.Key != b.Key || a.Operator != b.Operator || a.Value != b.Value || a.Effect != b.Effect {
		return false
	}
	if (a.TolerationPeriod == nil) != (b.TolerationPeriod == nil) {
		return false
	}
	return a.TolerationPeriod == nil || *a.TolerationPeriod == *b.TolerationPeriod
}

// tolerationCovers is isSuperset of pkg/util/tolerations: whether ss
// tolerates everything t does, for at least as long.
func tolerationCovers(ss, t *Toleration) bool {
	if sameToleration(ss, t) {
		return true
	}
	if t.Key != ss.Key && (ss.Key != "" || ss.Operator != TolerationOpExists) {
		return false
	}
	if t.Effect != ss.Effect && ss.Effect != "" {
		return false
	}
	if ss.Effect == TaintNoExecute && ss.TolerationPeriod != nil {
		if t.TolerationPeriod == nil || *t.TolerationPeriod > *ss.TolerationPeriod {
			return false
		}
	}
	switch ss.Operator {
	case TolerationOpEqual, "":
		return (t.Operator == TolerationOpEqual) && t.Value == ss.Value
	case TolerationOpExists:
		return true
	}
	return false
}
