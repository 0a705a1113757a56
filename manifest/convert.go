package manifest

import (
	"errors"
	"math"
	"strings"
	"time"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/jobsim/jobsim"
)

// admit does to a decoded Job what the API server does on create, short
// of what needs the UID: it clears what the server sets itself, refuses
// what jobsim cannot simulate, converts the Job to jobsim's types,
// defaults and validates it, and writes the defaults back into Object.
func (j *Job) admit(ps *problems) {
	obj := j.Object
	before := len(ps.list)
	j.clearServerFields(ps)
	j.refuseUnsupported(ps)
	job := j.convert(ps)
	jobsim.SetDefaults(&job)
	var verr *jobsim.ValidationError
	if err := jobsim.Validate(job); errors.As(err, &verr) {
		for _, fe := range verr.Errors {
			if fe.Field == "metadata.name" && fe.Type == jobsim.ErrorTypeRequired && obj.GenerateName != "" {
				continue // refused above, as not supported
			}
			if fe.Field == "spec.template.spec.nodeSelector" {
				continue // reported by convert, at the line of each key
			}
			if isComparisonOperator(fe) {
				continue // reported by versionFields, in the words of the version
			}
			ps.add(j.File, j.lineOf(linePath(fe.Field)), j.prefix+fe.Field, "%s", fieldErrorMessage(fe))
		}
	}
	for _, fe := range selectorErrors(obj, "") {
		j.problem(ps, fe.Field, "%s", apiErrorBody(fe))
	}
	if len(ps.list) > before {
		return
	}
	j.Job = job
	writeSpec(&obj.Spec, job.Spec)
	obj.Labels = cloneMap(job.Labels)
	obj.Namespace = job.Namespace
	defaultPodTemplate(&obj.Spec.Template.Spec)
}

// linePath turns a path as jobsim's validation reports it into the path
// of the manifest: the API server reports the template's labels and
// annotations at spec.template.labels, without .metadata.
func linePath(p string) string {
	for _, f := range []string{"labels", "annotations"} {
		old := "spec.template." + f
		if p == old || strings.HasPrefix(p, old+"[") {
			return "spec.template.metadata." + strings.TrimPrefix(p, "spec.template.")
		}
	}
	return p
}

// clearServerFields drops what the API server sets itself on create
// (uid, creationTimestamp, generation, status ...), and refuses a
// resourceVersion as it does.
func (j *Job) clearServerFields(ps *problems) {
	m := &j.Object.ObjectMeta
	if m.ResourceVersion != "" {
		j.problem(ps, "metadata.resourceVersion", "Invalid value: %q: resourceVersion should not be set on objects to be created", m.ResourceVersion)
	}
	m.UID = ""
	m.CreationTimestamp = metav1.Time{}
	m.Generation = 0
	m.DeletionTimestamp = nil
	m.DeletionGracePeriodSeconds = nil
	m.ManagedFields = nil
	j.Object.Status = batchv1.JobStatus{}
}

// notSupported reports a field that jobsim cannot simulate faithfully and
// that would change what happens, so it refuses it instead of ignoring it.
func (j *Job) notSupported(ps *problems, path, why string) {
	j.problem(ps, path, "Forbidden: not supported by jobsim: %s", why)
}

// refuseUnsupported reports the fields that would change the Job's
// behaviour in ways jobsim does not model.
func (j *Job) refuseUnsupported(ps *problems) {
	obj := j.Object
	if obj.Name == "" && obj.GenerateName != "" {
		j.notSupported(ps, "metadata.generateName", "give the Job a metadata.name")
	}
	if len(obj.Finalizers) > 0 {
		j.notSupported(ps, "metadata.finalizers", "finalizers would keep a deleted Job around")
	}
	const spec = "spec.template.spec"
	ps1 := &obj.Spec.Template.Spec
	if ps1.ActiveDeadlineSeconds != nil {
		j.notSupported(ps, spec+".activeDeadlineSeconds", "a pod-level deadline; use the Job's spec.activeDeadlineSeconds")
	}
	if ps1.Resources != nil {
		j.notSupported(ps, spec+".resources", "pod-level resources; give each container its resources.requests")
	}
	if ps1.NodeName != "" {
		j.notSupported(ps, spec+".nodeName", "a pod template bound to a node by name bypasses the scheduler; use nodeSelector, or a required node affinity with matchFields on metadata.name")
	}
	if len(ps1.EphemeralContainers) > 0 {
		j.problem(ps, spec+".ephemeralContainers", "Forbidden: cannot be set on create")
	}
	if len(ps1.ResourceClaims) > 0 {
		j.notSupported(ps, spec+".resourceClaims", "dynamic resource allocation (DRA): the pods would wait for their claims to be allocated on a node")
	}
	for _, list := range []struct {
		name string
		cs   []corev1.Container
	}{{"initContainers", ps1.InitContainers}, {"containers", ps1.Containers}} {
		for i, c := range list.cs {
			if len(c.Resources.Claims) > 0 {
				p := field.NewPath("spec", "template", "spec", list.name).Index(i).Child("resources", "claims")
				j.notSupported(ps, p.String(), "dynamic resource allocation (DRA): resource claims")
			}
		}
	}
	j.refuseMergedKeys(ps)
	// The other container restart policies and the restart rules depend
	// on the version: see versionFields.
}

