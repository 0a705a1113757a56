package reference

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"
)

// createCluster creates the scenario's nodes, priority classes and
// PodDisruptionBudgets before anything starts, so that the informers list
// them, and schedules its node faults.
func (r *run) createCluster(ctx context.Context) error {
	for _, n := range r.sc.Nodes {
		if _, err := r.cs.CoreV1().Nodes().Create(ctx, n.DeepCopy(), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("reference: creating node %s: %w", n.Name, err)
		}
	}
	for _, pc := range r.sc.PriorityClasses {
		if _, err := r.cs.SchedulingV1().PriorityClasses().Create(ctx, pc.DeepCopy(), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("reference: creating priority class %s: %w", pc.Name, err)
		}
	}
	r.api.mu.Lock()
	r.api.runtimeClasses = map[string]*nodev1.RuntimeClass{}
	for _, rc := range r.sc.RuntimeClasses {
		r.api.runtimeClasses[rc.Name] = rc.DeepCopy()
	}
	r.api.mu.Unlock()
	for _, pdb := range r.sc.PDBs {
		pdb = pdb.DeepCopy()
		if pdb.Namespace == "" {
			pdb.Namespace = metav1.NamespaceDefault
		}
		if _, err := r.cs.PolicyV1().PodDisruptionBudgets(pdb.Namespace).Create(ctx, pdb, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("reference: creating PodDisruptionBudget %s: %w", pdb.Name, err)
		}
	}
	r.api.mu.Lock()
	r.api.updatePDBs()
	r.api.mu.Unlock()
	return nil
}

// scheduleFaults sets the timers of the scenario's node faults.
func (r *run) scheduleFaults() {
	for _, f := range r.sc.Faults {
		r.atUser(f.At, func() {
			if err := r.api.fault(f); err != nil {
				r.fail(fmt.Errorf("fault at %s on %s: %w", f.At, f.Node, err))
			}
		})
	}
}

// fault carries out a node fault. A drain is what kubectl drain does:
// cordon the node (spec.unschedulable), then evict each of its pods
// through the eviction API (the DisruptionTarget condition with reason
// EvictionByEvictionAPI, then a graceful deletion). PodDisruptionBudgets
// are not consulted. A recovery uncordons the node.
func (s *apiServer) fault(f Fault) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.objs[objKey("nodes", "", f.Node)]
	if !ok {
		return fmt.Errorf("no node %s", f.Node)
	}
	n := cur.(*corev1.Node).DeepCopy()
	n.Spec.Unschedulable = f.Drain
	s.store("nodes", n, watch.Modified)
	if !f.Drain {
		return nil
	}
	var victims []*corev1.Pod
	for _, o := range s.objs {
		if p, ok := o.(*corev1.Pod); ok && p.Spec.NodeName == f.Node && p.DeletionTimestamp == nil &&
			p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			victims = append(victims, p)
		}
	}
	slices.SortFunc(victims, func(a, b *corev1.Pod) int { return compareRV(a.ResourceVersion, b.ResourceVersion) })
	now := s.clk.Now()
	for _, v := range victims {
		p := v.DeepCopy()
		setCond(p, corev1.DisruptionTarget, corev1.ConditionTrue, "EvictionByEvictionAPI", disruptionMessage("EvictionByEvictionAPI"), now)
		s.store("pods", p, watch.Modified)
		uid := p.UID
		_ = s.delete("pods", p.Namespace, p.Name, &metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	}
	return nil
}

// updatePDBs recomputes every PodDisruptionBudget's status after a change
// of pods, as the disruption controller would (pkg/controller/disruption,
// trySync), at once rather than after its informers see the change; s.mu
// is held. Only an integer minAvailable is computed: expectedPods is then
// the number of matching pods; for maxUnavailable or a percentage the
// controller needs the pods' controller's scale, which a Job has not, and
// it fails safe with disruptionsAllowed 0.
func (s *apiServer) updatePDBs() {
	for _, o := range s.objs {
		pdb, ok := o.(*policyv1.PodDisruptionBudget)
		if !ok {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil {
			sel = labels.Nothing()
		}
		var expected, healthy int32
		for _, q := range s.objs {
			p, ok := q.(*corev1.Pod)
			if !ok || p.Namespace != pdb.Namespace || !sel.Matches(labels.Set(p.Labels)) {
				continue
			}
			expected++
			if p.DeletionTimestamp == nil && podReady(p) {
				healthy++
			}
		}
		st := pdb.Status.DeepCopy()
		st.ObservedGeneration = pdb.Generation
		st.ExpectedPods, st.CurrentHealthy = expected, healthy
		st.DesiredHealthy, st.DisruptionsAllowed = 0, 0
		if m := pdb.Spec.MinAvailable; m != nil && m.Type == intstr.Int && pdb.Spec.MaxUnavailable == nil {
			st.DesiredHealthy = m.IntVal
			st.DisruptionsAllowed = max(0, healthy-m.IntVal)
		}
		if apiequality.Semantic.DeepEqual(st, &pdb.Status) {
			continue
		}
		next := pdb.DeepCopy()
		next.Status = *st
		s.store("poddisruptionbudgets", next, watch.Modified)
	}
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// bindingLog returns the bindings so far.
func (s *apiServer) bindingLog() []Binding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bindings)
}

// boundAt returns the virtual instant a pod was bound at.
func (s *apiServer) boundAt(uid types.UID) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.bound[uid]
	return t, ok
}

// podJobLog returns the job of every pod created, by "ns/name".
func (s *apiServer) podJobLog() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.podJobs)
}
