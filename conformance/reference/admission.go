package reference

import (
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
)

// The admission plugins of kube-apiserver's default chain that change a
// Job's pods, applied to every pod created, in their order:
//
//   - Priority (plugin/pkg/admission/priority, admitPod on create): the
//     priority and preemption policy of the pod's PriorityClass, or of the
//     global default class (the lowest-valued one if several claim it) for
//     a pod that names none, whose priorityClassName it then sets; with no
//     default, priority 0 and PreemptLowerPriority. A class that does not
//     exist refuses the pod.
//   - DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds):
//     a pod without a toleration of the node.kubernetes.io/not-ready
//     (unreachable) NoExecute taint gets one with tolerationSeconds 300.
//   - RuntimeClass (plugin/pkg/admission/runtimeclass, Admit then
//     Validate): a pod naming a class that does not exist is refused;
//     the class's overhead becomes the pod's (refused if the pod has
//     another), its nodeSelector joins the pod's (refused on a
//     conflicting value) and its tolerations are merged after the pod's
//     (MergeTolerations); a pod with an overhead and no class defining
//     one is refused.
const defaultTolerationSeconds = 300

// systemPriorityClasses are the classes every cluster has
// (pkg/apis/scheduling.SystemPriorityClasses).
var systemPriorityClasses = map[string]int32{
	"system-cluster-critical": 2000000000,
	"system-node-critical":    2000001000,
}

// admitPod applies the admission plugins to a pod being created; s.mu is
// held.
func (s *apiServer) admitPod(p *corev1.Pod) error {
	name, prio, policy, err := s.establishPriority(p.Spec.PriorityClassName)
	if err != nil {
		return err
	}
	p.Spec.PriorityClassName = name
	if p.Spec.Priority != nil && *p.Spec.Priority != prio {
		return apierrors.NewForbidden(podsGR(), p.Name, fmt.Errorf("the integer value of priority (%d) must not be provided in pod spec; priority admission controller computed %d from the given PriorityClass name", *p.Spec.Priority, prio))
	}
	p.Spec.Priority = &prio
	p.Spec.PreemptionPolicy = &policy
	notReady, unreachable := false, false
	for _, t := range p.Spec.Tolerations {
		if (t.Key == corev1.TaintNodeNotReady || t.Key == "") && (t.Effect == corev1.TaintEffectNoExecute || t.Effect == "") {
			notReady = true
		}
		if (t.Key == corev1.TaintNodeUnreachable || t.Key == "") && (t.Effect == corev1.TaintEffectNoExecute || t.Effect == "") {
			unreachable = true
		}
	}
	secs := int64(defaultTolerationSeconds)
	if !notReady {
		p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &secs})
	}
	if !unreachable {
		p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &secs})
	}
	return s.admitRuntimeClass(p)
}

// admitRuntimeClass is the RuntimeClass plugin's Admit and Validate on a
// pod being created; s.mu is held.
func (s *apiServer) admitRuntimeClass(p *corev1.Pod) error {
	forbidden := func(err error) error {
		name := p.Name
		if name == "" {
			name = p.GenerateName
		}
		return apierrors.NewForbidden(podsGR(), name, err)
	}
	var rc *nodev1.RuntimeClass
	if p.Spec.RuntimeClassName != nil {
		var ok bool
		if rc, ok = s.runtimeClasses[*p.Spec.RuntimeClassName]; !ok {
			return forbidden(fmt.Errorf("pod rejected: RuntimeClass %q not found", *p.Spec.RuntimeClassName))
		}
	}
	if rc != nil && rc.Overhead != nil {
		if len(p.Spec.Overhead) > 0 && !apiequality.Semantic.DeepEqual(rc.Overhead.PodFixed, p.Spec.Overhead) {
			return forbidden(fmt.Errorf("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"))
		}
		p.Spec.Overhead = rc.Overhead.PodFixed.DeepCopy()
	}
	if rc != nil && rc.Scheduling != nil {
		sel := p.Spec.NodeSelector
		if sel == nil {
			sel = maps.Clone(rc.Scheduling.NodeSelector)
		} else {
			for k, v := range rc.Scheduling.NodeSelector {
				if pv, ok := sel[k]; ok && pv != v {
					return forbidden(fmt.Errorf("conflict: runtimeClass.scheduling.nodeSelector[%s] = %s; pod.spec.nodeSelector[%s] = %s", k, v, k, pv))
				}
				sel[k] = v
			}
		}
		p.Spec.NodeSelector = sel
		p.Spec.Tolerations = mergeTolerations(p.Spec.Tolerations, rc.Scheduling.Tolerations)
	}
	if rc != nil && rc.Overhead != nil {
		if !apiequality.Semantic.DeepEqual(rc.Overhead.PodFixed, p.Spec.Overhead) {
			return forbidden(fmt.Errorf("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"))
		}
	} else if p.Spec.Overhead != nil {
		return forbidden(fmt.Errorf("pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead"))
	}
	return nil
}

