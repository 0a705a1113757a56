package manifest

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/jobsim/jobsim"
)

type scenarioParser struct {
	file   string
	opts   Options
	ps     *problems
	s      *Scenario
	offset int
	lines  map[string]int // field path → line, under nodes[].taints and pdbs
}

func (p *scenarioParser) line(n *yaml.Node) int { return n.Line + p.offset }

func (p *scenarioParser) problem(n *yaml.Node, path, format string, args ...any) {
	p.ps.add(p.file, p.line(n), path, format, args...)
}

func (p *scenarioParser) parse(root *yaml.Node, offset int, data []byte) {
	p.offset = offset
	var scratch problems
	if docs := splitDocuments(p.file, data, &scratch); len(docs) > 1 {
		p.ps.add(p.file, docs[1].line, "", "a scenario file holds one document; put the Jobs in files of their own (jobs[].file) or inline (jobs[].job)")
	}
	p.fields(root, "", map[string]func(k, v *yaml.Node, path string){
		"apiVersion": func(_, v *yaml.Node, path string) {
			if s, ok := p.str(v, path); ok && s != ScenarioAPIVersion {
				p.problem(v, path, "Unsupported value: %s: supported values: %q", quoteClip(s), ScenarioAPIVersion)
			}
		},
		"kind": func(*yaml.Node, *yaml.Node, string) {},
		"seed": func(_, v *yaml.Node, path string) {
			if n, ok := p.uint64(v, path); ok {
				p.s.Seed = n
			}
		},
		"start": func(_, v *yaml.Node, path string) {
			if t, ok := p.time(v, path); ok {
				p.s.Start = t
			}
		},
		"until": func(_, v *yaml.Node, path string) {
			if d, ok := p.duration(v, path); ok {
				if d == 0 {
					p.problem(v, path, "Invalid value: %s: must be greater than 0", quoteClip(v.Value))
				}
				p.s.Until = d
			}
		},
		"kubernetesVersion": func(_, v *yaml.Node, path string) {
			if str, ok := p.str(v, path); ok {
				ver, err := jobsim.ParseVersion(str)
				if err != nil {
					p.problem(v, path, "Invalid value: %s: %v", quoteClip(str), err)
				}
				p.s.KubernetesVersion = ver
			}
		},
		"featureGates":    p.featureGates,
		"nodes":           p.nodes,
		"priorityClasses": p.priorityClasses,
		"runtimeClasses":  p.runtimeClasses,
		"faults":          p.faults,
		"pdbs":            p.pdbs,
		"scheduler":       p.scheduler,
		"jobs":            p.jobs,
		"cronJobs":        p.cronJobs,
	})
	// Faults may come before nodes in the file.
	for _, f := range p.s.Faults {
		if f.nodeLine > 0 && !p.hasNode(f.Node) {
			p.ps.add(p.file, f.nodeLine, f.path+".node", "Invalid value: %q: no such node (nodes are %s)", f.Node, p.nodeNames())
		}
	}
	p.checkScheduling()
	if len(p.s.Jobs) == 0 && len(p.s.CronJobs) == 0 && len(p.ps.list) == 0 {
		p.problem(root, "jobs", "Required value: a scenario needs at least one job (jobs) or CronJob (cronJobs)")
	}
}

// fields calls the handler of each key of a mapping, and reports keys
// without one.
func (p *scenarioParser) fields(n *yaml.Node, path string, handlers map[string]func(k, v *yaml.Node, path string)) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.problem(orNode(n), path, "expected an object, got %s", kindName(n))
		return
	}
	names := make([]string, 0, len(handlers))
	for k := range handlers {
		names = append(names, k)
	}
	seen := map[string]int{}
	for _, kv := range mappingPairs(n) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.problem(kv[0], path, "field names must be strings, got %s", kindName(kv[0]))
			continue
		}
		fp := joinPath(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			p.problem(k, fp, "duplicate field %s (first at line %d)", quoteKey(k.Value), first)
			continue
		}
		seen[k.Value] = p.line(k)
		h, ok := handlers[k.Value]
		if !ok {
			msg := "unknown field " + quoteClip(k.Value)
			if s := suggest(k.Value, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			p.problem(k, joinPath(path, clip(k.Value)), "%s", msg)
			continue
		}
		h(k, kv[1], fp)
	}
}

