package jobsim

import (
	"slices"
	"strconv"
)

// Label selectors as the scheduler compiles them
// (metav1.LabelSelectorAsSelector): a nil selector matches nothing, an
// empty one everything.

// selector is a compiled LabelSelector.
type selector struct {
	nothing bool
	labels  map[string]string
	exprs   []LabelSelectorRequirement
	// usesIndex: it reads the completion index label, which differs
	// between the pods of a job.
	usesIndex bool
}

// compileSelector compiles ls, adding extra requirements (those that
// matchLabelKeys and mismatchLabelKeys add).
func compileSelector(ls *LabelSelector, extra []LabelSelectorRequirement) selector {
	if ls == nil {
		return selector{nothing: true}
	}
	sel := selector{labels: ls.MatchLabels, exprs: ls.MatchExpressions}
	if len(extra) > 0 {
		sel.exprs = append(slices.Clone(sel.exprs), extra...)
	}
	_, sel.usesIndex = sel.labels[JobCompletionIndexAnnotation]
	for _, r := range sel.exprs {
		sel.usesIndex = sel.usesIndex || r.Key == JobCompletionIndexAnnotation
	}
	return sel
}

// empty reports whether the selector has no requirement: it matches every
// set of labels (labels.Selector.Empty).
func (s *selector) empty() bool {
	return !s.nothing && len(s.labels) == 0 && len(s.exprs) == 0
}

// matches reports whether labels, read through get, meet the selector.
func (s *selector) matches(get func(string) (string, bool)) bool {
	if s.nothing {
		return false
	}
	for k, v := range s.labels {
		if lv, ok := get(k); !ok || lv != v {
			return false
		}
	}
	for _, r := range s.exprs {
		v, ok := get(r.Key)
		switch r.Operator {
		case LabelSelectorOpIn:
			if !ok || !slices.Contains(r.Values, v) {
				return false
			}
		case LabelSelectorOpNotIn:
			if ok && slices.Contains(r.Values, v) {
				return false
			}
		case LabelSelectorOpExists:
			if !ok {
				return false
			}
		case LabelSelectorOpDoesNotExist:
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// matchesMap is matches on a plain label map.
func (s *selector) matchesMap(labels map[string]string) bool {
	return s.matches(func(k string) (string, bool) { v, ok := labels[k]; return v, ok })
}

// keyRequirements turns matchLabelKeys (In) or mismatchLabelKeys (NotIn)
// into requirements on the pod's own values, skipping the keys the pod
// does not have, as the API server does when it merges them.
func keyRequirements(keys []string, op LabelSelectorOperator, get func(string) (string, bool)) []LabelSelectorRequirement {
	var out []LabelSelectorRequirement
	for _, k := range keys {
		if v, ok := get(k); ok {
			out = append(out, LabelSelectorRequirement{Key: k, Operator: op, Values: []string{v}})
		}
	}
	return out
}

// podLabels returns j's pods' labels (see Cluster.podLabels), computed
// on first use after schedulingInfo: most jobs' pods are never matched
// against a selector, and the map costs the most of a job's creation.
func (j *job) podLabels() map[string]string {
	if j.labels == nil {
		j.labels = j.c.podLabels(j)
	}
	return j.labels
}

// podLabels returns the labels every pod of j gets: the template's, and
// the controller's unless the job selects its pods itself. The
// completion index label, which differs per pod, is left to podLabel.
func (c *Cluster) podLabels(j *job) map[string]string {
	tmpl := &j.spec.Template
	labels := make(map[string]string, len(tmpl.Labels)+4)
	for k, v := range tmpl.Labels {
		labels[k] = v
	}
	if !j.spec.ManualSelector {
		uid := c.uid(kindJob, j.seq)
		labels[ControllerUIDLabel] = uid
		labels[JobNameLabel] = j.name
		labels[LegacyControllerUIDLabel] = uid
		labels[LegacyJobNameLabel] = j.name
	}
	return labels
}

// label returns the value of one of p's labels.
func (p *pod) label(key string) (string, bool) {
	if key == JobCompletionIndexAnnotation && p.index >= 0 && p.job.indexed() {
		return strconv.Itoa(p.index), true
	}
	v, ok := p.job.podLabels()[key]
	return v, ok
}

// namespaceLabels are the labels of a namespace: jobsim's namespaces have
// only the one the API server gives every namespace.
func namespaceLabels(ns string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if k == "kubernetes.io/metadata.name" {
			return ns, true
		}
		return "", false
	}
}
