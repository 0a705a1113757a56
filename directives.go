package jobsim

import "math"

// What the scheduler reads of a job's pods beyond their requests and
// required node affinity: tolerations, preferred node affinity, pod
// affinity and anti-affinity, and topology spread constraints, compiled
// once per job (the pods of a job share their template).

// directives are a job's compiled scheduling directives; nil when the
// template has none of them.
type directives struct {
	// preferNoSchedule are the tolerations TaintToleration's score reads:
	// those with effect PreferNoSchedule or none.
	preferNoSchedule []Toleration
	preferred        []weightedNodeTerm
	// Pod affinity (required, all must hold) and anti-affinity (required,
	// none may), and the preferred terms of both.
	affinity, anti         []affinityTerm
	prefAffinity, prefAnti []weightedAffinityTerm
	// selfAffinity: the pods match all their own required affinity terms,
	// so the first of them may go where none runs yet.
	selfAffinity bool
	hard, soft   []spreadConstraint
	// lifecycle: some toleration tolerates a taint jobsim's node lifecycle
	// puts on failed or cordoned nodes, so the pods may go there.
	lifecycle bool
}

// weightedNodeTerm is a parsed preferred node affinity term.
type weightedNodeTerm struct {
	weight int64
	term   nodeTerm
}

// affinityTerm is a compiled PodAffinityTerm: the pods it selects are in
// one of namespaces, or in a namespace nsSel selects, and match sel.
type affinityTerm struct {
	sel        selector
	namespaces []string
	nsSel      *selector
	key        string
}

type weightedAffinityTerm struct {
	weight int64
	affinityTerm
}

// matches reports whether q is a pod the term selects.
func (t *affinityTerm) matches(q *pod) bool {
	inNS := false
	for _, ns := range t.namespaces {
		if ns == q.job.ns {
			inNS = true
			break
		}
	}
	if !inNS && (t.nsSel == nil || !t.nsSel.matches(namespaceLabels(q.job.ns))) {
		return false
	}
	return t.sel.matches(q.label)
}

// spreadConstraint is a compiled TopologySpreadConstraint.
type spreadConstraint struct {
	maxSkew    int
	key        string
	sel        selector
	minDomains int
	// honorAffinity and honorTaints: whether the pod's node affinity and
	// tolerations decide which nodes count.
	honorAffinity, honorTaints bool
}

// compileDirectives compiles j's template; the labels of its pods serve
// matchLabelKeys and self-matching.
func compileDirectives(j *job) *directives {
	s := j.podSpec
	get := func(k string) (string, bool) { v, ok := j.podLabels()[k]; return v, ok }
	// Built on the stack and copied to the heap only if needed: most
	// pods have no directives.
	var dv directives
	d := &dv
	any := len(s.Tolerations) > 0
	for _, t := range s.Tolerations {
		if t.Effect == "" || t.Effect == TaintPreferNoSchedule {
			d.preferNoSchedule = append(d.preferNoSchedule, t)
		}
	}
	for _, key := range []string{TaintNodeUnreachable, TaintNodeNotReady, TaintNodeUnschedulable} {
		if tolerates(s.Tolerations, &Taint{Key: key, Effect: TaintNoSchedule}) {
			d.lifecycle = true
		}
	}
	if a := s.Affinity; a != nil {
		if na := a.NodeAffinity; na != nil {
			for i := range na.PreferredDuringSchedulingIgnoredDuringExecution {
				p := &na.PreferredDuringSchedulingIgnoredDuringExecution[i]
				if p.Weight == 0 || len(p.Preference.MatchExpressions) == 0 && len(p.Preference.MatchFields) == 0 {
					continue
				}
				if pt, ok := parseTerm(&p.Preference); ok {
					d.preferred = append(d.preferred, weightedNodeTerm{int64(p.Weight), pt})
					any = true
				}
			}
		}
		compile := func(t *PodAffinityTerm) affinityTerm {
			extra := keyRequirements(t.MatchLabelKeys, LabelSelectorOpIn, get)
			extra = append(extra, keyRequirements(t.MismatchLabelKeys, LabelSelectorOpNotIn, get)...)
			at := affinityTerm{sel: compileSelector(t.LabelSelector, extra), namespaces: t.Namespaces, key: t.TopologyKey}
			if t.NamespaceSelector != nil {
				ns := compileSelector(t.NamespaceSelector, nil)
				at.nsSel = &ns
			} else if len(t.Namespaces) == 0 {
				at.namespaces = []string{j.ns}
			}
			return at
		}
		for _, pa := range []struct {
			a        *PodAffinity
			req      *[]affinityTerm
			weighted *[]weightedAffinityTerm
		}{{a.PodAffinity, &d.affinity, &d.prefAffinity}, {a.PodAntiAffinity, &d.anti, &d.prefAnti}} {
			if pa.a == nil {
				continue
			}
			for i := range pa.a.RequiredDuringSchedulingIgnoredDuringExecution {
				*pa.req = append(*pa.req, compile(&pa.a.RequiredDuringSchedulingIgnoredDuringExecution[i]))
				any = true
			}
			for i := range pa.a.PreferredDuringSchedulingIgnoredDuringExecution {
				w := &pa.a.PreferredDuringSchedulingIgnoredDuringExecution[i]
				*pa.weighted = append(*pa.weighted, weightedAffinityTerm{int64(w.Weight), compile(&w.PodAffinityTerm)})
				any = true
			}
		}
		d.selfAffinity = len(d.affinity) > 0
		for i := range d.affinity {
			t := &d.affinity[i]
			inNS := false
			for _, ns := range t.namespaces {
				inNS = inNS || ns == j.ns
			}
			if !inNS && (t.nsSel == nil || !t.nsSel.matches(namespaceLabels(j.ns))) || !t.sel.matches(get) {
				d.selfAffinity = false
			}
		}
	}
	for _, c := range s.TopologySpreadConstraints {
		sc := spreadConstraint{
			maxSkew: int(c.MaxSkew), key: c.TopologyKey, minDomains: 1,
			sel:           compileSelector(c.LabelSelector, keyRequirements(c.MatchLabelKeys, LabelSelectorOpIn, get)),
			honorAffinity: c.NodeAffinityPolicy != NodeInclusionPolicyIgnore,
			honorTaints:   c.NodeTaintsPolicy == NodeInclusionPolicyHonor,
		}
		any = true
		if c.WhenUnsatisfiable == ScheduleAnyway {
			d.soft = append(d.soft, sc)
			continue
		}
		if c.MinDomains != nil {
			sc.minDomains = int(*c.MinDomains)
		}
		d.hard = append(d.hard, sc)
	}
	if !any {
		return nil
	}
	out := new(directives)
	*out = dv
	return out
}

// interPod reports whether the pods have pod affinity or anti-affinity.
func (d *directives) interPod() bool {
	return d != nil && (len(d.affinity) > 0 || len(d.anti) > 0 || len(d.prefAffinity) > 0 || len(d.prefAnti) > 0)
}

// untolerated returns the first of taints with one of the effects that
// ts does not tolerate (FindMatchingUntoleratedTaint), or nil.
func untolerated(taints []Taint, ts []Toleration, effects ...TaintEffect) *Taint {
	for i := range taints {
		t := &taints[i]
		for _, e := range effects {
			if t.Effect == e && !tolerates(ts, t) {
				return t
			}
		}
	}
	return nil
}

// topoPair is a topology domain: a label key and value.
type topoPair struct{ key, value string }

// maxInt is a large count, the minimum of no domain.
const maxInt = math.MaxInt32
