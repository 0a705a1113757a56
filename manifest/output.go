package manifest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	batchv1 "github.com/jobsim/jobsim/internal/k8s/batchv1"
	corev1 "github.com/jobsim/jobsim/internal/k8s/corev1"
	metav1 "github.com/jobsim/jobsim/internal/k8s/metav1"
	"github.com/jobsim/jobsim/internal/k8s/types"

	"github.com/jobsim/jobsim"
)

// The annotations JobObject adds to a Job: its scheduling and timing
// figures (jobsim.JobMetrics), as a count and Go durations ("1m30s").
const (
	PodsBoundAnnotation     = "jobsim.dev/pods-bound"      // pods the scheduler bound to a node
	QueueWaitMeanAnnotation = "jobsim.dev/queue-wait-mean" // mean time from a pod's creation to its binding
	QueueWaitMaxAnnotation  = "jobsim.dev/queue-wait-max"  // the longest such wait
	RunTimeAnnotation       = "jobsim.dev/run-time"        // the time its containers ran, summed over its pods
	MakespanAnnotation      = "jobsim.dev/makespan"        // from its creation to its end (or to now)
)

// JobObject returns the batch/v1 Job that `kubectl get job -o yaml` would
// show for a submitted job: j's object with the metadata the API server
// sets (uid, generation, creationTimestamp), the generated selector and
// template labels, the spec as edited since, and the full status; and,
// as annotations that only jobsim adds, the job's metrics
// (PodsBoundAnnotation, QueueWaitMeanAnnotation ...).
//
// A Job with no Object (&Job{Job: job}, built from jobsim's types) gets
// the object FromJob makes of j.Job.
func JobObject(j *Job, h *jobsim.JobHandle) *batchv1.Job {
	obj := j.object().DeepCopy()
	obj.TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}
	cur := h.Job()
	obj.Name, obj.Namespace = cur.Name, cur.Namespace
	obj.UID = types.UID(h.UID())
	obj.Generation = int64(h.Generation())
	obj.CreationTimestamp = metav1.NewTime(h.CreationTime())
	obj.Labels = cloneMap(cur.Labels)
	obj.Annotations = cloneMap(cur.Annotations)
	if obj.Annotations == nil {
		obj.Annotations = map[string]string{}
	}
	m := h.Metrics()
	obj.Annotations[PodsBoundAnnotation] = strconv.Itoa(m.PodsBound)
	obj.Annotations[QueueWaitMeanAnnotation] = m.MeanQueueWait.String()
	obj.Annotations[QueueWaitMaxAnnotation] = m.MaxQueueWait.String()
	obj.Annotations[RunTimeAnnotation] = m.RunTime.String()
	obj.Annotations[MakespanAnnotation] = m.Makespan.String()
	writeSpec(&obj.Spec, cur.Spec)
	generateSelector(obj, h.UID())
	if m := cur.Spec.ManagedBy; m == "" || m == jobsim.JobControllerName {
		obj.Status = jobStatus(h.Status())
	} // else the Job controller never writes its status: it stays empty.
	return obj
}

func metaTime(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	mt := metav1.NewTime(t)
	return &mt
}

func jobStatus(st jobsim.JobStatus) batchv1.JobStatus {
	out := batchv1.JobStatus{
		StartTime:               metaTime(st.StartTime),
		CompletionTime:          metaTime(st.CompletionTime),
		Active:                  int32(st.Active),
		Succeeded:               int32(st.Succeeded),
		Failed:                  int32(st.Failed),
		Terminating:             jobsim.Ptr(int32(st.Terminating)),
		Ready:                   jobsim.Ptr(int32(st.Ready)),
		CompletedIndexes:        st.CompletedIndexes,
		FailedIndexes:           cloneStringPtr(st.FailedIndexes),
		UncountedTerminatedPods: &batchv1.UncountedTerminatedPods{},
	}
	for _, c := range st.Conditions {
		out.Conditions = append(out.Conditions, batchv1.JobCondition{
			Type:               batchv1.JobConditionType(c.Type),
			Status:             corev1.ConditionStatus(c.Status),
			LastProbeTime:      metav1.NewTime(c.LastProbeTime),
			LastTransitionTime: metav1.NewTime(c.LastTransitionTime),
			Reason:             c.Reason,
			Message:            c.Message,
		})
	}
	return out
}

