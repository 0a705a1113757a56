package manifest

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim/internal/k8s/validation"
	"go.yaml.in/yaml/v3"

	"github.com/jobsim/jobsim"
)

// The parts of a scenario that say what kube-scheduler and the eviction
// API see besides capacity: the taints and zones of node pools, pod
// disruption budgets (pdbs:), and the removeSchedulingGates action. The
// taints and budgets are checked by jobsim.ValidateConfig, as the API
// server checks node taints and PodDisruptionBudgets; the problems it
// finds are reported here at their lines.

// recordLines remembers the line of every key and list item under n, by
// field path, for problems found once the whole scenario is read.
func (p *scenarioParser) recordLines(n *yaml.Node, path string) {
	if p.lines == nil {
		p.lines = map[string]int{}
	}
	n = resolve(n)
	if n == nil {
		return
	}
	if _, ok := p.lines[path]; !ok {
		p.lines[path] = p.line(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, kv := range mappingPairs(n) {
			if k := resolve(kv[0]); k != nil && k.Kind == yaml.ScalarNode {
				kp := joinPath(path, k.Value)
				p.lines[kp] = p.line(k)
				p.recordLines(kv[1], kp)
			}
		}
	case yaml.SequenceNode:
		for i, e := range n.Content {
			p.recordLines(e, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// taints reads a pool's taints: a list of {key, value, effect}.
func (p *scenarioParser) taints(v *yaml.Node, path string) []jobsim.Taint {
	p.recordLines(v, path)
	var out []jobsim.Taint
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		var t jobsim.Taint
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"key": func(_, v *yaml.Node, path string) { t.Key, _ = p.str(v, path) },
			"value": func(_, v *yaml.Node, path string) {
				t.Value, _ = p.labelValue(v, path)
			},
			"effect": func(_, v *yaml.Node, path string) {
				s, _ := p.str(v, path)
				t.Effect = jobsim.TaintEffect(s)
			},
		})
		out = append(out, t)
	})
	return out
}

// zones reads a pool's zones: label values, each once.
func (p *scenarioParser) zones(v *yaml.Node, path string) []string {
	var out []string
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		z, ok := p.labelValue(e, path)
		if !ok {
			return
		}
		for _, msg := range validation.IsValidLabelValue(z) {
			p.problem(e, path, "Invalid value: %s: %s", quoteClip(z), msg)
		}
		if slices.Contains(out, z) {
			p.problem(e, path, "Duplicate value: %s", quoteClip(z))
			return
		}
		out = append(out, z)
	})
	return out
}

// region reads a pool's region: a label value.
func (p *scenarioParser) region(v *yaml.Node, path string) string {
	r, ok := p.labelValue(v, path)
	if !ok {
		return ""
	}
	for _, msg := range validation.IsValidLabelValue(r) {
		p.problem(v, path, "Invalid value: %s: %s", quoteClip(r), msg)
	}
	return r
}

// checkTopology reports what clashes among a pool's zones, region and
// labels: the labels may not set what zones or region set, and every zone
// needs a node.
func (p *scenarioParser) checkTopology(pool *NodePool, path string, zonesNode, labelsNode *yaml.Node) {
	for _, set := range []struct {
		key, by string
		on      bool
	}{{jobsim.LabelZone, "zones", len(pool.Zones) > 0}, {jobsim.LabelRegion, "region", pool.Region != ""}} {
		if _, ok := pool.Labels[set.key]; !ok || !set.on {
			continue
		}
		at := labelsNode
		for _, kv := range mappingPairs(resolve(labelsNode)) {
			if k := resolve(kv[0]); k != nil && k.Value == set.key {
				at = k
			}
		}
		p.problem(at, path+".labels["+set.key+"]", "Forbidden: %s sets this label; give one or the other", set.by)
	}
	if len(pool.Zones) > pool.Count {
		p.problem(zonesNode, path+".zones", "Invalid value: %d zones for %d node(s): zone %q would have no node", len(pool.Zones), pool.Count, pool.Zones[pool.Count])
	}
}

// pdbs reads the pod disruption budgets.
func (p *scenarioParser) pdbs(_, v *yaml.Node, path string) {
	p.recordLines(v, path)
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		b := jobsim.PodDisruptionBudget{Namespace: "default"}
		var minNode, maxNode *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"name":      func(_, v *yaml.Node, path string) { b.Name, _ = p.str(v, path) },
			"namespace": func(_, v *yaml.Node, path string) { b.Namespace, _ = p.str(v, path) },
			"selector":  func(_, v *yaml.Node, path string) { b.Selector = p.selector(v, path) },
			"minAvailable": func(_, v *yaml.Node, path string) {
				minNode = v
				b.MinAvailable = p.intOrPercent(v, path)
			},
			"maxUnavailable": func(_, v *yaml.Node, path string) {
				maxNode = v
				b.MaxUnavailable = p.intOrPercent(v, path)
			},
		})
		if minNode == nil && maxNode == nil && resolve(e) != nil && resolve(e).Kind == yaml.MappingNode {
			p.problem(resolve(e), path+".minAvailable", "Required value: give minAvailable or maxUnavailable, a count or a percentage such as \"50%%\"")
		}
		p.s.PodDisruptionBudgets = append(p.s.PodDisruptionBudgets, b)
	})
}