// featureGates reads featureGates: a mapping of gate names to booleans.
// Whether the version knows them is checked with the cluster's Config.
func (p *scenarioParser) featureGates(_, v *yaml.Node, path string) {
	v = resolve(v)
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.problem(v, path, "expected an object, got %s", kindName(v))
		return
	}
	p.s.FeatureGates = map[string]bool{}
	p.s.gateLines = map[string]int{}
	for _, kv := range mappingPairs(v) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.problem(kv[0], path, "field names must be strings, got %s", kindName(kv[0]))
			continue
		}
		fp := joinPath(path, k.Value)
		if first, dup := p.s.gateLines[k.Value]; dup {
			p.problem(k, fp, "duplicate field %s (first at line %d)", quoteKey(k.Value), first)
			continue
		}
		if b, ok := p.bool(kv[1], fp); ok {
			p.s.FeatureGates[k.Value] = b
			p.s.gateLines[k.Value] = p.line(k)
		}
	}
}

// orNode stands in for a missing node.
func orNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

// list calls each for every element of a sequence.
func (p *scenarioParser) list(n *yaml.Node, path string, each func(i int, e *yaml.Node, path string)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.problem(n, path, "expected a list, got %s", kindName(n))
		return
	}
	for i, e := range n.Content {
		each(i, e, fmt.Sprintf("%s[%d]", path, i))
	}
}

func (p *scenarioParser) nodes(_, v *yaml.Node, path string) {
	seen := map[string]bool{}
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		pool := NodePool{Count: 1}
		var nameNode, zonesNode, labelsNode *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"name": func(_, v *yaml.Node, path string) {
				pool.Name, _ = p.str(v, path)
				nameNode = v
			},
			"count": func(_, v *yaml.Node, path string) {
				if n, ok := p.int(v, path, 1, 10000); ok {
					pool.Count = n
				}
			},
			"labels": func(_, v *yaml.Node, path string) {
				labelsNode = v
				pool.Labels = p.labels(v, path)
			},
			"capacity": func(_, v *yaml.Node, path string) {
				pool.Capacity = p.capacity(v, path)
			},
			"taints": func(_, v *yaml.Node, path string) {
				pool.Taints = p.taints(v, path)
			},
			"zones": func(_, v *yaml.Node, path string) {
				zonesNode = v
				pool.Zones = p.zones(v, path)
			},
			"region": func(_, v *yaml.Node, path string) {
				pool.Region = p.region(v, path)
			},
		})
		p.checkTopology(&pool, path, zonesNode, labelsNode)
		switch {
		case pool.Name == "" && nameNode == nil:
			p.problem(e, path+".name", "Required value")
		case pool.Name != "":
			for _, msg := range dnsLabelErrors(fmt.Sprintf("%s-%d", pool.Name, pool.Count-1)) {
				p.problem(nameNode, path+".name", "Invalid value: %q: %s", pool.Name, msg)
			}
			if seen[pool.Name] {
				p.problem(nameNode, path+".name", "Duplicate value: %q", pool.Name)
			}
			seen[pool.Name] = true
		}
		p.s.Nodes = append(p.s.Nodes, pool)
	})
	// The pools' nodes cannot clash: a pool's nodes are its name, a dash
	// and a number, and pool names are unique.
}

// labels reads a map of labels: string keys and values, checked as the
// API server checks labels.
func (p *scenarioParser) labels(v *yaml.Node, path string) map[string]string {
	keys := map[string]*yaml.Node{}
	out := p.readLabels(v, path, keys)
	labelProblems(out, func(key, msg string) { p.problem(keys[key], path, "%s", msg) })
	return out
}

// readLabels reads a map of label keys to values, recording each key's
// node in keys (if not nil), without checking them as labels.
func (p *scenarioParser) readLabels(v *yaml.Node, path string, keys map[string]*yaml.Node) map[string]string {
	v = resolve(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		p.problem(v, path, "expected an object of labels, got %s", kindName(v))
		return nil
	}
	out := map[string]string{}
	for _, kv := range mappingPairs(v) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.problem(orNode(k), path, "label names must be strings, got %s", kindName(k))
			continue
		}
		kp := path + "[" + k.Value + "]"
		if _, dup := out[k.Value]; dup {
			p.problem(k, kp, "duplicate label %s", quoteKey(k.Value))
			continue
		}
		if val, ok := p.labelValue(kv[1], kp); ok {
			out[k.Value] = val
			if keys != nil {
				keys[k.Value] = k
			}
		}
	}
	return out
}

