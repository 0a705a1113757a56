// Package intstr is the browser build's k8s.io/apimachinery/pkg/util/intstr:
// IntOrString, which JSON writes and reads as a number or a string, as
// upstream's does.
package intstr

import (
	"encoding/json"
	"errors"
	"strconv"
)

// IntOrString holds an int32 or a string, which JSON writes as it is.
type IntOrString struct {
	Type   Type
	IntVal int32
	StrVal string
}

// Type is which of its values an IntOrString holds.
type Type int64

// The types of an IntOrString.
const (
	Int    Type = iota // IntVal
	String             // StrVal
)

// FromInt32 returns v as an IntOrString.
func FromInt32(v int32) IntOrString { return IntOrString{Type: Int, IntVal: v} }

// FromString returns v as an IntOrString.
func FromString(v string) IntOrString { return IntOrString{Type: String, StrVal: v} }

// UnmarshalJSON reads a JSON string as a String, anything else as an Int
// (the errors are those of reading an int32).
func (v *IntOrString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		v.Type = String
		return json.Unmarshal(b, &v.StrVal)
	}
	v.Type = Int
	return json.Unmarshal(b, &v.IntVal)
}

// MarshalJSON writes the value held.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case Int:
		return strconv.AppendInt(nil, int64(v.IntVal), 10), nil
	case String:
		return json.Marshal(v.StrVal)
	}
	return []byte{}, errors.New("impossible IntOrString.Type")
}

// String returns the string held, or the number in decimal; "<nil>" for
// nil.
func (v *IntOrString) String() string {
	switch {
	case v == nil:
		return "<nil>"
	case v.Type == String:
		return v.StrVal
	}
	return strconv.Itoa(v.IntValue())
}

// IntValue returns the number held, or the string read as a decimal
// number, 0 if it is not one.
func (v *IntOrString) IntValue() int {
	if v.Type == String {
		n, _ := strconv.Atoi(v.StrVal)
		return n
	}
	return int(v.IntVal)
}
