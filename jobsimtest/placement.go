package jobsimtest

import (
	"fmt"
	"slices"
	"time"

	"github.com/jobsim/jobsim"
)

// The checker's own reading of kube-scheduler's filters beyond resources
// and node affinity (pkg/scheduler/framework/plugins of Kubernetes
// v1.35.4): TaintToleration and NodeUnschedulable, InterPodAffinity and
// PodTopologySpread, from the pods' and nodes' views alone.

// nodeTaints returns the taints node n shows: its own, and those the node
// lifecycle controller adds (pkg/controller/nodelifecycle): the
// unschedulable NoSchedule taint of a cordoned node
// (TaintNodesByCondition), the unreachable NoSchedule and NoExecute
// taints of a node that is not Ready.
func nodeTaints(n jobsim.NodeView) []jobsim.Taint {
	out := slices.Clone(n.Taints)
	if n.Unschedulable {
		out = append(out, jobsim.Taint{Key: jobsim.TaintNodeUnschedulable, Effect: jobsim.TaintNoSchedule})
	}
	if !n.Ready {
		out = append(out, jobsim.Taint{Key: jobsim.TaintNodeUnreachable, Effect: jobsim.TaintNoSchedule},
			jobsim.Taint{Key: jobsim.TaintNodeUnreachable, Effect: jobsim.TaintNoExecute})
	}
	return out
}

// tolerations returns a pod's tolerations as the API server admits them:
// with those the DefaultTolerationSeconds admission plugin
// (plugin/pkg/admission/defaulttolerationseconds) adds when the pod has
// none for the not-ready or unreachable NoExecute taint, 300 s each. A
// toleration of the key (or of every key) with effect NoExecute (or every
// effect) covers it.
func tolerations(s jobsim.PodSpec) []jobsim.Toleration {
	out := slices.Clone(s.Tolerations)
	for _, key := range []string{jobsim.TaintNodeNotReady, jobsim.TaintNodeUnreachable} {
		covered := false
		for _, t := range s.Tolerations {
			if (t.Key == key || t.Key == "") && (t.Effect == jobsim.TaintNoExecute || t.Effect == "") {
				covered = true
			}
		}
		if !covered {
			out = append(out, jobsim.Toleration{Key: key, Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute,
				TolerationPeriod: jobsim.Ptr(300 * time.Second)})
		}
	}
	return out
}

// untolerated returns the first of taints with effect NoSchedule or
// NoExecute that no toleration of ts tolerates (FindMatchingUntoleratedTaint
// with DoNotScheduleTaintsFilterFunc), and false if there is none.
func untolerated(taints []jobsim.Taint, ts []jobsim.Toleration) (jobsim.Taint, bool) {
	for _, t := range taints {
		if t.Effect != jobsim.TaintNoSchedule && t.Effect != jobsim.TaintNoExecute {
			continue
		}
		ok := false
		for i := range ts {
			if ts[i].ToleratesTaint(&t) {
				ok = true
				break
			}
		}
		if !ok {
			return t, true
		}
	}
	return jobsim.Taint{}, false
}

// requirement is one label requirement, as labels.Requirement.
type requirement = jobsim.LabelSelectorRequirement

