package jobsim_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/jobsimtest"
)

// Property tests: random jobs and behaviours, every invariant of
// jobsimtest checked after every event, every run done twice and the two
// histories compared. Run more cases with -rapid.checks=N.

// checkedRun simulates job with b and returns the event history; it fails
// t on any invariant violation.
func checkedRun(t *rapid.T, cfg jobsim.Config, job jobsim.Job, b jobsim.Behavior) []jobsim.Event {
	c := jobsim.NewCluster(cfg)
	counts := jobsim.AuditCounts(c)
	if _, err := c.Submit(job, b); err != nil {
		t.Fatalf("generated job is invalid: %v", err)
	}
	// Some jobs never end (failures a policy ignores are retried forever):
	// six virtual hours are enough to see every rule at work.
	k := jobsimtest.NewChecker(c)
	if err := c.RunUntil(c.Now().Add(6 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := counts(); err != nil {
		t.Fatalf("seed %d: %v", cfg.Seed, err)
	}
	k.Final()
	if err := k.Err(); err != nil {
		spec, _ := json.Marshal(job.Spec)
		t.Fatalf("seed %d, spec %s:\n%v", cfg.Seed, spec, err)
	}
	return c.Events()
}

func TestPropertyInvariantsHoldAfterEveryEvent(t *testing.T) {
	rapid.Check(t, invariantsProperty)
}

// invariantsProperty: a random job runs twice without breaking an
// invariant, with the same history both times.
func invariantsProperty(t *rapid.T) {
	job := jobsimtest.Jobs("prop").Draw(t, "job")
	b := jobsimtest.Behaviors().Draw(t, "behavior")
	cfg := jobsim.Config{
		Seed:      rapid.Uint64().Draw(t, "seed"),
		SyncDelay: rapid.SampledFrom([]time.Duration{0, time.Second}).Draw(t, "syncDelay"),
		MaxEvents: 1_000_000,
		// Keeping few finished pods keeps the checker's per-event
		// look at the pods cheap; it remembers what it saw of them.
		MaxFinishedPods: rapid.SampledFrom([]int{-1, 3}).Draw(t, "maxFinishedPods"),
	}
	first := checkedRun(t, cfg, job, b)
	second := checkedRun(t, cfg, job, b)
	if d := cmp.Diff(first, second); d != "" {
		t.Fatalf("same seed and inputs, different histories (-first +second):\n%s", d)
	}
}

// clusterMachine is a rapid state machine over a cluster: jobs are
// submitted, time passes, and users suspend, resume, scale and delete
// jobs, with every invariant checked after every event.
type clusterMachine struct {
	c      *jobsim.Cluster
	chk    *jobsimtest.Checker
	counts func() error // jobsim.AuditCounts
	names  []string
	n      int
}

func (m *clusterMachine) Submit(t *rapid.T) {
	name := fmt.Sprintf("job-%d", m.n)
	m.n++
	job := jobsimtest.Jobs(name).Draw(t, "job")
	if _, err := m.c.Submit(job, jobsimtest.Behaviors().Draw(t, "behavior")); err != nil {
		t.Fatalf("generated job is invalid: %v", err)
	}
	m.names = append(m.names, name)
}

func (m *clusterMachine) Advance(t *rapid.T) {
	d := time.Duration(rapid.IntRange(0, 600).Draw(t, "seconds")) * time.Second
	if err := m.c.Advance(d); err != nil {
		t.Fatal(err)
	}
}

func (m *clusterMachine) pick(t *rapid.T) string {
	if len(m.names) == 0 {
		t.Skip("no job yet")
	}
	return rapid.SampledFrom(m.names).Draw(t, "job")
}

func (m *clusterMachine) Suspend(t *rapid.T) {
	name := m.pick(t)
	v := rapid.Bool().Draw(t, "suspend")
	if err := m.c.Update("", name, func(s *jobsim.JobSpec) { s.Suspend = v }); err != nil && m.c.Job("", name) != nil {
		t.Fatal(err)
	}
}

func (m *clusterMachine) Scale(t *rapid.T) {
	name := m.pick(t)
	p := rapid.IntRange(0, 20).Draw(t, "parallelism")
	if err := m.c.Update("", name, func(s *jobsim.JobSpec) { s.Parallelism = jobsim.Ptr(p) }); err != nil && m.c.Job("", name) != nil {
		t.Fatal(err)
	}
}

func (m *clusterMachine) Delete(t *rapid.T) {
	name := m.pick(t)
	if m.c.Job("", name) == nil {
		t.Skip("already deleted")
	}
	del := m.c.Delete
	if rapid.Bool().Draw(t, "orphan") {
		del = m.c.DeleteOrphan // its pods run on
	}
	if err := del("", name); err != nil {
		t.Fatal(err)
	}
}

func (m *clusterMachine) Check(t *rapid.T) {
	if err := m.chk.Err(); err != nil {
		t.Fatal(err)
	}
	if err := m.counts(); err != nil {
		t.Fatal(err)
	}
}

func TestStateMachineInvariants(t *testing.T) {
	rapid.Check(t, stateMachineProperty)
}

// stateMachineProperty: jobs submitted, edited and deleted at random
// break no invariant.
func stateMachineProperty(t *rapid.T) {
	c := jobsim.NewCluster(jobsim.Config{
		Seed:            rapid.Uint64().Draw(t, "seed"),
		SyncDelay:       rapid.SampledFrom([]time.Duration{0, time.Second}).Draw(t, "syncDelay"),
		MaxEvents:       1_000_000,
		MaxFinishedPods: rapid.SampledFrom([]int{-1, 3}).Draw(t, "maxFinishedPods"),
	})
	m := &clusterMachine{c: c, chk: jobsimtest.NewChecker(c), counts: jobsim.AuditCounts(c)}
	t.Repeat(rapid.StateMachineActions(m))
}

// schedulingMachine is a cluster of a few nodes with priority classes,
// where jobs with requests, selectors and priorities compete for room
// while nodes fail, drain and recover.
type schedulingMachine struct {
	clusterMachine
	nodes []string
}

var propertyClasses = []jobsim.PriorityClass{
	{Name: "low", Value: 0, GlobalDefault: true},
	{Name: "high", Value: 1000},
	{Name: "polite", Value: 500, PreemptionPolicy: jobsim.PreemptNever},
}

func (m *schedulingMachine) Submit(t *rapid.T) {
	name := fmt.Sprintf("job-%d", m.n)
	m.n++
	job := jobsimtest.Jobs(name).Draw(t, "job")
	tmpl := &job.Spec.Template.Spec
	tmpl.Containers[0].Requests = jobsimtest.Requests().Draw(t, "requests")
	tmpl.PriorityClassName = rapid.SampledFrom([]string{"", "low", "high", "polite"}).Draw(t, "priorityClass")
	if rapid.IntRange(0, 3).Draw(t, "selector") == 0 {
		tmpl.NodeSelector = map[string]string{"pool": rapid.SampledFrom([]string{"a", "b"}).Draw(t, "pool")}
	}
	// Required node affinity on labels or on names (which splits a class
	// of identical nodes), sometimes matching nothing.
	var terms []jobsim.NodeSelectorTerm
	for range rapid.IntRange(0, 2).Draw(t, "terms") {
		var tm jobsim.NodeSelectorTerm
		if rapid.Bool().Draw(t, "byLabel") {
			op := rapid.SampledFrom([]jobsim.NodeSelectorOperator{jobsim.NodeSelectorOpIn, jobsim.NodeSelectorOpNotIn}).Draw(t, "labelOp")
			tm.MatchExpressions = append(tm.MatchExpressions, jobsim.NodeSelectorRequirement{Key: "pool", Operator: op, Values: []string{rapid.SampledFrom([]string{"a", "b"}).Draw(t, "poolValue")}})
		}
		if rapid.Bool().Draw(t, "byName") {
			op := rapid.SampledFrom([]jobsim.NodeSelectorOperator{jobsim.NodeSelectorOpIn, jobsim.NodeSelectorOpNotIn}).Draw(t, "nameOp")
			tm.MatchFields = append(tm.MatchFields, jobsim.NodeSelectorRequirement{Key: jobsim.NodeNameField, Operator: op, Values: []string{rapid.SampledFrom(m.nodes).Draw(t, "nodeName")}})
		}
		terms = append(terms, tm)
	}
	if len(terms) > 0 {
		tmpl.Affinity = &jobsim.Affinity{NodeAffinity: &jobsim.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &jobsim.NodeSelector{NodeSelectorTerms: terms}}}
	}
	if _, err := m.c.Submit(job, jobsimtest.Behaviors().Draw(t, "behavior")); err != nil {
		t.Fatalf("generated job is invalid: %v", err)
	}
	m.names = append(m.names, name)
}

func (m *schedulingMachine) Fault(t *rapid.T) {
	node := rapid.SampledFrom(m.nodes).Draw(t, "node")
	var err error
	switch rapid.SampledFrom([]jobsim.NodeFault{jobsim.NodeFail, jobsim.NodeDrain, jobsim.NodeRecover}).Draw(t, "fault") {
	case jobsim.NodeFail:
		err = m.c.FailNode(node)
	case jobsim.NodeDrain:
		err = m.c.DrainNode(node)
	case jobsim.NodeRecover:
		err = m.c.RecoverNode(node)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestSchedulingStateMachineInvariants(t *testing.T) {
	rapid.Check(t, schedulingMachineProperty)
}

// schedulingMachineProperty: jobs competing for the room of random nodes
// that fail, drain and recover break no invariant.
func schedulingMachineProperty(t *rapid.T) {
	nodes := jobsimtest.Nodes().Draw(t, "nodes")
	c := jobsim.NewCluster(jobsim.Config{
		Seed:            rapid.Uint64().Draw(t, "seed"),
		SyncDelay:       rapid.SampledFrom([]time.Duration{0, time.Second}).Draw(t, "syncDelay"),
		MaxEvents:       1_000_000,
		MaxFinishedPods: rapid.SampledFrom([]int{-1, 3}).Draw(t, "maxFinishedPods"),
		Nodes:           nodes,
		PriorityClasses: propertyClasses,
		Scoring:         rapid.SampledFrom([]jobsim.ScoringPolicy{jobsim.LeastAllocated, jobsim.MostAllocated}).Draw(t, "scoring"),
	})
	m := &schedulingMachine{clusterMachine: clusterMachine{c: c, chk: jobsimtest.NewChecker(c), counts: jobsim.AuditCounts(c)}}
	for _, n := range nodes {
		m.nodes = append(m.nodes, n.Name)
	}
	t.Repeat(rapid.StateMachineActions(m))
}
