package manifest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/jobsim/jobsim"
)

// ScenarioCronJob is one CronJob of a scenario (cronJobs:), or of a plain
// manifest.
type ScenarioCronJob struct {
	// Manifest is the CronJob.
	Manifest *CronJob
	// At is when it is created, after the scenario's start.
	At time.Duration
	// Pods says how the containers of every Job it creates behave, but
	// for the Jobs listed in JobPods.
	Pods Pods
	// JobPods replaces Pods for given Jobs, by their creation ordinal
	// under the CronJob: 0 is the first Job it creates.
	JobPods map[int]Pods
	// Actions are the edits and the deletion made to the CronJob, in the
	// order of the file.
	Actions []CronAction

	path string // "cronJobs[0]"
	line int
}

// Behavior returns how the containers of the CronJob's Jobs run: the
// behaviour of JobPods for the Job of that ordinal, else Pods, for a
// Job whose pod template is t. ordinal tells the ordinal of a Job by its
// namespace and name; it returns false for a Job it does not know, which
// then behaves per Pods.
func (sc *ScenarioCronJob) Behavior(t jobsim.PodTemplate, ordinal func(ns, name string) (int, bool)) jobsim.Behavior {
	base := sc.Pods.Behavior(t)
	if len(sc.JobPods) == 0 {
		return base
	}
	per := make(map[int]jobsim.Behavior, len(sc.JobPods))
	for k, p := range sc.JobPods {
		per[k] = p.Behavior(t)
	}
	return jobsim.BehaviorFunc(func(rc *jobsim.RunContext) jobsim.Run {
		if n, ok := ordinal(rc.Namespace, rc.Job); ok {
			if b, ok := per[n]; ok {
				return b.Next(rc)
			}
		}
		return base.Next(rc)
	})
}

// deletedAt returns when an action deletes the CronJob, if one does.
func (sc *ScenarioCronJob) deletedAt() (time.Duration, bool) {
	for _, a := range sc.Actions {
		if a.Delete {
			return a.At, true
		}
	}
	return 0, false
}

// CronAction is a change made to a CronJob at a given time, as `kubectl
// edit`, `kubectl patch` or `kubectl delete` would. Nil fields are left as
// they are. Every field of a CronJob's spec may change
// (ValidateCronJobUpdate); the scenario lets one change those that decide
// when Jobs are created and kept.
type CronAction struct {
	// At is when, after the scenario's start.
	At time.Duration
	// Delete deletes the CronJob (and, through the garbage collector,
	// its Jobs and their pods); it comes alone.
	Delete bool

	Suspend                    *bool                     // spec.suspend
	Schedule                   *string                   // spec.schedule
	TimeZone                   *string                   // spec.timeZone
	ConcurrencyPolicy          *jobsim.ConcurrencyPolicy // spec.concurrencyPolicy
	StartingDeadline           *time.Duration            // spec.startingDeadlineSeconds
	SuccessfulJobsHistoryLimit *int                      // spec.successfulJobsHistoryLimit
	FailedJobsHistoryLimit     *int                      // spec.failedJobsHistoryLimit

	path  string         // "cronJobs[0].actions[1]"
	line  int            // line of the action
	lines map[string]int // key → line
}

// Apply makes the action's changes to a CronJob's spec.
func (a *CronAction) Apply(s *jobsim.CronJobSpec) {
	if a.Suspend != nil {
		s.Suspend = *a.Suspend
	}
	if a.Schedule != nil {
		s.Schedule = *a.Schedule
	}
	if a.TimeZone != nil {
		s.TimeZone = jobsim.Ptr(*a.TimeZone)
	}
	if a.ConcurrencyPolicy != nil {
		s.ConcurrencyPolicy = *a.ConcurrencyPolicy
	}
	if a.StartingDeadline != nil {
		s.StartingDeadline = jobsim.Ptr(*a.StartingDeadline)
	}
	if a.SuccessfulJobsHistoryLimit != nil {
		s.SuccessfulJobsHistoryLimit = jobsim.Ptr(*a.SuccessfulJobsHistoryLimit)
	}
	if a.FailedJobsHistoryLimit != nil {
		s.FailedJobsHistoryLimit = jobsim.Ptr(*a.FailedJobsHistoryLimit)
	}
}

func (a *CronAction) lineOf(key string) int {
	if l, ok := a.lines[key]; ok {
		return l
	}
	return a.line
}

// The controller a fault may stop and start (faults[].controller).
const ControllerCronJob = "cronjob"

// The actions of a fault of a controller.
const (
	FaultDown FaultAction = "down" // the controller stops
	FaultUp   FaultAction = "up"   // it starts again
)