// PodObject returns the v1 Pod that `kubectl get pod -o yaml` would show
// for p, a pod of the job j with UID jobUID: its metadata (generateName,
// labels, annotations, the owner reference to the job unless the pod is
// orphaned, finalizers,
// deletion), the spec of j's pod template with what the controller, the
// admission plugins and the scheduler add (nodeName, hostname,
// JOB_COMPLETION_INDEX, priority and preemptionPolicy, the default
// tolerations of not-ready and unreachable nodes), and its status (phase,
// conditions, nominatedNodeName, container states with exit codes and
// restart counts; no container states before the kubelet has accepted
// the pod).
//
// A Job with no Object gets its template from the object FromJob makes
// of j.Job, as in JobObject.
func PodObject(j *Job, jobUID string, p jobsim.Pod) *corev1.Pod {
	tmpl := j.object().Spec.Template.DeepCopy()
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              p.Name,
			GenerateName:      generateName(p.Name),
			Namespace:         p.Namespace,
			UID:               types.UID(p.UID),
			CreationTimestamp: metav1.NewTime(p.CreationTime),
			Labels:            cloneMap(p.Labels),
			Annotations:       cloneMap(p.Annotations),
			Finalizers:        cloneStrings(p.Finalizers),
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion:         "batch/v1",
				Kind:               "Job",
				Name:               p.JobName,
				UID:                types.UID(jobUID),
				Controller:         jobsim.Ptr(true),
				BlockOwnerDeletion: jobsim.Ptr(true),
			}},
		},
		Spec: tmpl.Spec,
	}
	if p.Orphaned {
		pod.OwnerReferences = nil // the garbage collector took it off
	}
	if p.Spec.RuntimeClassName != "" {
		// What the RuntimeClass admission plugin set on the pod.
		pod.Spec.NodeSelector = cloneMap(p.Spec.NodeSelector)
		pod.Spec.Tolerations = coreTolerations(p.Spec.Tolerations)
		pod.Spec.Overhead = nil
		for r, q := range p.Spec.Overhead {
			if pod.Spec.Overhead == nil {
				pod.Spec.Overhead = corev1.ResourceList{}
			}
			pod.Spec.Overhead[corev1.ResourceName(r)] = resource.MustParse(jobsim.FormatQuantity(r, q))
		}
	}
	addDefaultTolerations(&pod.Spec)
	if pod.Spec.PreemptionPolicy == nil {
		pod.Spec.PreemptionPolicy = jobsim.Ptr(corev1.PreemptLowerPriority)
	}
	if !p.DeletionTime.IsZero() {
		pod.DeletionTimestamp = metaTime(p.DeletionTime)
		pod.DeletionGracePeriodSeconds = jobsim.Ptr(int64(p.DeletionGracePeriod / time.Second))
	}
	s := &pod.Spec
	s.NodeName = p.Spec.NodeName
	s.Hostname = p.Spec.Hostname
	s.Priority = jobsim.Ptr(p.Spec.Priority)
	addFieldEnv(s.InitContainers, p.Spec.InitContainers)
	addFieldEnv(s.Containers, p.Spec.Containers)
	defaultPod(s)
	pod.Status = podStatus(p.Status, s)
	return pod
}

// coreTolerations converts tolerations back to the API's type.
func coreTolerations(ts []jobsim.Toleration) []corev1.Toleration {
	if ts == nil {
		return nil
	}
	out := make([]corev1.Toleration, len(ts))
	for i, t := range ts {
		out[i] = corev1.Toleration{Key: t.Key, Operator: corev1.TolerationOperator(t.Operator), Value: t.Value, Effect: corev1.TaintEffect(t.Effect)}
		if t.TolerationPeriod != nil {
			out[i].TolerationSeconds = jobsim.Ptr(int64(*t.TolerationPeriod / time.Second))
		}
	}
	return out
}

// notReadyToleration is the toleration the DefaultTolerationSeconds
// admission plugin adds to pods for a NoExecute taint key, unless they
// have one: the taint manager evicts them 300 s after their node is
// tainted.
func notReadyToleration(key string) corev1.Toleration {
	return corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: jobsim.Ptr(int64(300))}
}