// labelValue reads a label's value: a string, as in a manifest (a plain
// number or boolean must be quoted).
func (p *scenarioParser) labelValue(v *yaml.Node, path string) (string, bool) {
	n, ok := p.scalarNode(v, path, "a string")
	if !ok {
		return "", false
	}
	switch yamlValue(n).(type) {
	case bool, json.Number, float64:
		p.problem(n, path, "expected a string, got %s: put it in quotes (\"%s\")", kindName(n), n.Value)
		return "", false
	}
	return n.Value, true
}

// capacity reads a node's capacity: resource names and quantities.
func (p *scenarioParser) capacity(v *yaml.Node, path string) jobsim.ResourceList {
	v = resolve(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		p.problem(v, path, "expected an object such as {cpu: \"4\", memory: 16Gi, pods: 110}, got %s", kindName(v))
		return nil
	}
	out := jobsim.ResourceList{}
	for _, kv := range mappingPairs(v) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.problem(orNode(k), path, "resource names must be strings, got %s", kindName(k))
			continue
		}
		kp := joinPath(path, k.Value)
		if _, dup := out[k.Value]; dup {
			p.problem(k, kp, "duplicate field %s", quoteKey(k.Value))
			continue
		}
		if errs := nodeResourceNameErrors(k.Value); len(errs) > 0 {
			p.problem(k, kp, "Invalid value: %s: %s", quoteKey(k.Value), errs[0])
			continue
		}
		q, ok := p.quantity(kv[1], kp)
		if !ok {
			continue
		}
		var n int64
		why := ""
		if (k.Value == jobsim.ResourcePods || isExtendedResource(k.Value)) && q.MilliValue()%1000 != 0 {
			why = "must be an integer"
		} else {
			n, why = toUnits(k.Value, q)
		}
		if why != "" {
			p.problem(resolve(kv[1]), kp, "Invalid value: %s: %s", quoteClip(resolve(kv[1]).Value), why)
			continue
		}
		out[k.Value] = n
	}
	return out
}

// scheduler reads the scheduler: field.
func (p *scenarioParser) scheduler(_, v *yaml.Node, path string) {
	sc := &Scheduler{}
	p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
		"scoring": func(_, v *yaml.Node, path string) {
			if s, ok := p.str(v, path); ok {
				switch s {
				case ScoringLeastAllocated, ScoringMostAllocated:
					sc.Scoring = s
				default:
					p.problem(v, path, "Unsupported value: %s: supported values: %q, %q", quoteClip(s), ScoringLeastAllocated, ScoringMostAllocated)
				}
			}
		},
		"latency": func(_, v *yaml.Node, path string) {
			sc.Latency, _ = p.duration(v, path)
		},
	})
	p.s.Scheduler = sc
}

