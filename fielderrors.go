package jobsim

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The errors validation reports, one per field, in the API server's
// wording, and the primitives the validators build them with.

// FieldError is one validation problem, shaped like apimachinery's
// field.Error: the kind, the field path (such as
// "spec.podFailurePolicy.rules[0].action"), the offending value and a
// detail message.
type FieldError struct {
	Type     ErrorType
	Field    string
	BadValue any
	Detail   string
}

// Error formats the error as apimachinery's field.Error.Error does, for
// example "spec.parallelism: Invalid value: -1: must be greater than or
// equal to 0".
func (e FieldError) Error() string {
	return e.Field + ": " + e.body()
}

// body is the message without the field path.
func (e FieldError) body() string {
	var s string
	switch e.Type {
	case ErrorTypeRequired, ErrorTypeForbidden, ErrorTypeTooLong:
		s = string(e.Type)
	case ErrorTypeInvalid, ErrorTypeNotSupported, ErrorTypeNotFound, ErrorTypeDuplicate, ErrorTypeTooMany:
		s = string(e.Type)
		if _, omit := e.BadValue.(omittedValue); !omit {
			s += ": " + formatBadValue(e.BadValue)
		}
	default:
		s = fmt.Sprintf("Internal error: unhandled error code: %s: please report this", string(e.Type))
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// formatBadValue prints a value the way apimachinery does: plain numbers
// and booleans as they are, strings quoted, anything else (including named
// string types such as CompletionMode) as JSON.
func formatBadValue(v any) string {
	switch t := v.(type) {
	case int, int64, int32, float64, float32, bool:
		return fmt.Sprint(t)
	case string:
		return strconv.Quote(t)
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%#v", v)
}

// ValidationError is what Validate and ValidateUpdate return: every
// problem found in one object.
type ValidationError struct {
	// Kind is the qualified kind, "Job.batch".
	Kind string
	// Name is the object's name.
	Name string
	// Errors lists the problems in the order they were found.
	Errors []FieldError
}

// Error formats the error as the API server's "Invalid" status message:
// `Job.batch "NAME" is invalid: ERR` for one distinct error and
// `Job.batch "NAME" is invalid: [ERR1, ERR2]` for several.
func (e *ValidationError) Error() string {
	kind := e.Kind
	if kind == "" {
		kind = jobKind
	}
	var msgs []string
	for _, fe := range e.Errors {
		if m := fe.Error(); !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	head := fmt.Sprintf("%s %q is invalid", kind, e.Name)
	switch len(msgs) {
	case 0:
		return head
	case 1:
		return head + ": " + msgs[0]
	}
	return head + ": [" + strings.Join(msgs, ", ") + "]"
}

func toError(name string, errs fieldErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Kind: jobKind, Name: name, Errors: errs}
}

// fieldErrors collects FieldErrors; its methods mirror apimachinery's
// constructors (field.Invalid, field.Required, ...).
type fieldErrors []FieldError

func (l *fieldErrors) invalid(path string, v any, detail string) {
	*l = append(*l, FieldError{Type: ErrorTypeInvalid, Field: path, BadValue: v, Detail: detail})
}

func (l *fieldErrors) required(path, detail string) {
	*l = append(*l, FieldError{Type: ErrorTypeRequired, Field: path, BadValue: "", Detail: detail})
}

func (l *fieldErrors) forbidden(path, detail string) {
	*l = append(*l, FieldError{Type: ErrorTypeForbidden, Field: path, BadValue: "", Detail: detail})
}

func (l *fieldErrors) duplicate(path string, v any) {
	*l = append(*l, FieldError{Type: ErrorTypeDuplicate, Field: path, BadValue: v})
}

// notSupported reports v and lists the supported values, quoted.
func (l *fieldErrors) notSupported(path string, v any, supported ...string) {
	quoted := make([]string, len(supported))
	for i, s := range supported {
		quoted[i] = strconv.Quote(s)
	}
	detail := ""
	if len(quoted) > 0 {
		detail = "supported values: " + strings.Join(quoted, ", ")
	}
	*l = append(*l, FieldError{Type: ErrorTypeNotSupported, Field: path, BadValue: v, Detail: detail})
}

func (l *fieldErrors) tooMany(path string, n, limit int) {
	unit := "items"
	if limit == 1 {
		unit = "item"
	}
	*l = append(*l, FieldError{Type: ErrorTypeTooMany, Field: path, BadValue: n,
		Detail: fmt.Sprintf("must have at most %d %s", limit, unit)})
}

func (l *fieldErrors) tooLong(path string, limit int) {
	unit := "bytes"
	if limit == 1 {
		unit = "byte"
	}
	*l = append(*l, FieldError{Type: ErrorTypeTooLong, Field: path, BadValue: "<value omitted>",
		Detail: fmt.Sprintf("may not be more than %d %s", limit, unit)})
}

// immutable reports shown as "field is immutable" unless old and new are
// semantically equal (nil and empty slices and maps count as equal).
func (l *fieldErrors) immutable(path string, shown, old, new any) {
	if !semanticEqual(old, new) {
		l.invalid(path, shown, "field is immutable")
	}
}

// count checks an optional int32 count: not negative and within int32.
func (l *fieldErrors) count(path string, v *int) {
	if v == nil {
		return
	}
	if *v < 0 {
		l.invalid(path, *v, msgNegative)
	}
	if *v > math.MaxInt32 {
		l.invalid(path, *v, msgInt32)
	}
}

// seconds checks an optional ...Seconds field: not negative, whole
// seconds, and, when int32 is set, at most MaxInt32 seconds.
func (l *fieldErrors) seconds(path string, d *time.Duration, int32Field bool) {
	if d == nil {
		return
	}
	if *d < 0 {
		l.invalid(path, secondsValue(*d), msgNegative)
	}
	if *d%time.Second != 0 {
		l.invalid(path, d.String(), msgWholeSecond)
	}
	if int32Field && *d/time.Second > math.MaxInt32 {
		l.invalid(path, secondsValue(*d), msgInt32)
	}
}

// secondsValue is how a duration is shown in an error: as a number of
// seconds when it is whole seconds, as the API has it, else in Go syntax.
func secondsValue(d time.Duration) any {
	if d%time.Second == 0 {
		return int64(d / time.Second)
	}
	return d.String()
}

// fieldIndex is the path of element i of the list at path.
func fieldIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// fieldKey is the path of entry k of the map at path.
func fieldKey(path, k string) string {
	return path + "[" + k + "]"
}

// semanticEqual is reflect.DeepEqual except that a nil slice or map equals
// an empty one, like apimachinery's equality.Semantic.DeepEqual.
func semanticEqual(a, b any) bool {
	return semanticValueEqual(reflect.ValueOf(a), reflect.ValueOf(b))
}

func semanticValueEqual(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return semanticValueEqual(a.Elem(), b.Elem())
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !semanticValueEqual(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); !bv.IsValid() || !semanticValueEqual(a.MapIndex(k), bv) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !semanticValueEqual(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return a.IsNil() && b.IsNil()
	}
	return a.Equal(b)
}
