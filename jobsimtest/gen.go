package jobsimtest

import (
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/jobsim/jobsim"
)

// Jobs returns a generator of valid Jobs named name: both completion
// modes, both restart policies, completions 0–50 (or work-queue mode),
// parallelism 0–20, backoffLimit 0–10 or the default, and sometimes an
// active deadline, a TTL, a replacement policy, a shorter grace period, a
// start in the suspended state, a pod failure policy, per-index backoff
// limits or a success policy. Values shrink toward a plain job.
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
		if s.CompletionMode == jobsim.Indexed && rapid.Bool().Draw(t, "perIndex") {
			s.BackoffLimitPerIndex = jobsim.Ptr(rapid.IntRange(0, 3).Draw(t, "backoffLimitPerIndex"))
			if rapid.Bool().Draw(t, "setMaxFailedIndexes") {
				s.MaxFailedIndexes = jobsim.Ptr(rapid.IntRange(0, *s.Completions).Draw(t, "maxFailedIndexes"))
			}
		}
		if rapid.Bool().Draw(t, "podFailurePolicy") {
			s.PodFailurePolicy = PodFailurePolicies(s.BackoffLimitPerIndex != nil).Draw(t, "policy")
			s.Template.Spec.RestartPolicy = jobsim.RestartNever
			if s.PodReplacementPolicy == jobsim.ReplaceTerminatingOrFailed {
				s.PodReplacementPolicy = jobsim.ReplaceFailed
			}
		}
		if s.CompletionMode == jobsim.Indexed && *s.Completions > 0 && rapid.Bool().Draw(t, "successPolicy") {
			s.SuccessPolicy = SuccessPolicies(*s.Completions).Draw(t, "successPolicy")
		}
		return s
	})
}

// PodFailurePolicies returns a generator of valid pod failure policies:
// one to four rules on exit codes (1–3, 137, 143) or on the
// DisruptionTarget condition, with every action (FailIndex only when
// perIndex, as validation requires).
func PodFailurePolicies(perIndex bool) *rapid.Generator[*jobsim.PodFailurePolicy] {
	actions := []jobsim.PodFailurePolicyAction{jobsim.ActionFailJob, jobsim.ActionIgnore, jobsim.ActionCount}
	if perIndex {
		actions = append(actions, jobsim.ActionFailIndex)
	}
	codes := []int{1, 2, 3, 137, 143}
	return rapid.Custom(func(t *rapid.T) *jobsim.PodFailurePolicy {
		var p jobsim.PodFailurePolicy
		for range rapid.IntRange(1, 4).Draw(t, "rules") {
			r := jobsim.PodFailurePolicyRule{Action: rapid.SampledFrom(actions).Draw(t, "action")}
			if rapid.Bool().Draw(t, "onConditions") {
				r.OnPodConditions = []jobsim.PodFailurePolicyOnPodCondition{{Type: string(jobsim.DisruptionTarget)}}
			} else {
				req := &jobsim.PodFailurePolicyOnExitCodes{Operator: rapid.SampledFrom([]jobsim.PodFailurePolicyOperator{jobsim.OpIn, jobsim.OpNotIn}).Draw(t, "operator")}
				for _, c := range codes {
					if rapid.Bool().Draw(t, "code") {
						req.Values = append(req.Values, c)
					}
				}
				if len(req.Values) == 0 {
					req.Values = []int{1}
				}
				r.OnExitCodes = req
			}
			p.Rules = append(p.Rules, r)
		}
		return &p
	})
}

