package jobsim

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// This file holds the error types, SetDefaults and the entry points
// Validate and ValidateUpdate. The rules themselves live in
// validate_spec.go (the Job spec), validate_pod.go (the pod template) and
// validate_names.go (name formats, index lists, semantic equality). They
// reproduce pkg/apis/batch/validation of Kubernetes v1.35.4 and the parts of
// pkg/apis/core/validation that apply to jobsim's types, with the messages
// the API server prints.

// ErrorType is the kind of a FieldError. Its values are the human-readable
// strings apimachinery prints for each kind.
type ErrorType string

// The field error kinds jobsim reports.
const (
	// ErrorTypeInvalid is a malformed or out-of-range value.
	ErrorTypeInvalid ErrorType = "Invalid value"
	// ErrorTypeRequired is a value that must be set but is not.
	ErrorTypeRequired ErrorType = "Required value"
	// ErrorTypeNotSupported is a value outside an enumeration.
	ErrorTypeNotSupported ErrorType = "Unsupported value"
	// ErrorTypeDuplicate is a value that must be unique but is not.
	ErrorTypeDuplicate ErrorType = "Duplicate value"
	// ErrorTypeTooMany is a list with too many items.
	ErrorTypeTooMany ErrorType = "Too many"
	// ErrorTypeTooLong is a value that is too long; the value itself is
	// not printed.
	ErrorTypeTooLong ErrorType = "Too long"
	// ErrorTypeForbidden is a well-formed value that is not allowed here.
	ErrorTypeForbidden ErrorType = "Forbidden"
	// ErrorTypeNotFound is a reference to something that does not exist.
	ErrorTypeNotFound ErrorType = "Not found"
)

// Annotations of the pod template that jobsim reads to decide what the
// containers of a job do when Submit is given no Behavior (see
// TemplateBehavior). Validate checks their format.
const (
	// RunAnnotation is how long each container run lasts, in
	// time.ParseDuration syntax ("90s", "1m30s"); it must not be negative.
	RunAnnotation = "jobsim.dev/run"
	// ExitCodeAnnotation is the exit code of each container run, an
	// integer from 0 to 255.
	ExitCodeAnnotation = "jobsim.dev/exit-code"
)

// omittedValue as a BadValue makes Error leave the value out, like
// apimachinery's field.OmitValueType.
type omittedValue struct{}

const jobKind = "Job.batch"

// SetDefaults applies the API server's defaulting for a new Job (batch/v1
// SetDefaults_Job, the pod-failure-policy pattern default and the pod-spec
// default for terminationGracePeriodSeconds). It does not default the
// template's restartPolicy: the API server would set Always, which Validate
// rejects, so an empty restartPolicy is reported as Validate would report
// Always. Maps and slices that SetDefaults changes are copied first, so
// defaulting never writes into values the caller still shares.
func SetDefaults(j *Job) { setDefaults(j, nil) }

// setDefaults is SetDefaults, with the pointers it sets into st when st
// is not nil (a job's own store, see specStore).
func setDefaults(j *Job, st *specStore) {
	if j == nil {
		return
	}
	if j.Namespace == "" {
		j.Namespace = "default"
	}
	s := &j.Spec
	if s.Completions == nil && s.Parallelism == nil {
		s.Completions = st.intPtr(storeCompletions, 1)
	}
	if s.Parallelism == nil {
		s.Parallelism = st.intPtr(storeParallelism, 1)
	}
	if s.CompletionMode == "" {
		s.CompletionMode = NonIndexed
	}
	if s.BackoffLimit == nil {
		if s.BackoffLimitPerIndex != nil {
			s.BackoffLimit = st.intPtr(storeBackoffLimit, math.MaxInt32)
		} else {
			s.BackoffLimit = st.intPtr(storeBackoffLimit, 6)
		}
	}
	if s.PodReplacementPolicy == "" {
		if s.PodFailurePolicy != nil {
			s.PodReplacementPolicy = ReplaceFailed
		} else {
			s.PodReplacementPolicy = ReplaceTerminatingOrFailed
		}
	}
	s.PodFailurePolicy = defaultedPodFailurePolicy(s.PodFailurePolicy)
	if len(j.Labels) == 0 && s.Template.Labels != nil {
		j.Labels = st.copyMap(storeLabels, s.Template.Labels)
	}
	if s.Template.Spec.TerminationGracePeriod == nil {
		s.Template.Spec.TerminationGracePeriod = st.gracePeriod(30 * time.Second)
	}
}