// mergeTolerations is MergeTolerations of pkg/util/tolerations, on v1
// tolerations: the first list then the second, without those another
// one is a superset of.
func mergeTolerations(first, second []corev1.Toleration) []corev1.Toleration {
	all := append(slices.Clone(first), second...)
	var merged []corev1.Toleration
next:
	for i, t := range all {
		for _, t2 := range merged {
			if isSuperset(t2, t) {
				continue next
			}
		}
		for _, t2 := range all[i+1:] {
			if !apiequality.Semantic.DeepEqual(&t, &t2) && isSuperset(t2, t) {
				continue next
			}
		}
		merged = append(merged, t)
	}
	return merged
}

// isSuperset is pkg/util/tolerations' isSuperset: whether ss tolerates
// a superset of what t does.
func isSuperset(ss, t corev1.Toleration) bool {
	if apiequality.Semantic.DeepEqual(&t, &ss) {
		return true
	}
	if t.Key != ss.Key && (ss.Key != "" || ss.Operator != corev1.TolerationOpExists) {
		return false
	}
	if t.Effect != ss.Effect && ss.Effect != "" {
		return false
	}
	if ss.Effect == corev1.TaintEffectNoExecute && ss.TolerationSeconds != nil {
		if t.TolerationSeconds == nil || *t.TolerationSeconds > *ss.TolerationSeconds {
			return false
		}
	}
	switch ss.Operator {
	case corev1.TolerationOpEqual, "":
		return t.Operator == corev1.TolerationOpEqual && t.Value == ss.Value
	case corev1.TolerationOpExists:
		return true
	}
	return false
}

func podsGR() schema.GroupResource { return storedResources["pods"] }

// establishPriority is the Priority plugin's choice of class; s.mu is
// held.
func (s *apiServer) establishPriority(class string) (string, int32, corev1.PreemptionPolicy, error) {
	lower := corev1.PreemptLowerPriority
	if class == "" {
		var def *schedulingv1.PriorityClass
		for _, o := range s.objs {
			if pc, ok := o.(*schedulingv1.PriorityClass); ok && pc.GlobalDefault && (def == nil || pc.Value < def.Value) {
				def = pc
			}
		}
		if def == nil {
			return "", 0, lower, nil
		}
		return def.Name, def.Value, policyOf(def), nil
	}
	if v, ok := systemPriorityClasses[class]; ok {
		return class, v, lower, nil
	}
	o, ok := s.objs[objKey("priorityclasses", "", class)]
	if !ok {
		return "", 0, "", apierrors.NewForbidden(podsGR(), "", fmt.Errorf("no PriorityClass with name %v was found", class))
	}
	pc := o.(*schedulingv1.PriorityClass)
	return class, pc.Value, policyOf(pc), nil
}

func policyOf(pc *schedulingv1.PriorityClass) corev1.PreemptionPolicy {
	if pc.PreemptionPolicy == nil {
		return corev1.PreemptLowerPriority
	}
	return *pc.PreemptionPolicy
}

// bind is the pods/binding subresource (pkg/registry/core/pod/storage,
// BindingREST.Create, assignPod): it sets spec.nodeName and the
// PodScheduled condition, and fails for a pod already bound or being
// deleted.
func (s *apiServer) bind(ns string, b *corev1.Binding) error {
	if b.Namespace != "" {
		ns = b.Namespace
	}
	k := objKey("pods", ns, b.Name)
	cur, ok := s.objs[k]
	if !ok {
		return apierrors.NewNotFound(podsGR(), b.Name)
	}
	p := cur.(*corev1.Pod).DeepCopy()
	if b.UID != "" && b.UID != p.UID {
		return apierrors.NewConflict(podsGR(), b.Name, fmt.Errorf("precondition failed: UID in precondition: %v, UID in object meta: %v", b.UID, p.UID))
	}
	if p.DeletionTimestamp != nil {
		return apierrors.NewConflict(podsGR(), b.Name, fmt.Errorf("pod %s is being deleted, cannot be assigned to a host", b.Name))
	}
	if p.Spec.NodeName != "" {
		return apierrors.NewConflict(podsGR(), b.Name, fmt.Errorf("pod %v is already assigned to node %q", b.Name, p.Spec.NodeName))
	}
	if b.Target.Kind != "" && b.Target.Kind != "Node" {
		return apierrors.NewBadRequest("only Node kind is supported: " + b.Target.Kind)
	}
	now := s.clk.Now()
	p.Spec.NodeName = b.Target.Name
	setCond(p, corev1.PodScheduled, corev1.ConditionTrue, "", "", now)
	s.bound[p.UID] = now
	var ties []string
	if s.ties != nil {
		ties = s.ties(p.UID)
	}
	s.bindings = append(s.bindings, Binding{At: now, Namespace: ns, Pod: p.Name, UID: p.UID, Node: b.Target.Name, Ties: ties})
	s.store("pods", p, watch.Modified)
	return nil
}

// Binding is a pod bound to a node by the scheduler.
type Binding struct {
	// At is the virtual time of the binding.
	At time.Time
	// Namespace, Pod and UID name the pod.
	Namespace, Pod string
	UID            types.UID
	// Node is where it went.
	Node string
	// Ties are the nodes of the highest score in the scheduling cycle that
	// chose it, Node among them, sorted: kube-scheduler picks one of them
	// at random. Nil when a single node was feasible (no scoring).
	Ties []string
}