func (p *scenarioParser) cronJobs(_, v *yaml.Node, path string) {
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		sc := &ScenarioCronJob{path: path, line: p.line(orNode(resolve(e)))}
		var fileNode, objNode, key *yaml.Node
		p.fields(e, path, map[string]func(k, v *yaml.Node, path string){
			"file": func(k, v *yaml.Node, path string) {
				fileNode, key = v, k
				if name, ok := p.str(v, path); ok {
					sc.Manifest = p.fileCronJob(v, path, name)
				}
			},
			"cronJob": func(k, v *yaml.Node, path string) {
				objNode, key = v, k
				sc.Manifest = p.inlineCronJob(v, path)
			},
			"at": func(_, v *yaml.Node, path string) {
				sc.At, _ = p.duration(v, path)
			},
			"pods": func(_, v *yaml.Node, path string) {
				var sj ScenarioJob
				p.pods(v, path, &sj)
				sc.Pods = sj.Pods
			},
			"jobs":    func(_, v *yaml.Node, path string) { sc.JobPods = p.cronJobPods(v, path) },
			"actions": func(_, v *yaml.Node, path string) { sc.Actions = p.cronActions(v, path) },
		})
		switch {
		case fileNode != nil && objNode != nil:
			p.problem(key, path, "Invalid value: give either file or cronJob, not both")
		case fileNode == nil && objNode == nil:
			p.problem(e, path+".file", "Required value: give the CronJob's manifest file (file) or the CronJob itself (cronJob)")
		}
		p.s.CronJobs = append(p.s.CronJobs, sc)
	})
}

// cronJobPods reads jobs: the pods blocks of given Jobs of a CronJob, by
// their creation ordinal.
func (p *scenarioParser) cronJobPods(v *yaml.Node, path string) map[int]Pods {
	v = resolve(v)
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		p.problem(v, path, "expected an object whose keys are the ordinals of the CronJob's Jobs (\"0\" is the first it creates), got %s", kindName(v))
		return nil
	}
	out := map[int]Pods{}
	for _, kv := range mappingPairs(v) {
		k := resolve(kv[0])
		kp := fmt.Sprintf("%s[%s]", path, clip(orNode(k).Value))
		n, err := parseKey(k)
		if err != "" {
			p.problem(orNode(k), kp, "%s", strings.ReplaceAll(err, "completion index or pod ordinal", "Job's ordinal"))
			continue
		}
		if _, dup := out[n]; dup {
			p.problem(k, kp, "Duplicate value: %d", n)
			continue
		}
		var sj ScenarioJob
		p.pods(kv[1], kp, &sj)
		out[n] = sj.Pods
	}
	return out
}

// fileCronJob reads the one CronJob of a manifest file a scenario names.
func (p *scenarioParser) fileCronJob(v *yaml.Node, path, name string) *CronJob {
	d, ok := p.fileObjects(v, path, name)
	if !ok {
		return nil
	}
	p.s.Notices = append(p.s.Notices, notices(d.others)...)
	if len(d.cronJobs) != 1 || len(d.jobs) > 0 {
		p.problem(v, path, "Invalid value: %q: the file holds %s; a scenario CronJob needs exactly one CronJob", name, holds(d))
		return nil
	}
	return d.cronJobs[0]
}

// inlineCronJob reads a CronJob written in the scenario itself.
func (p *scenarioParser) inlineCronJob(v *yaml.Node, path string) *CronJob {
	v = resolve(v)
	if v == nil || v.Kind != yaml.MappingNode {
		p.problem(orNode(v), path, "expected a batch/v1 CronJob object, got %s", kindName(v))
		return nil
	}
	before := len(p.ps.list)
	d := decodeObject(p.file, v, p.offset, path+".", p.ps)
	if len(p.ps.list) > before {
		return nil
	}
	if len(d.cronJobs) != 1 {
		p.problem(v, path, "Invalid value: expected a batch/v1 CronJob")
		return nil
	}
	return d.cronJobs[0]
}

