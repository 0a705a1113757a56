// Package sweep runs a simulation once per seed over many seeds and sums
// the runs up: the probability of each outcome with a 95% Wilson
// interval, and exact percentiles of the makespan, the pods created, the
// pods failed and the pod-seconds. A summary depends on the set of
// samples alone: the same for any number of workers, and for any split
// of the seeds into shards once merged.
package sweep

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Sample is what one run of a sweep gives.
type Sample struct {
	// Seed is the run's seed.
	Seed uint64
	// Outcome is how the run ended: "Complete", a failure reason such as
	// "BackoffLimitExceeded", or "Unfinished".
	Outcome string
	// Makespan is the time from the start to the end of the run's last
	// Job.
	Makespan time.Duration
	// PodsCreated and PodsFailed count the run's pods.
	PodsCreated, PodsFailed int
	// PodTime is the time the pods held a node, summed: the cost.
	PodTime time.Duration
}

// Summary accumulates samples. Its zero value is empty and ready to use;
// it keeps one number per metric and sample (32 bytes a sample), so that
// its percentiles are exact.
type Summary struct {
	outcomes  map[string]int
	makespan  []int64 // nanoseconds
	created   []int64
	failed    []int64
	podTime   []int64 // nanoseconds
	seeds     seedSet
	duplicate uint64 // a seed added twice, if any
	dup       bool
}

// Add adds one sample.
func (s *Summary) Add(x Sample) {
	if s.outcomes == nil {
		s.outcomes = map[string]int{}
	}
	if s.seeds.add(x.Seed) && !s.dup {
		s.dup, s.duplicate = true, x.Seed
	}
	s.outcomes[x.Outcome]++
	s.makespan = append(s.makespan, int64(x.Makespan))
	s.created = append(s.created, int64(x.PodsCreated))
	s.failed = append(s.failed, int64(x.PodsFailed))
	s.podTime = append(s.podTime, int64(x.PodTime))
}

// Merge adds every sample of o. It is an error for o to hold a seed s
// already holds: merged shards must not overlap.
func (s *Summary) Merge(o *Summary) error {
	if seed, ok := s.seeds.firstCommon(&o.seeds); ok {
		return fmt.Errorf("seed %d is in both summaries: the shards overlap", seed)
	}
	if s.outcomes == nil {
		s.outcomes = map[string]int{}
	}
	for k, v := range o.outcomes {
		s.outcomes[k] += v
	}
	s.seeds.addAll(&o.seeds)
	s.makespan = append(s.makespan, o.makespan...)
	s.created = append(s.created, o.created...)
	s.failed = append(s.failed, o.failed...)
	s.podTime = append(s.podTime, o.podTime...)
	return nil
}

// N is how many samples the summary holds.
func (s *Summary) N() int { return len(s.makespan) }

// Duplicate reports a seed that was added twice, if any.
func (s *Summary) Duplicate() (uint64, bool) { return s.duplicate, s.dup }

// Outcomes lists the outcomes seen, most frequent first (then by name),
// each with its probability and 95% Wilson interval.
func (s *Summary) Outcomes() []OutcomeShare {
	names := slices.Sorted(maps.Keys(s.outcomes))
	slices.SortStableFunc(names, func(a, b string) int { return s.outcomes[b] - s.outcomes[a] })
	out := make([]OutcomeShare, len(names))
	for i, name := range names {
		out[i] = OutcomeShare{Outcome: name, Count: s.outcomes[name], Interval: Wilson(s.outcomes[name], s.N())}
	}
	return out
}

// OutcomeShare is one outcome's share of the runs.
type OutcomeShare struct {
	Outcome string
	Count   int
	Interval
}

// Metric names a quantity of the samples.
type Metric int

// The metrics of a sample.
const (
	Makespan Metric = iota
	PodsCreated
	PodsFailed
	PodTime
)

func (m Metric) String() string {
	return [...]string{"makespan", "pods created", "pods failed", "pod-seconds"}[m]
}

// Percentiles are the exact percentiles of one metric, by nearest rank.
type Percentiles struct {
	P50, P90, P95, P99, Max int64
}

// Percentiles returns the percentiles of metric m; durations are in
// nanoseconds. The summary must not be empty.
func (s *Summary) Percentiles(m Metric) Percentiles {
	v := sortedCopy(s.values(m))
	return Percentiles{P50: Percentile(v, 50), P90: Percentile(v, 90), P95: Percentile(v, 95), P99: Percentile(v, 99), Max: v[len(v)-1]}
}

// Values returns the values of metric m in sorted order (durations in
// nanoseconds), for histograms.
func (s *Summary) Values(m Metric) []int64 { return sortedCopy(s.values(m)) }

func (s *Summary) values(m Metric) []int64 {
	switch m {
	case PodsCreated:
		return s.created
	case PodsFailed:
		return s.failed
	case PodTime:
		return s.podTime
	}
	return s.makespan
}
