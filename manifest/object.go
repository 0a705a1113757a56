package manifest

import (
	"encoding/json"
	"errors"
	"fmt"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/jobsim/jobsim"
)

// The entry points for Go programs that hold Kubernetes objects, or
// jobsim's own types, rather than YAML: NewJob admits a batch/v1 Job
// object as DecodeJobs admits a decoded one, and FromJob makes the
// batch/v1 object of a jobsim.Job.

// NewJob admits a batch/v1 Job object, as built in Go or read with
// client-go, as DecodeJobs admits each Job of a manifest: it clears what
// the API server sets itself, refuses what jobsim does not simulate,
// converts, defaults and validates the Job, checks its selector and
// template labels, and applies the rules of opts.Version and
// opts.FeatureGates (the other fields of opts are not used). It does not
// modify obj.
//
// An empty apiVersion or kind (client-go leaves TypeMeta empty) reads as
// batch/v1 Job; any other apiVersion or kind is a problem.
//
// The object is encoded as JSON and decoded as a one-document manifest,
// so every rule of DecodeJobs applies to it, with the same field paths
// and messages. The problems of the returned *Error have no File and
// Line 0, and are in the order of the object's fields; the Job's File is
// "" and its Line 0. What the version drops (a field whose feature gate
// is off), which DecodeJobs tells in a Notice, is dropped without one.
func NewJob(obj *batchv1.Job, opts Options) (*Job, error) {
	var ps problems
	if obj == nil {
		return nil, errorf("", "no Job: the object is nil")
	}
	cp := obj.DeepCopy()
	if cp.Kind != "" && cp.Kind != "Job" {
		ps.add("", 0, "kind", "Invalid value: %s: NewJob takes a batch/v1 Job", quoteClip(cp.Kind))
	}
	if cp.APIVersion != "" && cp.APIVersion != "batch/v1" {
		ps.add("", 0, "apiVersion", "Invalid value: %s: NewJob takes a batch/v1 Job", quoteClip(cp.APIVersion))
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	cp.TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}
	n, err := objectNode(cp)
	if err != nil {
		return nil, err
	}
	j := decodeJob("", n, 0, "", &ps)
	if j != nil {
		j.Line, j.lines = 0, nil
		j.versionFields(opts.Version, opts.FeatureGates, &ps)
	}
	if err := lineless(ps.err()); err != nil {
		return nil, err
	}
	return j, nil
}

// objectNode encodes an object as indented JSON, where each field has a
// line of its own (the problems found are then in the order of the
// fields), and returns its YAML node for decoding.
func objectNode(obj any) (*yaml.Node, error) {
	data, err := json.MarshalIndent(obj, "", " ")
	if err != nil {
		return nil, errorf("", "the object cannot be encoded: %s", jsonErrorText(err))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, errorf("", "the object cannot be decoded from its JSON encoding")
	}
	return doc.Content[0], nil
}

// lineless drops the lines of the problems of err: those of an object's
// JSON encoding, which the caller never saw.
func lineless(err error) error {
	var e *Error
	if errors.As(err, &e) {
		for i := range e.Problems {
			e.Problems[i].Line = 0
		}
	}
	return err
}

// FromJob makes the Job that j, built with jobsim's types, is as a
// batch/v1 object: Object is what the API server stores when it is
// created (defaulted as NewJob defaults it), so that JobObject and
// PodObject work for it once it is submitted, and Job is j defaulted by
// jobsim.SetDefaults. It does not modify j.
//
// j is validated by jobsim.Validate after jobsim.SetDefaults (on a copy);
// an invalid j is an *Error listing the problems at their field paths.
// The object is then admitted by NewJob for the latest version with its
// default feature gates, whose problems (the rules jobsim's model leaves
// out, such as those of the selector, and what jobsim does not
// simulate, such as a template's nodeName) are an *Error too.
//
// A template's Priority and PreemptionPolicy, which the cluster sets on
// pods and ignores in templates, have no place in the object and are
// dropped. jobsim has no selector: with ManualSelector true, the
// object's selector matches the template's labels.
func FromJob(j jobsim.Job) (*Job, error) {
	cp, err := copyJob(j)
	if err != nil {
		return nil, errorf("", "the Job cannot be copied: %s", jsonErrorText(err))
	}
	jobsim.SetDefaults(&cp)
	var verr *jobsim.ValidationError
	if err := jobsim.Validate(cp); errors.As(err, &verr) {
		var ps problems
		for _, fe := range verr.Errors {
			ps.add("", 0, fe.Field, "%s", fieldErrorMessage(fe))
		}
		if err := ps.err(); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, errorf("", "%s", err.Error())
	}
	return NewJob(jobToObject(j), Options{})
}

