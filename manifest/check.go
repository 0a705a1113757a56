package manifest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jobsim/jobsim/internal/k8s/validation"

	"github.com/jobsim/jobsim"
)

// check runs the checks that need the whole scenario: the UIDs the jobs
// will get and the selector rules that compare labels with them, names
// that clash, the actions as the API server would check the edits, the
// keys of scripted runs and the priority classes pods name.
//
// Jobs that could not be read (their problems are reported already) are
// left out.
func (s *Scenario) check(ps *problems) {
	jobs := s.Jobs
	s.Jobs = slices.DeleteFunc(slices.Clone(jobs), func(sj *ScenarioJob) bool { return sj.Manifest == nil })
	defer func() { s.Jobs = jobs }()
	s.assignUIDs()
	for _, sj := range s.Jobs {
		j := sj.Manifest
		for _, fe := range selectorErrors(j.Object, sj.UID) {
			j.problem(ps, fe.Field, "%s", apiErrorBody(fe))
		}
	}
	s.checkGates(ps)
	for _, sj := range s.Jobs {
		if dropped := sj.Manifest.versionFields(s.KubernetesVersion, s.FeatureGates, ps); len(dropped) > 0 {
			s.Notices = append(s.Notices, Notice{File: sj.Manifest.File, Line: sj.Manifest.Line, Message: dropNotice(s.KubernetesVersion, dropped)})
		}
	}
	s.checkNames(ps)
	s.checkCronJobs(ps)
	for _, sj := range s.Jobs {
		s.checkActions(sj, ps)
		s.checkRuns(sj, ps)
		s.checkPriorityClass(sj, ps)
		s.checkRuntimeClass(sj, ps)
		s.checkScheduling(sj, ps)
	}
	if len(ps.list) == 0 {
		// What the scenario's own checks let through, the cluster takes:
		// this only reports a gap between the two.
		if err := jobsim.ValidateConfig(s.Config()); err != nil {
			ps.add(s.File, 0, "", "%v", err)
		}
	}
}

// submissionOrder returns the indexes of s.Jobs in the order they are
// submitted: by time, then as listed.
func (s *Scenario) submissionOrder() []int {
	order := make([]int, len(s.Jobs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(s.Jobs[a].At, s.Jobs[b].At) })
	return order
}

// assignUIDs finds the UID each job will get by submitting the jobs, in
// order, to a scratch cluster with the same seed: a job's UID depends on
// the seed and on how many jobs were submitted before it.
func (s *Scenario) assignUIDs() {
	// The priority classes the jobs name must exist for Submit; what they
	// are does not change the UIDs.
	var classes []jobsim.PriorityClass
	for _, name := range s.classNamesUsed() {
		classes = append(classes, jobsim.PriorityClass{Name: name})
	}
	rcs := s.runtimeClasses()
	if jobsim.ValidateConfig(jobsim.Config{RuntimeClasses: rcs}) != nil {
		rcs = nil // reported where they are read
	}
	c := jobsim.NewCluster(jobsim.Config{Seed: s.Seed, DiscardEvents: true, PriorityClasses: classes, RuntimeClasses: rcs})
	for _, i := range s.submissionOrder() {
		j := s.Jobs[i].Manifest.Job
		if c.Job(j.Namespace, j.Name) != nil {
			_ = c.Delete(j.Namespace, j.Name)
		}
		if h, err := c.Submit(j, jobsim.Forever()); err == nil {
			s.Jobs[i].UID = h.UID()
		}
	}
}

// deletedAt returns when an action of sj deletes it, if one does.
func (sj *ScenarioJob) deletedAt() (time.Duration, bool) {
	for _, a := range sj.Actions {
		if a.Delete {
			return a.At, true
		}
	}
	return 0, false
}

