package jobsim

import (
	"maps"
	"slices"
)

// Pod affinity, anti-affinity and topology spread constraints, as the v1
// API has them and as kube-scheduler's InterPodAffinity and
// PodTopologySpread plugins read them.

// LabelSelector selects objects by their labels, as metav1.LabelSelector:
// all of MatchLabels and all of MatchExpressions must hold. An empty
// selector (not nil) matches everything; a nil one, nothing.
type LabelSelector struct {
	MatchLabels      map[string]string
	MatchExpressions []LabelSelectorRequirement
}

// LabelSelectorRequirement relates a label key to values: In and NotIn
// take a set, Exists and DoesNotExist none.
type LabelSelectorRequirement struct {
	Key      string
	Operator LabelSelectorOperator
	Values   []string
}

// LabelSelectorOperator is the operator of a LabelSelectorRequirement.
type LabelSelectorOperator string

// The label selector operators.
const (
	LabelSelectorOpIn           LabelSelectorOperator = "In"
	LabelSelectorOpNotIn        LabelSelectorOperator = "NotIn"
	LabelSelectorOpExists       LabelSelectorOperator = "Exists"
	LabelSelectorOpDoesNotExist LabelSelectorOperator = "DoesNotExist"
)

// PodAffinity attracts a pod to the topology domains (nodes, zones)
// where pods matching its terms run; PodAntiAffinity, with the same
// fields, repels it from them.
type PodAffinity struct {
	// RequiredDuringSchedulingIgnoredDuringExecution must all hold on the
	// node the pod is bound to.
	RequiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm
	// PreferredDuringSchedulingIgnoredDuringExecution adds each term's
	// weight to the score of the nodes where it holds.
	PreferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm
}

// PodAffinityTerm holds on a node when a pod matching LabelSelector, in
// one of the namespaces, runs in the node's domain of TopologyKey: the
// nodes with the same value of that label.
type PodAffinityTerm struct {
	LabelSelector *LabelSelector
	// Namespaces and NamespaceSelector choose the namespaces of the pods
	// the term counts; with neither, the pod's own namespace.
	// NamespaceSelector selects by the namespaces' labels: jobsim's
	// namespaces have only kubernetes.io/metadata.name.
	Namespaces        []string
	NamespaceSelector *LabelSelector
	TopologyKey       string
	// MatchLabelKeys and MismatchLabelKeys add to LabelSelector, for each
	// key, the pod's own value of that label: In for MatchLabelKeys, NotIn
	// for MismatchLabelKeys (the API server merges them into the selector
	// when the pod is created).
	MatchLabelKeys    []string
	MismatchLabelKeys []string
}

// WeightedPodAffinityTerm is a preferred term with its weight, 1 to 100.
type WeightedPodAffinityTerm struct {
	Weight          int32
	PodAffinityTerm PodAffinityTerm
}

// TopologySpreadConstraint bounds how unevenly the pods it selects spread
// across the domains of TopologyKey.
type TopologySpreadConstraint struct {
	// MaxSkew is the most the number of matching pods in a domain may
	// exceed the least number in any eligible domain.
	MaxSkew int32
	// TopologyKey is the node label whose values are the domains.
	TopologyKey string
	// WhenUnsatisfiable is DoNotSchedule (a filter) or ScheduleAnyway (a
	// score).
	WhenUnsatisfiable UnsatisfiableConstraintAction
	// LabelSelector selects the pods counted, in the pod's namespace.
	LabelSelector *LabelSelector
	// MinDomains, with DoNotSchedule, is the number of domains below which
	// the global minimum counts as 0; nil means 1.
	MinDomains *int32
	// NodeAffinityPolicy and NodeTaintsPolicy say whether the pod's node
	// affinity and its tolerations decide which nodes count: Honor or
	// Ignore; "" means Honor for the affinity and Ignore for the taints.
	NodeAffinityPolicy NodeInclusionPolicy
	NodeTaintsPolicy   NodeInclusionPolicy
	// MatchLabelKeys adds, for each key, the pod's own value of that label
	// to LabelSelector.
	MatchLabelKeys []string
}

