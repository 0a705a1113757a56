package kube

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
	clienttesting "k8s.io/client-go/testing"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// served reports whether the Sim serves gr itself.
func served(gr schema.GroupResource) bool {
	switch gr {
	case jobsGR, cronJobsGR, podsGR, nodesGR, eventsGR:
		return true
	}
	return false
}

// react serves a call of the clientset on a resource of the Sim's, and
// leaves the others to the fake object tracker.
func (s *Sim) react(a clienttesting.Action) (bool, runtime.Object, error) {
	gr := a.GetResource().GroupResource()
	if !served(gr) {
		return false, nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.catchUp()
	obj, err := s.serve(gr, a)
	s.publish()
	s.kick()
	return true, obj, err
}

func (s *Sim) serve(gr schema.GroupResource, a clienttesting.Action) (runtime.Object, error) {
	ns := a.GetNamespace()
	// By verb: the action interfaces overlap (a DeleteAction is a
	// GetAction too).
	switch a.GetVerb() {
	case "get":
		a := a.(clienttesting.GetAction)
		o := s.st.get(gr, objectKey{ns, a.GetName()})
		if o == nil {
			return nil, apierrors.NewNotFound(gr, a.GetName())
		}
		return o.DeepCopyObject(), nil
	case "list":
		r := a.(clienttesting.ListAction).GetListRestrictions()
		objs, rv := s.st.list(gr, ns, selector{r.Labels, r.Fields})
		return makeList(gr, objs, rv), nil
	case "create":
		return s.create(gr, ns, a.GetSubresource(), a.(clienttesting.CreateAction).GetObject())
	case "update":
		return s.update(gr, ns, a.GetSubresource(), a.(clienttesting.UpdateAction).GetObject())
	case "patch":
		return s.patch(gr, ns, a.(clienttesting.PatchAction))
	case "delete":
		var opts metav1.DeleteOptions
		if d, ok := a.(clienttesting.DeleteActionImpl); ok {
			opts = d.DeleteOptions
		}
		return nil, s.delete(gr, ns, a.(clienttesting.DeleteAction).GetName(), opts)
	case "delete-collection":
		var opts metav1.DeleteOptions
		if d, ok := a.(clienttesting.DeleteCollectionActionImpl); ok {
			opts = d.DeleteOptions
		}
		r := a.(clienttesting.DeleteCollectionAction).GetListRestrictions()
		objs, _ := s.st.list(gr, ns, selector{r.Labels, r.Fields})
		for _, o := range objs {
			m, _ := meta.Accessor(o)
			if err := s.delete(gr, m.GetNamespace(), m.GetName(), opts); err != nil && !apierrors.IsNotFound(err) {
				return nil, err
			}
		}
		return nil, nil
	}
	return nil, apierrors.NewMethodNotSupported(gr, a.GetVerb())
}

// reactWatch opens a watch of a resource of the Sim's.
func (s *Sim) reactWatch(a clienttesting.Action) (bool, watch.Interface, error) {
	gr := a.GetResource().GroupResource()
	if !served(gr) {
		return false, nil, nil
	}
	wa, ok := a.(clienttesting.WatchAction)
	if !ok {
		return true, nil, apierrors.NewBadRequest("not a watch")
	}
	var opts metav1.ListOptions
	if impl, ok := a.(clienttesting.WatchActionImpl); ok {
		opts = impl.ListOptions
	}
	r := wa.GetWatchRestrictions()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.catchUp()
	s.publish()
	initial := opts.SendInitialEvents != nil && *opts.SendInitialEvents
	w, err := s.st.watch(gr, a.GetNamespace(), selector{r.Labels, r.Fields}, r.ResourceVersion, initial, opts.AllowWatchBookmarks,
		func() runtime.Object { return emptyObject(gr) })
	if err != nil {
		return true, nil, err
	}
	w.locker = &s.mu
	return true, w, nil
}

// emptyObject returns a new object of gr's kind.
func emptyObject(gr schema.GroupResource) runtime.Object {
	switch gr {
	case jobsGR:
		return &batchv1.Job{}
	case cronJobsGR:
		return &batchv1.CronJob{}
	case podsGR:
		return &corev1.Pod{}
	case nodesGR:
		return &corev1.Node{}
	}
	return &corev1.Event{}
}

// makeList returns objs as a list of gr's kind.
func makeList(gr schema.GroupResource, objs []runtime.Object, rv uint64) runtime.Object {
	var l runtime.Object
	switch gr {
	case jobsGR:
		l = &batchv1.JobList{}
	case cronJobsGR:
		l = &batchv1.CronJobList{}
	case podsGR:
		l = &corev1.PodList{}
	case nodesGR:
		l = &corev1.NodeList{}
	default:
		l = &corev1.EventList{}
	}
	if err := meta.SetList(l, objs); err != nil {
		panic(err) // objs are of gr's kind, from the store
	}
	setRV(l, rv)
	return l
}

// create serves a create: a Job is submitted to the cluster, an eviction
// evicts its pod, an Event is stored; pods and nodes are jobsim's own.
func (s *Sim) create(gr schema.GroupResource, ns, sub string, obj runtime.Object) (runtime.Object, error) {
	switch {
	case gr == jobsGR && sub == "":
		job, ok := obj.(*batchv1.Job)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a batch/v1 Job, got %T", obj))
		}
		return s.createJob(ns, job)
	case gr == cronJobsGR && sub == "":
		cj, ok := obj.(*batchv1.CronJob)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a batch/v1 CronJob, got %T", obj))
		}
		return s.createCronJob(ns, cj)
	case gr == podsGR && sub == "eviction":
		ev, ok := obj.(*policyv1.Eviction)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a policy/v1 Eviction, got %T", obj))
		}
		return nil, s.evict(ns, ev)
	case gr == eventsGR && sub == "":
		ev, ok := obj.(*corev1.Event)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a v1 Event, got %T", obj))
		}
		ev = ev.DeepCopy()
		if ev.Namespace == "" {
			ev.Namespace = ns
		}
		if ev.Name == "" && ev.GenerateName != "" {
			ev.Name = s.generateName(ev.GenerateName)
		}
		k := objectKey{ev.Namespace, ev.Name}
		if s.st.get(eventsGR, k) != nil {
			return nil, apierrors.NewAlreadyExists(eventsGR, ev.Name)
		}
		s.eventSeq++
		ev.UID = types.UID(fmt.Sprintf("event-%d", s.eventSeq))
		ev.CreationTimestamp = metav1.NewTime(s.c.Now())
		s.st.write(eventsGR, k, ev)
		return ev.DeepCopy(), nil
	case gr == podsGR:
		return nil, apierrors.NewForbidden(gr, objectName(obj), errors.New("jobsim runs the pods of Jobs only: create a Job"))
	}
	return nil, apierrors.NewMethodNotSupported(gr, "create")
}

