package v1

import "k8s.io/apimachinery/pkg/api/resource"

// The accessors of a ResourceList that jobsim's tests read, as the real
// type has them: each returns a copy of the quantity listed, or a zero one
// in the format the resource is written in.

// Cpu returns the quantity of cpu, zero (decimal) if none is listed.
func (rl *ResourceList) Cpu() *resource.Quantity { return rl.quantity(ResourceCPU, resource.DecimalSI) }

// Memory returns the quantity of memory, zero (binary) if none is listed.
func (rl *ResourceList) Memory() *resource.Quantity {
	return rl.quantity(ResourceMemory, resource.BinarySI)
}

// Pods returns the number of pods, zero (decimal) if none is listed.
func (rl *ResourceList) Pods() *resource.Quantity {
	return rl.quantity(ResourcePods, resource.DecimalSI)
}

func (rl *ResourceList) quantity(name ResourceName, zero resource.Format) *resource.Quantity {
	q, ok := (*rl)[name]
	if !ok {
		q = resource.Quantity{Format: zero}
	}
	return &q
}