// copyJob deep-copies a jobsim.Job, whose fields are all exported data.
func copyJob(j jobsim.Job) (jobsim.Job, error) {
	var out jobsim.Job
	data, err := json.Marshal(j)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(data, &out)
	return out, err
}

// object returns the Job's batch/v1 object: Object, or, for a Job made
// of jobsim's types only (Object nil), the object FromJob makes of it,
// or if FromJob refuses it, that object undefaulted but for the pod
// template's defaults.
func (j *Job) object() *batchv1.Job {
	if j.Object != nil {
		return j.Object
	}
	if fj, err := FromJob(j.Job); err == nil {
		return fj.Object
	}
	obj := jobToObject(j.Job)
	defaultPodTemplate(&obj.Spec.Template.Spec)
	return obj
}

// jobToObject is the reverse of convert: the batch/v1 Job that converts
// to j, as written (neither defaulted nor validated).
func jobToObject(j jobsim.Job) *batchv1.Job {
	obj := &batchv1.Job{
		TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        j.Name,
			Namespace:   j.Namespace,
			Labels:      cloneMap(j.Labels),
			Annotations: cloneMap(j.Annotations),
		},
	}
	s := &obj.Spec
	js := j.Spec
	if js.ManualSelector {
		s.ManualSelector = jobsim.Ptr(true)
		s.Selector = &metav1.LabelSelector{MatchLabels: cloneMap(js.Template.Labels)}
	}
	writeSpec(s, js)
	if !js.Suspend {
		s.Suspend = nil
	}
	if !js.ManualSelector {
		s.ManualSelector = nil
	}
	if js.ManagedBy != "" {
		s.ManagedBy = jobsim.Ptr(js.ManagedBy)
	}
	s.PodFailurePolicy = corePodFailurePolicy(js.PodFailurePolicy)
	s.SuccessPolicy = coreSuccessPolicy(js.SuccessPolicy)
	s.Template = coreTemplate(js.Template)
	return obj
}

func corePodFailurePolicy(p *jobsim.PodFailurePolicy) *batchv1.PodFailurePolicy {
	if p == nil {
		return nil
	}
	out := &batchv1.PodFailurePolicy{}
	for _, r := range p.Rules {
		rule := batchv1.PodFailurePolicyRule{Action: batchv1.PodFailurePolicyAction(r.Action)}
		if oe := r.OnExitCodes; oe != nil {
			c := &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: batchv1.PodFailurePolicyOnExitCodesOperator(oe.Operator)}
			if oe.ContainerName != "" {
				c.ContainerName = jobsim.Ptr(oe.ContainerName)
			}
			if oe.Values != nil {
				c.Values = make([]int32, len(oe.Values))
				for i, v := range oe.Values {
					c.Values[i] = int32(v)
				}
			}
			rule.OnExitCodes = c
		}
		if r.OnPodConditions != nil {
			// The API requires the list, even empty, when onExitCodes is
			// not set.
			rule.OnPodConditions = make([]batchv1.PodFailurePolicyOnPodConditionsPattern, len(r.OnPodConditions))
			for i, pc := range r.OnPodConditions {
				rule.OnPodConditions[i] = batchv1.PodFailurePolicyOnPodConditionsPattern{
					Type: corev1.PodConditionType(pc.Type), Status: corev1.ConditionStatus(pc.Status)}
			}
		}
		out.Rules = append(out.Rules, rule)
	}
	return out
}

func coreSuccessPolicy(p *jobsim.SuccessPolicy) *batchv1.SuccessPolicy {
	if p == nil {
		return nil
	}
	out := &batchv1.SuccessPolicy{}
	for _, r := range p.Rules {
		out.Rules = append(out.Rules, batchv1.SuccessPolicyRule{
			SucceededIndexes: cloneStringPtr(r.SucceededIndexes),
			SucceededCount:   int32Ptr(r.SucceededCount),
		})
	}
	return out
}

