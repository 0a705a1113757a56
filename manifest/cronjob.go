package manifest

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"go.yaml.in/yaml/v3"

	"github.com/jobsim/jobsim"
)

// CronJob is one batch/v1 CronJob read from a manifest, defaulted and
// validated as the API server would on create.
type CronJob struct {
	// Object is the CronJob as the API server stores it on create: its
	// defaults applied (concurrencyPolicy, suspend, the history limits,
	// the pod template's), with status and server-set metadata cleared.
	Object *batchv1.CronJob
	// CronJob is the same CronJob in jobsim's types, ready for
	// jobsim.Cluster.SubmitCronJob.
	CronJob jobsim.CronJob
	// Template is the CronJob's spec.jobTemplate read as a Job (named as
	// the CronJob, as each Job it creates is named after it), for the
	// objects of its Jobs and their pods (JobObject, PodObject).
	Template *Job
	// File is the file the CronJob was read from.
	File string
	// Line is the line of File where its object starts.
	Line int

	lines  map[string]int
	prefix string
}

// problem reports a problem at a field path of the CronJob.
func (cj *CronJob) problem(ps *problems, path, format string, args ...any) {
	line := lineOf(cj.lines, path)
	if line == 0 {
		line = cj.Line
	}
	ps.add(cj.File, line, cj.prefix+path, format, args...)
}

// templatePath is where, in a CronJob, the fields of the Job it creates
// are.
const templatePath = "spec.jobTemplate."

// decodeCronJob decodes, defaults and validates one batch/v1 CronJob
// node, as decodeJob does a Job. Its job template is read as a Job is,
// at field paths under spec.jobTemplate, so that what jobsim does not
// simulate in a Job is refused in a CronJob's Jobs too.
func decodeCronJob(file string, n *yaml.Node, offset int, prefix string, ps *problems) *CronJob {
	before := len(ps.list)
	c := newChecker(file, offset, prefix, ps)
	val := c.conv(n, reflect.TypeFor[batchv1.CronJob](), "")
	if c.budget <= 0 {
		ps.add(file, n.Line+offset, strings.TrimSuffix(prefix, "."), "the object is too large (more than %d YAML nodes, aliases expanded)", maxNodes)
		return nil
	}
	obj := &batchv1.CronJob{}
	if err := decodeJSON(val, obj); err != nil {
		if len(ps.list) == before {
			ps.add(file, n.Line+offset, strings.TrimSuffix(prefix, "."), "%s", jsonErrorText(err))
		}
		return nil
	}
	cj := &CronJob{Object: obj, File: file, Line: n.Line + offset, lines: c.lines, prefix: prefix}
	var admitted problems
	cj.admit(&admitted)
	for _, p := range admitted.list {
		if !c.echoes(strings.TrimPrefix(p.Field, prefix)) {
			ps.list = append(ps.list, p)
		}
	}
	if len(ps.list) > before {
		return nil
	}
	return cj
}