func (p *scenarioParser) cronActions(v *yaml.Node, path string) []CronAction {
	var out []CronAction
	p.list(v, path, func(_ int, e *yaml.Node, path string) {
		a := CronAction{path: path, line: p.line(orNode(resolve(e))), lines: map[string]int{}}
		ac := &actionCommon{p: p, lines: a.lines}
		change := ac.change
		str := func(dst **string) func(k, v *yaml.Node, path string) {
			return func(k, v *yaml.Node, path string) {
				change(k)
				if s, ok := p.str(v, path); ok {
					*dst = &s
				}
			}
		}
		count := func(dst **int) func(k, v *yaml.Node, path string) {
			return func(k, v *yaml.Node, path string) {
				change(k)
				if n, ok := p.int(v, path, -1<<31, 1<<31-1); ok {
					*dst = &n
				}
			}
		}
		p.fields(e, path, ac.with(&a.At, &a.Delete, &a.Suspend, "CronJob", map[string]func(k, v *yaml.Node, path string){
			"schedule": str(&a.Schedule),
			"timeZone": str(&a.TimeZone),
			"concurrencyPolicy": func(k, v *yaml.Node, path string) {
				change(k)
				if s, ok := p.str(v, path); ok {
					cp := jobsim.ConcurrencyPolicy(s)
					a.ConcurrencyPolicy = &cp
				}
			},
			"startingDeadlineSeconds": func(k, v *yaml.Node, path string) {
				change(k)
				if n, ok := p.int(v, path, -1<<31, 1<<31-1); ok {
					d := time.Duration(n) * time.Second
					a.StartingDeadline = &d
				}
			},
			"successfulJobsHistoryLimit": count(&a.SuccessfulJobsHistoryLimit),
			"failedJobsHistoryLimit":     count(&a.FailedJobsHistoryLimit),
		}))
		ac.check(e, path, "an action changes a field (suspend, schedule, timeZone, concurrencyPolicy, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit) or deletes the CronJob (delete: true)")
		out = append(out, a)
	})
	return out
}

// checkCronJobs runs the checks of the scenario's CronJobs that need the
// whole scenario: names that clash, the actions as the API server would
// check each edit, the until a CronJob needs, and the checks of their
// Jobs' pod templates that a Job gets.
func (s *Scenario) checkCronJobs(ps *problems) {
	var crons []*ScenarioCronJob
	for _, sc := range s.CronJobs {
		if sc.Manifest != nil {
			crons = append(crons, sc)
		}
	}
	for k, sc := range crons {
		for _, prev := range crons[:k] {
			pm, m := prev.Manifest.CronJob, sc.Manifest.CronJob
			if pm.Namespace != m.Namespace || pm.Name != m.Name {
				continue
			}
			if at, ok := prev.deletedAt(); ok && at < sc.At {
				continue
			}
			ps.add(s.File, sc.line, sc.path, "Invalid value: cronjobs.batch %q already exists in namespace %q (%s): delete it first with an action {at: ..., delete: true}",
				m.Name, m.Namespace, prev.path)
			break
		}
		s.checkCronActions(sc, ps)
		if dropped := sc.Manifest.Template.versionFields(s.KubernetesVersion, s.FeatureGates, ps); len(dropped) > 0 {
			s.Notices = append(s.Notices, Notice{File: sc.Manifest.File, Line: sc.Manifest.Line, Message: dropNotice(s.KubernetesVersion, dropped)})
		}
		sj := &ScenarioJob{Manifest: sc.Manifest.Template, path: sc.path, line: sc.line}
		s.checkPriorityClass(sj, ps)
		s.checkRuntimeClass(sj, ps)
		s.checkScheduling(sj, ps)
	}
	if s.IsScenario && s.Until == 0 && len(crons) > 0 {
		for _, sc := range crons {
			if _, ok := sc.deletedAt(); !ok {
				ps.add(s.File, sc.line, "until", "Required value: a scenario with cronJobs runs until a given time")
				break
			}
		}
	}
}

// checkCronActions applies a CronJob's actions in time order to a copy
// and checks each edit as ValidateCronJobUpdate would.
func (s *Scenario) checkCronActions(sc *ScenarioCronJob, ps *problems) {
	order := make([]int, len(sc.Actions))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sc.Actions[a].At, sc.Actions[b].At) })
	cur := sc.Manifest.CronJob
	deleted := ""
	for _, k := range order {
		a := &sc.Actions[k]
		switch {
		case a.At < sc.At:
			ps.add(s.File, a.lineOf("at"), a.path+".at", "Invalid value: %q: the CronJob is only created at %v", a.At.String(), sc.At)
			continue
		case deleted != "":
			ps.add(s.File, a.line, a.path, "Forbidden: the CronJob is deleted before, by %s", deleted)
			continue
		case a.Delete:
			deleted = a.path
			continue
		}
		next := cur
		next.Spec = cur.Spec
		next.Spec.TimeZone = clonePtr(cur.Spec.TimeZone)
		next.Spec.StartingDeadline = clonePtr(cur.Spec.StartingDeadline)
		next.Spec.SuccessfulJobsHistoryLimit = clonePtr(cur.Spec.SuccessfulJobsHistoryLimit)
		next.Spec.FailedJobsHistoryLimit = clonePtr(cur.Spec.FailedJobsHistoryLimit)
		a.Apply(&next.Spec)
		jobsim.SetCronJobDefaults(&next)
		var verr *jobsim.ValidationError
		if err := jobsim.ValidateCronJobUpdate(cur, next); errors.As(err, &verr) {
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
	}
}
