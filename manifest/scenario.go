package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/jobsim/jobsim"
)

// The scenario format, apiVersion jobsim/v1alpha1, kind Scenario. See
// docs/scenario.md for the reference.
const (
	ScenarioAPIVersion = "jobsim/v1alpha1"
	ScenarioKind       = "Scenario"
)

// DefaultSeed is the seed of a scenario that names none, and of a plain
// manifest.
const DefaultSeed = 1

// DefaultHorizon is how long a simulation may run when no `until` stops
// it earlier: it ends when nothing is left to happen, or 720 hours (30
// days) after its start, whichever comes first.
const DefaultHorizon = 720 * time.Hour

// Options adjust how inputs are read. The zero value reads files from the
// file system and changes nothing.
type Options struct {
	// ReleaseName, if not empty, replaces {{ .Release.Name }} (any
	// spacing) in manifests and scenarios before they are read, as
	// `helm template` would for that release. Other Helm markup is still
	// a problem.
	ReleaseName string
	// Seed, if not nil, replaces the scenario's seed (and the default
	// seed of a plain manifest).
	Seed *uint64
	// ReadFile reads a file named by a path; nil means os.ReadFile. The
	// manifests a scenario names are read through it too, at paths
	// relative to the scenario's directory.
	ReadFile func(name string) ([]byte, error)
}

func (o Options) readFile(name string) ([]byte, error) {
	if o.ReadFile != nil {
		return o.ReadFile(name)
	}
	return os.ReadFile(name)
}

// Scenario is what to simulate: the jobs, when they are submitted, how
// their pods behave and what is done to them while they run. A plain
// manifest is read as a scenario whose jobs are all submitted at the start
// and behave as their pod templates' annotations say.
type Scenario struct {
	// File is the scenario's path, as given to Load or Parse.
	File string
	// IsScenario is true for a scenario file (kind: Scenario) and false
	// for a plain manifest.
	IsScenario bool
	// Seed is the root of every random draw; DefaultSeed when unset.
	Seed uint64
	// Start is the virtual time the simulation starts at; the Unix epoch
	// when unset.
	Start time.Time
	// Until stops the clock this long after Start; 0 means no limit but
	// DefaultHorizon.
	Until time.Duration
	// Nodes describes the cluster's nodes, in pools of identical nodes;
	// nil means one node, node-0, of unlimited capacity.
	Nodes []NodePool
	// PriorityClasses says what the pods' priorityClassName means.
	PriorityClasses []PriorityClass
	// Faults happen to nodes at given times.
	Faults []Fault
	// Scheduler configures the scheduler; nil means its defaults.
	Scheduler *Scheduler
	// Jobs are the jobs to submit, in the order of the file.
	Jobs []*ScenarioJob
	// Notices tell about what was skipped while reading.
	Notices []Notice
}

// ScenarioJob is one job of a scenario.
type ScenarioJob struct {
	// Manifest is the Job.
	Manifest *Job
	// At is when it is submitted, after the scenario's start.
	At time.Duration
	// Pods says how its containers behave.
	Pods Pods
	// Actions are the edits and the deletion made while it runs, in the
	// order of the file.
	Actions []Action
	// UID is the UID the job gets when it is submitted.
	UID string

	path     string      // field path in the scenario, "jobs[0]"
	line     int         // its line in the scenario
	runLines map[int]int // pods.runs key → line
	// mostCompletions is the largest completions valid actions set.
	mostCompletions int
}

// Pods says how a job's containers behave: each container start takes a
// jobsim.Run. Runs scripted for a key come first; past the end of a key's
// list, and for keys not listed, Random applies if it is set, else
// Default, else the pod template's annotations (jobsim.TemplateBehavior).
type Pods struct {
	// Default is the run of every container start that nothing else
	// decides; nil means the template's annotations.
	Default *jobsim.Run
	// Runs are scripted runs per key: the completion index for Indexed
	// jobs, the pod's creation ordinal for NonIndexed ones (see
	// jobsim.Script).
	Runs map[int][]jobsim.Run
	// Random draws runs at random instead of Default.
	Random *jobsim.Random
}

