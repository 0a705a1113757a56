// Package resource mirrors k8s.io/apimachinery/pkg/api/resource for the
// browser build: Quantity, parsed, printed, compared and encoded in JSON
// as upstream does, since its sources (amount.go, math.go, quantity.go,
// scale_int.go, suffix.go) are copied from v0.35.4, less the protobuf,
// CBOR, OpenAPI and unstructured methods, whose packages make most of
// the size of a wasm binary.
package resource
