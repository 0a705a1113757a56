package jobsim

import (
	"fmt"

	"github.com/google/go-cmp/cmp"

	"github.com/jobsim/jobsim/sim"
)

// NoShortcuts makes c run without the shortcuts that must change nothing
// but the time and memory a run takes: the struct of every deleted Job
// stays its own (retire), and every CronJob sync runs in full (quietFor).
// The run to compare with.
func NoShortcuts(c *Cluster) { c.noShortcuts = true }

// AuditCounts makes c recompute, after every event, each count it keeps
// of its pods (active, ready, terminating, restarts, per index, the pods a
// sync looks at), and compares each snapshot SharedPods and SharedJob
// keep, and SharedNodes's views, with ones built afresh. The function it returns checks once more,
// now, and returns the first difference found since the audit began, or
// nil.
//
// Call it on a new cluster, before anything is scheduled: the handlers of
// the events already due are not audited.
func AuditCounts(c *Cluster) func() error {
	if _, due := c.Next(); due {
		panic("AuditCounts: the cluster has events scheduled already")
	}
	var first error
	var nodes []NodeView // SharedNodes's, kept from one check to the next
	c.audit = func() {
		if first == nil {
			first = c.checkCounts()
		}
		if first == nil {
			first = c.checkShared(&nodes)
		}
	}
	for _, h := range []*sim.Handler{&c.onSync, &c.onKubelet, &c.onSchedule, &c.onTTL, &c.onFault} {
		inner := *h
		*h = sim.HandlerFunc(func(arg uint64) {
			inner.Fire(arg)
			c.audit()
		})
	}
	return func() error {
		if first == nil {
			first = c.checkCounts()
		}
		return first
	}
}

// ValidateNeverPanicsProperty is the property of
// TestValidateNeverPanicsProperty, for the replay of its failure files.
var ValidateNeverPanicsProperty = validateNeverPanicsProperty

// NonZeroRequests is the CPU and memory the scheduler's scoring counts
// for a pod of spec s.
func NonZeroRequests(s PodSpec) (cpu, mem int64) { return nonZeroRequests(&s, s.Overhead) }

// checkShared compares every kept snapshot with a fresh one: a kept
// snapshot that differs missed a change its key should have seen.
func (c *Cluster) checkShared(nodes *[]NodeView) error {
	*nodes = c.SharedNodes(*nodes)
	if d := cmp.Diff(c.Nodes(), *nodes); d != "" {
		return fmt.Errorf("at %v: shared node views differ from fresh ones (-fresh +shared):\n%s", c.eng.Elapsed(), d)
	}
	for _, j := range c.jobs {
		if j == nil {
			continue
		}
		if d := cmp.Diff(j.handle.Job(), *j.handle.SharedJob()); d != "" {
			return fmt.Errorf("at %v, job %s: kept snapshot differs from a fresh one (-fresh +kept):\n%s", c.eng.Elapsed(), j.name, d)
		}
		for _, p := range j.pods {
			if d := cmp.Diff(c.podView(p), *c.sharedPodView(p)); d != "" {
				return fmt.Errorf("at %v, pod %s: kept snapshot differs from a fresh one (-fresh +kept):\n%s", c.eng.Elapsed(), p.name(), d)
			}
		}
	}
	return nil
}