// Behavior returns the jobsim.Behavior that p describes for a job with
// pod template t.
func (p Pods) Behavior(t jobsim.PodTemplate) jobsim.Behavior {
	var then jobsim.Behavior
	switch {
	case p.Random != nil:
		then = *p.Random
	case p.Default != nil:
		then = jobsim.Always(*p.Default)
	default:
		then = jobsim.TemplateBehavior(t)
	}
	if len(p.Runs) == 0 {
		return then
	}
	return jobsim.Script(p.Runs, then)
}

// Action is a change made to a running job at a given time, as `kubectl
// edit` or `kubectl delete` would. Nil fields are left as they are.
type Action struct {
	// At is when, after the scenario's start.
	At time.Duration
	// Delete deletes the job (and, through the garbage collector, its
	// pods); it comes alone.
	Delete bool

	// The fields a running Job lets one change (SPEC §6.3).
	Suspend              *bool                        // spec.suspend
	Parallelism          *int                         // spec.parallelism
	Completions          *int                         // spec.completions: Indexed jobs, in tandem with parallelism
	ActiveDeadline       *time.Duration               // spec.activeDeadlineSeconds
	BackoffLimit         *int                         // spec.backoffLimit
	MaxFailedIndexes     *int                         // spec.maxFailedIndexes
	TTLAfterFinished     *time.Duration               // spec.ttlSecondsAfterFinished
	PodReplacementPolicy *jobsim.PodReplacementPolicy // spec.podReplacementPolicy

	// CompletionMode, BackoffLimitPerIndex and ManagedBy are immutable:
	// an action that changes them is refused, as the API server would.
	CompletionMode       *jobsim.CompletionMode // spec.completionMode
	BackoffLimitPerIndex *int                   // spec.backoffLimitPerIndex
	ManagedBy            *string                // spec.managedBy

	path  string         // "jobs[0].actions[1]"
	line  int            // line of the action
	lines map[string]int // key → line
}

// Apply makes the action's changes to a spec.
func (a *Action) Apply(s *jobsim.JobSpec) {
	if a.Suspend != nil {
		s.Suspend = *a.Suspend
	}
	if a.Parallelism != nil {
		s.Parallelism = jobsim.Ptr(*a.Parallelism)
	}
	if a.Completions != nil {
		s.Completions = jobsim.Ptr(*a.Completions)
	}
	if a.ActiveDeadline != nil {
		s.ActiveDeadline = jobsim.Ptr(*a.ActiveDeadline)
	}
	if a.BackoffLimit != nil {
		s.BackoffLimit = jobsim.Ptr(*a.BackoffLimit)
	}
	if a.MaxFailedIndexes != nil {
		s.MaxFailedIndexes = jobsim.Ptr(*a.MaxFailedIndexes)
	}
	if a.TTLAfterFinished != nil {
		s.TTLAfterFinished = jobsim.Ptr(*a.TTLAfterFinished)
	}
	if a.PodReplacementPolicy != nil {
		s.PodReplacementPolicy = *a.PodReplacementPolicy
	}
	if a.CompletionMode != nil {
		s.CompletionMode = *a.CompletionMode
	}
	if a.BackoffLimitPerIndex != nil {
		s.BackoffLimitPerIndex = jobsim.Ptr(*a.BackoffLimitPerIndex)
	}
	if a.ManagedBy != nil {
		s.ManagedBy = *a.ManagedBy
	}
}

// NodePool is a group of identical nodes, named NAME-0 to NAME-(Count-1).
type NodePool struct {
	Name  string // the pool's name, the prefix of its nodes' names
	Count int    // how many nodes, at least 1
	// Labels are each node's labels, which pods' nodeSelectors match.
	Labels map[string]string
	// Capacity is each node's allocatable capacity, in jobsim's units
	// (jobsim.ResourceList): cpu in millicores ("4" is 4000), memory in
	// bytes ("16Gi"), pods and extended resources (nvidia.com/gpu) as
	// counts. A resource left out is 0, except pods: 110.
	Capacity jobsim.ResourceList
}

// NodeNames returns the names of the pool's nodes.
func (np NodePool) NodeNames() []string {
	names := make([]string, np.Count)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d", np.Name, i)
	}
	return names
}

// Scheduler configures the scheduler of a scenario (the scheduler: field).
type Scheduler struct {
	// Scoring is LeastAllocated (spread pods; the default) or
	// MostAllocated (pack them).
	Scoring string
	// Latency is how long a new pod waits before the scheduler first tries
	// to place it.
	Latency time.Duration
}