func objectName(o runtime.Object) string {
	if m, err := meta.Accessor(o); err == nil {
		return m.GetName()
	}
	return ""
}

// generateName returns a name made as the API server makes one from
// metadata.generateName: the prefix and five random characters.
func (s *Sim) generateName(prefix string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	const max = 63 - 5
	if len(prefix) > max {
		prefix = prefix[:max]
	}
	var b strings.Builder
	b.WriteString(prefix)
	for range 5 {
		b.WriteByte(alphabet[s.names.IntN(len(alphabet))])
	}
	return b.String()
}

// createJob validates a Job as the API server of the cluster's version
// would and submits it.
func (s *Sim) createJob(ns string, in *batchv1.Job) (runtime.Object, error) {
	obj := in.DeepCopy()
	if obj.Namespace == "" {
		obj.Namespace = ns
	}
	if ns != "" && obj.Namespace != ns {
		return nil, apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	if obj.Name == "" && obj.GenerateName != "" {
		for range 8 {
			name := s.generateName(obj.GenerateName)
			if s.st.get(jobsGR, objectKey{obj.Namespace, name}) == nil {
				obj.Name = name
				break
			}
		}
	}
	generateName := obj.GenerateName
	obj.GenerateName = ""
	m, err := manifest.NewJob(obj, manifest.Options{Version: s.cfg.Version, FeatureGates: s.cfg.FeatureGates})
	if err != nil {
		return nil, invalid(obj.Name, err)
	}
	m.Object.GenerateName = generateName
	k := objectKey{m.Job.Namespace, m.Job.Name}
	if s.st.get(jobsGR, k) != nil || s.jobs[k] != nil {
		return nil, apierrors.NewAlreadyExists(jobsGR, m.Job.Name)
	}
	h, err := s.c.Submit(m.Job, s.behavior(m.Object))
	if err != nil {
		var exists *jobsim.AlreadyExistsError
		if errors.As(err, &exists) {
			return nil, apierrors.NewAlreadyExists(jobsGR, m.Job.Name)
		}
		return nil, invalid(m.Job.Name, err)
	}
	sj := &simJob{key: k, m: m, h: h, pods: map[string]jobsim.Pod{}, podMeta: map[string]metav1.ObjectMeta{}}
	s.jobs[k] = sj
	o := s.jobObject(sj)
	s.st.write(jobsGR, k, o)
	return o.DeepCopy(), nil
}

// createCronJob validates a CronJob as the API server of the cluster's
// version would and submits it: its controller then creates its Jobs,
// which the Sim serves as it serves the others.
func (s *Sim) createCronJob(ns string, in *batchv1.CronJob) (runtime.Object, error) {
	obj := in.DeepCopy()
	if obj.Namespace == "" {
		obj.Namespace = ns
	}
	if ns != "" && obj.Namespace != ns {
		return nil, apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	if obj.Name == "" && obj.GenerateName != "" {
		obj.Name = s.generateName(obj.GenerateName)
		obj.GenerateName = ""
	}
	m, err := manifest.NewCronJob(obj, manifest.Options{Version: s.cfg.Version, FeatureGates: s.cfg.FeatureGates})
	if err != nil {
		return nil, invalidKind("CronJob", obj.Name, err)
	}
	k := objectKey{m.CronJob.Namespace, m.CronJob.Name}
	if s.st.get(cronJobsGR, k) != nil {
		return nil, apierrors.NewAlreadyExists(cronJobsGR, m.CronJob.Name)
	}
	tmpl := &batchv1.Job{ObjectMeta: *obj.Spec.JobTemplate.ObjectMeta.DeepCopy(), Spec: *obj.Spec.JobTemplate.Spec.DeepCopy()}
	tmpl.Name, tmpl.Namespace = obj.Name, obj.Namespace
	h, err := s.c.SubmitCronJob(m.CronJob, s.behavior(tmpl))
	if err != nil {
		var exists *jobsim.AlreadyExistsError
		if errors.As(err, &exists) {
			return nil, apierrors.NewAlreadyExists(cronJobsGR, m.CronJob.Name)
		}
		return nil, invalidKind("CronJob", m.CronJob.Name, err)
	}
	cj := &simCronJob{key: k, m: m, h: h}
	s.cronJobs[k] = cj
	s.writeCronJob(cj)
	return s.st.get(cronJobsGR, k).DeepCopyObject(), nil
}

// invalid words a validation error as the API server's 422 Invalid.
func invalid(name string, err error) error { return invalidKind("Job", name, err) }

// invalidKind words a validation error of an object of kind (of group
// batch) as the API server's 422 Invalid.
func invalidKind(kind, name string, err error) error {
	var causes []metav1.StatusCause
	var msgs []string
	var verr *jobsim.ValidationError
	switch {
	case errors.As(err, &verr):
		for _, fe := range verr.Errors {
			msg := strings.TrimPrefix(fe.Error(), fe.Field+": ")
			causes = append(causes, metav1.StatusCause{Type: causeType(msg), Message: msg, Field: fe.Field})
			msgs = append(msgs, fe.Error())
		}
	case len(manifest.Problems(err)) > 0:
		for _, p := range manifest.Problems(err) {
			causes = append(causes, metav1.StatusCause{Type: causeType(p.Message), Message: p.Message, Field: p.Field})
			if p.Field != "" {
				msgs = append(msgs, p.Field+": "+p.Message)
			} else {
				msgs = append(msgs, p.Message)
			}
		}
	default:
		return apierrors.NewBadRequest(err.Error())
	}
	list := strings.Join(msgs, ", ")
	if len(msgs) > 1 {
		list = "[" + list + "]"
	}
	return &apierrors.StatusError{ErrStatus: metav1.Status{
		Status: metav1.StatusFailure, Code: 422, Reason: metav1.StatusReasonInvalid,
		Message: fmt.Sprintf("%s.batch %q is invalid: %s", kind, name, list),
		Details: &metav1.StatusDetails{Name: name, Group: "batch", Kind: kind, Causes: causes},
	}}
}

// causeType returns the cause type of a field error's message, which
// starts with its type's words ("Invalid value: ...").
func causeType(msg string) metav1.CauseType {
	for _, t := range []field.ErrorType{field.ErrorTypeNotFound, field.ErrorTypeRequired, field.ErrorTypeDuplicate,
		field.ErrorTypeInvalid, field.ErrorTypeNotSupported, field.ErrorTypeForbidden, field.ErrorTypeTooLong,
		field.ErrorTypeTooMany, field.ErrorTypeInternal, field.ErrorTypeTypeInvalid} {
		if strings.HasPrefix(msg, t.String()+":") || msg == t.String() {
			return metav1.CauseType(t)
		}
	}
	return metav1.CauseTypeFieldValueInvalid
}

// update serves an update of an object, or of a Job's status.
func (s *Sim) update(gr schema.GroupResource, ns, sub string, obj runtime.Object) (runtime.Object, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	if m.GetNamespace() == "" && gr != nodesGR {
		m.SetNamespace(ns)
	}
	k := objectKey{m.GetNamespace(), m.GetName()}
	prev := s.st.get(gr, k)
	if prev == nil {
		return nil, apierrors.NewNotFound(gr, m.GetName())
	}
	pm, _ := meta.Accessor(prev)
	if rv := m.GetResourceVersion(); rv != "" && rv != pm.GetResourceVersion() {
		return nil, apierrors.NewConflict(gr, m.GetName(), errors.New("the object has been modified; please apply your changes to the latest version and try again"))
	}
	switch gr {
	case jobsGR:
		job, ok := obj.(*batchv1.Job)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a batch/v1 Job, got %T", obj))
		}
		return s.updateJob(s.jobs[k], prev.(*batchv1.Job), job.DeepCopy(), sub == "status")
	case cronJobsGR:
		cj, ok := obj.(*batchv1.CronJob)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a batch/v1 CronJob, got %T", obj))
		}
		return s.updateCronJob(s.cronJobs[k], prev.(*batchv1.CronJob), cj.DeepCopy(), sub == "status")
	case podsGR:
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a v1 Pod, got %T", obj))
		}
		return s.updatePod(prev.(*corev1.Pod), pod, sub)
	case eventsGR:
		ev, ok := obj.(*corev1.Event)
		if !ok {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a v1 Event, got %T", obj))
		}
		ev = ev.DeepCopy()
		ev.UID, ev.CreationTimestamp = pm.GetUID(), pm.GetCreationTimestamp()
		s.st.write(eventsGR, k, ev)
		return ev.DeepCopy(), nil
	}
	return nil, apierrors.NewForbidden(gr, m.GetName(), errors.New("jobsim's nodes are set by its Config: cordon and fail them with the cluster's DrainNode and FailNode"))
}

