// Package validation is the browser build's
// k8s.io/apimachinery/pkg/apis/meta/v1/validation: the checks of a label
// selector, with the API server's errors.
package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	metav1 "github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/apis/meta/v1"
	"github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/util/validation"
)

// LabelSelectorValidationOptions relaxes ValidateLabelSelector, as
// upstream's options of the same names do.
type LabelSelectorValidationOptions struct {
	// AllowInvalidLabelValueInSelector: the values of requirements are
	// not checked as label values.
	AllowInvalidLabelValueInSelector bool
	// AllowUnknownOperatorInRequirement: an operator other than In,
	// NotIn, Exists and DoesNotExist is no error.
	AllowUnknownOperatorInRequirement bool
}

// ValidateLabelSelector returns what is wrong with sel, whose path is at:
// its matchLabels, then each of its matchExpressions. A nil selector has
// nothing wrong.
func ValidateLabelSelector(sel *metav1.LabelSelector, opts LabelSelectorValidationOptions, at *field.Path) field.ErrorList {
	errs := field.ErrorList{}
	if sel == nil {
		return errs
	}
	labelsAt := at.Child("matchLabels")
	for k, v := range sel.MatchLabels {
		errs = append(errs, keyErrors(k, labelsAt)...)
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(labelsAt, v, msg).WithOrigin("format=k8s-label-value"))
		}
	}
	for i := range sel.MatchExpressions {
		errs = append(errs, requirementErrors(&sel.MatchExpressions[i], opts, at.Child("matchExpressions").Index(i))...)
	}
	return errs
}

// requirementErrors checks one of matchExpressions: its operator and the
// number of values it takes, its key, then its values.
func requirementErrors(r *metav1.LabelSelectorRequirement, opts LabelSelectorValidationOptions, at *field.Path) field.ErrorList {
	var errs field.ErrorList
	valuesAt := at.Child("values")
	switch r.Operator {
	case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
		if len(r.Values) == 0 {
			errs = append(errs, field.Required(valuesAt, "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
		if len(r.Values) != 0 {
			errs = append(errs, field.Forbidden(valuesAt, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	default:
		if !opts.AllowUnknownOperatorInRequirement {
			errs = append(errs, field.Invalid(at.Child("operator"), r.Operator, "not a valid selector operator"))
		}
	}
	errs = append(errs, keyErrors(r.Key, at.Child("key"))...)
	if opts.AllowInvalidLabelValueInSelector {
		return errs
	}
	for i, v := range r.Values {
		for _, msg := range validation.IsValidLabelValue(v) {
			errs = append(errs, field.Invalid(valuesAt.Index(i), v, msg))
		}
	}
	return errs
}

// keyErrors checks a label key.
func keyErrors(key string, at *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(key) {
		errs = append(errs, field.Invalid(at, key, msg).WithOrigin("format=k8s-label-key"))
	}
	return errs
}
