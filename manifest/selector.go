package manifest

import (
	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	"github.com/jobsim/jobsim/internal/k8s/labels"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	metavalidation "github.com/jobsim/jobsim/internal/k8s/metavalidation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/jobsim/jobsim"
)

// The selector of a Job and the labels of its pod template, as the API
// server's job strategy makes and checks them (pkg/registry/batch/job,
// generateSelector; pkg/apis/batch/validation, validateGeneratedSelector
// and ValidateJobSpec). jobsim's own model has no selector: its pods
// always belong to their job. So these rules are checked here.

// generateSelector does what the API server does to a Job created without
// manualSelector: true. It adds the labels batch.kubernetes.io/job-name,
// job-name, batch.kubernetes.io/controller-uid and controller-uid to the
// pod template where they are absent, and batch.kubernetes.io/controller-uid
// to the selector's matchLabels.
func generateSelector(obj *batchv1.Job, uid string) {
	s := &obj.Spec
	if s.ManualSelector != nil && *s.ManualSelector {
		return
	}
	if s.Template.Labels == nil {
		s.Template.Labels = map[string]string{}
	}
	for _, k := range []string{jobsim.LegacyJobNameLabel, jobsim.JobNameLabel} {
		if _, ok := s.Template.Labels[k]; !ok {
			s.Template.Labels[k] = obj.Name
		}
	}
	for _, k := range []string{jobsim.LegacyControllerUIDLabel, jobsim.ControllerUIDLabel} {
		if _, ok := s.Template.Labels[k]; !ok {
			s.Template.Labels[k] = uid
		}
	}
	if s.Selector == nil {
		s.Selector = &metav1.LabelSelector{}
	}
	if s.Selector.MatchLabels == nil {
		s.Selector.MatchLabels = map[string]string{}
	}
	if _, ok := s.Selector.MatchLabels[jobsim.ControllerUIDLabel]; !ok {
		s.Selector.MatchLabels[jobsim.ControllerUIDLabel] = uid
	}
}

// placeholderUID stands for a UID not known yet.
const placeholderUID = "00000000-0000-4000-8000-000000000000"

// selectorErrors checks obj's selector and template labels as the API
// server does on create, after generating them with the Job's UID. With
// uid "" the UID is not known yet, and the checks that compare labels
// with it are left for later.
func selectorErrors(obj *batchv1.Job, uid string) field.ErrorList {
	cp := obj.DeepCopy()
	if uid == "" {
		uid = guessUID(cp)
	}
	generateSelector(cp, uid)
	s := &cp.Spec
	var errs field.ErrorList
	if s.ManualSelector == nil || !*s.ManualSelector {
		errs = append(errs, generatedSelectorErrors(cp, uid)...)
	}
	specPath := field.NewPath("spec")
	if s.Selector == nil {
		errs = append(errs, field.Required(specPath.Child("selector"), ""))
	} else {
		errs = append(errs, metavalidation.ValidateLabelSelector(s.Selector, metavalidation.LabelSelectorValidationOptions{}, specPath.Child("selector"))...)
	}
	if sel, err := metav1.LabelSelectorAsSelector(s.Selector); err == nil {
		if !sel.Matches(labels.Set(s.Template.Labels)) {
			errs = append(errs, field.Invalid(specPath.Child("template", "metadata", "labels"), s.Template.Labels, "`selector` does not match template `labels`"))
		}
	}
	return errs
}

// guessUID is the UID to check against while the real one is not known:
// the one the manifest itself names, if it names one, so that only the
// rules that do not depend on the UID can fail.
func guessUID(obj *batchv1.Job) string {
	for _, k := range []string{jobsim.ControllerUIDLabel, jobsim.LegacyControllerUIDLabel} {
		if v, ok := obj.Spec.Template.Labels[k]; ok {
			return v
		}
	}
	if sel := obj.Spec.Selector; sel != nil {
		if v, ok := sel.MatchLabels[jobsim.ControllerUIDLabel]; ok {
			return v
		}
	}
	return placeholderUID
}

// generatedSelectorErrors is validateGeneratedSelector: the template must
// carry the generated labels with the right values, and the selector must
// select them.
func generatedSelectorErrors(obj *batchv1.Job, uid string) field.ErrorList {
	var errs field.ErrorList
	meta := field.NewPath("spec", "template", "metadata")
	has := func(key, want string) {
		got, ok := obj.Spec.Template.Labels[key]
		switch {
		case !ok:
			errs = append(errs, field.Required(meta.Child("labels").Key(key), "must be '"+want+"'"))
		case got != want:
			errs = append(errs, field.Invalid(meta.Child("labels").Key(key), obj.Spec.Template.Labels, "must be '"+want+"'"))
		}
	}
	has(jobsim.LegacyControllerUIDLabel, uid)
	has(jobsim.LegacyJobNameLabel, obj.Name)
	has(jobsim.ControllerUIDLabel, uid)
	has(jobsim.JobNameLabel, obj.Name)
	expected := labels.Set{
		jobsim.ControllerUIDLabel:       uid,
		jobsim.JobNameLabel:             obj.Name,
		jobsim.LegacyControllerUIDLabel: uid,
		jobsim.LegacyJobNameLabel:       obj.Name,
	}
	if sel, err := metav1.LabelSelectorAsSelector(obj.Spec.Selector); err == nil && !sel.Matches(expected) {
		errs = append(errs, field.Invalid(field.NewPath("spec", "selector"), obj.Spec.Selector, "`selector` not auto-generated"))
	}
	return errs
}