// The scoring policies a scenario may name.
const (
	ScoringLeastAllocated = "LeastAllocated"
	ScoringMostAllocated  = "MostAllocated"
)

// PriorityClass is a scheduling.k8s.io/v1 PriorityClass: what a pod's
// priorityClassName means.
type PriorityClass struct {
	Name             string // a DNS subdomain, not starting with system-
	Value            int32  // the priority; at most 1000000000
	GlobalDefault    bool   // the class of pods that name none
	PreemptionPolicy string // PreemptLowerPriority (the default) or Never
	Description      string // free text
}

// FaultAction is what a Fault does to its node.
type FaultAction string

// The fault actions.
const (
	FaultFail    FaultAction = "fail"
	FaultDrain   FaultAction = "drain"
	FaultRecover FaultAction = "recover"
)

// Fault happens to a node at a given time.
type Fault struct {
	At     time.Duration // when, after the scenario's start
	Node   string        // the node's name, such as pool-a-1
	Action FaultAction   // what happens to it

	path     string // "faults[0]"
	line     int    // its line
	nodeLine int    // the line of its node, 0 if it names none
}

// Load reads a scenario file, or a plain manifest, from path: see Parse.
func Load(path string, opts Options) (*Scenario, error) {
	data, err := opts.readFile(path)
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: path, Message: readError(err)}}}
	}
	return Parse(path, data, opts)
}

// readError words a file error without repeating the path.
func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return "cannot read the file: " + pe.Err.Error()
	}
	return "cannot read the file: " + err.Error()
}