func (p *scenarioParser) priorityClasses(_, v *yaml.Node, path string) {
	seen := map[string]bool{}
	defaults := 0
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		var pc PriorityClass
		var nameNode *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"name": func(_, v *yaml.Node, path string) {
				pc.Name, _ = p.str(v, path)
				nameNode = v
			},
			"value": func(_, v *yaml.Node, path string) {
				if n, ok := p.int(v, path, -2147483648, 1_000_000_000); ok {
					pc.Value = int32(n)
				}
			},
			"globalDefault": func(_, v *yaml.Node, path string) {
				if b, ok := p.bool(v, path); ok {
					pc.GlobalDefault = b
					if b {
						defaults++
						if defaults > 1 {
							p.problem(v, path, "Invalid value: true: only one priority class can be the global default")
						}
					}
				}
			},
			"preemptionPolicy": func(_, v *yaml.Node, path string) {
				if s, ok := p.str(v, path); ok {
					if s != "PreemptLowerPriority" && s != "Never" {
						p.problem(v, path, "Unsupported value: %s: supported values: \"Never\", \"PreemptLowerPriority\"", quoteClip(s))
					}
					pc.PreemptionPolicy = s
				}
			},
			"description": func(_, v *yaml.Node, path string) { pc.Description, _ = p.str(v, path) },
		})
		switch {
		case nameNode == nil:
			p.problem(e, path+".name", "Required value")
		case pc.Name != "":
			for _, msg := range dnsSubdomainErrors(pc.Name) {
				p.problem(nameNode, path+".name", "Invalid value: %q: %s", pc.Name, msg)
			}
			if len(pc.Name) >= 7 && pc.Name[:7] == "system-" {
				p.problem(nameNode, path+".name", "Invalid value: %q: priority class names with 'system-' prefix are reserved", pc.Name)
			}
			if seen[pc.Name] {
				p.problem(nameNode, path+".name", "Duplicate value: %q", pc.Name)
			}
			seen[pc.Name] = true
		}
		if pc.PreemptionPolicy == "" {
			pc.PreemptionPolicy = "PreemptLowerPriority"
		}
		p.s.PriorityClasses = append(p.s.PriorityClasses, pc)
	})
}

func (p *scenarioParser) faults(_, v *yaml.Node, path string) {
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		f := Fault{line: p.line(orNode(resolve(e)))}
		var atNode, nodeNode, ctrlNode, actionNode *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"at": func(_, v *yaml.Node, path string) {
				atNode = v
				f.At, _ = p.duration(v, path)
			},
			"node": func(_, v *yaml.Node, path string) {
				nodeNode = v
				f.Node, _ = p.str(v, path)
			},
			"controller": func(_, v *yaml.Node, path string) {
				ctrlNode = v
				if s, ok := p.str(v, path); ok {
					if s != ControllerCronJob {
						p.problem(v, path, "Unsupported value: %s: supported values: %q", quoteClip(s), ControllerCronJob)
					}
					f.Controller = s
				}
			},
			"action": func(_, v *yaml.Node, path string) {
				actionNode = v
				if s, ok := p.str(v, path); ok {
					f.Action = FaultAction(s)
				}
			},
		})
		if atNode == nil {
			p.problem(e, path+".at", "Required value")
		}
		switch {
		case nodeNode != nil && ctrlNode != nil:
			p.problem(ctrlNode, path+".controller", "Invalid value: a fault is of a node or of a controller, not both")
		case nodeNode == nil && ctrlNode == nil:
			p.problem(e, path+".node", "Required value: the node that fails (node), or the controller that stops (controller: cronjob)")
		}
		switch {
		case actionNode == nil:
			p.problem(e, path+".action", "Required value")
		case ctrlNode != nil:
			if f.Action != FaultDown && f.Action != FaultUp {
				p.problem(actionNode, path+".action", "Unsupported value: %s: supported values: \"down\", \"up\"", quoteClip(actionNode.Value))
			}
		case f.Action != FaultFail && f.Action != FaultDrain && f.Action != FaultRecover:
			p.problem(actionNode, path+".action", "Unsupported value: %s: supported values: \"fail\", \"drain\", \"recover\"", quoteClip(actionNode.Value))
		}
		f.path = path
		if nodeNode != nil && f.Node != "" {
			f.nodeLine = p.line(nodeNode)
		}
		p.s.Faults = append(p.s.Faults, f)
	})
}

// hasNode reports whether the scenario's nodes include name; without
// nodes, the cluster's one node is node-0.
func (p *scenarioParser) hasNode(name string) bool {
	if len(p.s.Nodes) == 0 {
		return name == "node-0"
	}
	for _, pool := range p.s.Nodes {
		if slices.Contains(pool.NodeNames(), name) {
			return true
		}
	}
	return false
}

func (p *scenarioParser) nodeNames() string {
	if len(p.s.Nodes) == 0 {
		return "node-0"
	}
	var out string
	seen := map[string]bool{}
	for _, pool := range p.s.Nodes {
		if pool.Name == "" || seen[pool.Name] {
			continue
		}
		seen[pool.Name] = true
		if out != "" {
			out += ", "
		}
		if pool.Count == 1 {
			out += pool.Name + "-0"
		} else {
			out += fmt.Sprintf("%s-0 to %s-%d", pool.Name, pool.Name, pool.Count-1)
		}
	}
	return out
}