// checkNames reports a job submitted while another of the same name
// exists: the API server would refuse it. An earlier job is gone once an
// action deleted it; one with ttlSecondsAfterFinished may be, and is given
// the benefit of the doubt.
func (s *Scenario) checkNames(ps *problems) {
	order := s.submissionOrder()
	for k, i := range order {
		sj := s.Jobs[i]
		for _, e := range order[:k] {
			prev := s.Jobs[e]
			if prev.Manifest.key() != sj.Manifest.key() {
				continue
			}
			if at, ok := prev.deletedAt(); ok && at < sj.At {
				continue
			}
			if prev.Manifest.Job.Spec.TTLAfterFinished != nil {
				continue
			}
			ps.add(s.File, sj.line, sj.path, "Invalid value: jobs.batch %q already exists in namespace %q (%s): delete it first with an action {at: ..., delete: true}",
				sj.Manifest.Job.Name, sj.Manifest.Job.Namespace, prev.describe())
			break
		}
	}
}

// describe names a scenario job in messages.
func (sj *ScenarioJob) describe() string {
	if sj.path != "" {
		return sj.path
	}
	return fmt.Sprintf("%s:%d", sj.Manifest.File, sj.Manifest.Line)
}

// checkActions applies the job's actions in time order to a copy of the
// job and checks each edit as the API server's update validation would.
func (s *Scenario) checkActions(sj *ScenarioJob, ps *problems) {
	if len(sj.Actions) == 0 {
		return
	}
	order := make([]int, len(sj.Actions))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sj.Actions[a].At, sj.Actions[b].At) })
	cur := sj.Manifest.Job
	deleted := ""
	for _, k := range order {
		a := &sj.Actions[k]
		switch {
		case a.At < sj.At:
			ps.add(s.File, a.lineOf("at"), a.path+".at", "Invalid value: %q: the job is only submitted at %v", a.At.String(), sj.At)
			continue
		case deleted != "":
			ps.add(s.File, a.line, a.path, "Forbidden: the job is deleted before, by %s", deleted)
			continue
		case a.Delete:
			deleted = a.path
			continue
		}
		s.checkRemovedGates(sj, a, ps)
		next := cur
		a.Apply(&next.Spec)
		jobsim.SetDefaults(&next)
		var verr *jobsim.ValidationError
		if err := jobsim.ValidateUpdate(cur, next); errors.As(err, &verr) {
			for _, fe := range verr.Errors {
				key := strings.TrimPrefix(fe.Field, "spec.")
				if _, ok := a.lines[key]; ok {
					ps.add(s.File, a.lines[key], a.path+"."+key, "%s", fieldErrorMessage(fe))
				} else {
					ps.add(s.File, a.line, a.path, "%s", fe.Field+": "+fieldErrorMessage(fe))
				}
			}
			continue
		}
		cur = next
		if c := cur.Spec.Completions; c != nil {
			sj.mostCompletions = max(sj.mostCompletions, *c)
		}
	}
}

// lineOf is the line of one of the action's keys, or of the action.
func (a *Action) lineOf(key string) int {
	if l, ok := a.lines[key]; ok {
		return l
	}
	return a.line
}

// checkRuns reports scripted runs for completion indexes an Indexed job
// never has.
func (s *Scenario) checkRuns(sj *ScenarioJob, ps *problems) {
	spec := sj.Manifest.Job.Spec
	if spec.CompletionMode != jobsim.Indexed || spec.Completions == nil {
		return
	}
	most := max(*spec.Completions, sj.mostCompletions)
	keys := make([]int, 0, len(sj.Pods.Runs))
	for k := range sj.Pods.Runs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k >= most {
			ps.add(s.File, sj.runLines[k], fmt.Sprintf("%s.pods.runs[%d]", sj.path, k),
				"Invalid value: %d: no such completion index: the job's indexes are 0 to %d", k, most-1)
		}
	}
}

