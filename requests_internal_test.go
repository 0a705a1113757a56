package jobsim

import (
	"testing"

	"pgregory.net/rapid"
)

// The scoring requests of one resource, computed without maps, are those
// of NonMissingContainerRequests' formula over all resources: the same
// sum of containers and sidecars, the same init containers' needs, the
// same defaults for containers that leave CPU or memory out, the same
// overhead.
func TestScoringRequestsAgreeWithTheFullFormula(t *testing.T) {
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
		full := podRequests(&s, overhead, true)
		cpu, mem := nonZeroRequests(&s, overhead)
		if cpu != full[ResourceCPU] || mem != full[ResourceMemory] {
			t.Fatalf("nonZeroRequests = %d, %d; the full formula gives %d, %d", cpu, mem, full[ResourceCPU], full[ResourceMemory])
		}
	})
}