// addDefaultTolerations adds the DefaultTolerationSeconds admission
// plugin's tolerations of node.kubernetes.io/not-ready and
// node.kubernetes.io/unreachable to a pod that has none.
func addDefaultTolerations(s *corev1.PodSpec) {
	for _, key := range []string{"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"} {
		has := false
		for _, t := range s.Tolerations {
			if (t.Key == key || t.Key == "" && t.Operator == corev1.TolerationOpExists) && (t.Effect == "" || t.Effect == corev1.TaintEffectNoExecute) {
				has = true
			}
		}
		if !has {
			s.Tolerations = append(s.Tolerations, notReadyToleration(key))
		}
	}
}

// generateName is the prefix the pod's name was generated from: all but
// the five random characters.
func generateName(name string) string {
	if len(name) > 5 {
		return name[:len(name)-5]
	}
	return ""
}

// addFieldEnv adds to the containers of a pod's spec the downward-API
// variables jobsim's view of the pod has and the template has not (the
// JOB_COMPLETION_INDEX of Indexed jobs).
func addFieldEnv(dst []corev1.Container, src []jobsim.Container) {
	for i := range dst {
		if i >= len(src) {
			return
		}
		for _, e := range src[i].Env {
			if e.FieldPath == "" || hasEnv(dst[i].Env, e.Name) {
				continue
			}
			dst[i].Env = append(dst[i].Env, corev1.EnvVar{Name: e.Name, ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: e.FieldPath}}})
		}
	}
}

func hasEnv(env []corev1.EnvVar, name string) bool {
	for _, e := range env {
		if e.Name == name {
			return true
		}
	}
	return false
}

func podStatus(st jobsim.PodStatus, spec *corev1.PodSpec) corev1.PodStatus {
	out := corev1.PodStatus{
		Phase:             corev1.PodPhase(st.Phase),
		StartTime:         metaTime(st.StartTime),
		QOSClass:          qosClass(spec),
		NominatedNodeName: st.NominatedNodeName,
	}
	for _, c := range st.Conditions {
		out.Conditions = append(out.Conditions, corev1.PodCondition{
			Type:               corev1.PodConditionType(c.Type),
			Status:             corev1.ConditionStatus(c.Status),
			Reason:             c.Reason,
			Message:            c.Message,
			LastTransitionTime: metav1.NewTime(c.LastTransitionTime),
		})
	}
	images := map[string]string{}
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		images[c.Name] = c.Image
	}
	if st.StartTime.IsZero() {
		// The kubelet has not accepted the pod (it waits to be scheduled,
		// or its node is down): it has no container states yet.
		return out
	}
	for _, cs := range st.InitContainerStatuses {
		out.InitContainerStatuses = append(out.InitContainerStatuses, containerStatus(cs, images[cs.Name]))
	}
	for _, cs := range st.ContainerStatuses {
		out.ContainerStatuses = append(out.ContainerStatuses, containerStatus(cs, images[cs.Name]))
	}
	return out
}

func containerStatus(cs jobsim.ContainerStatus, image string) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:                 cs.Name,
		State:                containerState(cs.State),
		LastTerminationState: containerState(cs.LastTerminationState),
		Ready:                cs.Ready,
		RestartCount:         int32(cs.RestartCount),
		Image:                image,
		Started:              jobsim.Ptr(cs.Started),
	}
}

func containerState(s jobsim.ContainerState) corev1.ContainerState {
	var out corev1.ContainerState
	if w := s.Waiting; w != nil {
		out.Waiting = &corev1.ContainerStateWaiting{Reason: w.Reason, Message: w.Message}
	}
	if r := s.Running; r != nil {
		out.Running = &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(r.StartedAt)}
	}
	if t := s.Terminated; t != nil {
		out.Terminated = &corev1.ContainerStateTerminated{
			ExitCode:   int32(t.ExitCode),
			Reason:     t.Reason,
			StartedAt:  metav1.NewTime(t.StartedAt),
			FinishedAt: metav1.NewTime(t.FinishedAt),
		}
	}
	return out
}

