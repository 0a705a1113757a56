package jobsimtest

import (
	"slices"

	"github.com/jobsim/jobsim"
)

// An independent reading of the pod failure policy (matchPodFailurePolicy
// in pkg/controller/job/pod_failure_policy.go), from the pod as the API
// shows it: the checker's oracle, deliberately not the simulator's own
// code.

// firstMatch returns the action of the first rule that matches the failed
// pod p, and its index; ok is false when no rule matches.
func firstMatch(policy *jobsim.PodFailurePolicy, p *jobsim.Pod) (action jobsim.PodFailurePolicyAction, rule int, ok bool) {
	if policy == nil {
		return "", 0, false
	}
	for i, r := range policy.Rules {
		if r.OnExitCodes != nil && exitCodesMatch(r.OnExitCodes, p) {
			return r.Action, i, true
		}
		if len(r.OnPodConditions) > 0 && conditionsMatch(r.OnPodConditions, p) {
			return r.Action, i, true
		}
	}
	return "", 0, false
}

func exitCodesMatch(req *jobsim.PodFailurePolicyOnExitCodes, p *jobsim.Pod) bool {
	statuses := append(slices.Clone(p.Status.ContainerStatuses), p.Status.InitContainerStatuses...)
	for _, cs := range statuses {
		term := cs.State.Terminated
		if term == nil || term.ExitCode == 0 {
			continue
		}
		if req.ContainerName != "" && req.ContainerName != cs.Name {
			continue
		}
		if slices.Contains(req.Values, term.ExitCode) == (req.Operator == jobsim.OpIn) {
			return true
		}
	}
	return false
}

func conditionsMatch(patterns []jobsim.PodFailurePolicyOnPodCondition, p *jobsim.Pod) bool {
	for _, pat := range patterns {
		want := pat.Status
		if want == "" {
			want = jobsim.ConditionTrue
		}
		for _, c := range p.Status.Conditions {
			if string(c.Type) == pat.Type && c.Status == want {
				return true
			}
		}
	}
	return false
}