// maxSeconds is the most seconds a time.Duration holds.
const maxSeconds = math.MaxInt64 / int64(time.Second)

// seconds converts a ...Seconds field to a duration, reporting values a
// time.Duration cannot hold.
func (j *Job) seconds(ps *problems, path string, v *int64) *time.Duration {
	if v == nil {
		return nil
	}
	if *v > maxSeconds || *v < -maxSeconds {
		j.problem(ps, path, "Invalid value: %d: must be at most %d seconds for jobsim", *v, maxSeconds)
		return nil
	}
	d := time.Duration(*v) * time.Second
	return &d
}

// convert turns the Job into jobsim's types.
func (j *Job) convert(ps *problems) jobsim.Job {
	obj := j.Object
	s := &obj.Spec
	out := jobsim.Job{
		Name:        obj.Name,
		Namespace:   obj.Namespace,
		Labels:      cloneMap(obj.Labels),
		Annotations: cloneMap(obj.Annotations),
	}
	js := &out.Spec
	js.Parallelism = intPtr(s.Parallelism)
	js.Completions = intPtr(s.Completions)
	if s.CompletionMode != nil {
		js.CompletionMode = jobsim.CompletionMode(*s.CompletionMode)
	}
	js.BackoffLimit = intPtr(s.BackoffLimit)
	js.BackoffLimitPerIndex = intPtr(s.BackoffLimitPerIndex)
	js.MaxFailedIndexes = intPtr(s.MaxFailedIndexes)
	js.ActiveDeadline = j.seconds(ps, "spec.activeDeadlineSeconds", s.ActiveDeadlineSeconds)
	if s.TTLSecondsAfterFinished != nil {
		js.TTLAfterFinished = jobsim.Ptr(time.Duration(*s.TTLSecondsAfterFinished) * time.Second)
	}
	if s.Suspend != nil {
		js.Suspend = *s.Suspend
	}
	if s.PodReplacementPolicy != nil {
		js.PodReplacementPolicy = jobsim.PodReplacementPolicy(*s.PodReplacementPolicy)
	}
	if s.ManagedBy != nil {
		js.ManagedBy = *s.ManagedBy
	}
	js.ManualSelector = s.ManualSelector != nil && *s.ManualSelector
	js.PodFailurePolicy = convertPodFailurePolicy(s.PodFailurePolicy)
	js.SuccessPolicy = convertSuccessPolicy(s.SuccessPolicy)
	js.Template = j.convertTemplate(ps, &s.Template)
	return out
}

func intPtr(v *int32) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

func int32Ptr(v *int) *int32 {
	if v == nil {
		return nil
	}
	n := int32(*v)
	return &n
}