// coreTemplate is the reverse of convertTemplate.
func coreTemplate(t jobsim.PodTemplate) corev1.PodTemplateSpec {
	out := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: cloneMap(t.Labels), Annotations: cloneMap(t.Annotations)},
	}
	src := &t.Spec
	s := &out.Spec
	s.RestartPolicy = corev1.RestartPolicy(src.RestartPolicy)
	s.TerminationGracePeriodSeconds = durationSeconds(src.TerminationGracePeriod)
	s.Hostname = src.Hostname
	s.NodeName = src.NodeName
	s.NodeSelector = cloneMap(src.NodeSelector)
	s.Affinity = coreAffinity(src.Affinity)
	s.Tolerations = coreTolerations(src.Tolerations)
	s.TopologySpreadConstraints = coreSpread(src.TopologySpreadConstraints)
	if src.SchedulingGates != nil {
		s.SchedulingGates = make([]corev1.PodSchedulingGate, len(src.SchedulingGates))
		for i, g := range src.SchedulingGates {
			s.SchedulingGates[i] = corev1.PodSchedulingGate{Name: g}
		}
	}
	s.PriorityClassName = src.PriorityClassName
	s.InitContainers = coreContainers(src.InitContainers)
	s.Containers = coreContainers(src.Containers)
	if src.RuntimeClassName != "" {
		s.RuntimeClassName = jobsim.Ptr(src.RuntimeClassName)
	}
	s.Overhead = coreResources(src.Overhead)
	return out
}

// coreContainers is the reverse of convertContainers: the requests are
// resources.requests, a FieldPath an env var's valueFrom.fieldRef, and a
// restartPolicy (Always, for a sidecar) the container's restartPolicy.
func coreContainers(cs []jobsim.Container) []corev1.Container {
	if cs == nil {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		oc := corev1.Container{
			Name:    c.Name,
			Image:   c.Image,
			Command: cloneStrings(c.Command),
			Args:    cloneStrings(c.Args),
		}
		oc.Resources.Requests = coreResources(c.Requests)
		if c.Env != nil {
			oc.Env = make([]corev1.EnvVar, len(c.Env))
			for k, e := range c.Env {
				oc.Env[k] = corev1.EnvVar{Name: e.Name, Value: e.Value}
				if e.FieldPath != "" {
					oc.Env[k].ValueFrom = &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: e.FieldPath}}
				}
			}
		}
		if c.RestartPolicy != "" {
			oc.RestartPolicy = jobsim.Ptr(corev1.ContainerRestartPolicy(c.RestartPolicy))
		}
		out[i] = oc
	}
	return out
}

// coreResources converts a jobsim.ResourceList (millicores of cpu, bytes
// or units of the others) to quantities.
func coreResources(rl jobsim.ResourceList) corev1.ResourceList {
	if rl == nil {
		return nil
	}
	out := make(corev1.ResourceList, len(rl))
	for name, v := range rl {
		q, err := resource.ParseQuantity(jobsim.FormatQuantity(name, v))
		if err != nil {
			if name == jobsim.ResourceCPU {
				q = *resource.NewMilliQuantity(v, resource.DecimalSI)
			} else {
				q = *resource.NewQuantity(v, resource.DecimalSI)
			}
		}
		out[corev1.ResourceName(name)] = q
	}
	return out
}

// coreAffinity is the reverse of convertAffinity.
func coreAffinity(a *jobsim.Affinity) *corev1.Affinity {
	if a == nil {
		return nil
	}
	out := &corev1.Affinity{}
	if pa := a.PodAffinity; pa != nil {
		req, pref := corePodAffinity(pa)
		out.PodAffinity = &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: req, PreferredDuringSchedulingIgnoredDuringExecution: pref}
	}
	if pa := a.PodAntiAffinity; pa != nil {
		req, pref := corePodAffinity(pa)
		out.PodAntiAffinity = &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: req, PreferredDuringSchedulingIgnoredDuringExecution: pref}
	}
	if na := a.NodeAffinity; na != nil {
		out.NodeAffinity = &corev1.NodeAffinity{}
		if r := na.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
			ns := &corev1.NodeSelector{}
			if r.NodeSelectorTerms != nil {
				ns.NodeSelectorTerms = make([]corev1.NodeSelectorTerm, len(r.NodeSelectorTerms))
				for i, t := range r.NodeSelectorTerms {
					ns.NodeSelectorTerms[i] = coreTerm(t)
				}
			}
			out.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = ns
		}
		for _, p := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			out.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution = append(out.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution,
				corev1.PreferredSchedulingTerm{Weight: p.Weight, Preference: coreTerm(p.Preference)})
		}
	}
	return out
}