// Parse reads a scenario (a YAML document with kind: Scenario) or a plain
// manifest (batch/v1 Jobs, other kinds skipped) from data; path names it
// in problems and is where the manifests a scenario names are looked for.
// It checks everything before anything runs: the Jobs as the API server
// would on create, the scenario's fields, and every action as the API
// server would check the edit. It returns every problem as an *Error.
func Parse(path string, data []byte, opts Options) (*Scenario, error) {
	var ps problems
	s := &Scenario{File: path, Seed: DefaultSeed, Start: time.Unix(0, 0).UTC()}
	data, ok := renderHelm(path, data, opts.ReleaseName, &ps)
	if ok {
		if node, line, isScenario := firstDocument(path, data); isScenario {
			s.IsScenario = true
			p := &scenarioParser{file: path, opts: opts, ps: &ps, s: s}
			p.parse(node, line, data)
		} else {
			jobs, notices := decodeDocuments(path, data, &ps)
			s.Notices = notices
			for _, j := range jobs {
				s.Jobs = append(s.Jobs, &ScenarioJob{Manifest: j, line: j.Line})
			}
			if len(jobs) == 0 && len(ps.list) == 0 {
				ps.add(path, 0, "", "no batch/v1 Job found")
			}
		}
	}
	if opts.Seed != nil {
		s.Seed = *opts.Seed
	}
	s.check(&ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeDocuments decodes the Jobs of an already rendered manifest.
func decodeDocuments(file string, data []byte, ps *problems) ([]*Job, []Notice) {
	var jobs []*Job
	var notices []Notice
	for _, doc := range splitDocuments(file, data, ps) {
		node, ok := parseYAML(file, doc, ps)
		if !ok || node == nil {
			continue
		}
		js, ns := decodeObject(file, node, doc.line-1, "", ps)
		jobs = append(jobs, js...)
		notices = append(notices, ns...)
	}
	return jobs, notices
}

// firstDocument tells whether data's first document is a Scenario, and
// returns it parsed.
func firstDocument(file string, data []byte) (*yaml.Node, int, bool) {
	var scratch problems
	docs := splitDocuments(file, data, &scratch)
	if len(docs) == 0 {
		return nil, 0, false
	}
	node, ok := parseYAML(file, docs[0], &scratch)
	if !ok || node == nil || node.Kind != yaml.MappingNode {
		return nil, 0, false
	}
	_, kind, _ := typeMeta(node)
	return node, docs[0].line - 1, kind == ScenarioKind
}

// scenarioParser reads a Scenario document node by node, so that every
// problem has its field path and line.
type scenarioParser struct {
	file   string
	opts   Options
	ps     *problems
	s      *Scenario
	offset int
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
				p.problem(v, path, "Unsupported value: %q: supported values: %q", s, ScenarioAPIVersion)
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
					p.problem(v, path, "Invalid value: %q: must be greater than 0", v.Value)
				}
				p.s.Until = d
			}
		},
		"nodes":           p.nodes,
		"priorityClasses": p.priorityClasses,
		"faults":          p.faults,
		"scheduler":       p.scheduler,
		"jobs":            p.jobs,
	})
	// Faults may come before nodes in the file.
	for _, f := range p.s.Faults {
		if f.nodeLine > 0 && !p.hasNode(f.Node) {
			p.ps.add(p.file, f.nodeLine, f.path+".node", "Invalid value: %q: no such node (nodes are %s)", f.Node, p.nodeNames())
		}
	}
	if len(p.s.Jobs) == 0 && len(p.ps.list) == 0 {
		p.problem(root, "jobs", "Required value: a scenario needs at least one job")
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
			p.problem(k, fp, "duplicate field %q (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = p.line(k)
		h, ok := handlers[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s := suggest(k.Value, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			p.problem(k, fp, "%s", msg)
			continue
		}
		h(k, kv[1], fp)
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
		var nameNode *yaml.Node
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
				pool.Labels = p.labels(v, path)
			},
			"capacity": func(_, v *yaml.Node, path string) {
				pool.Capacity = p.capacity(v, path)
			},
		})
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
	v = resolve(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		p.problem(v, path, "expected an object of labels, got %s", kindName(v))
		return nil
	}
	out := map[string]string{}
	keys := map[string]*yaml.Node{}
	for _, kv := range mappingPairs(v) {
		k := resolve(kv[0])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.problem(orNode(k), path, "label names must be strings, got %s", kindName(k))
			continue
		}
		kp := path + "[" + k.Value + "]"
		if _, dup := out[k.Value]; dup {
			p.problem(k, kp, "duplicate label %q", k.Value)
			continue
		}
		val, ok := p.labelValue(kv[1], kp)
		if !ok {
			continue
		}
		out[k.Value] = val
		keys[k.Value] = k
	}
	labelProblems(out, func(key, msg string) { p.problem(keys[key], path, "%s", msg) })
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
			p.problem(k, kp, "duplicate field %q", k.Value)
			continue
		}
		if errs := nodeResourceNameErrors(k.Value); len(errs) > 0 {
			p.problem(k, kp, "Invalid value: %q: %s", k.Value, errs[0])
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
			p.problem(resolve(kv[1]), kp, "Invalid value: %q: %s", resolve(kv[1]).Value, why)
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
					p.problem(v, path, "Unsupported value: %q: supported values: %q, %q", s, ScoringLeastAllocated, ScoringMostAllocated)
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
						p.problem(v, path, "Unsupported value: %q: supported values: \"Never\", \"PreemptLowerPriority\"", s)
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
		var atNode, nodeNode, actionNode *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"at": func(_, v *yaml.Node, path string) {
				atNode = v
				f.At, _ = p.duration(v, path)
			},
			"node": func(_, v *yaml.Node, path string) {
				nodeNode = v
				f.Node, _ = p.str(v, path)
			},
			"action": func(_, v *yaml.Node, path string) {
				actionNode = v
				if s, ok := p.str(v, path); ok {
					switch FaultAction(s) {
					case FaultFail, FaultDrain, FaultRecover:
						f.Action = FaultAction(s)
					default:
						p.problem(v, path, "Unsupported value: %q: supported values: \"fail\", \"drain\", \"recover\"", s)
					}
				}
			},
		})
		if atNode == nil {
			p.problem(e, path+".at", "Required value")
		}
		if nodeNode == nil {
			p.problem(e, path+".node", "Required value")
		}
		if actionNode == nil {
			p.problem(e, path+".action", "Required value")
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
	if name == "" {
		p.problem(v, path, "Required value")
		return nil
	}
	full := name
	if !filepath.IsAbs(name) {
		full = filepath.Join(filepath.Dir(p.file), name)
	}
	data, err := p.opts.readFile(full)
	if err != nil {
		p.problem(v, path, "Invalid value: %q: %s", name, readError(err))
		return nil
	}
	before := len(p.ps.list)
	data, ok := renderHelm(full, data, p.opts.ReleaseName, p.ps)
	if !ok {
		return nil
	}
	jobs, notices := decodeDocuments(full, data, p.ps)
	p.s.Notices = append(p.s.Notices, notices...)
	if len(p.ps.list) > before {
		return nil
	}
	if len(jobs) != 1 {
		p.problem(v, path, "Invalid value: %q: the file holds %d batch/v1 Jobs; a scenario job needs exactly one", name, len(jobs))
		return nil
	}
	return jobs[0]
}