// selector reads a label selector: {matchLabels, matchExpressions}. Its
// checks are jobsim.ValidateConfig's.
func (p *scenarioParser) selector(v *yaml.Node, path string) *jobsim.LabelSelector {
	if isNull(resolve(v)) {
		return nil
	}
	s := &jobsim.LabelSelector{}
	p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
		"matchLabels": func(_, v *yaml.Node, path string) { s.MatchLabels = p.readLabels(v, path, nil) }, // checked by jobsim.ValidateConfig
		"matchExpressions": func(_, v *yaml.Node, path string) {
			p.list(v, path, func(_ int, e *yaml.Node, path string) {
				var r jobsim.LabelSelectorRequirement
				p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
					"key": func(_, v *yaml.Node, path string) { r.Key, _ = p.str(v, path) },
					"operator": func(_, v *yaml.Node, path string) {
						s, _ := p.str(v, path)
						r.Operator = jobsim.LabelSelectorOperator(s)
					},
					"values": func(_, v *yaml.Node, path string) {
						p.list(v, path, func(_ int, e *yaml.Node, path string) {
							if s, ok := p.labelValue(e, path); ok {
								r.Values = append(r.Values, s)
							}
						})
					},
				})
				s.MatchExpressions = append(s.MatchExpressions, r)
			})
		},
	})
	return s
}

// percentRE is the format of a percentage (apimachinery's IsValidPercent).
var percentRE = regexp.MustCompile(`^[0-9]+%$`)

// intOrPercent reads minAvailable or maxUnavailable: an integer, or a
// string that is a percentage ("50%"), as an IntOrString is written.
func (p *scenarioParser) intOrPercent(v *yaml.Node, path string) *jobsim.IntOrPercent {
	n, ok := p.scalarNode(v, path, `an integer or a percentage such as "50%"`)
	if !ok {
		return nil
	}
	if _, isString := yamlValue(n).(string); isString {
		if !percentRE.MatchString(n.Value) {
			p.problem(n, path, "Invalid value: %s: %s", quoteClip(n.Value), validation.IsValidPercent(n.Value)[0])
			return nil
		}
		x, err := strconv.ParseInt(strings.TrimSuffix(n.Value, "%"), 10, 32)
		if err != nil {
			p.problem(n, path, "Invalid value: %s: must not be greater than 100%%", quoteClip(n.Value))
			return nil
		}
		return &jobsim.IntOrPercent{Value: int32(x), Percent: true}
	}
	x, ok := intValue(n)
	if !ok {
		p.problem(n, path, `expected an integer or a percentage such as "50%%", got %s`, kindName(n))
		return nil
	}
	if x < math.MinInt32 || x > math.MaxInt32 {
		p.problem(n, path, "Invalid value: %d: must be between %d and %d, inclusive", x, math.MinInt32, math.MaxInt32)
		return nil
	}
	return &jobsim.IntOrPercent{Value: int32(x)}
}

// checkScheduling checks the pools' taints and the pod disruption budgets
// with jobsim.ValidateConfig, on a cluster of one node per pool (so that
// its nodes[i] is the scenario's), and reports each problem at its line.
func (p *scenarioParser) checkScheduling() {
	cfg := jobsim.Config{PodDisruptionBudgets: p.s.PodDisruptionBudgets, RuntimeClasses: p.s.RuntimeClasses}
	for i, pool := range p.s.Nodes {
		cfg.Nodes = append(cfg.Nodes, jobsim.Node{Name: fmt.Sprintf("pool-%d", i), Taints: pool.Taints})
	}
	var verr *jobsim.ValidationError
	if err := jobsim.ValidateConfig(cfg); !errors.As(err, &verr) {
		return
	}
	for _, fe := range verr.Errors {
		path := fe.Field
		switch {
		case strings.HasPrefix(path, "nodes[") && strings.Contains(path, "].taints"):
		case strings.HasPrefix(path, "podDisruptionBudgets["):
			path = "pdbs" + strings.TrimPrefix(path, "podDisruptionBudgets")
		case strings.HasPrefix(path, "runtimeClasses["):
		default:
			continue
		}
		p.ps.add(p.file, lineOf(p.lines, path), path, "%s", fieldErrorMessage(fe))
	}
}

// removeGates reads removeSchedulingGates: a list of gate names, each
// once; checkActions checks them against the pod template.
func (p *scenarioParser) removeGates(a *Action, v *yaml.Node, path string) {
	a.RemoveSchedulingGates = []string{}
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		g, ok := p.str(e, path)
		if !ok {
			return
		}
		if slices.Contains(a.RemoveSchedulingGates, g) {
			p.problem(e, path, "Duplicate value: %s", quoteClip(g))
			return
		}
		a.RemoveSchedulingGates = append(a.RemoveSchedulingGates, g)
		a.gateLines = append(a.gateLines, p.line(orNode(resolve(e))))
		a.gatePaths = append(a.gatePaths, path)
	})
	if len(a.RemoveSchedulingGates) == 0 {
		p.problem(orNode(resolve(v)), path, "Required value: name the scheduling gates to remove")
	}
}