// admit does to a decoded CronJob what the API server does on create:
// clear what it sets itself, read the job template as a Job, apply the
// defaults and validate.
func (cj *CronJob) admit(ps *problems) {
	obj := cj.Object
	before := len(ps.list)
	m := &obj.ObjectMeta
	if m.ResourceVersion != "" {
		cj.problem(ps, "metadata.resourceVersion", "Invalid value: %q: resourceVersion should not be set on objects to be created", m.ResourceVersion)
	}
	if m.Name == "" && m.GenerateName != "" {
		cj.problem(ps, "metadata.generateName", "Forbidden: not supported by jobsim: give the CronJob a metadata.name")
	}
	if len(m.Finalizers) > 0 {
		cj.problem(ps, "metadata.finalizers", "Forbidden: not supported by jobsim: finalizers would keep a deleted CronJob around")
	}
	m.UID, m.CreationTimestamp, m.Generation = "", metav1.Time{}, 0
	m.DeletionTimestamp, m.DeletionGracePeriodSeconds, m.ManagedFields = nil, nil, nil
	obj.Status = batchv1.CronJobStatus{}
	if obj.Namespace == "" {
		obj.Namespace = "default"
	}

	tmpl := cj.templateJob(ps)
	out := jobsim.CronJob{
		Name:        obj.Name,
		Namespace:   obj.Namespace,
		Labels:      cloneMap(obj.Labels),
		Annotations: cloneMap(obj.Annotations),
	}
	s := &obj.Spec
	out.Spec = jobsim.CronJobSpec{
		Schedule:                   s.Schedule,
		TimeZone:                   clonePtr(s.TimeZone),
		ConcurrencyPolicy:          jobsim.ConcurrencyPolicy(s.ConcurrencyPolicy),
		SuccessfulJobsHistoryLimit: intPtr(s.SuccessfulJobsHistoryLimit),
		FailedJobsHistoryLimit:     intPtr(s.FailedJobsHistoryLimit),
	}
	if d := s.StartingDeadlineSeconds; d != nil {
		if *d > maxSeconds || *d < -maxSeconds {
			cj.problem(ps, "spec.startingDeadlineSeconds", "Invalid value: %d: must be at most %d", *d, int64(maxSeconds))
		} else {
			out.Spec.StartingDeadline = jobsim.Ptr(time.Duration(*d) * time.Second)
		}
	}
	if s.Suspend != nil {
		out.Spec.Suspend = *s.Suspend
	}
	if tmpl != nil {
		out.Spec.JobTemplate = jobsim.JobTemplate{
			Labels:      cloneMap(s.JobTemplate.Labels),
			Annotations: cloneMap(s.JobTemplate.Annotations),
			Spec:        tmpl.spec,
		}
	}
	jobsim.SetCronJobDefaults(&out)
	var verr *jobsim.ValidationError
	if err := jobsim.ValidateCronJob(out); errors.As(err, &verr) {
		for _, fe := range verr.Errors {
			if strings.HasPrefix(fe.Field, templatePath+"spec.") && fe.Field != templatePath+"spec.manualSelector" {
				continue // the Job rules, reported by the template's Job
			}
			cj.problem(ps, linePath(fe.Field), "%s", fieldErrorMessage(fe))
		}
	}
	if len(ps.list) > before || tmpl == nil {
		return
	}
	cj.CronJob = out
	cj.Template = tmpl.job
	// What the API server stores: the CronJob's defaults, and the pod
	// template's (the Job spec itself is defaulted in each Job).
	pol := batchv1.ConcurrencyPolicy(out.Spec.ConcurrencyPolicy)
	s.ConcurrencyPolicy = pol
	s.Suspend = jobsim.Ptr(out.Spec.Suspend)
	s.SuccessfulJobsHistoryLimit = int32Ptr(out.Spec.SuccessfulJobsHistoryLimit)
	s.FailedJobsHistoryLimit = int32Ptr(out.Spec.FailedJobsHistoryLimit)
	defaultPodTemplate(&s.JobTemplate.Spec.Template.Spec)
}

// templateResult is the job template read as a Job: the Job (named as
// the CronJob), and its spec before the Job defaults.
type templateResult struct {
	job  *Job
	spec jobsim.JobSpec
}

// templateJob reads spec.jobTemplate as the Job it creates, with the
// checks of a Job manifest, at the template's field paths. It returns
// nil if the template has problems, which it reports.
func (cj *CronJob) templateJob(ps *problems) *templateResult {
	obj := cj.Object
	t := obj.Spec.JobTemplate
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: *t.ObjectMeta.DeepCopy(),
		Spec:       *t.Spec.DeepCopy(),
	}
	// The name the Jobs get is the CronJob's and a suffix: the template's
	// own name and namespace are not used.
	job.Name, job.Namespace, job.GenerateName = obj.Name, obj.Namespace, ""
	if job.Name == "" {
		job.Name = "cronjob"
	}
	lines := map[string]int{}
	for k, l := range cj.lines {
		if rest, ok := strings.CutPrefix(k, templatePath); ok {
			lines[rest] = l
		}
	}
	line := lineOf(cj.lines, "spec.jobTemplate")
	if line == 0 {
		line = cj.Line
	}
	j := &Job{Object: job, File: cj.File, Line: line, lines: lines, prefix: cj.prefix + templatePath}
	before := len(ps.list)
	if sel := job.Spec.Selector; sel != nil {
		// ValidateJobTemplateSpec: each Job gets a selector of its own.
		data, _ := json.Marshal(sel)
		j.problem(ps, "spec.selector", "Invalid value: %s: `selector` will be auto-generated", clip(string(data)))
		job.Spec.Selector = nil
	}
	var scratch problems
	spec := j.convert(&scratch).Spec // before the Job defaults, as the CronJob stores it
	var admitted problems
	j.admit(&admitted)
	for _, p := range admitted.list {
		if strings.HasPrefix(strings.TrimPrefix(p.Field, j.prefix), "metadata.") {
			// The name is the CronJob's, checked as such; the template's
			// labels and annotations are not checked on create, as
			// upstream has it: a bad one fails each Job's creation.
			continue
		}
		ps.list = append(ps.list, p)
	}
	if len(ps.list) > before {
		return nil
	}
	return &templateResult{job: j, spec: spec}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