// inlineJob reads a Job written in the scenario itself.
func (p *scenarioParser) inlineJob(v *yaml.Node, path string) *Job {
	v = resolve(v)
	if v == nil || v.Kind != yaml.MappingNode {
		p.problem(orNode(v), path, "expected a batch/v1 Job object, got %s", kindName(v))
		return nil
	}
	before := len(p.ps.list)
	jobs, notices := decodeObject(p.file, v, p.offset, path+".", p.ps)
	if len(p.ps.list) > before {
		return nil
	}
	if len(jobs) != 1 {
		msg := "expected a batch/v1 Job"
		if len(notices) > 0 {
			msg = notices[0].Message
		}
		p.problem(v, path, "Invalid value: %s", msg)
		return nil
	}
	return jobs[0]
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
		return 0, fmt.Sprintf("Invalid value: %q: must be a completion index or pod ordinal (0, 1, 2 ...)", k.Value)
	}
	for _, c := range k.Value {
		if c < '0' || c > '9' {
			return 0, fmt.Sprintf("Invalid value: %q: must be a completion index or pod ordinal (0, 1, 2 ...)", k.Value)
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
					p.problem(v, path, "Invalid value: %q: a reason is CamelCase, such as EvictionByEvictionAPI, PreemptionByScheduler or DeletionByTaintManager", s)
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
							p.problem(v, path, "Invalid value: %q: must be greater than 0", v.Value)
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
				p.problem(maxN, path+".max", "Invalid value: %q: must be at least min (%v)", maxN.Value, r.Min)
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

func (p *scenarioParser) actions(v *yaml.Node, path string) []Action {
	var out []Action
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		a := Action{path: path, line: p.line(orNode(resolve(e))), lines: map[string]int{}}
		var atNode, deleteNode *yaml.Node
		changes := 0
		change := func(k *yaml.Node) { a.lines[k.Value] = p.line(k); changes++ }
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
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"at": func(_, v *yaml.Node, path string) {
				atNode = v
				a.At, _ = p.duration(v, path)
			},
			"delete": func(k, v *yaml.Node, path string) {
				deleteNode = v
				a.lines[k.Value] = p.line(k)
				if b, ok := p.bool(v, path); ok {
					if !b {
						p.problem(v, path, "Invalid value: false: delete: true deletes the job; leave it out otherwise")
					}
					a.Delete = b
				}
			},
			"suspend": func(k, v *yaml.Node, path string) {
				change(k)
				if b, ok := p.bool(v, path); ok {
					a.Suspend = &b
				}
			},
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
		})
		if atNode == nil {
			p.problem(orNode(resolve(e)), path+".at", "Required value: when the action happens")
		}
		switch {
		case deleteNode != nil && changes > 0:
			p.problem(deleteNode, path+".delete", "Forbidden: a deletion comes alone; make the changes in an action of their own")
		case deleteNode == nil && changes == 0 && resolve(e) != nil && resolve(e).Kind == yaml.MappingNode:
			p.problem(resolve(e), path, "Required value: an action changes a field (suspend, parallelism, activeDeadlineSeconds, backoffLimit, maxFailedIndexes, ttlSecondsAfterFinished, podReplacementPolicy, completions) or deletes the job (delete: true)")
		}
		out = append(out, a)
	})
	return out
}