func (p *scenarioParser) jobs(_, v *yaml.Node, path string) {
	p.list(v, path, func(i int, e *yaml.Node, path string) {
		sj := &ScenarioJob{path: path, line: p.line(orNode(resolve(e)))}
		var fileNode, jobNode *yaml.Node
		var jobKey *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"file": func(k, v *yaml.Node, path string) {
				fileNode = v
				jobKey = k
				if name, ok := p.str(v, path); ok {
					sj.Manifest = p.fileJob(v, path, name)
				}
			},
			"job": func(k, v *yaml.Node, path string) {
				jobNode = v
				jobKey = k
				sj.Manifest = p.inlineJob(v, path)
			},
			"at": func(_, v *yaml.Node, path string) {
				sj.At, _ = p.duration(v, path)
			},
			"pods":    func(_, v *yaml.Node, path string) { p.pods(v, path, sj) },
			"actions": func(_, v *yaml.Node, path string) { sj.Actions = p.actions(v, path) },
		})
		switch {
		case fileNode != nil && jobNode != nil:
			p.problem(jobKey, path, "Invalid value: give either file or job, not both")
		case fileNode == nil && jobNode == nil:
			p.problem(e, path+".file", "Required value: give the Job's manifest file (file) or the Job itself (job)")
		}
		p.s.Jobs = append(p.s.Jobs, sj)
	})
}

// fileJob reads the one Job of a manifest file a scenario names.
func (p *scenarioParser) fileJob(v *yaml.Node, path, name string) *Job {
	d, ok := p.fileObjects(v, path, name)
	if !ok {
		return nil
	}
	if len(d.jobs) == 0 && len(d.cronJobs) > 0 {
		p.problem(v, path, "Invalid value: %q: the file holds %s, not a Job: list it under cronJobs (cronJobs[].file)", name, plural(len(d.cronJobs), "batch/v1 CronJob"))
		return nil
	}
	if len(d.jobs) == 0 && len(d.others) > 0 {
		var why problems
		noJob(d.others, &why, "")
		p.problem(v, path, "Invalid value: %s: %s", quoteKey(name), nested(why))
		return nil
	}
	p.s.Notices = append(p.s.Notices, notices(d.others)...)
	if len(d.jobs) != 1 || len(d.cronJobs) > 0 {
		p.problem(v, path, "Invalid value: %q: the file holds %s; a scenario job needs exactly one Job", name, holds(d))
		return nil
	}
	return d.jobs[0]
}

