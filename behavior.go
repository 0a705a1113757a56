package jobsim

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// Run is what a container does once it starts: one container run. Every
// container of the pod takes the same run.
type Run struct {
	// Duration is how long the process runs before it exits.
	Duration time.Duration
	// ExitCode is its exit code: 0 succeeds, anything else fails.
	ExitCode int
	// Forever means the process never exits by itself; Duration and
	// ExitCode are ignored.
	Forever bool
	// Term is how long the process takes to exit after SIGTERM when its
	// pod is deleted. 0 means at once. If it is longer than the pod's
	// termination grace period, the process is killed (exit code 137) at
	// the end of the grace period; otherwise it exits with code 143.
	Term time.Duration
	// Disrupt, if not empty, makes the control plane disrupt the pod at
	// Duration instead of letting the process exit: the pod gets the
	// DisruptionTarget condition with this reason (for example
	// "EvictionByEvictionAPI") and is deleted gracefully.
	Disrupt string
}

// RunContext tells a Behavior which run it is choosing.
type RunContext struct {
	// Namespace and Job name the pod's job.
	Namespace, Job string
	// Key is the completion index for Indexed jobs and the pod's creation
	// ordinal within its job (0, 1, 2 ...) for NonIndexed jobs.
	Key int
	// Attempt counts the earlier runs under Key: for Indexed jobs it
	// continues across the replacement pods of the index, and with
	// restartPolicy OnFailure across the restarts inside a pod.
	Attempt int
	// Rand draws from a stream that depends only on the cluster seed, the
	// job, Key and Attempt. It is valid only during the call.
	Rand *rand.Rand
}

// A Behavior decides each container run of a job's pods. It is called
// once per container start, on the simulation goroutine, and must be
// deterministic given its RunContext.
type Behavior interface {
	Next(rc *RunContext) Run
}

// BehaviorFunc adapts a function to the Behavior interface.
type BehaviorFunc func(rc *RunContext) Run

// Next returns f(rc).
func (f BehaviorFunc) Next(rc *RunContext) Run { return f(rc) }

// Fixed returns a Behavior whose every run lasts d and exits with exitCode.
func Fixed(d time.Duration, exitCode int) Behavior {
	return fixed{Duration: d, ExitCode: exitCode}
}

type fixed Run

func (f fixed) Next(*RunContext) Run { return Run(f) }

// Always returns a Behavior whose every run is r.
func Always(r Run) Behavior { return fixed(r) }

// Forever returns a Behavior whose containers never exit by themselves.
func Forever() Behavior { return fixed{Forever: true} }

// Script plays scripted runs per key: the i-th run under a key takes
// entry i of runs[key]. Past the end of a list, and for keys not listed,
// it asks then (which may be nil: DefaultRun).
//
// The key follows the work item where Kubernetes gives it one: in an
// Indexed job it is the completion index, and the runs of an index's
// replacement pods continue its list ({3: {fail, fail}} makes index 3 fail
// twice, then succeed with then). A NonIndexed job's pods have no item:
// a replacement is a new pod, with the next ordinal as its key. There,
// "the first two runs fail" is {0: {fail}, 1: {fail}} with parallelism 1,
// where ordinals follow one another; with more parallelism, pods race and
// which ordinal replaces which depends on the timing. restartPolicy
// OnFailure restarts the container in its pod: the runs of one pod
// follow its key's list.
func Script(runs map[int][]Run, then Behavior) Behavior {
	return script{runs: runs, then: then}
}

type script struct {
	runs map[int][]Run
	then Behavior
}

func (s script) Next(rc *RunContext) Run {
	if list := s.runs[rc.Key]; rc.Attempt < len(list) {
		return list[rc.Attempt]
	}
	if s.then == nil {
		return DefaultRun()
	}
	return s.then.Next(rc)
}

// DefaultRunDuration is how long a container runs when its job says
// nothing else.
const DefaultRunDuration = 10 * time.Second

// DefaultRun returns the run of a container whose job says nothing else:
// DefaultRunDuration, exit code 0.
func DefaultRun() Run { return Run{Duration: DefaultRunDuration} }

// Random draws each run from the run's stream (RunContext.Rand): a
// duration uniform in [Min, Max], or exponential with mean Mean when Mean
// is set, and a failure with probability FailProbability, exiting with
// ExitCode (1 when zero).
type Random struct {
	Min, Max        time.Duration
	Mean            time.Duration
	FailProbability float64
	ExitCode        int
}

// Next draws one run.
func (r Random) Next(rc *RunContext) Run {
	var d time.Duration
	if r.Mean > 0 {
		d = time.Duration(rc.Rand.ExpFloat64() * float64(r.Mean))
	} else {
		d = r.Min
		if span := r.Max - r.Min; span > 0 {
			d += time.Duration(rc.Rand.Int64N(int64(span) + 1))
		}
	}
	run := Run{Duration: d}
	if r.FailProbability > 0 && rc.Rand.Float64() < r.FailProbability {
		run.ExitCode = r.ExitCode
		if run.ExitCode == 0 {
			run.ExitCode = 1
		}
	}
	return run
}

// TemplateBehavior returns the Behavior a job's pod template asks for
// through the annotations RunAnnotation (a Go duration) and
// ExitCodeAnnotation (an exit code), with DefaultRun for what
// they leave out. Submit uses it when given a nil Behavior; Validate
// reports malformed annotations.
func TemplateBehavior(t PodTemplate) Behavior {
	run := DefaultRun()
	if v, ok := t.Annotations[RunAnnotation]; ok {
		if d, err := time.ParseDuration(v); err == nil && d >= 0 {
			run.Duration = d
		}
	}
	if v, ok := t.Annotations[ExitCodeAnnotation]; ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= math.MaxUint8 {
			run.ExitCode = n
		}
	}
	return fixed(run)
}
