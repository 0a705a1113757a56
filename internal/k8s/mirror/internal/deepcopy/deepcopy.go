// Package deepcopy copies the values of the mirror's types as the
// generated DeepCopy methods of k8s.io/api copy theirs: pointers, slices
// and maps are copied (nil ones stay nil, empty ones stay empty), and a
// struct with unexported fields is copied by its own DeepCopy method if
// it has one (Quantity), else as a value (Time), as upstream does.
package deepcopy

import (
	"reflect"

	"k8s.io/apimachinery/pkg/api/resource"
)

// The types with unexported fields that copy themselves. (Calling a
// method found by reflection would keep every method of every type in the
// binary: the linker cannot tell which are called.)
var quantityType = reflect.TypeFor[resource.Quantity]()

// Pointer returns a deep copy of *in, or nil if in is nil.
func Pointer[T any](in *T) *T {
	if in == nil {
		return nil
	}
	return copyValue(reflect.ValueOf(in)).Interface().(*T)
}

// Value returns a deep copy of in.
func Value[T any](in T) T {
	return copyValue(reflect.ValueOf(&in).Elem()).Interface().(T)
}

func copyValue(v reflect.Value) reflect.Value {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(copyValue(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(copyValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		it := v.MapRange()
		for it.Next() {
			out.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v)
		if t == quantityType {
			return reflect.ValueOf(v.Interface().(resource.Quantity).DeepCopy())
		}
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				return out // copied as a value, as upstream copies it
			}
		}
		for i := range t.NumField() {
			out.Field(i).Set(copyValue(v.Field(i)))
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return reflect.Zero(t)
		}
		out := reflect.New(t).Elem()
		out.Set(copyValue(v.Elem()))
		return out
	}
	return v
}