// Objects returns what exists at the end of the simulation, as the API
// server would show it: the jobs not deleted, in submission order, and
// the pods that still exist, in creation order.
func (sim *Simulation) Objects() ([]*batchv1.Job, []*corev1.Pod) {
	var jobs []*batchv1.Job
	type owner struct {
		j *Job
		h *jobsim.JobHandle
	}
	byUID := map[string]owner{}
	byName := map[string][]owner{}
	for _, i := range sim.scenario.submissionOrder() {
		h := sim.handles[i]
		if h == nil {
			continue
		}
		o := owner{sim.scenario.Jobs[i].Manifest, h}
		byUID[h.UID()] = o
		key := h.Namespace() + "/" + h.Name()
		byName[key] = append(byName[key], o)
		if !h.Deleted() {
			jobs = append(jobs, JobObject(o.j, h))
		}
	}
	// The Jobs the CronJobs created that still exist, CronJob by CronJob,
	// in creation order.
	for i, sc := range sim.scenario.CronJobs {
		ch := sim.cronHandles[i]
		if ch == nil {
			continue
		}
		for _, h := range ch.Jobs() {
			o := owner{sc.Manifest.Template, h}
			byUID[h.UID()] = o
			key := h.Namespace() + "/" + h.Name()
			byName[key] = append(byName[key], o)
			jobs = append(jobs, CronJobJobObject(sc.Manifest, ch, h))
		}
	}
	// A pod carries its job's UID in a label, unless the job has a manual
	// selector: it is then the pod of the job of its name, or of the one
	// of the jobs of that name (one deleted, one submitted after) that
	// has it.
	ownerOf := func(p jobsim.Pod) (owner, bool) {
		if o, ok := byUID[p.Labels[jobsim.ControllerUIDLabel]]; ok {
			return o, true
		}
		cands := byName[p.Namespace+"/"+p.JobName]
		if len(cands) == 1 {
			return cands[0], true
		}
		for _, o := range cands {
			if slices.ContainsFunc(o.h.Pods(), func(q jobsim.Pod) bool { return q.UID == p.UID }) {
				return o, true
			}
		}
		return owner{}, false
	}
	classes := map[string]PriorityClass{}
	var global *PriorityClass
	for i, pc := range sim.scenario.PriorityClasses {
		classes[pc.Name] = pc
		if pc.GlobalDefault {
			global = &sim.scenario.PriorityClasses[i]
		}
	}
	var pods []*corev1.Pod
	for _, p := range sim.cluster.Pods() {
		o, ok := ownerOf(p)
		if !ok {
			continue
		}
		pod := PodObject(o.j, o.h.UID(), p)
		// The Priority admission plugin names the global default class in
		// pods that name none, and copies the class's preemption policy.
		if pod.Spec.PriorityClassName == "" && global != nil {
			pod.Spec.PriorityClassName = global.Name
		}
		if pc, ok := classes[pod.Spec.PriorityClassName]; ok && pc.PreemptionPolicy != "" {
			pod.Spec.PreemptionPolicy = jobsim.Ptr(corev1.PreemptionPolicy(pc.PreemptionPolicy))
		}
		pods = append(pods, pod)
	}
	return jobs, pods
}

// HasNodes reports whether the scenario says anything of nodes (nodes or
// faults): List then shows them.
func (s *Scenario) HasNodes() bool {
	if len(s.Nodes) > 0 {
		return true
	}
	for _, f := range s.Faults {
		if f.Node != "" {
			return true // a controller's fault says nothing of nodes
		}
	}
	return false
}