// selects reports whether sel, with the extra requirements, matches
// labels, as metav1.LabelSelectorAsSelector reads it: nil selects
// nothing, an empty selector everything.
func selects(sel *jobsim.LabelSelector, extra []requirement, labels map[string]string) bool {
	if sel == nil {
		return false
	}
	for k, v := range sel.MatchLabels {
		if lv, ok := labels[k]; !ok || lv != v {
			return false
		}
	}
	for _, r := range append(slices.Clone(sel.MatchExpressions), extra...) {
		v, ok := labels[r.Key]
		switch r.Operator {
		case jobsim.LabelSelectorOpIn:
			if !ok || !slices.Contains(r.Values, v) {
				return false
			}
		case jobsim.LabelSelectorOpNotIn:
			if ok && slices.Contains(r.Values, v) {
				return false
			}
		case jobsim.LabelSelectorOpExists:
			if !ok {
				return false
			}
		case jobsim.LabelSelectorOpDoesNotExist:
			if ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// emptySelector reports whether sel has no requirement at all
// (labels.Selector.Empty).
func emptySelector(sel *jobsim.LabelSelector, extra []requirement) bool {
	return sel != nil && len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 && len(extra) == 0
}

// keyRequirements are what matchLabelKeys (In) or mismatchLabelKeys
// (NotIn) add to a selector: the owner's own value of each key it has, as
// the API server merges them when the pod is created.
func keyRequirements(keys []string, op jobsim.LabelSelectorOperator, labels map[string]string) []requirement {
	var out []requirement
	for _, k := range keys {
		if v, ok := labels[k]; ok {
			out = append(out, requirement{Key: k, Operator: op, Values: []string{v}})
		}
	}
	return out
}

// termSelects reports whether term, of owner, selects pod q: q is in one
// of the term's namespaces (its namespaces and those its
// namespaceSelector picks; with neither, owner's own) and matches its
// selector with owner's matchLabelKeys and mismatchLabelKeys merged
// (AffinityTerm.Matches, pkg/scheduler/framework/types.go).
func termSelects(term *jobsim.PodAffinityTerm, owner *jobsim.Pod, q *jobsim.Pod) bool {
	inNS := slices.Contains(term.Namespaces, q.Namespace)
	if len(term.Namespaces) == 0 && term.NamespaceSelector == nil {
		inNS = q.Namespace == owner.Namespace
	}
	if !inNS && term.NamespaceSelector != nil {
		inNS = selects(term.NamespaceSelector, nil, map[string]string{"kubernetes.io/metadata.name": q.Namespace})
	}
	if !inNS {
		return false
	}
	extra := keyRequirements(term.MatchLabelKeys, jobsim.LabelSelectorOpIn, owner.Labels)
	extra = append(extra, keyRequirements(term.MismatchLabelKeys, jobsim.LabelSelectorOpNotIn, owner.Labels)...)
	return selects(term.LabelSelector, extra, q.Labels)
}

func requiredTerms(a *jobsim.PodAffinity) []jobsim.PodAffinityTerm {
	if a == nil {
		return nil
	}
	return a.RequiredDuringSchedulingIgnoredDuringExecution
}

func podAffinity(s jobsim.PodSpec) []jobsim.PodAffinityTerm {
	if s.Affinity == nil {
		return nil
	}
	return requiredTerms(s.Affinity.PodAffinity)
}

func podAntiAffinity(s jobsim.PodSpec) []jobsim.PodAffinityTerm {
	if s.Affinity == nil {
		return nil
	}
	return requiredTerms(s.Affinity.PodAntiAffinity)
}

// hardSpread returns the pod's DoNotSchedule spread constraints.
func hardSpread(s jobsim.PodSpec) []jobsim.TopologySpreadConstraint {
	var out []jobsim.TopologySpreadConstraint
	for _, c := range s.TopologySpreadConstraints {
		if c.WhenUnsatisfiable != jobsim.ScheduleAnyway {
			out = append(out, c)
		}
	}
	return out
}

// interPod reports whether p's placement depends on the other pods: it
// has required pod affinity, anti-affinity or a DoNotSchedule spread
// constraint.
func interPod(p *jobsim.Pod) bool {
	return len(podAffinity(p.Spec)) > 0 || len(podAntiAffinity(p.Spec)) > 0 || len(hardSpread(p.Spec)) > 0
}

// placed is a bound pod with its node.
type placed struct {
	pod  *jobsim.Pod
	node *jobsim.NodeView
}

// boundPods returns the pods bound to a node that have not finished, as
// the jobs' views show them, but p.
func (k *Checker) boundPods(byName map[string]*jobsim.NodeView, except string) []placed {
	var out []placed
	for _, js := range k.jobs {
		v := k.view(js)
		for i := range v.Pods {
			q := v.Pods[i]
			n := byName[q.Spec.NodeName]
			if n == nil || q.UID == except || q.Status.Phase == jobsim.PodSucceeded || q.Status.Phase == jobsim.PodFailed {
				continue
			}
			out = append(out, placed{q, n})
		}
	}
	return out
}

// interPodViolation returns what of InterPodAffinity.Filter
// (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go) p on
// node n breaks, among the other bound pods: an existing pod's required
// anti-affinity term selecting p in n's domain
// (satisfyExistingPodsAntiAffinity); a pod p's own anti-affinity term
// selects in n's domain (satisfyPodAntiAffinity); or, for p's affinity, a
// term whose key n lacks or no pod matching all of p's terms in n's
// domain of some term, unless no such pod is anywhere and p matches its
// own terms (satisfyPodAffinity). "" if none.
func interPodViolation(p *jobsim.Pod, n *jobsim.NodeView, others []placed) string {
	same := func(o placed, key string) bool {
		v, ok := n.Labels[key]
		ov, ook := o.node.Labels[key]
		return ok && ook && v == ov
	}
	for _, o := range others {
		for i, t := range podAntiAffinity(o.pod.Spec) {
			if same(o, t.TopologyKey) && termSelects(&t, o.pod, p) {
				return fmt.Sprintf("pod %s on node %s has anti-affinity term %d (topologyKey %s) selecting the pod bound to node %s in its domain (InterPodAffinity.Filter: satisfyExistingPodsAntiAffinity)",
					o.pod.Name, o.node.Name, i, t.TopologyKey, n.Name)
			}
		}
	}
	for i, t := range podAntiAffinity(p.Spec) {
		for _, o := range others {
			if same(o, t.TopologyKey) && termSelects(&t, p, o.pod) {
				return fmt.Sprintf("pod bound to node %s although its anti-affinity term %d (topologyKey %s) selects pod %s on node %s in the same domain (InterPodAffinity.Filter: satisfyPodAntiAffinity)",
					n.Name, i, t.TopologyKey, o.pod.Name, o.node.Name)
			}
		}
	}
	terms := podAffinity(p.Spec)
	if len(terms) == 0 {
		return ""
	}
	matchesAll := func(q *jobsim.Pod) bool {
		for i := range terms {
			if !termSelects(&terms[i], p, q) {
				return false
			}
		}
		return true
	}
	anywhere := false // affinityCounts is not empty
	for _, o := range others {
		if !matchesAll(o.pod) {
			continue
		}
		for _, t := range terms {
			if _, ok := o.node.Labels[t.TopologyKey]; ok {
				anywhere = true
			}
		}
	}
	exist := true
	for i, t := range terms {
		if _, ok := n.Labels[t.TopologyKey]; !ok {
			return fmt.Sprintf("pod bound to node %s, which lacks the topologyKey %s of its affinity term %d (InterPodAffinity.Filter: satisfyPodAffinity)", n.Name, t.TopologyKey, i)
		}
		found := false
		for _, o := range others {
			if same(o, t.TopologyKey) && matchesAll(o.pod) {
				found = true
			}
		}
		exist = exist && found
	}
	if !exist && !(!anywhere && matchesAll(p)) {
		return fmt.Sprintf("pod bound to node %s, where no pod matching its required affinity terms runs in the domain (%d pods match elsewhere; InterPodAffinity.Filter: satisfyPodAffinity)", n.Name, countTrue(others, matchesAll))
	}
	return ""
}

func countTrue(ps []placed, f func(*jobsim.Pod) bool) int {
	n := 0
	for _, o := range ps {
		if f(o.pod) {
			n++
		}
	}
	return n
}

// spreadViolation returns which DoNotSchedule spread constraint of p on
// node n breaks PodTopologySpread.Filter
// (pkg/scheduler/framework/plugins/podtopologyspread/filtering.go), ""
// if none. The domains count over the nodes with every constraint's
// topology key (nodeLabelsMatchSpreadConstraints) that the constraint's
// node inclusion policies admit (matchNodeInclusionPolicies: node affinity
// unless nodeAffinityPolicy is Ignore, tolerated NoSchedule and NoExecute
// taints when nodeTaintsPolicy is Honor); in each, the matching pods of
// p's namespace that are not terminating (countPodsMatchSelector; an
// empty selector counts none). The skew is n's domain's count, plus 1 if
// p matches the selector, minus the least count (0 with fewer domains
// than minDomains).
func spreadViolation(p *jobsim.Pod, n *jobsim.NodeView, nodes []jobsim.NodeView, others []placed) string {
	cs := hardSpread(p.Spec)
	if len(cs) == 0 {
		return ""
	}
	hasKeys := func(m *jobsim.NodeView) bool {
		for _, c := range cs {
			if _, ok := m.Labels[c.TopologyKey]; !ok {
				return false
			}
		}
		return true
	}
	tols := tolerations(p.Spec)
	for i, c := range cs {
		v, ok := n.Labels[c.TopologyKey]
		if !ok {
			return fmt.Sprintf("pod bound to node %s, which lacks the topologyKey %s of its spread constraint %d (PodTopologySpread.Filter)", n.Name, c.TopologyKey, i)
		}
		extra := keyRequirements(c.MatchLabelKeys, jobsim.LabelSelectorOpIn, p.Labels)
		counts := map[string]int{}
		for j := range nodes {
			m := &nodes[j]
			if !hasKeys(m) {
				continue
			}
			if c.NodeAffinityPolicy != jobsim.NodeInclusionPolicyIgnore && !p.Spec.MatchesNode(m.Node) {
				continue
			}
			if _, bad := untolerated(nodeTaints(*m), tols); bad && c.NodeTaintsPolicy == jobsim.NodeInclusionPolicyHonor {
				continue
			}
			d := m.Labels[c.TopologyKey]
			counts[d] += 0
			if emptySelector(c.LabelSelector, extra) {
				continue
			}
			for _, o := range others {
				if o.node.Name == m.Name && o.pod.Namespace == p.Namespace && o.pod.DeletionTime.IsZero() && selects(c.LabelSelector, extra, o.pod.Labels) {
					counts[d]++
				}
			}
		}
		least := -1
		for _, k := range counts {
			if least < 0 || k < least {
				least = k
			}
		}
		minDomains := 1
		if c.MinDomains != nil {
			minDomains = int(*c.MinDomains)
		}
		if least < 0 || len(counts) < minDomains {
			least = 0
		}
		self := 0
		if selects(c.LabelSelector, extra, p.Labels) {
			self = 1
		}
		if skew := counts[v] + self - least; skew > int(c.MaxSkew) {
			return fmt.Sprintf("pod bound to node %s: %s=%s has %d matching pods (+%d for the pod), the least domain %d of %d domains, skew %d > maxSkew %d of spread constraint %d (PodTopologySpread.Filter)",
				n.Name, c.TopologyKey, v, counts[v], self, least, len(counts), skew, c.MaxSkew, i)
		}
	}
	return ""
}
