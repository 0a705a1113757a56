// The types of k8s.io/apimachinery/pkg/apis/meta/v1 that encode
// themselves (Time, MicroTime, FieldsV1), and the label selector helpers
// jobsim calls, written for the browser build to read and write JSON as
// upstream's do.

package v1

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jobsim/jobsim/internal/k8s/mirror/k8s.io/apimachinery/pkg/labels"
)

// Time is an instant that is written in JSON as an RFC 3339 string in
// UTC, to the second, or null when zero, and read back in local time.
type Time struct {
	time.Time
}

// NewTime returns t as a Time.
func NewTime(t time.Time) Time { return Time{t} }

// Now returns the current time.
func Now() Time { return Time{time.Now()} }

// IsZero reports whether t is nil or the zero instant.
func (t *Time) IsZero() bool { return t == nil || t.Time.IsZero() }

// Before reports whether both are set and t is before u.
func (t *Time) Before(u *Time) bool { return t != nil && u != nil && t.Time.Before(u.Time) }

// Equal reports whether both are nil, or both set to the same instant.
func (t *Time) Equal(u *Time) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Time.Equal(u.Time)
}

// Rfc3339Copy returns t truncated to what its JSON keeps.
func (t Time) Rfc3339Copy() Time {
	c, _ := time.Parse(time.RFC3339, t.Format(time.RFC3339))
	return Time{c}
}

// MarshalJSON writes null for the zero time, else the RFC 3339 string.
func (t Time) MarshalJSON() ([]byte, error) { return marshalTime(t.Time, time.RFC3339) }

// UnmarshalJSON reads null (the zero time) or an RFC 3339 string.
func (t *Time) UnmarshalJSON(b []byte) error { return unmarshalTime(&t.Time, b, time.RFC3339) }

// MicroTime is Time to the microsecond.
type MicroTime struct {
	time.Time
}

// NewMicroTime returns t as a MicroTime.
func NewMicroTime(t time.Time) MicroTime { return MicroTime{t} }

// IsZero reports whether t is nil or the zero instant.
func (t *MicroTime) IsZero() bool { return t == nil || t.Time.IsZero() }

// MarshalJSON writes null for the zero time, else the string of
// RFC3339Micro.
func (t MicroTime) MarshalJSON() ([]byte, error) { return marshalTime(t.Time, RFC3339Micro) }

// UnmarshalJSON reads null (the zero time) or a string of RFC3339Micro.
func (t *MicroTime) UnmarshalJSON(b []byte) error { return unmarshalTime(&t.Time, b, RFC3339Micro) }

// marshalTime writes t in UTC with layout, quoted, or null when zero.
func marshalTime(t time.Time, layout string) ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(layout))
}

// unmarshalTime reads null or a JSON string of layout into t, local.
func unmarshalTime(t *time.Time, b []byte, layout string) error {
	if string(b) == "null" {
		*t = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := time.Parse(layout, s)
	if err != nil {
		return err
	}
	*t = parsed.Local()
	return nil
}

// FieldsV1 is a set of fields (of managedFields), kept as its JSON.
type FieldsV1 struct {
	// Raw is the JSON.
	Raw []byte `json:"-"`
}

// String returns the JSON.
func (f FieldsV1) String() string { return string(f.Raw) }

// MarshalJSON writes the JSON kept, or null.
func (f FieldsV1) MarshalJSON() ([]byte, error) {
	if f.Raw == nil {
		return []byte("null"), nil
	}
	return f.Raw, nil
}

// UnmarshalJSON keeps a copy of b; null leaves f as it was. (The error on
// a nil f has the API's wording.)
func (f *FieldsV1) UnmarshalJSON(b []byte) error {
	switch {
	case f == nil:
		return errors.New("metav1.FieldsV1: UnmarshalJSON on nil pointer")
	case string(b) == "null":
		return nil
	}
	f.Raw = bytes.Clone(b)
	return nil
}

// LabelSelectorAsSelector returns the selector sel stands for: none
// matches nothing, an empty one everything. Its matchLabels ask for
// equal values, its matchExpressions as their operators say. The error
// is that of the first requirement, in that order, with an unknown
// operator or that upstream's labels.NewRequirement refuses.
func LabelSelectorAsSelector(sel *LabelSelector) (labels.Selector, error) {
	if sel == nil {
		return labels.Nothing(), nil
	}
	reqs := make([]labels.Requirement, 0, len(sel.MatchLabels)+len(sel.MatchExpressions))
	for k, v := range sel.MatchLabels {
		r := labels.Requirement{Key: k, Op: labels.Equal, Values: []string{v}}
		if err := r.Check(); err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	for _, e := range sel.MatchExpressions {
		op, ok := selectorOps[e.Operator]
		if !ok {
			return nil, fmt.Errorf("%q is not a valid label selector operator", e.Operator)
		}
		// A copy of the values, nil when there are none.
		r := labels.Requirement{Key: e.Key, Op: op, Values: append([]string(nil), e.Values...)}
		if err := r.Check(); err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	return labels.SelectorFromRequirements(reqs), nil
}

// selectorOps are the operators of matchExpressions.
var selectorOps = map[LabelSelectorOperator]labels.Op{
	LabelSelectorOpIn:           labels.In,
	LabelSelectorOpNotIn:        labels.NotIn,
	LabelSelectorOpExists:       labels.Exists,
	LabelSelectorOpDoesNotExist: labels.DoesNotExist,
}

// FormatLabelSelector returns sel as kubectl prints it: "<none>" for
// none or an empty one, "<error>" for one that is wrong.
func FormatLabelSelector(sel *LabelSelector) string {
	s, err := LabelSelectorAsSelector(sel)
	switch {
	case err != nil:
		return "<error>"
	case s.String() == "":
		return "<none>"
	}
	return s.String()
}

// GetName returns the name: the accessor of metav1.Object that jobsim
// uses.
func (meta *ObjectMeta) GetName() string { return meta.Name }

// GetNamespace returns the namespace: the accessor of metav1.Object that
// jobsim uses.
func (meta *ObjectMeta) GetNamespace() string { return meta.Namespace }