// holds says how many Jobs and CronJobs a file holds.
func holds(d decoded) string {
	what := plural(len(d.jobs), "batch/v1 Job")
	if len(d.cronJobs) > 0 {
		what += " and " + plural(len(d.cronJobs), "CronJob")
	}
	return what
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// fileObjects reads the objects of a manifest file a scenario names. It
// reports false if the file cannot be read or has problems, which it
// reports.
func (p *scenarioParser) fileObjects(v *yaml.Node, path, name string) (decoded, bool) {
	if name == "" {
		p.problem(v, path, "Required value")
		return decoded{}, false
	}
	full := name
	if !filepath.IsAbs(name) {
		full = filepath.Join(filepath.Dir(p.file), name)
	}
	data, err := p.opts.readFile(full)
	if err != nil {
		p.problem(v, path, "Invalid value: %q: %s", name, readError(err))
		return decoded{}, false
	}
	before := len(p.ps.list)
	var unread problems
	var d decoded
	if checkText(full, data, &unread) {
		var ok bool
		if data, ok = renderHelm(full, data, p.opts.ReleaseName, p.ps); !ok {
			return decoded{}, false
		}
		d = decodeDocuments(full, data, p.ps, &unread)
	}
	if len(unread.list) > 0 {
		// Not a manifest, or not one YAML can read: say so at the
		// scenario's line, and quote the file's first problem.
		p.problem(v, path, "Invalid value: %s: %s", quoteKey(name), nested(unread))
		return decoded{}, false
	}
	if len(p.ps.list) > before {
		return decoded{}, false
	}
	return d, true
}

// inlineJob reads a Job written in the scenario itself.
func (p *scenarioParser) inlineJob(v *yaml.Node, path string) *Job {
	v = resolve(v)
	if v == nil || v.Kind != yaml.MappingNode {
		p.problem(orNode(v), path, "expected a batch/v1 Job object, got %s", kindName(v))
		return nil
	}
	before := len(p.ps.list)
	d := decodeObject(p.file, v, p.offset, path+".", p.ps)
	jobs := d.jobs
	if len(p.ps.list) > before {
		return nil
	}
	if len(d.cronJobs) > 0 {
		p.problem(v, path, "Invalid value: a batch/v1 CronJob, not a Job: write it under cronJobs (cronJobs[].cronJob)")
		return nil
	}
	if len(jobs) != 1 {
		if len(d.others) > 0 {
			noJob(d.others, p.ps, path)
		} else {
			p.problem(v, path, "Invalid value: expected a batch/v1 Job")
		}
		return nil
	}
	return jobs[0]
}

// nested words the problems of a file a scenario names, for a problem of
// the scenario: the first, with its line, and how many more there are.
func nested(ps problems) string {
	list := Problems(ps.err())
	first := list[0]
	msg := first.Message
	if first.Line > 0 {
		msg = fmt.Sprintf("line %d: %s", first.Line, msg)
	}
	switch len(list) {
	case 1:
	case 2:
		msg += " (and 1 more problem)"
	default:
		msg += fmt.Sprintf(" (and %d more problems)", len(list)-1)
	}
	return msg
}

func (p *scenarioParser) pods(v *yaml.Node, path string, sj *ScenarioJob) {
	out := &sj.Pods
	p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
		"default": func(_, v *yaml.Node, path string) {
			if r, ok := p.run(v, path); ok {
				out.Default = &r
			}
		},
		"runs": func(_, v *yaml.Node, path string) {
			v = resolve(v)
			if isNull(v) {
				return
			}
			if v.Kind != yaml.MappingNode {
				p.problem(v, path, "expected an object whose keys are completion indexes or pod ordinals, got %s", kindName(v))
				return
			}
			out.Runs = map[int][]jobsim.Run{}
			for _, kv := range mappingPairs(v) {
				k := resolve(kv[0])
				kp := fmt.Sprintf("%s[%s]", path, k.Value)
				key, err := parseKey(k)
				if err != "" {
					p.problem(k, kp, "%s", err)
					continue
				}
				if _, dup := out.Runs[key]; dup {
					p.problem(k, kp, "Duplicate value: %d", key)
					continue
				}
				if sj.runLines == nil {
					sj.runLines = map[int]int{}
				}
				sj.runLines[key] = p.line(k)
				var runs []jobsim.Run
				p.list(kv[1], kp, func(_ int, e *yaml.Node, path string) {
					if r, ok := p.run(e, path); ok {
						runs = append(runs, r)
					}
				})
				out.Runs[key] = runs
			}
		},
		"random": func(_, v *yaml.Node, path string) {
			r := p.random(v, path)
			out.Random = &r
		},
	})
}

// parseKey reads a key of pods.runs: a non-negative integer, quoted or
// not.
func parseKey(k *yaml.Node) (int, string) {
	if k == nil || k.Kind != yaml.ScalarNode {
		return 0, "keys must be completion indexes or pod ordinals (0, 1, 2 ...)"
	}
	n := 0
	if k.Value == "" || len(k.Value) > 9 {
		return 0, fmt.Sprintf("Invalid value: %s: must be a completion index or pod ordinal (0, 1, 2 ...)", quoteClip(k.Value))
	}
	for _, c := range k.Value {
		if c < '0' || c > '9' {
			return 0, fmt.Sprintf("Invalid value: %s: must be a completion index or pod ordinal (0, 1, 2 ...)", quoteClip(k.Value))
		}
		n = n*10 + int(c-'0')
	}
	return n, ""
}

