package conformance

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jobsim/jobsim"
)

// TestGenerateIsValidAndDeterministic: the same seed gives the same
// scenario, and GenerateValid's scenarios load as cases.
func TestGenerateIsValidAndDeterministic(t *testing.T) {
	for i := range 200 {
		a, c := GenerateValid(rand.New(rand.NewPCG(7, uint64(i))), "x")
		b, _ := GenerateValid(rand.New(rand.NewPCG(7, uint64(i))), "x")
		if !bytes.Equal(a.YAML(), b.YAML()) {
			t.Fatalf("scenario %d differs between two draws", i)
		}
		if c == nil || len(c.Scenario.Jobs) != len(a.Jobs) {
			t.Fatalf("scenario %d: case %v", i, c)
		}
	}
}

// TestShrinksLeaveTheDraftAlone: shrinking makes new drafts and never
// changes the one it starts from.
func TestShrinksLeaveTheDraftAlone(t *testing.T) {
	for i := range 200 {
		d, _ := GenerateValid(rand.New(rand.NewPCG(8, uint64(i))), "x")
		before := d.YAML()
		shrinks := d.Shrinks()
		for _, s := range shrinks {
			s.Shrinks()
		}
		if after := d.YAML(); !bytes.Equal(before, after) {
			t.Fatalf("scenario %d changed by Shrinks:\n%s\nbecame\n%s", i, before, after)
		}
		for k, s := range shrinks {
			if bytes.Equal(s.YAML(), before) {
				t.Errorf("scenario %d: shrink %d changes nothing", i, k)
			}
		}
	}
}

// TestGenerateCluster checks that the cluster option draws valid
// scenarios with nodes, and leaves the jobs of a seed as they are.
func TestGenerateCluster(t *testing.T) {
	for i := range 20 {
		d, c := GenerateValidWith(rand.New(rand.NewPCG(3, uint64(i))), "cluster", GenerateOptions{Cluster: true})
		if len(d.Pools) == 0 || len(c.Scenario.Nodes) == 0 {
			t.Fatalf("scenario %d has no nodes:\n%s", i, d.YAML())
		}
	}
	for i := range 50 {
		a := Generate(rand.New(rand.NewPCG(5, uint64(i))))
		b := GenerateWith(rand.New(rand.NewPCG(5, uint64(i))), GenerateOptions{Cluster: true})
		for k := range b.Jobs {
			b.Jobs[k].Placement = nil
			b.Jobs[k].Actions = slices.DeleteFunc(b.Jobs[k].Actions, func(a DraftAction) bool { return a.RemoveGates != nil })
		}
		b.Pools, b.PriorityClasses, b.PDBs = nil, nil, nil
		if string(a.YAML()) != string(b.YAML()) {
			t.Errorf("seed %d: the cluster option changed the jobs:\n%s\n---\n%s", i, a.YAML(), b.YAML())
		}
	}
}

// directiveKinds names what a cluster draft's scheduling directives are
// made of, each as it is found in the case the draft loads as (so a kind
// counts only when the scenario reader sees it): taint effects,
// toleration shapes, preferred node affinity, spread constraints and
// their options, pod affinity terms, gates and their removal, priority
// classes, priorities and budgets.
func directiveKinds(c *Case) map[string]bool {
	s := c.Scenario
	kinds := map[string]bool{}
	for _, pool := range s.Nodes {
		for _, t := range pool.Taints {
			kinds["taint "+string(t.Effect)] = true
		}
	}
	if len(s.PriorityClasses) > 0 {
		kinds["priority classes"] = true
	}
	if len(s.PodDisruptionBudgets) > 0 {
		kinds["pdb"] = true
	}
	for _, j := range s.Jobs {
		spec := j.Manifest.Job.Spec.Template.Spec
		for _, t := range spec.Tolerations {
			kinds["toleration "+string(t.Operator)] = true
			if t.TolerationPeriod != nil {
				kinds["tolerationSeconds"] = true
			}
		}
		if a := spec.Affinity; a != nil {
			if a.NodeAffinity != nil && len(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution) > 0 {
				kinds["preferred node affinity"] = true
			}
			for name, pa := range map[string]*jobsim.PodAffinity{"pod affinity": a.PodAffinity, "pod anti-affinity": a.PodAntiAffinity} {
				if pa == nil {
					continue
				}
				for _, t := range pa.RequiredDuringSchedulingIgnoredDuringExecution {
					kinds[name+" required "+t.TopologyKey] = true
				}
				for _, t := range pa.PreferredDuringSchedulingIgnoredDuringExecution {
					kinds[name+" preferred "+t.PodAffinityTerm.TopologyKey] = true
				}
			}
		}
		for _, c := range spec.TopologySpreadConstraints {
			kinds["spread "+c.TopologyKey] = true
			kinds["spread "+string(c.WhenUnsatisfiable)] = true
			if c.MaxSkew == 2 {
				kinds["spread maxSkew 2"] = true
			}
			if c.MinDomains != nil {
				kinds["spread minDomains"] = true
			}
			if c.NodeAffinityPolicy != "" {
				kinds["spread nodeAffinityPolicy"] = true
			}
			if c.NodeTaintsPolicy != "" {
				kinds["spread nodeTaintsPolicy"] = true
			}
			for _, k := range c.MatchLabelKeys {
				kinds["spread matchLabelKeys "+k] = true
			}
		}
		if len(spec.SchedulingGates) > 0 {
			kinds["scheduling gates"] = true
		}
		if spec.PriorityClassName != "" {
			kinds["priorityClassName"] = true
		}
		for _, a := range j.Actions {
			if len(a.RemoveSchedulingGates) > 0 {
				kinds["removeSchedulingGates"] = true
			}
		}
	}
	return kinds
}

