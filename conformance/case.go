package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/conformance/reference"
	"github.com/jobsim/jobsim/manifest"
	batchv1 "k8s.io/api/batch/v1"
)

// DefaultTolerance is how far apart the two sides' times (startTime,
// completionTime, condition transitions) may be: the real controller
// stores times to the second and its clock runs on the wall clock's
// schedule, so the same instant can read a second or two apart.
const DefaultTolerance = 2 * time.Second

// Case is a scenario file prepared for both sides.
type Case struct {
	// Name is the file's base name without its extension.
	Name string
	// File is the path it was read from.
	File string
	// Scenario is the file as jobsim reads it.
	Scenario *manifest.Scenario
	// Known, if not empty, says the case shows a known difference between
	// jobsim and Kubernetes: the suite reports its diff but does not fail.
	// It comes from a "# known: ..." comment line.
	Known string
	// Tolerance is how far apart times may be; from a "# tolerance: 5s"
	// comment line, else DefaultTolerance.
	Tolerance time.Duration
	// Versions, if not empty, are the Kubernetes versions the case is
	// for, from a "# versions: 1.36+" or "# versions: 1.34, 1.35" line
	// (a case that shows what one version does and another does not), or
	// from the scenario's own kubernetesVersion: the suite runs it only on
	// a build of one of them. Where it does not apply, ParseCase reads
	// only the notes and leaves Scenario nil.
	Versions []jobsim.Version
}

// Applies reports whether the case is for the version this build of the
// harness runs (reference.Version).
func (c *Case) Applies() bool {
	return len(c.Versions) == 0 || slices.Contains(c.Versions, reference.Version)
}

// LoadCase reads a scenario file (SCENARIO.md's format, kind: Scenario)
// and its conformance notes, comment lines at its top:
//
//	# known: jobsim reports active 1 where v1.35.4 writes 0 (docs/fidelity.md)
//	# tolerance: 5s
//	# versions: 1.36+
//
// A scenario's featureGates are set on both sides: on the reference, on
// the process's feature gates, so that such a case runs alone (see
// reference.Options.FeatureGates). A scenario's kubernetesVersion makes it
// a case for that version only, like a versions note.
//
// It refuses what the reference cannot run: random runs (their draws are
// jobsim's own), ttlSecondsAfterFinished (no TTL controller runs), node
// failures (no node lifecycle controller runs) and a scheduler other than
// kube-scheduler's default profile.
func LoadCase(path string) (*Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseCase(path, data)
}

// ParseCase is LoadCase on data already read; path names it and locates
// the manifests it refers to.
func ParseCase(path string, data []byte) (*Case, error) {
	c := &Case{
		Name:      strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)),
		File:      path,
		Tolerance: DefaultTolerance,
	}
	if err := c.readNotes(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !c.Applies() {
		return c, nil // parsed on the builds it is for
	}
	// Both sides run the release this build links: jobsim with that
	// version's profile.
	s, err := manifest.Parse(path, data, manifest.Options{Version: reference.Version})
	if err != nil {
		return nil, err
	}
	if !s.IsScenario {
		return nil, fmt.Errorf("%s: not a scenario (kind: Scenario)", path)
	}
	c.Scenario = s
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

func (c *Case) readNotes(data []byte) error {
	if err := c.readComments(data); err != nil {
		return err
	}
	v, ok, err := fileVersion(data)
	switch {
	case err != nil:
		return err
	case ok && len(c.Versions) > 0 && !slices.Contains(c.Versions, v):
		return fmt.Errorf("kubernetesVersion %s is not among the versions the notes name", v)
	case ok:
		c.Versions = []jobsim.Version{v}
	}
	return nil
}

func (c *Case) readComments(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			break
		}
		key, value, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "known":
			if c.Known != "" {
				c.Known += " "
			}
			c.Known += value
		case "tolerance":
			d, err := time.ParseDuration(value)
			if err != nil || d < 0 {
				return fmt.Errorf("tolerance: %q is not a duration", value)
			}
			c.Tolerance = d
		case "versions":
			vs, err := parseVersions(value)
			if err != nil {
				return fmt.Errorf("versions: %w", err)
			}
			c.Versions = vs
		}
	}
	return sc.Err()
}

// fileVersion returns the scenario's own kubernetesVersion, a top-level
// key of its first document, if it has one.
func fileVersion(data []byte) (jobsim.Version, bool, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	content := false
	for sc.Scan() {
		line := sc.Text()
		if line == "---" || line == "..." {
			if content {
				break
			}
			continue
		}
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			content = true
		}
		value, ok := strings.CutPrefix(line, "kubernetesVersion:")
		if !ok {
			continue
		}
		value, _, _ = strings.Cut(value, "#")
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		v, err := jobsim.ParseVersion(value)
		if err != nil {
			return 0, false, fmt.Errorf("kubernetesVersion: %w", err)
		}
		return v, true, nil
	}
	return 0, false, sc.Err()
}