// defaultedPodFailurePolicy returns a copy of p in which every
// onPodConditions pattern without a status has status True. It returns p
// itself when nothing needs defaulting, and nil for nil.
func defaultedPodFailurePolicy(p *PodFailurePolicy) *PodFailurePolicy {
	if p == nil || !needsStatusDefault(p) {
		return p
	}
	cp := &PodFailurePolicy{Rules: slices.Clone(p.Rules)}
	for i := range cp.Rules {
		r := &cp.Rules[i]
		r.OnPodConditions = slices.Clone(r.OnPodConditions)
		for k := range r.OnPodConditions {
			if r.OnPodConditions[k].Status == "" {
				r.OnPodConditions[k].Status = ConditionTrue
			}
		}
	}
	return cp
}

func needsStatusDefault(p *PodFailurePolicy) bool {
	for _, r := range p.Rules {
		for _, c := range r.OnPodConditions {
			if c.Status == "" {
				return true
			}
		}
	}
	return false
}

// Validate checks a Job about to be created, after SetDefaults, as the API
// server's create validation does (batch ValidateJob, minus the checks of
// the selector and its generated labels, which jobsim makes itself). It
// returns nil or a *ValidationError that lists every problem found.
func Validate(j Job) error {
	return toError(j.Name, validateJob(&j))
}

// ValidateUpdate checks replacing old with new: new must pass create
// validation, its name and namespace must not change, and neither may the
// spec's immutable fields (ValidateJobSpecUpdate): completionMode,
// podFailurePolicy, backoffLimitPerIndex, managedBy, successPolicy, the pod
// template, and completions (which an Indexed job may change only together
// with parallelism, to the same value). Both jobs are expected to be
// defaulted. It returns nil or a *ValidationError.
//
// It does not see the job's status, so it holds the whole template
// immutable. Cluster.Update also knows the status and the version: there
// a suspended job that never started (and, from 1.36, one suspended with
// no active pods) may change its template's scheduling directives, and
// from 1.36 its containers' resources.
func ValidateUpdate(old, new Job) error {
	return validateUpdate(old, new, templateUpdate{})
}

// validateUpdate is ValidateUpdate with what tu allows of the template.
func validateUpdate(old, new Job, tu templateUpdate) error {
	errs := validateJob(&new)
	errs.immutable("metadata.name", new.Name, old.Name, new.Name)
	errs.immutable("metadata.namespace", new.Namespace, old.Namespace, new.Namespace)
	errs = append(errs, validateSpecUpdate(&old.Spec, &new.Spec, tu)...)
	return toError(new.Name, errs)
}

// validateJob runs all create-time rules in the order the API server does.
func validateJob(j *Job) fieldErrors {
	var errs fieldErrors
	errs.objectMeta(j)
	errs = append(errs, validateJobSpec(&j.Spec)...)
	errs.indexedPodHostnames(j)
	return errs
}

// objectMeta checks the Job's name, namespace, labels and annotations.
func (l *fieldErrors) objectMeta(j *Job) {
	l.meta(j.Name, j.Namespace, j.Labels, j.Annotations)
}

// meta checks an object's name (a DNS subdomain), namespace, labels and
// annotations (ValidateObjectMeta).
func (l *fieldErrors) meta(name, namespace string, labels, annotations map[string]string) {
	if name == "" {
		l.required("metadata.name", "name or generateName is required")
	} else {
		for _, msg := range dns1123SubdomainMsgs(name, "characters") {
			l.invalid("metadata.name", name, msg)
		}
	}
	if namespace == "" {
		l.required("metadata.namespace", "")
	} else {
		for _, msg := range dns1123LabelMsgs(namespace) {
			l.invalid("metadata.namespace", namespace, msg)
		}
	}
	l.labels("metadata.labels", labels)
	l.annotations("metadata.annotations", annotations)
}

// indexedPodHostnames checks that the hostname of an Indexed job's last
// pod, <name>-<completions-1>, is a DNS label; the job could not create
// that pod otherwise.
func (l *fieldErrors) indexedPodHostnames(j *Job) {
	c := j.Spec.Completions
	if j.Spec.CompletionMode != Indexed || c == nil || *c <= 0 {
		return
	}
	host := j.Name + "-" + strconv.Itoa(*c-1)
	if len(dns1123LabelMsgs(host)) > 0 {
		l.invalid("metadata.name", j.Name, "will not able to create pod with invalid DNS label: "+host)
	}
}