// updateJob applies an update of a Job: its metadata as written, its spec
// through jobsim's update validation and controller, or its status.
func (s *Sim) updateJob(sj *simJob, prev, job *batchv1.Job, status bool) (runtime.Object, error) {
	if sj == nil {
		return nil, apierrors.NewConflict(jobsGR, job.Name, errors.New("the Job is being deleted"))
	}
	out := prev.DeepCopy()
	if status {
		out.Status = job.Status
		s.st.write(jobsGR, sj.key, out)
		return out.DeepCopy(), nil
	}
	if !slices.Equal(job.Finalizers, prev.Finalizers) {
		return nil, invalid(job.Name, &manifest.Error{Problems: []manifest.Problem{{Field: "metadata.finalizers",
			Message: "Forbidden: not supported by jobsim: finalizers would keep a deleted Job around"}}})
	}
	if !equality.Semantic.DeepEqual(prev.Spec, job.Spec) {
		spec, err := s.convertSpec(sj, job)
		if err != nil {
			return nil, err
		}
		if err := s.c.Update(sj.key.ns, sj.key.name, func(js *jobsim.JobSpec) { *js = spec.Job.Spec }); err != nil {
			return nil, invalid(job.Name, err)
		}
		sj.m.Object.Spec.Template = spec.Object.Spec.Template
		s.mark(sj, "", true)
	}
	out.Labels, out.Annotations = job.Labels, job.Annotations
	out.OwnerReferences = job.OwnerReferences
	s.st.write(jobsGR, sj.key, out)
	s.writeJob(sj)
	if o := s.st.get(jobsGR, sj.key); o != nil {
		return o.DeepCopyObject(), nil
	}
	return out, nil
}