// TestGenerateDirectives: over a hundred seeds, the cluster option draws
// each kind of scheduling directive at least once, in drafts that load as
// valid cases, and no draft has a directive its YAML lost.
func TestGenerateDirectives(t *testing.T) {
	want := []string{
		"taint NoSchedule", "taint PreferNoSchedule", "taint NoExecute",
		"toleration Equal", "toleration Exists", "tolerationSeconds",
		"preferred node affinity",
		"spread topology.kubernetes.io/zone", "spread kubernetes.io/hostname",
		"spread DoNotSchedule", "spread ScheduleAnyway", "spread maxSkew 2", "spread minDomains",
		"spread nodeAffinityPolicy", "spread nodeTaintsPolicy",
		"spread matchLabelKeys batch.kubernetes.io/controller-uid", "spread matchLabelKeys batch.kubernetes.io/job-name",
		"pod affinity required kubernetes.io/hostname", "pod affinity preferred topology.kubernetes.io/zone",
		"pod anti-affinity required topology.kubernetes.io/zone", "pod anti-affinity preferred kubernetes.io/hostname",
		"scheduling gates", "removeSchedulingGates",
		"priority classes", "priorityClassName", "pdb",
	}
	seen := map[string]bool{}
	for i := range 150 {
		d, c := GenerateValidWith(rand.New(rand.NewPCG(11, uint64(i))), "directives", GenerateOptions{Cluster: true})
		for k := range directiveKinds(c) {
			seen[k] = true
		}
		if got, want := countDirectives(c), countDraftDirectives(d); got != want {
			t.Errorf("seed %d: the case has %d directives, the draft %d:\n%s", i, got, want, d.YAML())
		}
	}
	for _, k := range want {
		if !seen[k] {
			t.Errorf("no draft drew %s", k)
		}
	}
}

// countDraftDirectives counts the draft's taints, tolerations, preferred
// terms, spread constraints, pod affinity terms, gates, gate removals,
// priority classes, priorities and budgets.
func countDraftDirectives(d Draft) int {
	n := len(d.PriorityClasses) + len(d.PDBs)
	for _, p := range d.Pools {
		n += len(p.Taints)
	}
	for _, j := range d.Jobs {
		p := j.Placement
		n += len(p.Tolerations) + len(p.Preferred) + len(p.Spread) + len(p.PodAffinity) + len(p.Gates)
		if p.PriorityClass != "" {
			n++
		}
		for _, a := range j.Actions {
			n += len(a.RemoveGates)
		}
	}
	return n
}

// countDirectives counts the same in the case the scenario reader made.
func countDirectives(c *Case) int {
	s := c.Scenario
	n := len(s.PriorityClasses) + len(s.PodDisruptionBudgets)
	for _, p := range s.Nodes {
		n += len(p.Taints)
	}
	for _, j := range s.Jobs {
		spec := j.Manifest.Job.Spec.Template.Spec
		n += len(spec.Tolerations) + len(spec.TopologySpreadConstraints) + len(spec.SchedulingGates)
		if a := spec.Affinity; a != nil {
			if a.NodeAffinity != nil {
				n += len(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution)
			}
			for _, pa := range []*jobsim.PodAffinity{a.PodAffinity, a.PodAntiAffinity} {
				if pa != nil {
					n += len(pa.RequiredDuringSchedulingIgnoredDuringExecution) + len(pa.PreferredDuringSchedulingIgnoredDuringExecution)
				}
			}
		}
		if spec.PriorityClassName != "" {
			n++
		}
		for _, a := range j.Actions {
			n += len(a.RemoveSchedulingGates)
		}
	}
	return n
}

// TestShrinksDropDirectives: for cluster drafts, every shrink changes
// the draft and leaves it alone, and among the shrinks is, for each
// directive the draft has, one with a directive fewer and nothing else
// of the cluster changed but the directive's own removal; dropping a
// gate drops the actions that remove it, so that the shrink stays valid.
func TestShrinksDropDirectives(t *testing.T) {
	for i := range 100 {
		d, _ := GenerateValidWith(rand.New(rand.NewPCG(12, uint64(i))), "x", GenerateOptions{Cluster: true})
		before := d.YAML()
		shrinks := d.Shrinks()
		if after := d.YAML(); !bytes.Equal(before, after) {
			t.Fatalf("scenario %d changed by Shrinks", i)
		}
		fewer := map[int]bool{}
		for k, s := range shrinks {
			if bytes.Equal(s.YAML(), before) {
				t.Errorf("scenario %d: shrink %d changes nothing", i, k)
			}
			if len(s.Jobs) == len(d.Jobs) && len(s.Pools) == len(d.Pools) {
				fewer[countDraftDirectives(d)-countDraftDirectives(s)] = true
			}
		}
		n := countDraftDirectives(d)
		if n > 0 && !fewer[1] && !fewer[2] {
			t.Errorf("scenario %d: no shrink drops one of its %d directives:\n%s", i, n, before)
		}
		for _, j := range d.Jobs {
			if len(j.Placement.Gates) == 0 {
				continue
			}
			ok := false
			for _, s := range shrinks {
				for _, sj := range s.Jobs {
					if sj.Name == j.Name && len(sj.Placement.Gates) == 0 {
						ok = true
						if _, err := draftCase("x", s); err != nil {
							t.Errorf("scenario %d: the shrink without gates is invalid: %v", i, err)
						}
					}
				}
			}
			if !ok {
				t.Errorf("scenario %d: no shrink drops %s's gates", i, j.Name)
			}
		}
	}
}
