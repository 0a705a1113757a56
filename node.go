package jobsim

import (
	"cmp"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"
)

// Node is a machine of the cluster: its name, labels (for nodeSelector
// and node affinity) and allocatable capacity. jobsim adds no labels of
// its own: a node has no kubernetes.io/hostname, os or arch label unless
// Labels gives it.
type Node struct {
	Name   string
	Labels map[string]string
	// Capacity is what pods may request on the node. A resource the node
	// does not list has capacity 0, except "pods", which defaults to 110
	// (the kubelet's default maxPods).
	Capacity ResourceList
	// Taints keep off (or evict) the pods that do not tolerate them.
	Taints []Taint
}

// ResourceList maps resource names to quantities in the API's base units:
// "cpu" in millicores (1 CPU = 1000), "memory" and "ephemeral-storage" in
// bytes, "pods" and extended resources (such as "nvidia.com/gpu") as
// counts.
type ResourceList map[string]int64

// The resource names the scheduler knows without being told.
const (
	ResourceCPU    = "cpu"
	ResourceMemory = "memory"
	ResourcePods   = "pods"
)

// defaultMaxPods is the kubelet's default maxPods: a node's "pods"
// capacity when Node.Capacity does not give one.
const defaultMaxPods = 110

// PriorityClass gives pods that name it (priorityClassName) a priority.
// Higher values are scheduled first and may preempt lower ones. Every
// cluster also has the built-in classes system-cluster-critical
// (2000000000) and system-node-critical (2000001000).
type PriorityClass struct {
	Name  string
	Value int32
	// GlobalDefault makes the class apply to pods that name none; at most
	// one class may set it.
	GlobalDefault bool
	// PreemptionPolicy is PreemptLowerPriority ("" means it too) or Never:
	// pods of a Never class wait for room instead of preempting.
	PreemptionPolicy string
}

// systemPriorityClasses are the classes every cluster has
// (scheduling.k8s.io, SystemPriorityClasses).
var systemPriorityClasses = []PriorityClass{
	{Name: "system-cluster-critical", Value: 2000000000},
	{Name: "system-node-critical", Value: 2000001000},
}

// The preemption policies of a PriorityClass.
const (
	PreemptLowerPriority = "PreemptLowerPriority"
	PreemptNever         = "Never"
)

// NodeView is a snapshot of a node: its spec, readiness and use.
type NodeView struct {
	Node
	// Ready is the node's Ready condition: false once the node lifecycle
	// controller has noticed a failed node.
	Ready bool
	// Unschedulable is spec.unschedulable: set by a drain (cordon).
	Unschedulable bool
	// Requested sums the requests of the pods bound to the node that have
	// not finished.
	Requested ResourceList
	// Pods names those pods, in the order they were bound.
	Pods []string
	// Down reports that the node's kubelet has stopped (FailNode) and not
	// recovered; the API notices only 50 s later (Ready).
	Down bool
	// Utilisation is, per resource, what pods requested on the node on
	// average since the start, as a share of its capacity.
	Utilisation map[string]float64
}

// NodeFault is what happens to a node: see Cluster.FailNode,
// Cluster.DrainNode and Cluster.RecoverNode.
type NodeFault string

// The node faults.
const (
	NodeFail    NodeFault = "fail"
	NodeDrain   NodeFault = "drain"
	NodeRecover NodeFault = "recover"
)

// Node lifecycle timings of Kubernetes v1.35.4's defaults.
const (
	// nodeMonitorGracePeriod is how long after a node's last status the
	// node lifecycle controller marks it not ready (kube-controller-manager
	// --node-monitor-grace-period).
	nodeMonitorGracePeriod = 50 * time.Second
	// notReadyToleration is the toleration the
	// DefaultTolerationSeconds admission plugin gives every pod for the
	// node.kubernetes.io/not-ready and unreachable NoExecute taints; the
	// taint manager evicts pods when it expires.
	notReadyToleration = 300 * time.Second
)

// FormatQuantity prints a quantity of the named resource in Kubernetes'
// notation: cpu as cores or millicores ("2", "500m"), memory-like
// resources with binary suffixes when exact ("16Gi", "512Mi"), counts as
// integers.
func FormatQuantity(name string, v int64) string {
	switch {
	case name == ResourceCPU:
		if v%1000 == 0 {
			return fmt.Sprint(v / 1000)
		}
		return fmt.Sprintf("%dm", v)
	case name == ResourceMemory || strings.HasSuffix(name, "storage"):
		for _, s := range []struct {
			suffix string
			shift  uint
		}{{"Ei", 60}, {"Pi", 50}, {"Ti", 40}, {"Gi", 30}, {"Mi", 20}, {"Ki", 10}} {
			if v != 0 && v%(1<<s.shift) == 0 {
				return fmt.Sprintf("%d%s", v>>s.shift, s.suffix)
			}
		}
	}
	return fmt.Sprint(v)
}