// Nodes returns the cluster's nodes at the end of the simulation as v1
// Node objects, as `kubectl get nodes -o yaml` would show them: labels
// (the kubelet's, the pool's, its zone and region), spec.unschedulable,
// the pool's taints and those of a cordoned or unreachable node,
// status.capacity and allocatable (the same: jobsim reserves nothing for
// the system), nodeInfo (Linux on amd64, the kubelet of the scenario's
// Kubernetes release), and the Ready condition (Unknown once the node lifecycle
// controller has noticed that the node's kubelet stopped).
func (sim *Simulation) Nodes() []*corev1.Node {
	var out []*corev1.Node
	start := metav1.NewTime(sim.scenario.Start)
	end := sim.End()
	for _, v := range sim.cluster.Nodes() {
		t := sim.track(v.Name)
		n := &corev1.Node{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
			ObjectMeta: metav1.ObjectMeta{
				Name:              v.Name,
				Labels:            cloneMap(v.Labels),
				CreationTimestamp: start,
			},
		}
		if len(v.Capacity) > 0 {
			n.Status.Capacity = corev1.ResourceList{}
			for r, q := range v.Capacity {
				n.Status.Capacity[corev1.ResourceName(r)] = resource.MustParse(jobsim.FormatQuantity(r, q))
			}
			n.Status.Allocatable = n.Status.Capacity.DeepCopy()
		}
		heartbeat := end
		if !t.KubeletStopped.IsZero() {
			heartbeat = t.KubeletStopped
		}
		ready := corev1.NodeCondition{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue,
			Reason: "KubeletReady", Message: "kubelet is posting ready status",
			LastHeartbeatTime: metav1.NewTime(heartbeat), LastTransitionTime: metav1.NewTime(t.ReadySince),
		}
		for _, tt := range v.Taints {
			n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: tt.Key, Value: tt.Value, Effect: corev1.TaintEffect(tt.Effect)})
		}
		// The lifecycle taints, unless the node's view has them already.
		lifecycle := func(key string, effect corev1.TaintEffect, since time.Time) {
			for _, tt := range n.Spec.Taints {
				if tt.Key == key && tt.Effect == effect {
					return
				}
			}
			added := metav1.NewTime(since)
			n.Spec.Taints = append(n.Spec.Taints, corev1.Taint{Key: key, Effect: effect, TimeAdded: &added})
		}
		if !v.Ready {
			ready.Status, ready.Reason, ready.Message = corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
			lifecycle(jobsim.TaintNodeUnreachable, corev1.TaintEffectNoSchedule, t.ReadySince)
			lifecycle(jobsim.TaintNodeUnreachable, corev1.TaintEffectNoExecute, t.ReadySince)
		}
		if v.Unschedulable {
			n.Spec.Unschedulable = true
			lifecycle(jobsim.TaintNodeUnschedulable, corev1.TaintEffectNoSchedule, t.CordonedSince)
		}
		n.Status.Conditions = []corev1.NodeCondition{ready}
		n.Status.DaemonEndpoints.KubeletEndpoint.Port = 10250
		n.Status.NodeInfo = corev1.NodeSystemInfo{KubeletVersion: sim.scenario.KubernetesVersion.Release(), OperatingSystem: "linux", Architecture: "amd64"}
		out = append(out, n)
	}
	return out
}

// List returns Objects as a v1 List, as `kubectl get jobs,pods -o json`
// prints it: its items are the objects' JSON with sorted keys. The
// CronJobs that still exist come first (CronJobObject), as with
// `kubectl get cronjobs,jobs,pods`, and the Jobs they created follow the
// scenario's own. When the
// scenario has nodes or faults, the nodes follow, as with `kubectl get
// jobs,pods,nodes`.
func (sim *Simulation) List() (map[string]any, error) {
	jobs, pods := sim.Objects()
	items := []any{}
	crons := sim.CronJobObjects()
	add := func(obj any) error {
		data, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		items = append(items, v)
		return nil
	}
	for _, cj := range crons {
		if err := add(cj); err != nil {
			return nil, err
		}
	}
	for _, j := range jobs {
		if err := add(j); err != nil {
			return nil, err
		}
	}
	for _, p := range pods {
		if err := add(p); err != nil {
			return nil, err
		}
	}
	if sim.scenario.HasNodes() {
		for _, n := range sim.Nodes() {
			if err := add(n); err != nil {
				return nil, err
			}
		}
	}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "List",
		"metadata":   map[string]any{"resourceVersion": ""},
		"items":      items,
	}, nil
}