// updateCronJob applies an update of a CronJob: its metadata as written,
// its spec through jobsim's update validation and the CronJob controller
// (suspend, schedule, concurrencyPolicy, the limits, the template), or
// its status.
func (s *Sim) updateCronJob(cj *simCronJob, prev, in *batchv1.CronJob, status bool) (runtime.Object, error) {
	if cj == nil {
		return nil, apierrors.NewConflict(cronJobsGR, in.Name, errors.New("the CronJob is being deleted"))
	}
	out := prev.DeepCopy()
	if status {
		out.Status = in.Status
		s.st.write(cronJobsGR, cj.key, out)
		return out.DeepCopy(), nil
	}
	if !slices.Equal(in.Finalizers, prev.Finalizers) {
		return nil, invalidKind("CronJob", in.Name, &manifest.Error{Problems: []manifest.Problem{{Field: "metadata.finalizers",
			Message: "Forbidden: not supported by jobsim: finalizers would keep a deleted CronJob around"}}})
	}
	if !equality.Semantic.DeepEqual(prev.Spec, in.Spec) {
		c := in.DeepCopy()
		c.ObjectMeta = metav1.ObjectMeta{Name: cj.key.name, Namespace: cj.key.ns, Labels: in.Labels, Annotations: in.Annotations}
		c.Status = batchv1.CronJobStatus{}
		m, err := manifest.NewCronJob(c, manifest.Options{Version: s.cfg.Version, FeatureGates: s.cfg.FeatureGates})
		if err != nil {
			return nil, invalidKind("CronJob", in.Name, err)
		}
		if err := s.c.UpdateCronJob(cj.key.ns, cj.key.name, func(sp *jobsim.CronJobSpec) { *sp = m.CronJob.Spec }); err != nil {
			return nil, invalidKind("CronJob", in.Name, err)
		}
		cj.m = m
	}
	out.Labels, out.Annotations, out.OwnerReferences = in.Labels, in.Annotations, in.OwnerReferences
	s.st.write(cronJobsGR, cj.key, out)
	s.writeCronJob(cj)
	return s.st.get(cronJobsGR, cj.key).DeepCopyObject(), nil
}

