package jobsim

import (
	"slices"
	"strconv"
)

// Node affinity, as the v1 API has it and as kube-scheduler's NodeAffinity
// filter plugin reads it (k8s.io/component-helpers/scheduling/corev1/
// nodeaffinity, with apimachinery's label selectors).

// Affinity is a pod's affinity (v1 Affinity): to nodes by their labels,
// and to or away from other pods by theirs.
type Affinity struct {
	NodeAffinity    *NodeAffinity
	PodAffinity     *PodAffinity
	PodAntiAffinity *PodAffinity
}

// NodeAffinity restricts the nodes a pod may be bound to.
type NodeAffinity struct {
	// RequiredDuringSchedulingIgnoredDuringExecution must match a node for
	// the pod to be bound there, as nodeSelector must: both apply.
	RequiredDuringSchedulingIgnoredDuringExecution *NodeSelector
	// PreferredDuringSchedulingIgnoredDuringExecution is validated and
	// kept, but jobsim's scoring ignores it.
	PreferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm
}

// NodeSelector matches the nodes that match any of its terms.
type NodeSelector struct {
	NodeSelectorTerms []NodeSelectorTerm
}

// NodeSelectorTerm matches the nodes that meet all its requirements. A
// term with none matches no node.
type NodeSelectorTerm struct {
	// MatchExpressions are requirements on the node's labels.
	MatchExpressions []NodeSelectorRequirement
	// MatchFields are requirements on the node's fields: only
	// NodeNameField, with In or NotIn and one value.
	MatchFields []NodeSelectorRequirement
}

// NodeSelectorRequirement relates a key to values. For In and NotIn the
// values are a set; Exists and DoesNotExist take none; Gt and Lt take one
// integer, compared with the label's value read as an integer.
type NodeSelectorRequirement struct {
	Key      string
	Operator NodeSelectorOperator
	Values   []string
}

// PreferredSchedulingTerm is a weighted preference (weight 1 to 100).
type PreferredSchedulingTerm struct {
	Weight     int32
	Preference NodeSelectorTerm
}

// NodeSelectorOperator is the operator of a NodeSelectorRequirement.
type NodeSelectorOperator string

// The operators of node selector requirements.
const (
	NodeSelectorOpIn           NodeSelectorOperator = "In"
	NodeSelectorOpNotIn        NodeSelectorOperator = "NotIn"
	NodeSelectorOpExists       NodeSelectorOperator = "Exists"
	NodeSelectorOpDoesNotExist NodeSelectorOperator = "DoesNotExist"
	NodeSelectorOpGt           NodeSelectorOperator = "Gt"
	NodeSelectorOpLt           NodeSelectorOperator = "Lt"
)

// NodeNameField is the one node field matchFields may name.
const NodeNameField = "metadata.name"

// MatchesNode reports whether the pod spec's nodeSelector and required
// node affinity both match n, as kube-scheduler's NodeAffinity filter
// decides. A term that does not parse (such as Gt with a value that is
// not an integer) matches no node.
func (s *PodSpec) MatchesNode(n Node) bool {
	if f := newNodeFilter(s); f != nil {
		return f.matches(&n)
	}
	return matchesSelector(n.Labels, s.NodeSelector)
}

// nodeFilter is a pod template's nodeSelector and required node affinity
// as the NodeAffinity plugin reads them (GetRequiredNodeAffinity and its
// PreFilter), prepared once per job.
type nodeFilter struct {
	selector map[string]string
	terms    []nodeTerm // the terms that can match: not empty, parsed
	byName   bool       // some term has matchFields: the verdict depends on the node's name
	// namesHost: some term or the nodeSelector reads kubernetes.io/hostname,
	// which node classes leave out (every node has its own).
	namesHost bool
	// names is the PreFilter's result when every term requires node
	// names (matchFields metadata.name In): the only nodes the filters
	// see. Nil means every node.
	names map[string]bool
	// conflict is the PreFilter's refusal when those terms admit no name.
	conflict bool
}

// nodeTerm is a parsed NodeSelectorTerm.
type nodeTerm struct {
	exprs  []nodeExpr
	fields []NodeSelectorRequirement
}

// nodeExpr is a parsed label requirement; n is the value of Gt and Lt.
type nodeExpr struct {
	NodeSelectorRequirement
	n int64
}

// The NodeAffinity PreFilter's reasons, and the framework's for the nodes
// a PreFilter leaves out.
const (
	reasonAffinityConflict = "pod affinity terms conflict"
	reasonPreFilterNodes   = "node(s) didn't satisfy plugin(s) [NodeAffinity]"
)

// newNodeFilter returns s's node filter, or nil when s has no required
// node affinity (then the nodeSelector alone decides).
func newNodeFilter(s *PodSpec) *nodeFilter {
	if s.Affinity == nil || s.Affinity.NodeAffinity == nil || s.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	f := &nodeFilter{selector: s.NodeSelector}
	terms := s.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	for i := range terms {
		t := &terms[i]
		if len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0 {
			continue // an empty term selects nothing
		}
		if pt, ok := parseTerm(t); ok {
			f.terms = append(f.terms, pt)
			f.byName = f.byName || len(pt.fields) > 0
			for _, e := range pt.exprs {
				f.namesHost = f.namesHost || e.Key == LabelHostname
			}
		}
	}
	f.preFilter(terms)
	return f
}

