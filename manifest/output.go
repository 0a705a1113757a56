package manifest

import (
	"bytes"
	"encoding/json"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/jobsim/jobsim"
)

// JobObject returns the batch/v1 Job that `kubectl get job -o yaml` would
// show for a submitted job: j's object with the metadata the API server
// sets (uid, generation, creationTimestamp), the generated selector and
// template labels, the spec as edited since, and the full status.
func JobObject(j *Job, h *jobsim.JobHandle) *batchv1.Job {
	obj := j.Object.DeepCopy()
	obj.TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}
	cur := h.Job()
	obj.Name, obj.Namespace = cur.Name, cur.Namespace
	obj.UID = types.UID(h.UID())
	obj.Generation = int64(h.Generation())
	obj.CreationTimestamp = metav1.NewTime(h.CreationTime())
	obj.Labels = cloneMap(cur.Labels)
	obj.Annotations = cloneMap(cur.Annotations)
	writeSpec(&obj.Spec, cur.Spec)
	generateSelector(obj, h.UID())
	obj.Status = jobStatus(h.Status())
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
// labels, annotations, the owner reference to the job, finalizers,
// deletion), the spec of j's pod template with what the controller and
// the scheduler add (nodeName, hostname, JOB_COMPLETION_INDEX), and its
// status (phase, conditions, container states with exit codes and restart
// counts).
func PodObject(j *Job, jobUID string, p jobsim.Pod) *corev1.Pod {
	tmpl := j.Object.Spec.Template.DeepCopy()
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
	if !p.DeletionTime.IsZero() {
		pod.DeletionTimestamp = metaTime(p.DeletionTime)
		pod.DeletionGracePeriodSeconds = jobsim.Ptr(int64(p.DeletionGracePeriod / time.Second))
	}
	s := &pod.Spec
	s.NodeName = p.Spec.NodeName
	s.Hostname = p.Spec.Hostname
	addFieldEnv(s.InitContainers, p.Spec.InitContainers)
	addFieldEnv(s.Containers, p.Spec.Containers)
	defaultPod(s)
	pod.Status = podStatus(p.Status, s)
	return pod
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
		Phase:     corev1.PodPhase(st.Phase),
		StartTime: metaTime(st.StartTime),
		QOSClass:  qosClass(spec),
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
	byUID := map[string]*Job{}
	for _, i := range sim.scenario.submissionOrder() {
		h := sim.handles[i]
		if h == nil {
			continue
		}
		byUID[h.UID()] = sim.scenario.Jobs[i].Manifest
		if !h.Deleted() {
			jobs = append(jobs, JobObject(sim.scenario.Jobs[i].Manifest, h))
		}
	}
	var pods []*corev1.Pod
	for _, p := range sim.cluster.Pods() {
		uid := p.Labels[jobsim.ControllerUIDLabel]
		if j := byUID[uid]; j != nil {
			pods = append(pods, PodObject(j, uid, p))
		}
	}
	return jobs, pods
}

// List returns Objects as a v1 List, as `kubectl get jobs,pods -o json`
// prints it: its items are the objects' JSON with sorted keys.
func (sim *Simulation) List() (map[string]any, error) {
	jobs, pods := sim.Objects()
	items := []any{}
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
