package jobsimtest

import (
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
)

// Jobs returns a generator of valid Jobs named name: both completion
// modes, both restart policies, completions 0–50 (or work-queue mode),
// parallelism 0–20, backoffLimit 0–10 or the default, and sometimes an
// active deadline, a TTL, a replacement policy, a shorter grace period, or
// a start in the suspended state. Values shrink toward a plain job.
func Jobs(name string) *rapid.Generator[jobsim.Job] {
	return rapid.Custom(func(t *rapid.T) jobsim.Job {
		return jobsim.Job{Name: name, Spec: JobSpecs().Draw(t, "spec")}
	})
}

// JobSpecs returns a generator of the valid specs Jobs uses.
func JobSpecs() *rapid.Generator[jobsim.JobSpec] {
	return rapid.Custom(func(t *rapid.T) jobsim.JobSpec {
		var s jobsim.JobSpec
		if rapid.Bool().Draw(t, "indexed") {
			s.CompletionMode = jobsim.Indexed
		}
		s.Parallelism = jobsim.Ptr(rapid.IntRange(0, 20).Draw(t, "parallelism"))
		if s.CompletionMode == jobsim.Indexed || !rapid.Bool().Draw(t, "workQueue") {
			s.Completions = jobsim.Ptr(rapid.IntRange(0, 50).Draw(t, "completions"))
		}
		if rapid.Bool().Draw(t, "setBackoffLimit") {
			s.BackoffLimit = jobsim.Ptr(rapid.IntRange(0, 10).Draw(t, "backoffLimit"))
		}
		if rapid.Bool().Draw(t, "deadline") {
			s.ActiveDeadline = jobsim.Ptr(seconds(rapid.IntRange(1, 600).Draw(t, "activeDeadlineSeconds")))
		}
		if rapid.Bool().Draw(t, "ttl") {
			s.TTLAfterFinished = jobsim.Ptr(seconds(rapid.IntRange(0, 300).Draw(t, "ttlSecondsAfterFinished")))
		}
		s.PodReplacementPolicy = rapid.SampledFrom([]jobsim.PodReplacementPolicy{"", jobsim.ReplaceTerminatingOrFailed, jobsim.ReplaceFailed}).Draw(t, "podReplacementPolicy")
		s.Suspend = rapid.IntRange(0, 9).Draw(t, "suspend") == 0
		s.Template.Spec.RestartPolicy = rapid.SampledFrom([]jobsim.RestartPolicy{jobsim.RestartNever, jobsim.RestartOnFailure}).Draw(t, "restartPolicy")
		if rapid.Bool().Draw(t, "grace") {
			s.Template.Spec.TerminationGracePeriod = jobsim.Ptr(seconds(rapid.IntRange(0, 60).Draw(t, "terminationGracePeriodSeconds")))
		}
		s.Template.Spec.Containers = []jobsim.Container{{Name: "main", Image: "busybox"}}
		return s
	})
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// Runs returns a generator of container runs: durations up to two minutes
// (not always whole seconds, to exercise sub-second ordering), exit codes
// 0, 1, 2 or 137, sometimes a run that never ends, and a SIGTERM delay.
func Runs() *rapid.Generator[jobsim.Run] {
	return rapid.Custom(func(t *rapid.T) jobsim.Run {
		var r jobsim.Run
		r.Duration = time.Duration(rapid.IntRange(0, 120_000).Draw(t, "ms")) * time.Millisecond
		r.ExitCode = rapid.SampledFrom([]int{0, 0, 1, 2, 137}).Draw(t, "exit")
		r.Forever = rapid.IntRange(0, 19).Draw(t, "forever") == 0
		r.Term = time.Duration(rapid.IntRange(0, 90).Draw(t, "term")) * time.Second
		return r
	})
}

// Behaviors returns a generator of Behaviors: a fixed run, scripted runs
// for the first keys (then a fixed run), or seeded random runs. Scripts are
// plain data, so failing cases shrink to short scripts.
func Behaviors() *rapid.Generator[jobsim.Behavior] {
	return rapid.Custom(func(t *rapid.T) jobsim.Behavior {
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			r := Runs().Draw(t, "run")
			r.Forever = false
			return jobsim.Always(r)
		case 1:
			runs := rapid.MapOfN(rapid.IntRange(0, 10), rapid.SliceOfN(Runs(), 1, 4), 0, 5).Draw(t, "runs")
			then := Runs().Draw(t, "then")
			then.Forever = false
			return jobsim.Script(runs, jobsim.Always(then))
		default:
			return jobsim.Random{
				Min:             time.Duration(rapid.IntRange(0, 30).Draw(t, "min")) * time.Second,
				Max:             time.Duration(rapid.IntRange(30, 120).Draw(t, "max")) * time.Second,
				FailProbability: rapid.Float64Range(0, 1).Draw(t, "fail"),
				ExitCode:        rapid.IntRange(1, 3).Draw(t, "exitCode"),
			}
		}
	})
}