// run reads one container run: {run, exit, disrupt, forever, term}.
func (p *scenarioParser) run(v *yaml.Node, path string) (jobsim.Run, bool) {
	r := jobsim.Run{Duration: jobsim.DefaultRunDuration}
	before := len(p.ps.list)
	p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
		"run": func(_, v *yaml.Node, path string) {
			if d, ok := p.duration(v, path); ok {
				r.Duration = d
			}
		},
		"exit": func(_, v *yaml.Node, path string) {
			if n, ok := p.int(v, path, 0, 255); ok {
				r.ExitCode = n
			}
		},
		"disrupt": func(_, v *yaml.Node, path string) {
			if s, ok := p.str(v, path); ok {
				if !conditionReasonRE.MatchString(s) {
					p.problem(v, path, "Invalid value: %s: a reason is CamelCase, such as EvictionByEvictionAPI, PreemptionByScheduler or DeletionByTaintManager", quoteClip(s))
				}
				r.Disrupt = s
			}
		},
		"forever": func(_, v *yaml.Node, path string) {
			if b, ok := p.bool(v, path); ok {
				r.Forever = b
			}
		},
		"term": func(_, v *yaml.Node, path string) {
			if d, ok := p.duration(v, path); ok {
				r.Term = d
			}
		},
	})
	return r, len(p.ps.list) == before
}

// random reads {run: {min, max} | {mean}, fail, exit}.
func (p *scenarioParser) random(v *yaml.Node, path string) jobsim.Random {
	r := jobsim.Random{ExitCode: 1}
	var runNode *yaml.Node
	p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
		"run": func(_, v *yaml.Node, path string) {
			runNode = v
			var minN, maxN, meanN *yaml.Node
			p.fields(v, path, map[string]func(k, v *yaml.Node, path string){
				"min": func(_, v *yaml.Node, path string) {
					minN = v
					r.Min, _ = p.duration(v, path)
				},
				"max": func(_, v *yaml.Node, path string) {
					maxN = v
					r.Max, _ = p.duration(v, path)
				},
				"mean": func(_, v *yaml.Node, path string) {
					meanN = v
					if d, ok := p.duration(v, path); ok {
						if d == 0 {
							p.problem(v, path, "Invalid value: %s: must be greater than 0", quoteClip(v.Value))
						}
						r.Mean = d
					}
				},
			})
			switch {
			case meanN != nil && (minN != nil || maxN != nil):
				p.problem(meanN, path+".mean", "Invalid value: give either mean (exponential) or min and max (uniform), not both")
			case meanN == nil && minN == nil && maxN == nil:
				p.problem(v, path, "Required value: give min and max (uniform) or mean (exponential)")
			case meanN == nil && maxN == nil:
				r.Max = r.Min
			case meanN == nil && minN != nil && r.Max < r.Min:
				p.problem(maxN, path+".max", "Invalid value: %s: must be at least min (%v)", quoteClip(maxN.Value), r.Min)
			}
		},
		"fail": func(_, v *yaml.Node, path string) {
			if f, ok := p.float(v, path); ok {
				if f < 0 || f > 1 {
					p.problem(v, path, "Invalid value: %s: must be a probability between 0 and 1", v.Value)
				}
				r.FailProbability = f
			}
		},
		"exit": func(_, v *yaml.Node, path string) {
			if n, ok := p.int(v, path, 1, 255); ok {
				r.ExitCode = n
			}
		},
	})
	if runNode == nil {
		p.problem(orNode(resolve(v)), path+".run", "Required value: give run: {min, max} (uniform) or run: {mean} (exponential)")
	}
	return r
}

// actionCommon parses what the actions of jobs and of CronJobs share:
// when they happen, delete: true, and suspend; and checks, once an
// action's own fields are parsed, that it has a time and either deletes
// or changes something, not both.
type actionCommon struct {
	p                  *scenarioParser
	lines              map[string]int // the action's field lines
	atNode, deleteNode *yaml.Node
	changes            int
}

// change records that the action changes field k.
func (ac *actionCommon) change(k *yaml.Node) { ac.lines[k.Value] = ac.p.line(k); ac.changes++ }

