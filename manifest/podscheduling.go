package manifest

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/jobsim/jobsim"
)

// The conversion of what a pod template tells kube-scheduler beyond node
// affinity: pod affinity and anti-affinity, topology spread constraints,
// tolerations and scheduling gates. They are kept as written: the
// matchLabelKeys and mismatchLabelKeys are not merged into the
// selectors, which the API server does to each pod it creates, not to
// the template; jobsim's scheduler resolves them against each pod's
// labels.

// convertSelector converts a label selector; nil stays nil (it selects
// nothing), an empty one selects everything.
func convertSelector(s *metav1.LabelSelector) *jobsim.LabelSelector {
	if s == nil {
		return nil
	}
	out := &jobsim.LabelSelector{MatchLabels: cloneMap(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, jobsim.LabelSelectorRequirement{
			Key: r.Key, Operator: jobsim.LabelSelectorOperator(r.Operator), Values: cloneStrings(r.Values)})
	}
	return out
}

// cloneSelector deep-copies a jobsim label selector.
func cloneSelector(s *jobsim.LabelSelector) *jobsim.LabelSelector {
	if s == nil {
		return nil
	}
	out := &jobsim.LabelSelector{MatchLabels: cloneMap(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		r.Values = cloneStrings(r.Values)
		out.MatchExpressions = append(out.MatchExpressions, r)
	}
	return out
}

func convertPodAffinityTerm(t corev1.PodAffinityTerm) jobsim.PodAffinityTerm {
	return jobsim.PodAffinityTerm{
		LabelSelector:     convertSelector(t.LabelSelector),
		Namespaces:        cloneStrings(t.Namespaces),
		NamespaceSelector: convertSelector(t.NamespaceSelector),
		TopologyKey:       t.TopologyKey,
		MatchLabelKeys:    cloneStrings(t.MatchLabelKeys),
		MismatchLabelKeys: cloneStrings(t.MismatchLabelKeys),
	}
}

// convertPodAffinity converts pod affinity or anti-affinity, which have
// the same fields.
func convertPodAffinity(required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm) *jobsim.PodAffinity {
	out := &jobsim.PodAffinity{}
	for _, t := range required {
		out.RequiredDuringSchedulingIgnoredDuringExecution = append(out.RequiredDuringSchedulingIgnoredDuringExecution, convertPodAffinityTerm(t))
	}
	for _, w := range preferred {
		out.PreferredDuringSchedulingIgnoredDuringExecution = append(out.PreferredDuringSchedulingIgnoredDuringExecution,
			jobsim.WeightedPodAffinityTerm{Weight: w.Weight, PodAffinityTerm: convertPodAffinityTerm(w.PodAffinityTerm)})
	}
	return out
}

func convertSpread(cs []corev1.TopologySpreadConstraint) []jobsim.TopologySpreadConstraint {
	if cs == nil {
		return nil
	}
	out := make([]jobsim.TopologySpreadConstraint, len(cs))
	for i, c := range cs {
		jc := jobsim.TopologySpreadConstraint{
			MaxSkew:           c.MaxSkew,
			TopologyKey:       c.TopologyKey,
			WhenUnsatisfiable: jobsim.UnsatisfiableConstraintAction(c.WhenUnsatisfiable),
			LabelSelector:     convertSelector(c.LabelSelector),
			MatchLabelKeys:    cloneStrings(c.MatchLabelKeys),
		}
		if c.MinDomains != nil {
			jc.MinDomains = jobsim.Ptr(*c.MinDomains)
		}
		if c.NodeAffinityPolicy != nil {
			jc.NodeAffinityPolicy = jobsim.NodeInclusionPolicy(*c.NodeAffinityPolicy)
		}
		if c.NodeTaintsPolicy != nil {
			jc.NodeTaintsPolicy = jobsim.NodeInclusionPolicy(*c.NodeTaintsPolicy)
		}
		out[i] = jc
	}
	return out
}

// convertTolerations converts tolerations; a tolerationSeconds a
// time.Duration cannot hold is a problem.
func (j *Job) convertTolerations(ps *problems, ts []corev1.Toleration) []jobsim.Toleration {
	if ts == nil {
		return nil
	}
	out := make([]jobsim.Toleration, len(ts))
	for i, t := range ts {
		out[i] = jobsim.Toleration{
			Key:              t.Key,
			Operator:         jobsim.TolerationOperator(t.Operator),
			Value:            t.Value,
			Effect:           jobsim.TaintEffect(t.Effect),
			TolerationPeriod: j.seconds(ps, fmt.Sprintf("spec.template.spec.tolerations[%d].tolerationSeconds", i), t.TolerationSeconds),
		}
	}
	return out
}

func convertGates(gs []corev1.PodSchedulingGate) []string {
	if gs == nil {
		return nil
	}
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

// refuseMergedKeys refuses the matchLabelKeys that would make the API
// server refuse every pod of the Job, though it accepts the Job: when it
// creates a pod, it adds to the term's (or the spread constraint's)
// labelSelector a requirement "KEY In (the pod's value)" for each key the
// pod has a label for, and then refuses the pod if the selector already
// named that key ("exists in both matchLabelKeys and labelSelector").
// The template itself is validated as written, so only a selector that
// names the key once passes and fails later; jobsim does not simulate
// pods the API server refuses to create.
func (j *Job) refuseMergedKeys(ps *problems) {
	t := &j.Object.Spec.Template
	has := func(k string) bool {
		if _, ok := t.Labels[k]; ok {
			return true
		}
		if j.Object.Spec.ManualSelector != nil && *j.Object.Spec.ManualSelector {
			return false
		}
		switch k {
		case jobsim.JobNameLabel, jobsim.LegacyJobNameLabel, jobsim.ControllerUIDLabel, jobsim.LegacyControllerUIDLabel:
			return true // generated by the API server
		}
		return false
	}
	check := func(path string, keys []string, sel *metav1.LabelSelector) {
		if sel == nil {
			return
		}
		for i, k := range keys {
			n := 0
			if _, ok := sel.MatchLabels[k]; ok {
				n++
			}
			for _, r := range sel.MatchExpressions {
				if r.Key == k {
					n++
				}
			}
			if n == 1 && has(k) {
				j.notSupported(ps, fmt.Sprintf("%s.matchLabelKeys[%d]", path, i), fmt.Sprintf(
					"the API server would refuse every pod of the Job: it adds %s In (the pod's value) to the labelSelector, which names %s already (exists in both matchLabelKeys and labelSelector)", k, k))
			}
		}
	}
	const spec = "spec.template.spec"
	if a := t.Spec.Affinity; a != nil {
		for _, pa := range []struct {
			path   string
			req    []corev1.PodAffinityTerm
			weight []corev1.WeightedPodAffinityTerm
		}{
			{spec + ".affinity.podAffinity", podAffinityRequired(a.PodAffinity), podAffinityPreferred(a.PodAffinity)},
			{spec + ".affinity.podAntiAffinity", podAntiAffinityRequired(a.PodAntiAffinity), podAntiAffinityPreferred(a.PodAntiAffinity)},
		} {
			for i, term := range pa.req {
				check(fmt.Sprintf("%s.requiredDuringSchedulingIgnoredDuringExecution[%d]", pa.path, i), term.MatchLabelKeys, term.LabelSelector)
			}
			for i, w := range pa.weight {
				check(fmt.Sprintf("%s.preferredDuringSchedulingIgnoredDuringExecution[%d].podAffinityTerm", pa.path, i), w.PodAffinityTerm.MatchLabelKeys, w.PodAffinityTerm.LabelSelector)
			}
		}
	}
	for i, c := range t.Spec.TopologySpreadConstraints {
		check(fmt.Sprintf("%s.topologySpreadConstraints[%d]", spec, i), c.MatchLabelKeys, c.LabelSelector)
	}
}

func podAffinityRequired(a *corev1.PodAffinity) []corev1.PodAffinityTerm {
	if a == nil {
		return nil
	}
	return a.RequiredDuringSchedulingIgnoredDuringExecution
}

func podAffinityPreferred(a *corev1.PodAffinity) []corev1.WeightedPodAffinityTerm {
	if a == nil {
		return nil
	}
	return a.PreferredDuringSchedulingIgnoredDuringExecution
}

func podAntiAffinityRequired(a *corev1.PodAntiAffinity) []corev1.PodAffinityTerm {
	if a == nil {
		return nil
	}
	return a.RequiredDuringSchedulingIgnoredDuringExecution
}

func podAntiAffinityPreferred(a *corev1.PodAntiAffinity) []corev1.WeightedPodAffinityTerm {
	if a == nil {
		return nil
	}
	return a.PreferredDuringSchedulingIgnoredDuringExecution
}