// convertSpec converts an updated Job to jobsim's types: the server's
// fields, the generated selector and its template labels are dropped
// first, as the create they come from added them.
func (s *Sim) convertSpec(sj *simJob, job *batchv1.Job) (*manifest.Job, error) {
	c := job.DeepCopy()
	c.ObjectMeta = metav1.ObjectMeta{Name: sj.key.name, Namespace: sj.key.ns, Labels: job.Labels, Annotations: job.Annotations}
	c.Status = batchv1.JobStatus{}
	if c.Spec.ManualSelector == nil || !*c.Spec.ManualSelector {
		c.Spec.Selector = nil
		for _, l := range []string{batchv1.ControllerUidLabel, batchv1.JobNameLabel, "controller-uid", "job-name"} {
			delete(c.Spec.Template.Labels, l)
		}
	}
	m, err := manifest.NewJob(c, manifest.Options{Version: s.cfg.Version, FeatureGates: s.cfg.FeatureGates})
	if err != nil {
		return nil, invalid(job.Name, err)
	}
	return m, nil
}

// updatePod applies an update of a pod: users may change its labels and
// annotations; its spec and status are jobsim's.
func (s *Sim) updatePod(prev, pod *corev1.Pod, sub string) (runtime.Object, error) {
	if sub != "" {
		return nil, apierrors.NewForbidden(podsGR, pod.Name, fmt.Errorf("the %s of jobsim's pods is its kubelet's and scheduler's", sub))
	}
	if !equality.Semantic.DeepEqual(prev.Spec, pod.Spec) || !equality.Semantic.DeepEqual(prev.Status, pod.Status) {
		return nil, apierrors.NewForbidden(podsGR, pod.Name, errors.New("jobsim's pods may change only their labels and annotations"))
	}
	sj := s.jobs[objectKey{prev.Namespace, jobOf(prev)}]
	if sj == nil {
		return nil, apierrors.NewConflict(podsGR, pod.Name, errors.New("its Job is gone"))
	}
	sj.podMeta[pod.Name] = metav1.ObjectMeta{Labels: maps.Clone(pod.Labels), Annotations: maps.Clone(pod.Annotations)}
	delete(sj.pods, pod.Name) // written again, with them
	s.mark(sj, pod.Name, false)
	s.writeJob(sj)
	return s.st.get(podsGR, objectKey{prev.Namespace, prev.Name}).DeepCopyObject(), nil
}