// ListJSON returns List as kubectl's -o json prints it: indented by four
// spaces, keys sorted, ending with a newline.
func (sim *Simulation) ListJSON() ([]byte, error) {
	l, err := sim.List()
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(l, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// ListYAML returns List as kubectl's -o yaml prints it.
func (sim *Simulation) ListYAML() ([]byte, error) {
	l, err := sim.List()
	if err != nil {
		return nil, err
	}
	return yaml.Marshal(l)
}

// ExplainedList returns List with one field more, "explanations": the
// Explanations of its jobs, with full as ExplainOptions.Full. kubectl
// reads a List's apiVersion, kind, metadata and items, and leaves the
// field alone. It needs SimOptions.History for more than the outcomes.
func (sim *Simulation) ExplainedList(full bool) (map[string]any, error) {
	l, err := sim.List()
	if err != nil {
		return nil, err
	}
	exs := sim.Explanations(full)
	data, err := json.Marshal(exs)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	l["explanations"] = v
	return l, nil
}

// ExplainedListJSON returns ExplainedList as ListJSON formats List.
func (sim *Simulation) ExplainedListJSON(full bool) ([]byte, error) {
	l, err := sim.ExplainedList(full)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(l, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// ExplainedListYAML returns ExplainedList as ListYAML formats List.
func (sim *Simulation) ExplainedListYAML(full bool) ([]byte, error) {
	l, err := sim.ExplainedList(full)
	if err != nil {
		return nil, err
	}
	return yaml.Marshal(l)
}

// CronJobObject returns the batch/v1 CronJob that `kubectl get cronjob
// -o yaml` would show for a created CronJob: cj's object with the
// metadata the API server sets (uid, generation, creationTimestamp), the
// spec as edited since, and the status the controller last wrote.
func CronJobObject(cj *CronJob, h *jobsim.CronJobHandle) *batchv1.CronJob {
	obj := cj.Object.DeepCopy()
	obj.TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"}
	obj.UID = types.UID(h.UID())
	obj.Generation = int64(h.Generation())
	obj.CreationTimestamp = metav1.NewTime(h.CreationTime())
	sp := h.Spec()
	s := &obj.Spec
	s.Schedule = sp.Schedule
	s.TimeZone = clonePtr(sp.TimeZone)
	s.ConcurrencyPolicy = batchv1.ConcurrencyPolicy(sp.ConcurrencyPolicy)
	s.Suspend = jobsim.Ptr(sp.Suspend)
	s.StartingDeadlineSeconds = nil
	if d := sp.StartingDeadline; d != nil {
		s.StartingDeadlineSeconds = jobsim.Ptr(int64(*d / time.Second))
	}
	s.SuccessfulJobsHistoryLimit = int32Ptr(sp.SuccessfulJobsHistoryLimit)
	s.FailedJobsHistoryLimit = int32Ptr(sp.FailedJobsHistoryLimit)
	st := h.Status()
	obj.Status = batchv1.CronJobStatus{LastScheduleTime: metaTime(st.LastScheduleTime), LastSuccessfulTime: metaTime(st.LastSuccessfulTime)}
	for _, ref := range st.Active {
		r := corev1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: ref.Namespace, Name: ref.Name}
		for _, j := range h.Jobs() {
			if j.Name() == ref.Name {
				r.UID = types.UID(j.UID())
			}
		}
		obj.Status.Active = append(obj.Status.Active, r)
	}
	return obj
}

// CronJobObjects returns the CronJobs that exist at the end of the
// simulation, in the scenario's order, as CronJobObject shows them.
func (sim *Simulation) CronJobObjects() []*batchv1.CronJob {
	var out []*batchv1.CronJob
	for i, sc := range sim.scenario.CronJobs {
		if h := sim.cronHandles[i]; h != nil && !h.Deleted() {
			out = append(out, CronJobObject(sc.Manifest, h))
		}
	}
	return out
}

// CronJobJobObject returns the batch/v1 Job a CronJob created, as
// JobObject returns a Job: the CronJob's template Job as it was created,
// owned by the CronJob.
func CronJobJobObject(cj *CronJob, owner *jobsim.CronJobHandle, h *jobsim.JobHandle) *batchv1.Job {
	obj := JobObject(cj.Template, h)
	obj.OwnerReferences = []metav1.OwnerReference{{
		APIVersion: "batch/v1", Kind: "CronJob", Name: owner.Name(), UID: types.UID(owner.UID()),
		Controller: jobsim.Ptr(true), BlockOwnerDeletion: jobsim.Ptr(true),
	}}
	return obj
}