// with adds at, delete and suspend, stored in at, del and suspend, to an
// action's own fields; object names what a deletion deletes.
func (ac *actionCommon) with(at *time.Duration, del *bool, suspend **bool, object string, own map[string]func(k, v *yaml.Node, path string)) map[string]func(k, v *yaml.Node, path string) {
	p := ac.p
	own["at"] = func(_, v *yaml.Node, path string) {
		ac.atNode = v
		*at, _ = p.duration(v, path)
	}
	own["delete"] = func(k, v *yaml.Node, path string) {
		ac.deleteNode = v
		ac.lines[k.Value] = p.line(k)
		if b, ok := p.bool(v, path); ok {
			if !b {
				p.problem(v, path, "Invalid value: false: delete: true deletes the %s; leave it out otherwise", object)
			}
			*del = b
		}
	}
	own["suspend"] = func(k, v *yaml.Node, path string) {
		ac.change(k)
		if b, ok := p.bool(v, path); ok {
			*suspend = &b
		}
	}
	return own
}

// check reports an action without a time, a deletion with changes, and
// an action that does nothing (required says what it may do).
func (ac *actionCommon) check(e *yaml.Node, path, required string) {
	p := ac.p
	if ac.atNode == nil {
		p.problem(orNode(resolve(e)), path+".at", "Required value: when the action happens")
	}
	switch {
	case ac.deleteNode != nil && ac.changes > 0:
		p.problem(ac.deleteNode, path+".delete", "Forbidden: a deletion comes alone; make the changes in an action of their own")
	case ac.deleteNode == nil && ac.changes == 0 && resolve(e) != nil && resolve(e).Kind == yaml.MappingNode:
		p.problem(resolve(e), path, "Required value: %s", required)
	}
}

func (p *scenarioParser) actions(v *yaml.Node, path string) []Action {
	var out []Action
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		a := Action{path: path, line: p.line(orNode(resolve(e))), lines: map[string]int{}}
		ac := &actionCommon{p: p, lines: a.lines}
		change := ac.change
		intField := func(dst **int) func(k, v *yaml.Node, path string) {
			return func(k, v *yaml.Node, path string) {
				change(k)
				if n, ok := p.int(v, path, -1<<31, 1<<31-1); ok {
					*dst = &n
				}
			}
		}
		secondsField := func(dst **time.Duration, limit int64) func(k, v *yaml.Node, path string) {
			return func(k, v *yaml.Node, path string) {
				change(k)
				if n, ok := p.int(v, path, -1<<31, int(min(limit, maxSeconds))); ok {
					d := time.Duration(n) * time.Second
					*dst = &d
				}
			}
		}
		p.fields(e, path, ac.with(&a.At, &a.Delete, &a.Suspend, "job", map[string]func(k, v *yaml.Node, path string){
			"parallelism":             intField(&a.Parallelism),
			"completions":             intField(&a.Completions),
			"backoffLimit":            intField(&a.BackoffLimit),
			"maxFailedIndexes":        intField(&a.MaxFailedIndexes),
			"backoffLimitPerIndex":    intField(&a.BackoffLimitPerIndex),
			"activeDeadlineSeconds":   secondsField(&a.ActiveDeadline, maxSeconds),
			"ttlSecondsAfterFinished": secondsField(&a.TTLAfterFinished, 1<<31-1),
			"podReplacementPolicy": func(k, v *yaml.Node, path string) {
				change(k)
				if s, ok := p.str(v, path); ok {
					prp := jobsim.PodReplacementPolicy(s)
					a.PodReplacementPolicy = &prp
				}
			},
			"completionMode": func(k, v *yaml.Node, path string) {
				change(k)
				if s, ok := p.str(v, path); ok {
					m := jobsim.CompletionMode(s)
					a.CompletionMode = &m
				}
			},
			"managedBy": func(k, v *yaml.Node, path string) {
				change(k)
				if s, ok := p.str(v, path); ok {
					a.ManagedBy = &s
				}
			},
			"removeSchedulingGates": func(k, v *yaml.Node, path string) {
				change(k)
				p.removeGates(&a, v, path)
			},
		}))
		ac.check(e, path, "an action changes a field (suspend, parallelism, activeDeadlineSeconds, backoffLimit, maxFailedIndexes, ttlSecondsAfterFinished, podReplacementPolicy, completions), removes scheduling gates from its pods (removeSchedulingGates) or deletes the job (delete: true)")
		out = append(out, a)
	})
	return out
}

// conditionReasonRE is the format of a condition's reason
// (metav1.Condition).
var conditionReasonRE = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`)
