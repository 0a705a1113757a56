package manifest

import (
	"fmt"
	"slices"
	"strings"

	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/jobsim/jobsim"
)

// What of a Job manifest depends on the Kubernetes version: fields one
// version has and another has not, fields a version's API server drops
// while their feature gate is off, and values only some versions
// accept. Jobs are decoded before the scenario's kubernetesVersion is
// known (it may come after them in the file), so versionFields applies
// these rules once it is.

// cutScheduling removes spec.scheduling from a Job's YAML before it is
// decoded, and returns the line of its key, or 0. The field is new in
// 1.37; the API types jobsim decodes with (those of 1.35) lack it.
// versionFields refuses it on earlier versions, where it is an unknown
// field.
func cutScheduling(n *yaml.Node) int {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind != yaml.ScalarNode || k.Value != "spec" {
			continue
		}
		spec := resolve(n.Content[i+1])
		if spec == nil || spec.Kind != yaml.MappingNode || spec != n.Content[i+1] {
			return 0 // an alias: leave it to strict decoding
		}
		for k := 0; k+1 < len(spec.Content); k += 2 {
			if key := spec.Content[k]; key.Kind == yaml.ScalarNode && key.Value == "scheduling" {
				line := key.Line
				spec.Content = slices.Delete(spec.Content, k, k+2)
				return line
			}
		}
	}
	return 0
}

// Restart rule actions (core/v1 ContainerRestartRuleAction).
const (
	actionRestart              = "Restart"
	actionRestartAllContainers = "RestartAllContainers"
)

// versionFields applies the rules of version v, with gates set, to the
// Job, and returns notices of what the API server of v would drop:
//   - spec.scheduling (1.37) is an unknown field before 1.37; on 1.37 it
//     is dropped while its gate, WorkloadWithJob (alpha), is off, and
//     jobsim does not simulate it on.
//   - without ContainerRestartRules (alpha in 1.34) a container's
//     restartPolicy and restartPolicyRules, an init container's
//     restartPolicy other than Always, and a sidecar's restartPolicyRules
//     are dropped (dropDisabledFields); sidecars themselves stay.
//   - with it, a rule's action RestartAllContainers needs
//     RestartAllContainersOnContainerExits (beta from 1.36); otherwise it
//     is refused as the API server refuses it. Restart rules jobsim then
//     refuses as not simulated.
//   - without JobManagedBy (beta in 1.34, where it may be turned off),
//     spec.managedBy is dropped.
//   - a toleration's operator Gt or Lt is refused: 1.34 does not know
//     them, 1.35 and later only behind TaintTolerationComparisonOperators
//     (alpha, off, and not simulated), and each says so in its words.
func (j *Job) versionFields(v jobsim.Version, gates map[string]bool, ps *problems) []string {
	var dropped []string
	j.comparisonOperators(v, ps)
	if j.schedulingLine > 0 {
		if v.Resolve() < jobsim.V1_37 {
			ps.add(j.File, j.schedulingLine, j.prefix+"spec.scheduling", "unknown field %q (spec.scheduling is new in Kubernetes 1.37; this is %s)", "scheduling", v.Resolve())
		} else {
			dropped = append(dropped, "spec.scheduling (its gate WorkloadWithJob is off)")
		}
	}
	on := func(name string) bool { return jobsim.FeatureGateEnabled(v, gates, name) }
	if !on("JobManagedBy") && j.Object.Spec.ManagedBy != nil {
		j.Object.Spec.ManagedBy = nil
		j.Job.Spec.ManagedBy = ""
		dropped = append(dropped, "spec.managedBy (JobManagedBy is off)")
	}
	ps1 := &j.Object.Spec.Template.Spec
	rules, all := on("ContainerRestartRules"), on("RestartAllContainersOnContainerExits")
	for i := range ps1.InitContainers {
		c := &ps1.InitContainers[i]
		p := field.NewPath("spec", "template", "spec", "initContainers").Index(i)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			dropped = j.sidecarRules(ps, p, c, rules, all, dropped)
			continue
		}
		dropped = j.restartFields(ps, p, c, rules, all, "container restart policies other than Always (sidecars)", dropped)
	}
	for i := range ps1.Containers {
		p := field.NewPath("spec", "template", "spec", "containers").Index(i)
		dropped = j.restartFields(ps, p, &ps1.Containers[i], rules, all, "per-container restart policies", dropped)
	}
	return dropped
}