// jobOf returns the name of a pod's Job.
func jobOf(p *corev1.Pod) string {
	for _, r := range p.OwnerReferences {
		if r.Kind == "Job" {
			return r.Name
		}
	}
	return ""
}

// patch serves a patch: JSON, merge or strategic merge, applied to the
// stored object and then served as an update.
func (s *Sim) patch(gr schema.GroupResource, ns string, a clienttesting.PatchAction) (runtime.Object, error) {
	k := objectKey{ns, a.GetName()}
	if gr == nodesGR {
		k.ns = ""
	}
	prev := s.st.get(gr, k)
	if prev == nil {
		return nil, apierrors.NewNotFound(gr, a.GetName())
	}
	orig, err := json.Marshal(prev)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	var patched []byte
	switch a.GetPatchType() {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(a.GetPatch())
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		patched, err = p.Apply(orig)
		if err != nil {
			return nil, &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: 422,
				Reason: metav1.StatusReasonInvalid, Message: err.Error()}}
		}
	case types.MergePatchType:
		patched, err = jsonpatch.MergePatch(orig, a.GetPatch())
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	case types.StrategicMergePatchType:
		patched, err = strategicpatch.StrategicMergePatch(orig, a.GetPatch(), emptyObject(gr))
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
	default:
		return nil, apierrors.NewGenericServerResponse(415, "patch", gr, a.GetName(),
			fmt.Sprintf("jobsim does not serve patches of type %s: use a JSON, merge or strategic merge patch", a.GetPatchType()), 0, false)
	}
	obj := emptyObject(gr)
	if err := json.Unmarshal(patched, obj); err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	m, _ := meta.Accessor(obj)
	pm, _ := meta.Accessor(prev)
	if m.GetResourceVersion() == "" {
		m.SetResourceVersion(pm.GetResourceVersion())
	}
	return s.update(gr, ns, a.GetSubresource(), obj)
}