// checkPriorityClass reports a pod template naming a priority class the
// scenario does not declare, when it declares some: the API server's
// admission would refuse the pods. The built-in classes
// system-cluster-critical and system-node-critical always exist.
func (s *Scenario) checkPriorityClass(sj *ScenarioJob, ps *problems) {
	if len(s.PriorityClasses) == 0 {
		return
	}
	name := sj.Manifest.Object.Spec.Template.Spec.PriorityClassName
	if name == "" || isSystemClass(name) {
		return
	}
	var names []string
	for _, pc := range s.PriorityClasses {
		if pc.Name == name {
			return
		}
		names = append(names, pc.Name)
	}
	sj.Manifest.problem(ps, "spec.template.spec.priorityClassName", "Invalid value: %q: no such priority class (the scenario declares %s)", name, strings.Join(names, ", "))
}

// checkRuntimeClass reports a pod template the API server's RuntimeClass
// admission would refuse every pod of, at its field, in the plugin's
// words: a class the scenario does not declare, an overhead that is not
// the class's, a nodeSelector that contradicts the class's.
func (s *Scenario) checkRuntimeClass(sj *ScenarioJob, ps *problems) {
	t := &sj.Manifest.Job.Spec.Template.Spec
	if t.RuntimeClassName == "" && len(t.Overhead) == 0 {
		return
	}
	cfg := jobsim.Config{RuntimeClasses: s.runtimeClasses(), DiscardEvents: true}
	if jobsim.ValidateConfig(cfg) != nil {
		return // reported where they are read
	}
	job := sj.Manifest.Job
	job.Spec.Template.Spec.PriorityClassName = ""
	_, err := jobsim.NewCluster(cfg).Submit(job, jobsim.Forever())
	var verr *jobsim.ValidationError
	if !errors.As(err, &verr) {
		return
	}
	for _, fe := range verr.Errors {
		msg := fieldErrorMessage(fe)
		if fe.Field == "spec.template.spec.runtimeClassName" && len(s.RuntimeClasses) > 0 {
			var names []string
			for _, rc := range s.RuntimeClasses {
				names = append(names, rc.Name)
			}
			msg += " (the scenario declares " + strings.Join(names, ", ") + ")"
		}
		sj.Manifest.problem(ps, fe.Field, "%s", msg)
	}
}

// checkScheduling refuses, in a scenario whose nodes are in zones (a
// pool's zones, or its labels' topology.kubernetes.io/zone), the volumes
// whose topology would decide where pods go: persistent volume claims
// and generic ephemeral volumes, bound to a zone's storage. jobsim does
// not simulate volumes; without zones, they change nothing.
func (s *Scenario) checkScheduling(sj *ScenarioJob, ps *problems) {
	if !s.hasZones() {
		return
	}
	j := sj.Manifest
	for i, v := range j.Object.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil || v.Ephemeral != nil {
			j.notSupported(ps, fmt.Sprintf("spec.template.spec.volumes[%d]", i),
				"a persistent volume's zone would decide where the pods go in a cluster with zones (kube-scheduler's VolumeBinding and VolumeZone), and jobsim does not simulate volumes")
		}
	}
}

// hasZones reports whether some node pool is in a zone.
func (s *Scenario) hasZones() bool {
	for _, pool := range s.Nodes {
		if _, ok := pool.Labels[jobsim.LabelZone]; ok || len(pool.Zones) > 0 {
			return true
		}
	}
	return false
}

// dnsLabelErrors and dnsSubdomainErrors check name formats as the API
// server does.
func dnsLabelErrors(s string) []string     { return validation.IsDNS1123Label(s) }
func dnsSubdomainErrors(s string) []string { return validation.IsDNS1123Subdomain(s) }

// checkGates checks the feature gates against the version, at their
// lines, as jobsim.ValidateConfig does.
func (s *Scenario) checkGates(ps *problems) {
	err := jobsim.ValidateConfig(jobsim.Config{Version: s.KubernetesVersion, FeatureGates: s.FeatureGates})
	var verr *jobsim.ValidationError
	if !errors.As(err, &verr) {
		return
	}
	for _, fe := range verr.Errors {
		name := strings.TrimPrefix(fe.Field, "featureGates.")
		ps.add(s.File, s.gateLines[name], fe.Field, "%s", fieldErrorMessage(fe))
	}
}