// parseVersions reads "1.36+" (that version and the later ones) or a
// comma-separated list of versions.
func parseVersions(value string) ([]jobsim.Version, error) {
	if from, ok := strings.CutSuffix(value, "+"); ok {
		v, err := jobsim.ParseVersion(strings.TrimSpace(from))
		if err != nil {
			return nil, err
		}
		var out []jobsim.Version
		for _, w := range jobsim.Versions() {
			if w >= v {
				out = append(out, w)
			}
		}
		return out, nil
	}
	var out []jobsim.Version
	for _, part := range strings.Split(value, ",") {
		v, err := jobsim.ParseVersion(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (c *Case) check() error {
	s := c.Scenario
	for _, f := range s.Faults {
		if f.Controller == "" && len(s.Nodes) == 0 {
			return fmt.Errorf("faults: the conformance harness runs node faults on declared nodes only")
		}
	}
	for i, f := range s.Faults {
		if f.Action == manifest.FaultFail {
			return fmt.Errorf("faults[%d]: a node failure is not supported by the conformance harness (no node lifecycle or taint-eviction controller runs); drain and recover are", i)
		}
	}
	if sc := s.Scheduler; sc != nil && (sc.Scoring == manifest.ScoringMostAllocated || sc.Latency != 0) {
		return fmt.Errorf("scheduler: the conformance harness runs kube-scheduler's default profile (LeastAllocated, no added latency)")
	}
	for i, j := range s.Jobs {
		if j.Pods.Random != nil {
			return fmt.Errorf("jobs[%d].pods.random: not supported by the conformance harness (the reference cannot draw jobsim's numbers); script the runs", i)
		}
		if j.Manifest.Object.Spec.TTLSecondsAfterFinished != nil {
			return fmt.Errorf("jobs[%d]: ttlSecondsAfterFinished is not supported by the conformance harness (no TTL-after-finished controller runs)", i)
		}
		for k, a := range j.Actions {
			if a.TTLAfterFinished != nil {
				return fmt.Errorf("jobs[%d].actions[%d]: ttlSecondsAfterFinished is not supported by the conformance harness", i, k)
			}
		}
	}
	return nil
}

// Reference returns the scenario in the reference runner's terms.
func (c *Case) Reference() reference.Scenario {
	s := c.Scenario
	cfg := s.Config()
	out := reference.Scenario{Start: s.Start, PriorityClasses: v1PriorityClasses(cfg.PriorityClasses), Faults: referenceFaults(s.Faults),
		RuntimeClasses: v1RuntimeClasses(cfg.RuntimeClasses), PDBs: v1PDBs(cfg.PodDisruptionBudgets)}
	if len(s.Nodes) > 0 {
		out.Nodes = v1Nodes(cfg.Nodes)
	}
	out.CronJobs, out.ControllerFaults = referenceCronJobs(s), cronFaults(s.Faults)
	for _, sj := range s.Jobs {
		j := reference.Job{
			Object:   sj.Manifest.Object.DeepCopy(),
			At:       sj.At,
			Behavior: sj.Pods.Behavior(sj.Manifest.Job.Spec.Template),
		}
		for _, a := range sj.Actions {
			j.Actions = append(j.Actions, reference.Action{At: a.At, Delete: a.Delete, Edit: editFor(a),
				RemoveSchedulingGates: slices.Clone(a.RemoveSchedulingGates)})
		}
		out.Jobs = append(out.Jobs, j)
	}
	return out
}

// editFor turns a scenario action into an edit of a batch/v1 spec.
func editFor(a manifest.Action) func(*batchv1.JobSpec) {
	return func(s *batchv1.JobSpec) {
		i32 := func(n int) *int32 { v := int32(n); return &v }
		if a.Suspend != nil {
			s.Suspend = a.Suspend
		}
		if a.Parallelism != nil {
			s.Parallelism = i32(*a.Parallelism)
		}
		if a.Completions != nil {
			s.Completions = i32(*a.Completions)
		}
		if a.ActiveDeadline != nil {
			v := int64(*a.ActiveDeadline / time.Second)
			s.ActiveDeadlineSeconds = &v
		}
		if a.BackoffLimit != nil {
			s.BackoffLimit = i32(*a.BackoffLimit)
		}
		if a.MaxFailedIndexes != nil {
			s.MaxFailedIndexes = i32(*a.MaxFailedIndexes)
		}
		if a.PodReplacementPolicy != nil {
			p := batchv1.PodReplacementPolicy(*a.PodReplacementPolicy)
			s.PodReplacementPolicy = &p
		}
		if a.CompletionMode != nil {
			m := batchv1.CompletionMode(*a.CompletionMode)
			s.CompletionMode = &m
		}
		if a.BackoffLimitPerIndex != nil {
			s.BackoffLimitPerIndex = i32(*a.BackoffLimitPerIndex)
		}
		if a.ManagedBy != nil {
			s.ManagedBy = a.ManagedBy
		}
	}
}