// NodeRequests yields each node's name and what the pods bound to it
// request (NodeView.Requested), in the order of Config.Nodes: the part of
// Nodes that changes with every binding, without the cost of the rest.
func (c *Cluster) NodeRequests() iter.Seq2[string, ResourceList] {
	return func(yield func(string, ResourceList) bool) {
		s := c.sched
		for _, n := range s.nodes {
			req := ResourceList{}
			for r, name := range s.res {
				if n.used[r] != 0 {
					req[name] = n.used[r]
				}
			}
			if !yield(n.spec.Name, req) {
				return
			}
		}
	}
}

// Nodes returns a snapshot of every node, in the order of Config.Nodes.
func (c *Cluster) Nodes() []NodeView { return c.nodeViews(nil, false) }

// SharedNodes is Nodes without copying the nodes' labels, which the
// views share with the cluster, and with the views stored in dst's
// array: they are read-only, as SharedPods's snapshots are.
func (c *Cluster) SharedNodes(dst []NodeView) []NodeView { return c.nodeViews(dst[:0], true) }

func (c *Cluster) nodeViews(out []NodeView, shared bool) []NodeView {
	s := c.sched
	out = slices.Grow(out, len(s.nodes))[:len(s.nodes)]
	for i, n := range s.nodes {
		v := NodeView{Node: n.spec, Ready: n.ready, Unschedulable: n.cordoned, Down: n.down}
		if old := &out[i]; shared && old.Requested != nil {
			// The maps and slices of the view this one replaces.
			v.Requested, v.Utilisation, v.Pods = old.Requested, old.Utilisation, old.Pods[:0]
			clear(v.Requested)
			clear(v.Utilisation)
		} else {
			v.Requested, v.Utilisation = ResourceList{}, map[string]float64{}
		}
		s.account(n)
		if elapsed := c.eng.Elapsed().Seconds(); elapsed > 0 && !n.unlimit {
			for r, name := range s.res {
				if n.alloc[r] > 0 {
					v.Utilisation[name] = n.usedArea[r] / (float64(n.alloc[r]) * elapsed)
				}
			}
		}
		if !shared {
			v.Labels = maps.Clone(n.spec.Labels)
		}
		v.Capacity = nil // the default node's: unlimited
		if !n.unlimit {
			v.Capacity = ResourceList{}
		}
		for r, name := range s.res {
			if !n.unlimit && (n.alloc[r] != 0 || n.spec.Capacity != nil && hasKey(n.spec.Capacity, name)) {
				v.Capacity[name] = n.alloc[r]
			}
			if n.used[r] != 0 {
				v.Requested[name] = n.used[r]
			}
		}
		pods := slices.Clone(n.pods)
		slices.SortFunc(pods, byBinding)
		for _, p := range pods {
			v.Pods = append(v.Pods, p.name())
		}
		if len(v.Pods) == 0 {
			v.Pods = nil
		}
		out[i] = v
	}
	return out
}

func byBinding(a, b *pod) int { return cmp.Compare(a.boundAt, b.boundAt) }

func hasKey(m ResourceList, k string) bool { _, ok := m[k]; return ok }

// Utilisation returns, for each resource the nodes have, the share of the
// cluster's capacity that pods requested on average since the start: the
// requested amount integrated over time, divided by capacity × elapsed
// time. The default node of unlimited capacity has no utilisation.
func (c *Cluster) Utilisation() map[string]float64 {
	s := c.sched
	elapsed := c.eng.Elapsed().Seconds()
	out := map[string]float64{}
	if elapsed <= 0 {
		return out
	}
	for r, name := range s.res {
		var used, capacity float64
		for _, n := range s.nodes {
			if n.unlimit {
				continue
			}
			s.account(n)
			used += n.usedArea[r]
			capacity += float64(n.alloc[r]) * elapsed
		}
		if capacity > 0 {
			out[name] = used / capacity
		}
	}
	return out
}

// UsageSample is what the pods bound to the cluster's nodes request at one
// time, summed over the nodes.
type UsageSample struct {
	Time      time.Time
	Requested ResourceList
}

// UsageHistory returns the cluster's requested resources over time: a
// sample at each instant when they changed, oldest first. It is recorded
// only when the cluster keeps its event log (Config.DiscardEvents unset),
// and not for the default node of unlimited capacity.
func (c *Cluster) UsageHistory() []UsageSample {
	out := make([]UsageSample, len(c.sched.history))
	for i, h := range c.sched.history {
		rl := ResourceList{}
		for r, v := range h.used {
			if v != 0 {
				rl[c.sched.res[r]] = v
			}
		}
		out[i] = UsageSample{Time: c.eng.Epoch().Add(h.at), Requested: rl}
	}
	return out
}