// restartFields applies the version's rules to a container's
// restartPolicy and restartPolicyRules at p: dropped without
// ContainerRestartRules (added to dropped), else their actions checked,
// and what remains refused as not simulated (policyWhy says which
// policies).
func (j *Job) restartFields(ps *problems, p *field.Path, c *corev1.Container, rules, all bool, policyWhy string, dropped []string) []string {
	if !rules {
		if c.RestartPolicy != nil || len(c.RestartPolicyRules) > 0 {
			c.RestartPolicy, c.RestartPolicyRules = nil, nil
			dropped = append(dropped, p.String()+".restartPolicy and restartPolicyRules (ContainerRestartRules is off)")
		}
		return dropped
	}
	if j.checkActions(ps, p, c.RestartPolicyRules, all) {
		return dropped
	}
	if c.RestartPolicy != nil {
		j.notSupported(ps, p.Child("restartPolicy").String(), policyWhy)
	}
	if len(c.RestartPolicyRules) > 0 {
		j.notSupported(ps, p.Child("restartPolicyRules").String(), "container restart rules")
	}
	return dropped
}

// sidecarRules applies the version's rules to a sidecar's (an init
// container with restartPolicy Always) restartPolicyRules: dropped
// without ContainerRestartRules (the sidecar stays), refused without
// RestartAllContainersOnContainerExits as validateInitContainerRestartPolicy
// refuses them, else their actions checked and what remains refused as
// not simulated.
func (j *Job) sidecarRules(ps *problems, p *field.Path, c *corev1.Container, rules, all bool, dropped []string) []string {
	if len(c.RestartPolicyRules) == 0 {
		return dropped
	}
	switch {
	case !rules:
		c.RestartPolicyRules = nil
		return append(dropped, p.String()+".restartPolicyRules (ContainerRestartRules is off)")
	case !all:
		j.problem(ps, p.Child("restartPolicyRules").String(), "Forbidden: restartPolicyRules are not allowed for init containers with restart policy Always")
	case !j.checkActions(ps, p, c.RestartPolicyRules, all):
		j.notSupported(ps, p.Child("restartPolicyRules").String(), "container restart rules")
	}
	return dropped
}

// checkActions refuses the restart rules' actions the version does not
// accept, as its API server does; it reports whether it refused any.
func (j *Job) checkActions(ps *problems, p *field.Path, rules []corev1.ContainerRestartRule, all bool) bool {
	supported := []string{actionRestart}
	if all {
		supported = append(supported, actionRestartAllContainers)
	}
	bad := false
	for k, r := range rules {
		if !slices.Contains(supported, string(r.Action)) {
			quoted := make([]string, len(supported))
			for i, s := range supported {
				quoted[i] = fmt.Sprintf("%q", s)
			}
			j.problem(ps, p.Child("restartPolicyRules").Index(k).Child("action").String(),
				"Unsupported value: %q: supported values: %s", string(r.Action), strings.Join(quoted, ", "))
			bad = true
		}
	}
	return bad
}

// dropNotice words what versionFields dropped as a notice.
func dropNotice(v jobsim.Version, dropped []string) string {
	return fmt.Sprintf("Kubernetes %s drops %s", v.Resolve(), strings.Join(dropped, ", "))
}

// isComparisonOperator reports whether fe is jobsim.Validate's refusal
// of a toleration's operator Gt or Lt, which versionFields words as the
// version does.
func isComparisonOperator(fe jobsim.FieldError) bool {
	op, ok := fe.BadValue.(jobsim.TolerationOperator)
	return ok && fe.Type == jobsim.ErrorTypeNotSupported && (op == "Gt" || op == "Lt") &&
		strings.HasPrefix(fe.Field, "spec.template.spec.tolerations[") && strings.HasSuffix(fe.Field, "].operator")
}

// comparisonOperators refuses the tolerations with operator Gt or Lt as
// the API server of v does (ValidateTolerations): from 1.35, with the
// four operators it knows listed; in 1.34, with two.
func (j *Job) comparisonOperators(v jobsim.Version, ps *problems) {
	supported := `"Equal", "Exists", "Lt", "Gt"`
	if v.Resolve() < jobsim.V1_35 {
		supported = `"Equal", "Exists"`
	}
	for i, t := range j.Object.Spec.Template.Spec.Tolerations {
		// Spelled out: the k8s.io/api of 1.34, which the conformance
		// harness builds this package with, lacks these constants.
		if t.Operator == "Gt" || t.Operator == "Lt" {
			j.problem(ps, fmt.Sprintf("spec.template.spec.tolerations[%d].operator", i), "Unsupported value: %q: supported values: %s", string(t.Operator), supported)
		}
	}
}