// conditionReasonRE is the format of a condition's reason
// (metav1.Condition).
var conditionReasonRE = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`)

// Scalars.

func (p *scenarioParser) scalarNode(v *yaml.Node, path, want string) (*yaml.Node, bool) {
	v = resolve(v)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.problem(orNode(v), path, "expected %s, got %s", want, kindName(v))
		return nil, false
	}
	return v, true
}

func (p *scenarioParser) str(v *yaml.Node, path string) (string, bool) {
	n, ok := p.scalarNode(v, path, "a string")
	if !ok {
		return "", false
	}
	return n.Value, true
}

func (p *scenarioParser) bool(v *yaml.Node, path string) (bool, bool) {
	n, ok := p.scalarNode(v, path, "a boolean (true or false)")
	if !ok {
		return false, false
	}
	if b, ok := yamlValue(n).(bool); ok {
		return b, true
	}
	p.problem(n, path, "expected a boolean (true or false), got %s", kindName(n))
	return false, false
}

func (p *scenarioParser) int(v *yaml.Node, path string, lo, hi int) (int, bool) {
	n, ok := p.scalarNode(v, path, "an integer")
	if !ok {
		return 0, false
	}
	x, ok := intValue(n)
	if !ok {
		p.problem(n, path, "expected an integer, got %s", kindName(n))
		return 0, false
	}
	if x < int64(lo) || x > int64(hi) {
		p.problem(n, path, "Invalid value: %d: must be between %d and %d, inclusive", x, lo, hi)
		return 0, false
	}
	return int(x), true
}

// intValue reads an integer scalar.
func intValue(n *yaml.Node) (int64, bool) {
	switch v := yamlValue(n).(type) {
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 64)
		return i, err == nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<62 {
			return int64(v), true
		}
	}
	return 0, false
}

func (p *scenarioParser) uint64(v *yaml.Node, path string) (uint64, bool) {
	n, ok := p.scalarNode(v, path, "an integer")
	if !ok {
		return 0, false
	}
	if num, isNum := yamlValue(n).(json.Number); isNum {
		if x, err := strconv.ParseUint(string(num), 10, 64); err == nil {
			return x, true
		}
	}
	p.problem(n, path, "expected an integer from 0 to 18446744073709551615, got %s", kindName(n))
	return 0, false
}

func (p *scenarioParser) float(v *yaml.Node, path string) (float64, bool) {
	n, ok := p.scalarNode(v, path, "a number")
	if !ok {
		return 0, false
	}
	var f float64
	switch x := yamlValue(n).(type) {
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			p.problem(n, path, "expected a number, got %s", kindName(n))
			return 0, false
		}
	default:
		p.problem(n, path, "expected a number, got %s", kindName(n))
		return 0, false
	}
	if math.IsNaN(f) {
		p.problem(n, path, "expected a number, got %s", kindName(n))
		return 0, false
	}
	return f, true
}

// duration reads a Go duration ("45s", "2m", "1h30m"); 0 may be written
// without a unit.
func (p *scenarioParser) duration(v *yaml.Node, path string) (time.Duration, bool) {
	n, ok := p.scalarNode(v, path, `a duration such as "45s" or "1h30m"`)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		p.problem(n, path, "Invalid value: %q: must be a duration such as \"45s\", \"2m\" or \"1h30m\"", n.Value)
		return 0, false
	}
	if d < 0 {
		p.problem(n, path, "Invalid value: %q: must not be negative", n.Value)
		return 0, false
	}
	return d, true
}

// time reads an RFC 3339 time.
func (p *scenarioParser) time(v *yaml.Node, path string) (time.Time, bool) {
	n, ok := p.scalarNode(v, path, "an RFC 3339 time such as 2026-01-01T00:00:00Z")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, n.Value)
	if err != nil {
		p.problem(n, path, "Invalid value: %q: must be an RFC 3339 time such as 2026-01-01T00:00:00Z", n.Value)
		return time.Time{}, false
	}
	if t.Year() < 1 || t.Year() > 9000 {
		p.problem(n, path, "Invalid value: %q: must be between the years 1 and 9000", n.Value)
		return time.Time{}, false
	}
	return t, true
}

// quantity reads a resource quantity ("4", "500m", "16Gi").
func (p *scenarioParser) quantity(v *yaml.Node, path string) (resource.Quantity, bool) {
	n, ok := p.scalarNode(v, path, `a quantity such as "4", "500m" or "16Gi"`)
	if !ok {
		return resource.Quantity{}, false
	}
	q, err := resource.ParseQuantity(n.Value)
	if err != nil {
		p.problem(n, path, "Invalid value: %q: must be a quantity such as \"4\", \"500m\" or \"16Gi\"", n.Value)
		return resource.Quantity{}, false
	}
	if q.Sign() < 0 {
		p.problem(n, path, "Invalid value: %q: must be greater than or equal to 0", n.Value)
		return resource.Quantity{}, false
	}
	return q, true
}