// checkRemovedGates reports the gates an action removes that the job's pod
// template does not have: its pods never have them.
func (s *Scenario) checkRemovedGates(sj *ScenarioJob, a *Action, ps *problems) {
	have := sj.Manifest.Job.Spec.Template.Spec.SchedulingGates
	for i, g := range a.RemoveSchedulingGates {
		if slices.Contains(have, g) {
			continue
		}
		which := "it has none"
		if len(have) > 0 {
			which = "it has " + strings.Join(have, ", ")
		}
		ps.add(s.File, a.gateLines[i], a.gatePaths[i],
			"Invalid value: %s: the pod template has no such scheduling gate (%s)", quoteClip(g), which)
	}
}

// runtimeClasses reads the runtime classes: node.k8s.io/v1 RuntimeClass
// objects in short, {name, handler, overhead: {podFixed}, scheduling:
// {nodeSelector, tolerations}}. checkScheduling checks them with
// jobsim.ValidateConfig, as the API server does.
func (p *scenarioParser) runtimeClasses(_, v *yaml.Node, path string) {
	p.recordLines(v, path)
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		var rc jobsim.RuntimeClass
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"name":    func(_, v *yaml.Node, path string) { rc.Name, _ = p.str(v, path) },
			"handler": func(_, v *yaml.Node, path string) { rc.Handler, _ = p.str(v, path) },
			"overhead": func(_, v *yaml.Node, path string) {
				rc.Overhead = jobsim.ResourceList{}
				p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
					"podFixed": func(_, v *yaml.Node, path string) { rc.Overhead = p.podFixed(v, path) },
				})
			},
			"scheduling": func(_, v *yaml.Node, path string) {
				p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
					"nodeSelector": func(_, v *yaml.Node, path string) { rc.NodeSelector = p.readLabels(v, path, nil) },
					"tolerations":  func(_, v *yaml.Node, path string) { rc.Tolerations = p.tolerations(v, path) },
				})
			},
		})
		p.s.RuntimeClasses = append(p.s.RuntimeClasses, rc)
	})
}

// podFixed reads a runtime class's overhead: resource names a container
// may request, and quantities.
func (p *scenarioParser) podFixed(v *yaml.Node, path string) jobsim.ResourceList {
	out := jobsim.ResourceList{}
	v = resolve(v)
	if isNull(v) {
		return out
	}
	if v.Kind != yaml.MappingNode {
		p.problem(v, path, "expected an object such as {cpu: 250m, memory: 120Mi}, got %s", kindName(v))
		return out
	}
	for _, kv := range mappingPairs(v) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.problem(orNode(k), path, "resource names must be strings, got %s", kindName(k))
			continue
		}
		kp := path + "[" + k.Value + "]"
		if _, dup := out[k.Value]; dup {
			p.problem(k, kp, "duplicate field %s", quoteKey(k.Value))
			continue
		}
		if errs := containerResourceNameErrors(k.Value); len(errs) > 0 {
			p.problem(k, kp, "Invalid value: %s: %s", quoteKey(k.Value), errs[0])
			continue
		}
		q, ok := p.quantity(kv[1], kp)
		if !ok {
			continue
		}
		n, why := toUnits(k.Value, q)
		if why != "" {
			p.problem(resolve(kv[1]), kp, "Invalid value: %s: %s", quoteClip(resolve(kv[1]).Value), why)
			continue
		}
		out[k.Value] = n
	}
	return out
}

// tolerations reads a list of tolerations: {key, operator, value,
// effect, tolerationSeconds}.
func (p *scenarioParser) tolerations(v *yaml.Node, path string) []jobsim.Toleration {
	out := []jobsim.Toleration{}
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		var t jobsim.Toleration
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"key": func(_, v *yaml.Node, path string) { t.Key, _ = p.str(v, path) },
			"operator": func(_, v *yaml.Node, path string) {
				s, _ := p.str(v, path)
				t.Operator = jobsim.TolerationOperator(s)
			},
			"value": func(_, v *yaml.Node, path string) { t.Value, _ = p.labelValue(v, path) },
			"effect": func(_, v *yaml.Node, path string) {
				s, _ := p.str(v, path)
				t.Effect = jobsim.TaintEffect(s)
			},
			"tolerationSeconds": func(_, v *yaml.Node, path string) {
				if n, ok := p.int(v, path, -int(maxSeconds), int(maxSeconds)); ok {
					t.TolerationPeriod = jobsim.Ptr(time.Duration(n) * time.Second)
				}
			},
		})
		out = append(out, t)
	})
	return out
}