// delete serves a delete: of a Job with its propagation policy, of a pod
// (gracefully, as kubectl delete does), or of an Event.
func (s *Sim) delete(gr schema.GroupResource, ns, name string, opts metav1.DeleteOptions) error {
	k := objectKey{ns, name}
	if gr == nodesGR {
		k.ns = ""
	}
	prev := s.st.get(gr, k)
	if prev == nil {
		return apierrors.NewNotFound(gr, name)
	}
	pm, _ := meta.Accessor(prev)
	if p := opts.Preconditions; p != nil {
		if p.UID != nil && *p.UID != pm.GetUID() {
			//lint:ignore ST1005 the API server's words
			return apierrors.NewConflict(gr, name, fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, pm.GetUID()))
		}
		if p.ResourceVersion != nil && *p.ResourceVersion != pm.GetResourceVersion() {
			//lint:ignore ST1005 the API server's words
			return apierrors.NewConflict(gr, name, fmt.Errorf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *p.ResourceVersion, pm.GetResourceVersion()))
		}
	}
	switch gr {
	case jobsGR:
		return s.deleteJob(s.jobs[k], prev.(*batchv1.Job), opts)
	case cronJobsGR:
		if p := opts.PropagationPolicy; p != nil && *p != metav1.DeletePropagationBackground {
			return apierrors.NewBadRequest("jobsim deletes a CronJob with propagationPolicy Background (the default of batch/v1 CronJobs), as kubectl delete does")
		}
		if err := s.c.DeleteCronJob(ns, name); err != nil {
			return apierrors.NewNotFound(gr, name)
		}
		return nil
	case podsGR:
		if opts.GracePeriodSeconds != nil {
			return apierrors.NewBadRequest("jobsim deletes a pod with its terminationGracePeriodSeconds: gracePeriodSeconds is not supported")
		}
		if err := s.c.DeletePod(ns, name); err != nil {
			return apierrors.NewNotFound(gr, name)
		}
		return nil
	case eventsGR:
		s.st.write(eventsGR, k, nil)
		return nil
	}
	return apierrors.NewForbidden(gr, name, errors.New("jobsim's nodes are set by its Config"))
}

// deleteJob deletes a Job with its propagation policy: Background removes
// it at once and lets the garbage collector delete its pods; Foreground
// keeps it, being deleted, until its pods are gone; Orphan, batch/v1's
// default when none is given, removes it at once and leaves its pods
// running, owned by nothing.
func (s *Sim) deleteJob(sj *simJob, prev *batchv1.Job, opts metav1.DeleteOptions) error {
	policy := opts.PropagationPolicy
	//lint:ignore SA1019 older clients still set it, and the API server still reads it
	if orphan := opts.OrphanDependents; policy == nil && orphan != nil {
		p := metav1.DeletePropagationBackground
		if *orphan {
			p = metav1.DeletePropagationOrphan
		}
		policy = &p
	}
	if sj == nil || prev.DeletionTimestamp != nil {
		return nil // being deleted already
	}
	if policy == nil || *policy == metav1.DeletePropagationOrphan {
		if err := s.c.DeleteOrphan(sj.key.ns, sj.key.name); err != nil {
			return apierrors.NewInternalError(err)
		}
		s.writeJob(sj)
		return nil
	}
	out := prev.DeepCopy()
	now := metav1.NewTime(s.c.Now())
	if *policy == metav1.DeletePropagationForeground {
		sj.foreground = true
		out.DeletionTimestamp, out.DeletionGracePeriodSeconds = &now, new(int64)
		out.Finalizers = append(out.Finalizers, metav1.FinalizerDeleteDependents)
		s.st.write(jobsGR, sj.key, out)
		if err := s.c.Delete(sj.key.ns, sj.key.name); err != nil {
			return apierrors.NewInternalError(err)
		}
		s.writeJob(sj)
		return nil
	}
	if err := s.c.Delete(sj.key.ns, sj.key.name); err != nil {
		return apierrors.NewInternalError(err)
	}
	s.writeJob(sj)
	return nil
}

// evict evicts a pod through the eviction API.
func (s *Sim) evict(ns string, ev *policyv1.Eviction) error {
	if ev.Namespace != "" {
		ns = ev.Namespace
	}
	if s.st.get(podsGR, objectKey{ns, ev.Name}) == nil {
		return apierrors.NewNotFound(podsGR, ev.Name)
	}
	err := s.c.EvictPod(ns, ev.Name)
	var budget *jobsim.DisruptionBudgetError
	switch {
	case errors.As(err, &budget):
		e := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
		e.ErrStatus.Details.Causes = append(e.ErrStatus.Details.Causes, metav1.StatusCause{Type: policyv1.DisruptionBudgetCause,
			Message: fmt.Sprintf("The disruption budget %s needs more healthy pods to continue.", budget.Budget)})
		return e
	case err != nil:
		return apierrors.NewNotFound(podsGR, ev.Name)
	}
	return nil
}

// parseQuantity returns a quantity in jobsim's units as the API's type.
func parseQuantity(name string, q int64) resource.Quantity {
	return resource.MustParse(jobsim.FormatQuantity(name, q))
}