// preFilter narrows the nodes to those named by matchFields metadata.name
// In when every term names some (NodeAffinity.PreFilter): within a term
// the names intersect, across terms they unite. It reads the terms as
// given, parsed or not.
func (f *nodeFilter) preFilter(terms []NodeSelectorTerm) {
	if len(terms) == 0 {
		return
	}
	var names map[string]bool
	for _, t := range terms {
		var term map[string]bool
		for _, r := range t.MatchFields {
			if r.Key != NodeNameField || r.Operator != NodeSelectorOpIn {
				continue
			}
			if term == nil {
				term = map[string]bool{}
				for _, v := range r.Values {
					term[v] = true
				}
				continue
			}
			for v := range term {
				if !slices.Contains(r.Values, v) {
					delete(term, v)
				}
			}
		}
		if term == nil {
			return // this term does not restrict names: every node
		}
		if names == nil {
			names = map[string]bool{}
		}
		for v := range term {
			names[v] = true
		}
	}
	if len(names) == 0 {
		f.conflict = true
		return
	}
	f.names = names
}

// parseTerm parses a term as nodeaffinity's newNodeSelectorTerm does, with
// labels.NewRequirement's checks; a term that does not parse matches no
// node.
func parseTerm(t *NodeSelectorTerm) (nodeTerm, bool) {
	var pt nodeTerm
	for _, r := range t.MatchExpressions {
		e := nodeExpr{NodeSelectorRequirement: r}
		switch r.Operator {
		case NodeSelectorOpIn, NodeSelectorOpNotIn:
			if len(r.Values) == 0 {
				return pt, false
			}
		case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
			if len(r.Values) != 0 {
				return pt, false
			}
		case NodeSelectorOpGt, NodeSelectorOpLt:
			if len(r.Values) != 1 {
				return pt, false
			}
			n, err := strconv.ParseInt(r.Values[0], 10, 64)
			if err != nil {
				return pt, false
			}
			e.n = n
		default:
			return pt, false
		}
		if len(qualifiedNameMsgs(r.Key)) > 0 {
			return pt, false
		}
		for _, v := range r.Values {
			if len(labelValueMsgs(v)) > 0 {
				return pt, false
			}
		}
		pt.exprs = append(pt.exprs, e)
	}
	for _, r := range t.MatchFields {
		if r.Operator != NodeSelectorOpIn && r.Operator != NodeSelectorOpNotIn || len(r.Values) != 1 {
			return pt, false
		}
		pt.fields = append(pt.fields, r)
	}
	return pt, true
}

// matches reports whether the nodeSelector and some term match n.
func (f *nodeFilter) matches(n *Node) bool {
	if !matchesSelector(n.Labels, f.selector) {
		return false
	}
	for i := range f.terms {
		if f.terms[i].matches(n) {
			return true
		}
	}
	return false
}

func (t *nodeTerm) matches(n *Node) bool {
	for i := range t.exprs {
		if !t.exprs[i].matches(n.Labels) {
			return false
		}
	}
	if n.Name == "" {
		return true // a node without a name has no fields to match
	}
	for _, r := range t.fields {
		v := "" // the fields of a node are its name alone
		if r.Key == NodeNameField {
			v = n.Name
		}
		if (v == r.Values[0]) != (r.Operator == NodeSelectorOpIn) {
			return false
		}
	}
	return true
}

// matches is labels.Requirement.Matches.
func (e *nodeExpr) matches(labels map[string]string) bool {
	v, ok := labels[e.Key]
	switch e.Operator {
	case NodeSelectorOpIn:
		return ok && slices.Contains(e.Values, v)
	case NodeSelectorOpNotIn:
		return !ok || !slices.Contains(e.Values, v)
	case NodeSelectorOpExists:
		return ok
	case NodeSelectorOpDoesNotExist:
		return !ok
	}
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return false
	}
	if e.Operator == NodeSelectorOpGt {
		return n > e.n
	}
	return n < e.n
}

// admits reports whether the PreFilter lets the filters see n.
func (f *nodeFilter) admits(n *Node) bool {
	return !f.conflict && (f.names == nil || f.names[n.Name])
}

// cloneAffinity deep-copies an Affinity.
func cloneAffinity(a *Affinity) *Affinity {
	if a == nil {
		return nil
	}
	out := &Affinity{}
	if na := a.NodeAffinity; na != nil {
		c := &NodeAffinity{}
		if r := na.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
			c.RequiredDuringSchedulingIgnoredDuringExecution = &NodeSelector{NodeSelectorTerms: cloneTerms(r.NodeSelectorTerms)}
		}
		if p := na.PreferredDuringSchedulingIgnoredDuringExecution; p != nil {
			c.PreferredDuringSchedulingIgnoredDuringExecution = make([]PreferredSchedulingTerm, len(p))
			for i, t := range p {
				c.PreferredDuringSchedulingIgnoredDuringExecution[i] = PreferredSchedulingTerm{Weight: t.Weight, Preference: cloneTerm(t.Preference)}
			}
		}
		out.NodeAffinity = c
	}
	out.PodAffinity = clonePodAffinity(a.PodAffinity)
	out.PodAntiAffinity = clonePodAffinity(a.PodAntiAffinity)
	return out
}

func cloneTerms(ts []NodeSelectorTerm) []NodeSelectorTerm {
	if ts == nil {
		return nil
	}
	out := make([]NodeSelectorTerm, len(ts))
	for i, t := range ts {
		out[i] = cloneTerm(t)
	}
	return out
}

func cloneTerm(t NodeSelectorTerm) NodeSelectorTerm {
	return NodeSelectorTerm{MatchExpressions: cloneRequirements(t.MatchExpressions), MatchFields: cloneRequirements(t.MatchFields)}
}

func cloneRequirements(rs []NodeSelectorRequirement) []NodeSelectorRequirement {
	if rs == nil {
		return nil
	}
	out := make([]NodeSelectorRequirement, len(rs))
	for i, r := range rs {
		r.Values = slices.Clone(r.Values)
		out[i] = r
	}
	return out
}
