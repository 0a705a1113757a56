package jobsim

import (
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pgregory.net/rapid"
)

// upstreamPodRequests is PodRequests of k8s.io/component-helpers/resource
// as upstream writes it, over resource lists: the containers summed, then
// the init containers in order (a sidecar adds to the sum and to the
// sidecars' total; another needs its request plus the sidecars before
// it), the larger of the sum and the largest need per resource, the
// overhead added; with nonMissing, 100m CPU and 200Mi memory for a
// container that requests none (NonMissingContainerRequests).
func upstreamPodRequests(s *PodSpec, overhead ResourceList, nonMissing bool) map[string]int64 {
	get := func(c *Container) ResourceList {
		if !nonMissing {
			return c.Requests
		}
		out := maps.Clone(c.Requests)
		if out == nil {
			out = ResourceList{}
		}
		if _, ok := out[ResourceCPU]; !ok {
			out[ResourceCPU] = nonZeroCPU
		}
		if _, ok := out[ResourceMemory]; !ok {
			out[ResourceMemory] = nonZeroMemory
		}
		return out
	}
	sum := map[string]int64{}
	for i := range s.Containers {
		for r, v := range get(&s.Containers[i]) {
			sum[r] += v
		}
	}
	sidecars := map[string]int64{}
	need := map[string]int64{} // the largest init container's need
	for i := range s.InitContainers {
		c := &s.InitContainers[i]
		req := get(c)
		if c.IsSidecar() {
			for r, v := range req {
				sum[r] += v
				sidecars[r] += v
			}
			for r, v := range sidecars {
				need[r] = max(need[r], v)
			}
			continue
		}
		for r := range sidecars {
			need[r] = max(need[r], req[r]+sidecars[r])
		}
		for r, v := range req {
			need[r] = max(need[r], v+sidecars[r])
		}
	}
	for r, v := range need {
		sum[r] = max(sum[r], v)
	}
	for r, v := range overhead {
		sum[r] += v
	}
	return sum
}

// The requests the scheduler reserves, and those it scores, computed per
// resource without maps, are upstream's PodRequests over all resources:
// the same sum of containers and sidecars, the same init containers'
// needs, the same defaults for containers that leave CPU or memory out,
// the same overhead.
func TestPodRequestsAgreeWithUpstreamsFormula(t *testing.T) {
	container := func(t *rapid.T, label string, init bool) Container {
		c := Container{Name: label, Requests: ResourceList{}}
		if rapid.Bool().Draw(t, label+".cpu?") {
			c.Requests[ResourceCPU] = rapid.Int64Range(0, 4000).Draw(t, label+".cpu")
		}
		if rapid.Bool().Draw(t, label+".mem?") {
			c.Requests[ResourceMemory] = rapid.Int64Range(0, 8<<30).Draw(t, label+".mem")
		}
		if init && rapid.Bool().Draw(t, label+".sidecar") {
			c.RestartPolicy = RestartAlways
		}
		return c
	}
	rapid.Check(t, func(t *rapid.T) {
		var s PodSpec
		for i := range rapid.IntRange(1, 3).Draw(t, "containers") {
			s.Containers = append(s.Containers, container(t, "c"+string(rune('0'+i)), false))
		}
		for i := range rapid.IntRange(0, 4).Draw(t, "inits") {
			s.InitContainers = append(s.InitContainers, container(t, "i"+string(rune('0'+i)), true))
		}
		var overhead ResourceList
		if rapid.Bool().Draw(t, "overhead?") {
			overhead = ResourceList{ResourceCPU: rapid.Int64Range(0, 500).Draw(t, "overhead.cpu")}
		}
		full := upstreamPodRequests(&s, overhead, true)
		cpu, mem := nonZeroRequests(&s, overhead)
		if cpu != full[ResourceCPU] || mem != full[ResourceMemory] {
			t.Fatalf("nonZeroRequests = %d, %d; upstream's formula gives %d, %d", cpu, mem, full[ResourceCPU], full[ResourceMemory])
		}
		if d := cmp.Diff(upstreamPodRequests(&s, overhead, false), podRequests(&s, overhead)); d != "" {
			t.Fatalf("podRequests (-upstream +got):\n%s", d)
		}
	})
}