// SuccessPolicies returns a generator of valid success policies for an
// Indexed job with completions > 0: one to three rules, each with a set of
// indexes, a count, or both.
func SuccessPolicies(completions int) *rapid.Generator[*jobsim.SuccessPolicy] {
	return rapid.Custom(func(t *rapid.T) *jobsim.SuccessPolicy {
		var p jobsim.SuccessPolicy
		for range rapid.IntRange(1, 3).Draw(t, "rules") {
			var r jobsim.SuccessPolicyRule
			listed := 0
			if rapid.Bool().Draw(t, "indexes") {
				var parts []string
				for i := 0; i < completions; {
					if rapid.IntRange(0, 2).Draw(t, "take") == 0 {
						parts = append(parts, strconv.Itoa(i))
						listed++
					}
					i++
				}
				if len(parts) > 0 {
					r.SucceededIndexes = jobsim.Ptr(strings.Join(parts, ","))
				}
			}
			if r.SucceededIndexes == nil || rapid.Bool().Draw(t, "count") {
				limit := completions
				if r.SucceededIndexes != nil {
					limit = listed
				}
				r.SucceededCount = jobsim.Ptr(rapid.IntRange(1, limit).Draw(t, "succeededCount"))
			}
			p.Rules = append(p.Rules, r)
		}
		return &p
	})
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// Runs returns a generator of container runs: durations up to two minutes
// (not always whole seconds, to exercise sub-second ordering), exit codes
// 0, 1, 2 or 137, sometimes a run that never ends, sometimes a disruption,
// and a SIGTERM delay.
func Runs() *rapid.Generator[jobsim.Run] {
	return rapid.Custom(func(t *rapid.T) jobsim.Run {
		var r jobsim.Run
		r.Duration = time.Duration(rapid.IntRange(0, 120_000).Draw(t, "ms")) * time.Millisecond
		r.ExitCode = rapid.SampledFrom([]int{0, 0, 1, 2, 137}).Draw(t, "exit")
		r.Forever = rapid.IntRange(0, 19).Draw(t, "forever") == 0
		r.Term = time.Duration(rapid.IntRange(0, 90).Draw(t, "term")) * time.Second
		if rapid.IntRange(0, 9).Draw(t, "disrupt") == 0 {
			r.Disrupt = rapid.SampledFrom([]string{jobsim.DisruptionEvictionAPI, jobsim.DisruptionPreemption, jobsim.DisruptionTaintManager}).Draw(t, "reason")
		}
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

// Nodes returns a generator of one to four nodes named node-0 ... with
// 1–4 CPUs, 1–8 GiB of memory, 2–8 pods and sometimes a GPU, labelled
// pool=a or pool=b, with their hostname and a zone (topology.kubernetes.io/zone
// a or b), and sometimes tainted (see Taints).
func Nodes() *rapid.Generator[[]jobsim.Node] {
	return rapid.Custom(func(t *rapid.T) []jobsim.Node {
		n := rapid.IntRange(1, 4).Draw(t, "nodes")
		out := make([]jobsim.Node, n)
		for i := range out {
			capacity := jobsim.ResourceList{
				jobsim.ResourceCPU:    int64(rapid.IntRange(1, 4).Draw(t, "cpus")) * 1000,
				jobsim.ResourceMemory: int64(rapid.IntRange(1, 8).Draw(t, "gib")) << 30,
				jobsim.ResourcePods:   int64(rapid.IntRange(2, 8).Draw(t, "pods")),
			}
			if rapid.IntRange(0, 3).Draw(t, "gpu") == 0 {
				capacity["nvidia.com/gpu"] = int64(rapid.IntRange(1, 2).Draw(t, "gpus"))
			}
			name := "node-" + strconv.Itoa(i)
			out[i] = jobsim.Node{
				Name: name,
				Labels: map[string]string{"pool": rapid.SampledFrom([]string{"a", "b"}).Draw(t, "pool"),
					jobsim.LabelHostname: name, jobsim.LabelZone: rapid.SampledFrom([]string{"a", "b"}).Draw(t, "zone")},
				Capacity: capacity,
			}
			if rapid.IntRange(0, 3).Draw(t, "tainted") == 0 {
				out[i].Taints = []jobsim.Taint{rapid.SampledFrom(taints).Draw(t, "taint")}
			}
		}
		return out
	})
}

// Requests returns a generator of container requests that fit the nodes
// Nodes generates, or not quite: up to 2.5 CPUs and 3 GiB, sometimes a
// GPU, sometimes nothing at all.
func Requests() *rapid.Generator[jobsim.ResourceList] {
	return rapid.Custom(func(t *rapid.T) jobsim.ResourceList {
		if rapid.IntRange(0, 4).Draw(t, "none") == 0 {
			return nil
		}
		r := jobsim.ResourceList{
			jobsim.ResourceCPU:    int64(rapid.IntRange(1, 10).Draw(t, "quarterCPUs")) * 250,
			jobsim.ResourceMemory: int64(rapid.IntRange(1, 12).Draw(t, "quarterGiB")) << 28,
		}
		if rapid.IntRange(0, 5).Draw(t, "gpu") == 0 {
			r["nvidia.com/gpu"] = 1
		}
		return r
	})
}

// taints are the taints Nodes puts on some nodes.
var taints = []jobsim.Taint{
	{Key: "dedicated", Value: "gpu", Effect: jobsim.TaintNoSchedule},
	{Key: "dedicated", Value: "gpu", Effect: jobsim.TaintNoExecute},
	{Key: "spot", Effect: jobsim.TaintPreferNoSchedule},
}

// PodPlacements returns a generator of what decides where a pod may go
// beyond its requests, applied to a pod template: sometimes tolerations
// (of the taints Nodes draws, or of the unreachable NoExecute taint of a
// failed node, with or without tolerationSeconds), a label app=x or
// app=y, topology spread constraints on hostname or zone selecting that
// label (or everything), required anti-affinity or affinity on hostname
// or zone, and scheduling gates (which only Cluster.RemoveSchedulingGates
// lifts). Each is drawn rarely, so that most pods still run.
func PodPlacements() *rapid.Generator[func(*jobsim.PodTemplate)] {
	keys := []string{jobsim.LabelHostname, jobsim.LabelZone}
	return rapid.Custom(func(t *rapid.T) func(*jobsim.PodTemplate) {
		var tols []jobsim.Toleration
		for range rapid.IntRange(0, 2).Draw(t, "tolerations") {
			tl := jobsim.Toleration{Key: "dedicated", Operator: jobsim.TolerationOpEqual, Value: "gpu"}
			switch rapid.IntRange(0, 3).Draw(t, "tolerate") {
			case 0:
				tl.Effect = jobsim.TaintNoSchedule
			case 1:
				tl.Effect = jobsim.TaintNoExecute
			case 2:
				tl = jobsim.Toleration{Key: jobsim.TaintNodeUnreachable, Operator: jobsim.TolerationOpExists, Effect: jobsim.TaintNoExecute}
			default:
				tl = jobsim.Toleration{Operator: jobsim.TolerationOpExists}
			}
			if tl.Effect == jobsim.TaintNoExecute && rapid.Bool().Draw(t, "tolerationSeconds") {
				tl.TolerationPeriod = jobsim.Ptr(seconds(rapid.IntRange(0, 120).Draw(t, "seconds")))
			}
			tols = append(tols, tl)
		}
		app := rapid.SampledFrom([]string{"", "x", "y"}).Draw(t, "app")
		sel := func() *jobsim.LabelSelector {
			if app == "" || rapid.IntRange(0, 4).Draw(t, "emptySelector") == 0 {
				return &jobsim.LabelSelector{}
			}
			return &jobsim.LabelSelector{MatchLabels: map[string]string{"app": app}}
		}
		var spread []jobsim.TopologySpreadConstraint
		if rapid.IntRange(0, 3).Draw(t, "spread") == 0 {
			c := jobsim.TopologySpreadConstraint{
				MaxSkew: int32(rapid.IntRange(1, 2).Draw(t, "maxSkew")), TopologyKey: rapid.SampledFrom(keys).Draw(t, "spreadKey"),
				WhenUnsatisfiable:  rapid.SampledFrom([]jobsim.UnsatisfiableConstraintAction{jobsim.DoNotSchedule, jobsim.DoNotSchedule, jobsim.ScheduleAnyway}).Draw(t, "whenUnsatisfiable"),
				LabelSelector:      sel(),
				NodeTaintsPolicy:   rapid.SampledFrom([]jobsim.NodeInclusionPolicy{"", jobsim.NodeInclusionPolicyHonor, jobsim.NodeInclusionPolicyIgnore}).Draw(t, "nodeTaintsPolicy"),
				NodeAffinityPolicy: rapid.SampledFrom([]jobsim.NodeInclusionPolicy{"", jobsim.NodeInclusionPolicyIgnore}).Draw(t, "nodeAffinityPolicy"),
			}
			if c.WhenUnsatisfiable == jobsim.DoNotSchedule && rapid.IntRange(0, 3).Draw(t, "setMinDomains") == 0 {
				c.MinDomains = jobsim.Ptr(int32(rapid.IntRange(1, 3).Draw(t, "minDomains")))
			}
			spread = append(spread, c)
		}
		var affinity *jobsim.Affinity
		term := func() []jobsim.PodAffinityTerm {
			return []jobsim.PodAffinityTerm{{LabelSelector: sel(), TopologyKey: rapid.SampledFrom(keys).Draw(t, "affinityKey")}}
		}
		switch rapid.IntRange(0, 7).Draw(t, "podAffinity") {
		case 0:
			affinity = &jobsim.Affinity{PodAntiAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: term()}}
		case 1:
			affinity = &jobsim.Affinity{PodAffinity: &jobsim.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: term()}}
		}
		var gates []string
		if rapid.IntRange(0, 9).Draw(t, "gated") == 0 {
			gates = []string{"example.com/gate"}
		}
		return func(tmpl *jobsim.PodTemplate) {
			tmpl.Spec.Tolerations = tols
			tmpl.Spec.TopologySpreadConstraints = spread
			tmpl.Spec.SchedulingGates = gates
			if affinity != nil {
				if tmpl.Spec.Affinity == nil {
					tmpl.Spec.Affinity = &jobsim.Affinity{}
				}
				tmpl.Spec.Affinity.PodAffinity, tmpl.Spec.Affinity.PodAntiAffinity = affinity.PodAffinity, affinity.PodAntiAffinity
			}
			if app != "" {
				if tmpl.Labels == nil {
					tmpl.Labels = map[string]string{}
				}
				tmpl.Labels["app"] = app
			}
		}
	})
}