func convertPodFailurePolicy(p *batchv1.PodFailurePolicy) *jobsim.PodFailurePolicy {
	if p == nil {
		return nil
	}
	out := &jobsim.PodFailurePolicy{}
	for _, r := range p.Rules {
		rule := jobsim.PodFailurePolicyRule{Action: jobsim.PodFailurePolicyAction(r.Action)}
		if oe := r.OnExitCodes; oe != nil {
			c := &jobsim.PodFailurePolicyOnExitCodes{Operator: jobsim.PodFailurePolicyOperator(oe.Operator)}
			if oe.ContainerName != nil {
				c.ContainerName = *oe.ContainerName
			}
			for _, v := range oe.Values {
				c.Values = append(c.Values, int(v))
			}
			rule.OnExitCodes = c
		}
		for _, pc := range r.OnPodConditions {
			rule.OnPodConditions = append(rule.OnPodConditions, jobsim.PodFailurePolicyOnPodCondition{
				Type: string(pc.Type), Status: jobsim.ConditionStatus(pc.Status)})
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

func convertSuccessPolicy(p *batchv1.SuccessPolicy) *jobsim.SuccessPolicy {
	if p == nil {
		return nil
	}
	out := &jobsim.SuccessPolicy{}
	for _, r := range p.Rules {
		out.Rules = append(out.Rules, jobsim.SuccessPolicyRule{
			SucceededIndexes: cloneStringPtr(r.SucceededIndexes),
			SucceededCount:   intPtr(r.SucceededCount),
		})
	}
	return out
}

func cloneStringPtr(p *string) *string {
	if p == nil {
		return nil
	}
	s := *p
	return &s
}

func (j *Job) convertTemplate(ps *problems, t *corev1.PodTemplateSpec) jobsim.PodTemplate {
	out := jobsim.PodTemplate{
		Labels:      cloneMap(t.Labels),
		Annotations: cloneMap(t.Annotations),
	}
	s := &t.Spec
	out.Spec.RestartPolicy = jobsim.RestartPolicy(s.RestartPolicy)
	out.Spec.TerminationGracePeriod = j.seconds(ps, "spec.template.spec.terminationGracePeriodSeconds", s.TerminationGracePeriodSeconds)
	out.Spec.Hostname = s.Hostname
	out.Spec.NodeSelector = cloneMap(s.NodeSelector)
	labelProblems(s.NodeSelector, func(key, msg string) {
		ps.add(j.File, j.lineOf("spec.template.spec.nodeSelector["+key+"]"), j.prefix+"spec.template.spec.nodeSelector", "%s", msg)
	})
	out.Spec.Affinity = convertAffinity(s.Affinity)
	out.Spec.Tolerations = j.convertTolerations(ps, s.Tolerations)
	out.Spec.TopologySpreadConstraints = convertSpread(s.TopologySpreadConstraints)
	out.Spec.SchedulingGates = convertGates(s.SchedulingGates)
	out.Spec.PriorityClassName = s.PriorityClassName
	if s.PriorityClassName != "" {
		for _, msg := range dnsSubdomainErrors(s.PriorityClassName) {
			j.problem(ps, "spec.template.spec.priorityClassName", "Invalid value: %q: %s", s.PriorityClassName, msg)
		}
	}
	out.Spec.InitContainers = j.convertContainers(ps, "spec.template.spec.initContainers", s.InitContainers)
	for i, c := range s.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out.Spec.InitContainers[i].RestartPolicy = jobsim.RestartAlways // a sidecar
		}
	}
	out.Spec.Containers = j.convertContainers(ps, "spec.template.spec.containers", s.Containers)
	if s.RuntimeClassName != nil {
		out.Spec.RuntimeClassName = *s.RuntimeClassName
	}
	out.Spec.Overhead = j.overhead(ps, s.Overhead)
	return out
}

// overhead converts a template's overhead to jobsim's units, checking it
// as the API server does (validateOverhead reports it at
// overhead.limits, as the limits of a container's resources).
func (j *Job) overhead(ps *problems, rl corev1.ResourceList) jobsim.ResourceList {
	if len(rl) == 0 {
		return nil
	}
	out := jobsim.ResourceList{}
	for name, q := range rl {
		p := "spec.template.spec.overhead.limits[" + string(name) + "]"
		if errs := containerResourceNameErrors(string(name)); len(errs) > 0 {
			j.problem(ps, p, "Invalid value: %q: %s", string(name), errs[0])
			continue
		}
		n, why := toUnits(string(name), q)
		if why != "" {
			j.problem(ps, p, "Invalid value: %q: %s", q.String(), why)
			continue
		}
		out[string(name)] = n
	}
	return out
}

// convertAffinity keeps the affinity of a pod template: node affinity,
// pod affinity and anti-affinity, required and preferred.
func convertAffinity(a *corev1.Affinity) *jobsim.Affinity {
	if a == nil {
		return nil
	}
	out := &jobsim.Affinity{}
	if pa := a.PodAffinity; pa != nil {
		out.PodAffinity = convertPodAffinity(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	if pa := a.PodAntiAffinity; pa != nil {
		out.PodAntiAffinity = convertPodAffinity(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	if a.NodeAffinity == nil {
		return out
	}
	na := &jobsim.NodeAffinity{}
	if r := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
		ns := &jobsim.NodeSelector{}
		for _, t := range r.NodeSelectorTerms {
			ns.NodeSelectorTerms = append(ns.NodeSelectorTerms, convertTerm(t))
		}
		na.RequiredDuringSchedulingIgnoredDuringExecution = ns
	}
	for _, p := range a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
		na.PreferredDuringSchedulingIgnoredDuringExecution = append(na.PreferredDuringSchedulingIgnoredDuringExecution,
			jobsim.PreferredSchedulingTerm{Weight: p.Weight, Preference: convertTerm(p.Preference)})
	}
	out.NodeAffinity = na
	return out
}

func convertTerm(t corev1.NodeSelectorTerm) jobsim.NodeSelectorTerm {
	return jobsim.NodeSelectorTerm{MatchExpressions: convertRequirements(t.MatchExpressions), MatchFields: convertRequirements(t.MatchFields)}
}

func convertRequirements(rs []corev1.NodeSelectorRequirement) []jobsim.NodeSelectorRequirement {
	if rs == nil {
		return nil
	}
	out := make([]jobsim.NodeSelectorRequirement, len(rs))
	for i, r := range rs {
		out[i] = jobsim.NodeSelectorRequirement{Key: r.Key, Operator: jobsim.NodeSelectorOperator(r.Operator), Values: cloneStrings(r.Values)}
	}
	return out
}

func (j *Job) convertContainers(ps *problems, path string, cs []corev1.Container) []jobsim.Container {
	if cs == nil {
		return nil
	}
	out := make([]jobsim.Container, len(cs))
	for i, c := range cs {
		jc := jobsim.Container{
			Name:    c.Name,
			Image:   c.Image,
			Command: cloneStrings(c.Command),
			Args:    cloneStrings(c.Args),
		}
		jc.Requests = j.requests(ps, path, i, c.Resources)
		for k, e := range c.Env {
			ev := jobsim.EnvVar{Name: e.Name, Value: e.Value}
			if e.ValueFrom != nil {
				if e.ValueFrom.FieldRef != nil {
					ev.FieldPath = e.ValueFrom.FieldRef.FieldPath
				} else if e.Value != "" {
					p := field.NewPath(path).Index(i).Child("env").Index(k).Child("valueFrom").String()
					j.problem(ps, p, "Invalid value: \"\": may not be specified when `value` is not empty")
				}
			}
			jc.Env = append(jc.Env, ev)
		}
		out[i] = jc
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// writeSpec writes a jobsim spec's fields (defaulted, or edited) into a
// batch/v1 spec, leaving the pod template but for its grace period.
func writeSpec(dst *batchv1.JobSpec, s jobsim.JobSpec) {
	dst.Parallelism = int32Ptr(s.Parallelism)
	dst.Completions = int32Ptr(s.Completions)
	if s.CompletionMode != "" {
		m := batchv1.CompletionMode(s.CompletionMode)
		dst.CompletionMode = &m
	}
	dst.BackoffLimit = int32Ptr(s.BackoffLimit)
	dst.BackoffLimitPerIndex = int32Ptr(s.BackoffLimitPerIndex)
	dst.MaxFailedIndexes = int32Ptr(s.MaxFailedIndexes)
	dst.ActiveDeadlineSeconds = durationSeconds(s.ActiveDeadline)
	if s.TTLAfterFinished != nil {
		v := int32(*s.TTLAfterFinished / time.Second)
		dst.TTLSecondsAfterFinished = &v
	} else {
		dst.TTLSecondsAfterFinished = nil
	}
	dst.Suspend = &s.Suspend
	if s.PodReplacementPolicy != "" {
		p := batchv1.PodReplacementPolicy(s.PodReplacementPolicy)
		dst.PodReplacementPolicy = &p
	}
	if dst.ManualSelector == nil {
		dst.ManualSelector = new(bool)
	}
	if pfp := dst.PodFailurePolicy; pfp != nil && s.PodFailurePolicy != nil {
		// Defaulting sets onPodConditions[].status to True.
		for i := range pfp.Rules {
			for k := range pfp.Rules[i].OnPodConditions {
				if i < len(s.PodFailurePolicy.Rules) && k < len(s.PodFailurePolicy.Rules[i].OnPodConditions) {
					pfp.Rules[i].OnPodConditions[k].Status = corev1.ConditionStatus(s.PodFailurePolicy.Rules[i].OnPodConditions[k].Status)
				}
			}
		}
	}
	dst.Template.Spec.TerminationGracePeriodSeconds = durationSeconds(s.Template.Spec.TerminationGracePeriod)
}

func durationSeconds(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	v := int64(*d / time.Second)
	return &v
}