// UnsatisfiableConstraintAction is what the scheduler does with a pod
// that would break a spread constraint.
type UnsatisfiableConstraintAction string

// The actions of a spread constraint.
const (
	DoNotSchedule  UnsatisfiableConstraintAction = "DoNotSchedule"
	ScheduleAnyway UnsatisfiableConstraintAction = "ScheduleAnyway"
)

// NodeInclusionPolicy says whether a spread constraint honours the pod's
// node affinity or tolerations when it counts domains.
type NodeInclusionPolicy string

// The node inclusion policies.
const (
	NodeInclusionPolicyHonor  NodeInclusionPolicy = "Honor"
	NodeInclusionPolicyIgnore NodeInclusionPolicy = "Ignore"
)

// Well-known node labels. Every node gets the first three as a kubelet
// gives them (the node's name, linux, amd64) unless Node.Labels sets
// them; zones and regions come only from Node.Labels, as a cloud
// provider's would.
const (
	LabelHostname = "kubernetes.io/hostname"
	LabelOS       = "kubernetes.io/os"
	LabelArch     = "kubernetes.io/arch"
	LabelZone     = "topology.kubernetes.io/zone"
	LabelRegion   = "topology.kubernetes.io/region"
)

// PodDisruptionBudget limits the voluntary disruptions of the pods it
// selects: evictions through the eviction API, and the scheduler's
// preemption, which prefers victims whose budgets allow it.
type PodDisruptionBudget struct {
	Name      string
	Namespace string
	Selector  *LabelSelector
	// MinAvailable or MaxUnavailable, one of them, is a count or a
	// percentage of the selected pods (IntOrString).
	MinAvailable   *IntOrPercent
	MaxUnavailable *IntOrPercent
}

// IntOrPercent is a count, or a percentage when Percent is set.
type IntOrPercent struct {
	Value   int32
	Percent bool
}

func cloneSelector(s *LabelSelector) *LabelSelector {
	if s == nil {
		return nil
	}
	out := &LabelSelector{MatchLabels: maps.Clone(s.MatchLabels)}
	if s.MatchExpressions != nil {
		out.MatchExpressions = make([]LabelSelectorRequirement, len(s.MatchExpressions))
		for i, r := range s.MatchExpressions {
			r.Values = slices.Clone(r.Values)
			out.MatchExpressions[i] = r
		}
	}
	return out
}

func clonePodAffinityTerm(t PodAffinityTerm) PodAffinityTerm {
	t.LabelSelector = cloneSelector(t.LabelSelector)
	t.NamespaceSelector = cloneSelector(t.NamespaceSelector)
	t.Namespaces = slices.Clone(t.Namespaces)
	t.MatchLabelKeys = slices.Clone(t.MatchLabelKeys)
	t.MismatchLabelKeys = slices.Clone(t.MismatchLabelKeys)
	return t
}

func clonePodAffinity(a *PodAffinity) *PodAffinity {
	if a == nil {
		return nil
	}
	out := &PodAffinity{}
	for _, t := range a.RequiredDuringSchedulingIgnoredDuringExecution {
		out.RequiredDuringSchedulingIgnoredDuringExecution = append(out.RequiredDuringSchedulingIgnoredDuringExecution, clonePodAffinityTerm(t))
	}
	for _, t := range a.PreferredDuringSchedulingIgnoredDuringExecution {
		out.PreferredDuringSchedulingIgnoredDuringExecution = append(out.PreferredDuringSchedulingIgnoredDuringExecution,
			WeightedPodAffinityTerm{Weight: t.Weight, PodAffinityTerm: clonePodAffinityTerm(t.PodAffinityTerm)})
	}
	return out
}

func cloneSpread(cs []TopologySpreadConstraint) []TopologySpreadConstraint {
	if cs == nil {
		return nil
	}
	out := make([]TopologySpreadConstraint, len(cs))
	for i, c := range cs {
		c.LabelSelector = cloneSelector(c.LabelSelector)
		c.MinDomains = clonePtr(c.MinDomains)
		c.MatchLabelKeys = slices.Clone(c.MatchLabelKeys)
		out[i] = c
	}
	return out
}