func coreTerm(t jobsim.NodeSelectorTerm) corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{MatchExpressions: coreRequirements(t.MatchExpressions), MatchFields: coreRequirements(t.MatchFields)}
}

func coreRequirements(rs []jobsim.NodeSelectorRequirement) []corev1.NodeSelectorRequirement {
	if rs == nil {
		return nil
	}
	out := make([]corev1.NodeSelectorRequirement, len(rs))
	for i, r := range rs {
		out[i] = corev1.NodeSelectorRequirement{Key: r.Key, Operator: corev1.NodeSelectorOperator(r.Operator), Values: cloneStrings(r.Values)}
	}
	return out
}

// corePodAffinity is the reverse of convertPodAffinity: the terms of pod
// affinity or anti-affinity, which have the same fields.
func corePodAffinity(pa *jobsim.PodAffinity) ([]corev1.PodAffinityTerm, []corev1.WeightedPodAffinityTerm) {
	var req []corev1.PodAffinityTerm
	for _, t := range pa.RequiredDuringSchedulingIgnoredDuringExecution {
		req = append(req, corePodAffinityTerm(t))
	}
	var pref []corev1.WeightedPodAffinityTerm
	for _, w := range pa.PreferredDuringSchedulingIgnoredDuringExecution {
		pref = append(pref, corev1.WeightedPodAffinityTerm{Weight: w.Weight, PodAffinityTerm: corePodAffinityTerm(w.PodAffinityTerm)})
	}
	return req, pref
}

func corePodAffinityTerm(t jobsim.PodAffinityTerm) corev1.PodAffinityTerm {
	return corev1.PodAffinityTerm{
		LabelSelector:     coreSelector(t.LabelSelector),
		Namespaces:        cloneStrings(t.Namespaces),
		NamespaceSelector: coreSelector(t.NamespaceSelector),
		TopologyKey:       t.TopologyKey,
		MatchLabelKeys:    cloneStrings(t.MatchLabelKeys),
		MismatchLabelKeys: cloneStrings(t.MismatchLabelKeys),
	}
}

// coreSelector is the reverse of convertSelector.
func coreSelector(s *jobsim.LabelSelector) *metav1.LabelSelector {
	if s == nil {
		return nil
	}
	out := &metav1.LabelSelector{MatchLabels: cloneMap(s.MatchLabels)}
	for _, r := range s.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{
			Key: r.Key, Operator: metav1.LabelSelectorOperator(r.Operator), Values: cloneStrings(r.Values)})
	}
	return out
}

// coreSpread is the reverse of convertSpread.
func coreSpread(cs []jobsim.TopologySpreadConstraint) []corev1.TopologySpreadConstraint {
	if cs == nil {
		return nil
	}
	out := make([]corev1.TopologySpreadConstraint, len(cs))
	for i, c := range cs {
		oc := corev1.TopologySpreadConstraint{
			MaxSkew:           c.MaxSkew,
			TopologyKey:       c.TopologyKey,
			WhenUnsatisfiable: corev1.UnsatisfiableConstraintAction(c.WhenUnsatisfiable),
			LabelSelector:     coreSelector(c.LabelSelector),
			MatchLabelKeys:    cloneStrings(c.MatchLabelKeys),
		}
		if c.MinDomains != nil {
			oc.MinDomains = jobsim.Ptr(*c.MinDomains)
		}
		if c.NodeAffinityPolicy != "" {
			oc.NodeAffinityPolicy = jobsim.Ptr(corev1.NodeInclusionPolicy(c.NodeAffinityPolicy))
		}
		if c.NodeTaintsPolicy != "" {
			oc.NodeTaintsPolicy = jobsim.Ptr(corev1.NodeInclusionPolicy(c.NodeTaintsPolicy))
		}
		out[i] = oc
	}
	return out
}

// errorf is a one-problem *Error with no file or line.
func errorf(field, format string, args ...any) error {
	var ps problems
	ps.add("", 0, field, "%s", fmt.Sprintf(format, args...))
	return ps.err()
}
