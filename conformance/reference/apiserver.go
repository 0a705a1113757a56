package reference

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/watch"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	batchapi "k8s.io/kubernetes/pkg/apis/batch"
	_ "k8s.io/kubernetes/pkg/apis/batch/install" // batch/v1 conversion and defaults
	_ "k8s.io/kubernetes/pkg/apis/core/install"  // v1 conversion and defaults
	cronjobregistry "k8s.io/kubernetes/pkg/registry/batch/cronjob"
	jobregistry "k8s.io/kubernetes/pkg/registry/batch/job"
)

var generatedChars = []byte("bcdfghjklmnpqrstvwxz2456789") // k8s.io/apimachinery/pkg/util/rand

// The resources the API server stores itself, by name, with their group.
// Others (the storage and DRA objects the scheduler watches, say) go to
// the fake clientset's own tracker, which serves them empty.
var storedResources = map[string]schema.GroupResource{
	"pods":                 {Resource: "pods"},
	"jobs":                 {Group: "batch", Resource: "jobs"},
	"cronjobs":             {Group: "batch", Resource: "cronjobs"},
	"nodes":                {Resource: "nodes"},
	"priorityclasses":      {Group: "scheduling.k8s.io", Resource: "priorityclasses"},
	"poddisruptionbudgets": {Group: "policy", Resource: "poddisruptionbudgets"},
}

// maxGeneratedNameLength is how much of generateName the API server keeps
// (k8s.io/apiserver/pkg/storage/names).
const maxGeneratedNameLength = 58

// apiServer is an in-memory stand-in for kube-apiserver and etcd in front
// of the client-go fake clientset. The fake's own object tracker never
// sets resourceVersion, has no generateName, finalizers, graceful deletion
// or status subresource, and its watches panic past 100 undelivered
// events; this type replaces it for pods and jobs:
//
//   - every write gets the next resourceVersion, and an update whose
//     resourceVersion is stale fails with a Conflict;
//   - generateName gets five random characters, every object a UID and a
//     creationTimestamp;
//   - every object is stored through a JSON round trip, so that times keep
//     the 1 s precision etcd gives metav1.Time;
//   - Jobs are created and updated through the batch registry strategy
//     (defaulting, selector generation, validation, generation) and their
//     status through the status strategy and its validation;
//   - pods are deleted gracefully (deletionTimestamp = now + grace, 0 for
//     unscheduled or terminal pods) and removed only once they have no
//     finalizers and a zero grace period, as the generic registry does;
//   - watches replay from a resourceVersion and buffer without bound.
type apiServer struct {
	clk *virtualClock
	act *activity

	mu      sync.Mutex
	rv      uint64
	uidSeq  uint64
	seed    uint64
	rnd     *rand.Rand
	objs    map[string]runtime.Object // "pods/ns/name", "jobs/ns/name", "nodes//name" ...
	log     []logEntry
	watches []*watcher
	gate    sync.RWMutex // held while the world's changes of an instant are made

	created  map[types.UID]time.Time // exact virtual creation time
	ordinals map[types.UID]int       // a pod's creation ordinal within its job
	perOwner map[types.UID]int       // pods created per owner UID
	lastJob  map[string]*batchv1.Job // last stored version of every job, deleted ones too
	rejected []string                // writes refused, for diagnostics

	runtimeClasses map[string]*nodev1.RuntimeClass // by name, for the RuntimeClass admission

	pdbs     bool                    // some PodDisruptionBudget exists
	podJobs  map[string]string       // "ns/name" of every pod created → its job's name
	bound    map[types.UID]time.Time // exact virtual binding time
	bindings []Binding               // in order
	// lastCronJob is the last stored version of every CronJob, deleted
	// ones too.
	lastCronJob map[string]*batchv1.CronJob
	// jobCreated, if not nil, is told of every Job created, with s.mu
	// held: the run gives the Jobs a CronJob creates their behaviour.
	jobCreated func(j *batchv1.Job)

	// ties, if not nil, returns the best-scored nodes of a pod's current
	// scheduling cycle (schedTracker.tiesOf).
	ties func(types.UID) []string
}

type logEntry struct {
	resource string
	ev       watch.Event
	prev     runtime.Object // the object before a modification
	rv       uint64
}

func newAPIServer(clk *virtualClock, act *activity, seed uint64) *apiServer {
	return &apiServer{
		clk:         clk,
		act:         act,
		seed:        seed,
		rnd:         rand.New(rand.NewPCG(seed, 0x6a6f6273696d)),
		objs:        map[string]runtime.Object{},
		created:     map[types.UID]time.Time{},
		ordinals:    map[types.UID]int{},
		perOwner:    map[types.UID]int{},
		lastJob:     map[string]*batchv1.Job{},
		lastCronJob: map[string]*batchv1.CronJob{},
		bound:       map[types.UID]time.Time{},
		podJobs:     map[string]string{},
	}
}

func objKey(resource, ns, name string) string { return resource + "/" + ns + "/" + name }

// install puts the server in front of a fake clientset whose informers'
// counted handlers counts counts (nil: none).
func (s *apiServer) install(f *k8stesting.Fake, counts *handlerCounts) {
	s.installFor(f, counts, s.act)
}

// installFor is install for a client whose watch events count as work in
// act rather than in the run's activity: a component that may stop in
// the middle of a run (the CronJob controller's outage), whose unhandled
// events then go with it.
func (s *apiServer) installFor(f *k8stesting.Fake, counts *handlerCounts, act *activity) {
	if counts == nil {
		counts = newHandlerCounts()
	}
	f.PrependReactor("*", "*", s.react)
	f.PrependWatchReactor("*", s.reactWatch(counts, act))
}

func (s *apiServer) react(action k8stesting.Action) (bool, runtime.Object, error) {
	res := action.GetResource().Resource
	switch res {
	case "events":
		// The controller's event recorder: accept and drop.
		if a, ok := action.(interface{ GetObject() runtime.Object }); ok && a.GetObject() != nil {
			return true, a.GetObject().DeepCopyObject(), nil
		}
		return true, &corev1.Event{}, nil
	}
	if _, ok := storedResources[res]; !ok {
		return false, nil, nil // the fake's tracker: empty lists
	}
	ns := action.GetNamespace()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch action.GetVerb() {
	case "get":
		name := action.(k8stesting.GetAction).GetName()
		obj, ok := s.objs[objKey(res, ns, name)]
		if !ok {
			return true, nil, apierrors.NewNotFound(groupResource(res), name)
		}
		return true, obj.DeepCopyObject(), nil
	case "list":
		lr := action.(k8stesting.ListAction).GetListRestrictions()
		return true, s.list(res, ns, lr.Labels, lr.Fields), nil
	case "create":
		obj := action.(k8stesting.CreateAction).GetObject().DeepCopyObject()
		if res == "pods" && action.GetSubresource() == "binding" {
			return true, obj, s.bind(ns, obj.(*corev1.Binding))
		}
		obj, err := s.create(res, ns, obj)
		return true, obj, err
	case "update":
		obj, err := s.update(res, action.GetSubresource(), action.(k8stesting.UpdateAction).GetObject().DeepCopyObject())
		return true, obj, err
	case "patch":
		a := action.(k8stesting.PatchAction)
		obj, err := s.patch(res, action.GetSubresource(), ns, a.GetName(), a.GetPatchType(), a.GetPatch())
		return true, obj, err
	case "delete":
		a := action.(k8stesting.DeleteAction)
		opts := a.GetDeleteOptions()
		var uid types.UID
		if cur, ok := s.objs[objKey(res, ns, a.GetName())]; ok {
			uid = metaOf(cur).UID
		}
		err := s.delete(res, ns, a.GetName(), &opts)
		if err == nil && (res == "jobs" || res == "cronjobs") && !orphans(res, opts.PropagationPolicy) {
			s.collectGarbage(uid)
		}
		return true, nil, err
	}
	return true, nil, fmt.Errorf("reference API server: %s %s not supported", action.GetVerb(), res)
}

func groupResource(res string) schema.GroupResource { return storedResources[res] }

func (s *apiServer) list(res, ns string, sel labels.Selector, fs fields.Selector) runtime.Object {
	var keys []string
	for k, o := range s.objs {
		m := metaOf(o)
		if groupResourceOf(o) != res || (ns != "" && m.Namespace != ns) {
			continue
		}
		if sel != nil && !sel.Matches(labels.Set(m.Labels)) {
			continue
		}
		if fs != nil && !fs.Empty() && !fs.Matches(fieldsOf(o)) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lm := metav1.ListMeta{ResourceVersion: strconv.FormatUint(s.rv, 10)}
	switch res {
	case "jobs":
		return &batchv1.JobList{ListMeta: lm, Items: items[batchv1.Job](s, keys)}
	case "cronjobs":
		return &batchv1.CronJobList{ListMeta: lm, Items: items[batchv1.CronJob](s, keys)}
	case "nodes":
		return &corev1.NodeList{ListMeta: lm, Items: items[corev1.Node](s, keys)}
	case "priorityclasses":
		return &schedulingv1.PriorityClassList{ListMeta: lm, Items: items[schedulingv1.PriorityClass](s, keys)}
	case "poddisruptionbudgets":
		return &policyv1.PodDisruptionBudgetList{ListMeta: lm, Items: items[policyv1.PodDisruptionBudget](s, keys)}
	}
	return &corev1.PodList{ListMeta: lm, Items: items[corev1.Pod](s, keys)}
}

// items returns copies of the stored objects under keys, of type T.
func items[T any](s *apiServer, keys []string) []T {
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, *any(s.objs[k].DeepCopyObject()).(*T))
	}
	return out
}

func groupResourceOf(o runtime.Object) string {
	switch o.(type) {
	case *batchv1.Job:
		return "jobs"
	case *batchv1.CronJob:
		return "cronjobs"
	case *corev1.Node:
		return "nodes"
	case *schedulingv1.PriorityClass:
		return "priorityclasses"
	case *policyv1.PodDisruptionBudget:
		return "poddisruptionbudgets"
	}
	return "pods"
}

func metaOf(o runtime.Object) *metav1.ObjectMeta {
	switch v := o.(type) {
	case *batchv1.Job:
		return &v.ObjectMeta
	case *batchv1.CronJob:
		return &v.ObjectMeta
	case *corev1.Pod:
		return &v.ObjectMeta
	case *corev1.Node:
		return &v.ObjectMeta
	case *schedulingv1.PriorityClass:
		return &v.ObjectMeta
	case *policyv1.PodDisruptionBudget:
		return &v.ObjectMeta
	}
	panic(fmt.Sprintf("reference API server: unexpected object %T", o))
}

// zero sets the object o points to to its zero value.
func zero(o runtime.Object) {
	v := reflect.ValueOf(o).Elem()
	v.Set(reflect.Zero(v.Type()))
}

// roundTrip stores o as etcd would: through its JSON encoding, which
// keeps metav1.Time to the second.
func roundTrip[T runtime.Object](o T) T {
	data, err := json.Marshal(o)
	if err != nil {
		panic(err)
	}
	out := o.DeepCopyObject().(T)
	zero(out) // unmarshal into a zeroed value of the same type
	if err := json.Unmarshal(data, out); err != nil {
		panic(err)
	}
	return out
}

// store writes o with the next resourceVersion and tells the watchers.
func (s *apiServer) store(res string, o runtime.Object, typ watch.EventType) runtime.Object {
	s.rv++
	m := metaOf(o)
	m.ResourceVersion = strconv.FormatUint(s.rv, 10)
	o = roundTrip(o)
	k := objKey(res, m.Namespace, m.Name)
	prev := s.objs[k]
	if typ == watch.Deleted {
		delete(s.objs, k)
	} else {
		s.objs[k] = o
	}
	if j, ok := o.(*batchv1.Job); ok {
		s.lastJob[m.Namespace+"/"+m.Name] = j
	}
	if cj, ok := o.(*batchv1.CronJob); ok {
		s.lastCronJob[m.Namespace+"/"+m.Name] = cj
	}
	s.emit(res, watch.Event{Type: typ, Object: o}, prev)
	if res == "pods" && s.pdbs {
		s.updatePDBs()
	}
	return o.DeepCopyObject()
}

func (s *apiServer) emit(res string, ev watch.Event, prev runtime.Object) {
	s.log = append(s.log, logEntry{resource: res, ev: ev, prev: prev, rv: s.rv})
	live := s.watches[:0]
	for _, w := range s.watches {
		if w.stopped() {
			continue
		}
		live = append(live, w)
		if e, ok := w.event(res, ev, prev); ok {
			w.activity(s.act).events.Add(w.weight)
			w.push(e)
		}
	}
	s.watches = live
}

func (s *apiServer) newUID() types.UID {
	s.uidSeq++
	a := s.rnd.Uint64()
	return types.UID(fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff,
		uint16(s.uidSeq>>48)&0x3fff|0x8000, s.uidSeq&0xffffffffffff))
}

func (s *apiServer) generateName(res, ns, prefix string) string {
	if len(prefix) > maxGeneratedNameLength {
		prefix = prefix[:maxGeneratedNameLength]
	}
	for {
		b := make([]byte, 5)
		for i := range b {
			b[i] = generatedChars[s.rnd.IntN(len(generatedChars))]
		}
		name := prefix + string(b)
		if _, taken := s.objs[objKey(res, ns, name)]; !taken {
			return name
		}
	}
}

func (s *apiServer) create(res, ns string, o runtime.Object) (runtime.Object, error) {
	m := metaOf(o)
	if m.Namespace == "" {
		m.Namespace = ns
	}
	if m.Name == "" && m.GenerateName != "" {
		m.Name = s.generateName(res, m.Namespace, m.GenerateName)
	}
	if _, taken := s.objs[objKey(res, m.Namespace, m.Name)]; taken {
		return nil, apierrors.NewAlreadyExists(groupResource(res), m.Name)
	}
	now := s.clk.Now()
	m.UID = s.newUID()
	m.CreationTimestamp = metav1.NewTime(now)
	m.ResourceVersion = ""
	m.DeletionTimestamp = nil
	m.DeletionGracePeriodSeconds = nil
	switch v := o.(type) {
	case *corev1.Node, *schedulingv1.PriorityClass:
		legacyscheme.Scheme.Default(o)
	case *policyv1.PodDisruptionBudget:
		legacyscheme.Scheme.Default(o)
		v.Generation = 1
		s.pdbs = true
	case *batchv1.Job:
		out, err := prepareJobCreate(v)
		if err != nil {
			s.rejected = append(s.rejected, fmt.Sprintf("create job %s: %v", m.Name, err))
			return nil, err
		}
		o = out
	case *batchv1.CronJob:
		out, err := prepareCronJobCreate(v)
		if err != nil {
			s.rejected = append(s.rejected, fmt.Sprintf("create cronjob %s: %v", m.Name, err))
			return nil, err
		}
		o = out
	case *corev1.Pod:
		legacyscheme.Scheme.Default(v)
		if err := s.admitPod(v); err != nil {
			s.rejected = append(s.rejected, fmt.Sprintf("create pod %s: %v", m.Name, err))
			return nil, err
		}
		v.Generation = 1
		v.Status = corev1.PodStatus{Phase: corev1.PodPending}
		if len(v.Spec.SchedulingGates) > 0 {
			// The pod strategy's applySchedulingGatedCondition.
			v.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
				Reason: corev1.PodReasonSchedulingGated, Message: "Scheduling is blocked due to non-empty scheduling gates",
				LastTransitionTime: metav1.NewTime(now)}}
		}
		if ref := metav1.GetControllerOf(v); ref != nil {
			s.podJobs[v.Namespace+"/"+v.Name] = ref.Name
			s.ordinals[v.UID] = s.perOwner[ref.UID]
			s.perOwner[ref.UID]++
		}
	}
	s.created[m.UID] = now
	stored := s.store(res, o, watch.Added)
	if j, ok := stored.(*batchv1.Job); ok && s.jobCreated != nil {
		s.jobCreated(j)
	}
	return stored, nil
}

// prepareJobCreate applies what the API server does to a created Job:
// the batch/v1 defaults, then the registry strategy's PrepareForCreate
// (selector and template labels from the UID, generation 1, status
// cleared) and its validation.
func prepareJobCreate(j *batchv1.Job) (*batchv1.Job, error) {
	legacyscheme.Scheme.Default(j)
	var in batchapi.Job
	if err := legacyscheme.Scheme.Convert(j, &in, nil); err != nil {
		return nil, err
	}
	ctx := context.Background()
	jobregistry.Strategy.PrepareForCreate(ctx, &in)
	if errs := jobregistry.Strategy.Validate(ctx, &in); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "Job"}, j.Name, errs)
	}
	var out batchv1.Job
	if err := legacyscheme.Scheme.Convert(&in, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}

// prepareJobUpdate applies the registry's update strategy (spec) or status
// strategy (status) and its validation.
func prepareJobUpdate(next, old *batchv1.Job, status bool) (*batchv1.Job, error) {
	legacyscheme.Scheme.Default(next)
	var in, oldIn batchapi.Job
	if err := legacyscheme.Scheme.Convert(next, &in, nil); err != nil {
		return nil, err
	}
	if err := legacyscheme.Scheme.Convert(old, &oldIn, nil); err != nil {
		return nil, err
	}
	ctx := context.Background()
	var errs field.ErrorList
	if status {
		jobregistry.StatusStrategy.PrepareForUpdate(ctx, &in, &oldIn)
		errs = jobregistry.StatusStrategy.ValidateUpdate(ctx, &in, &oldIn)
	} else {
		jobregistry.Strategy.PrepareForUpdate(ctx, &in, &oldIn)
		errs = jobregistry.Strategy.ValidateUpdate(ctx, &in, &oldIn)
	}
	if len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "Job"}, next.Name, errs)
	}
	var out batchv1.Job
	if err := legacyscheme.Scheme.Convert(&in, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}

// prepareCronJobCreate applies what the API server does to a created
// CronJob: the batch/v1 defaults, the registry strategy's
// PrepareForCreate (generation 1, status cleared) and its validation.
func prepareCronJobCreate(cj *batchv1.CronJob) (*batchv1.CronJob, error) {
	legacyscheme.Scheme.Default(cj)
	var in batchapi.CronJob
	if err := legacyscheme.Scheme.Convert(cj, &in, nil); err != nil {
		return nil, err
	}
	ctx := context.Background()
	cronjobregistry.Strategy.PrepareForCreate(ctx, &in)
	if errs := cronjobregistry.Strategy.Validate(ctx, &in); len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "CronJob"}, cj.Name, errs)
	}
	var out batchv1.CronJob
	if err := legacyscheme.Scheme.Convert(&in, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}

// prepareCronJobUpdate applies the CronJob registry's update strategy
// (spec) or status strategy (status) and its validation.
func prepareCronJobUpdate(next, old *batchv1.CronJob, status bool) (*batchv1.CronJob, error) {
	legacyscheme.Scheme.Default(next)
	var in, oldIn batchapi.CronJob
	if err := legacyscheme.Scheme.Convert(next, &in, nil); err != nil {
		return nil, err
	}
	if err := legacyscheme.Scheme.Convert(old, &oldIn, nil); err != nil {
		return nil, err
	}
	ctx := context.Background()
	var errs field.ErrorList
	if status {
		cronjobregistry.StatusStrategy.PrepareForUpdate(ctx, &in, &oldIn)
		errs = cronjobregistry.StatusStrategy.ValidateUpdate(ctx, &in, &oldIn)
	} else {
		cronjobregistry.Strategy.PrepareForUpdate(ctx, &in, &oldIn)
		errs = cronjobregistry.Strategy.ValidateUpdate(ctx, &in, &oldIn)
	}
	if len(errs) > 0 {
		return nil, apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "CronJob"}, next.Name, errs)
	}
	var out batchv1.CronJob
	if err := legacyscheme.Scheme.Convert(&in, &out, nil); err != nil {
		return nil, err
	}
	return &out, nil
}

// orphans reports whether a deletion of res with policy leaves the
// dependents: batch/v1 Jobs and CronJobs orphan them by default (their
// strategies' DefaultGarbageCollectionPolicy for v1 clients).
func orphans(res string, policy *metav1.DeletionPropagation) bool {
	if policy == nil {
		return true
	}
	return *policy == metav1.DeletePropagationOrphan
}

// collectGarbage deletes what the object of uid owned, as the garbage
// collector does after a background deletion: a CronJob's Jobs, and
// their pods (gracefully), a Job's pods. It runs at the deletion's
// instant, where the collector would take a moment; s.mu is held.
func (s *apiServer) collectGarbage(uid types.UID) {
	if uid == "" {
		return
	}
	var keys []string
	for k, o := range s.objs {
		if ref := metav1.GetControllerOf(metaOf(o)); ref != nil && ref.UID == uid {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		o, ok := s.objs[k]
		if !ok {
			continue
		}
		m := metaOf(o)
		res := groupResourceOf(o)
		if res == "pods" {
			_ = s.delete(res, m.Namespace, m.Name, nil)
			continue
		}
		owned := m.UID
		_ = s.delete(res, m.Namespace, m.Name, nil)
		s.collectGarbage(owned)
	}
}

func (s *apiServer) update(res, sub string, o runtime.Object) (runtime.Object, error) {
	m := metaOf(o)
	k := objKey(res, m.Namespace, m.Name)
	cur, ok := s.objs[k]
	if !ok {
		return nil, apierrors.NewNotFound(groupResource(res), m.Name)
	}
	cm := metaOf(cur)
	if m.ResourceVersion != "" && m.ResourceVersion != cm.ResourceVersion {
		return nil, apierrors.NewConflict(groupResource(res), m.Name,
			fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	switch v := o.(type) {
	case *batchv1.Job:
		old := cur.(*batchv1.Job)
		keepServerMeta(&v.ObjectMeta, &old.ObjectMeta, sub == "status")
		out, err := prepareJobUpdate(v, old, sub == "status")
		if err != nil {
			s.rejected = append(s.rejected, fmt.Sprintf("%s: update job %s %s: %v", s.clk.Now().Format(time.TimeOnly), m.Name, sub, err))
			return nil, err
		}
		return s.write(res, out, cur), nil
	case *batchv1.CronJob:
		old := cur.(*batchv1.CronJob)
		keepServerMeta(&v.ObjectMeta, &old.ObjectMeta, sub == "status")
		out, err := prepareCronJobUpdate(v, old, sub == "status")
		if err != nil {
			s.rejected = append(s.rejected, fmt.Sprintf("%s: update cronjob %s %s: %v", s.clk.Now().Format(time.TimeOnly), m.Name, sub, err))
			return nil, err
		}
		return s.write(res, out, cur), nil
	case *corev1.Pod:
		old := cur.(*corev1.Pod)
		keepServerMeta(&v.ObjectMeta, &old.ObjectMeta, sub == "status")
		if sub == "status" {
			v.Spec = old.Spec
		} else {
			v.Status = old.Status
		}
		if sub == "status" {
			s.stampConditions(v, old)
		}
		return s.write(res, v, cur), nil
	case *corev1.Node, *policyv1.PodDisruptionBudget, *schedulingv1.PriorityClass:
		keepServerMeta(m, cm, sub == "status")
		return s.write(res, o, cur), nil
	}
	return nil, fmt.Errorf("reference API server: update of %T", o)
}

// stampConditions gives the pod conditions a status write adds or changes
// the virtual time as their lastTransitionTime when the writer took it
// from the wall clock (a time after the virtual now): the scheduler's
// components stamp conditions with metav1.Now().
func (s *apiServer) stampConditions(p, old *corev1.Pod) {
	now := s.clk.Now()
	for i := range p.Status.Conditions {
		c := &p.Status.Conditions[i]
		if c.LastTransitionTime.Time.After(now) {
			c.LastTransitionTime = metav1.NewTime(now)
		}
	}
}

// keepServerMeta keeps the metadata a client cannot change; a status
// update keeps all of it.
func keepServerMeta(m, old *metav1.ObjectMeta, status bool) {
	if status {
		rv := m.ResourceVersion
		*m = *old.DeepCopy()
		m.ResourceVersion = rv
		return
	}
	m.UID = old.UID
	m.CreationTimestamp = old.CreationTimestamp
	m.DeletionTimestamp = old.DeletionTimestamp
	m.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds
	m.Generation = old.Generation
}

// write stores an updated object, or removes it when the update clears
// the last finalizer of an object being deleted with no grace period left
// (the generic registry's ShouldDeleteDuringUpdate).
func (s *apiServer) write(res string, o, old runtime.Object) runtime.Object {
	m, om := metaOf(o), metaOf(old)
	if len(m.Finalizers) == 0 && om.DeletionTimestamp != nil &&
		(om.DeletionGracePeriodSeconds == nil || *om.DeletionGracePeriodSeconds == 0) {
		return s.store(res, o, watch.Deleted)
	}
	return s.store(res, o, watch.Modified)
}

func (s *apiServer) patch(res, sub, ns, name string, pt types.PatchType, data []byte) (runtime.Object, error) {
	k := objKey(res, ns, name)
	cur, ok := s.objs[k]
	if !ok {
		return nil, apierrors.NewNotFound(groupResource(res), name)
	}
	orig, err := json.Marshal(cur)
	if err != nil {
		return nil, err
	}
	var patched []byte
	switch pt {
	case types.StrategicMergePatchType:
		schemaObj := cur.DeepCopyObject()
		zero(schemaObj)
		patched, err = strategicpatch.StrategicMergePatch(orig, data, schemaObj)
	case types.MergePatchType:
		patched, err = jsonpatch.MergePatch(orig, data)
	case types.JSONPatchType:
		var p jsonpatch.Patch
		if p, err = jsonpatch.DecodePatch(data); err == nil {
			patched, err = p.Apply(orig)
		}
	default:
		err = fmt.Errorf("patch type %s not supported", pt)
	}
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	next := cur.DeepCopyObject()
	zero(next)
	if err := json.Unmarshal(patched, next); err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	metaOf(next).ResourceVersion = ""
	return s.update(res, sub, next)
}

// delete deletes an object as the generic registry does. Jobs are deleted
// at once (the caller does the garbage collector's work); pods gracefully.
func (s *apiServer) delete(res, ns, name string, opts *metav1.DeleteOptions) error {
	k := objKey(res, ns, name)
	cur, ok := s.objs[k]
	if !ok {
		return apierrors.NewNotFound(groupResource(res), name)
	}
	if opts != nil && opts.Preconditions != nil && opts.Preconditions.UID != nil && *opts.Preconditions.UID != metaOf(cur).UID {
		return apierrors.NewConflict(groupResource(res), name, fmt.Errorf("precondition failed: UID in precondition: %v, UID in object meta: %v", *opts.Preconditions.UID, metaOf(cur).UID))
	}
	if res != "pods" {
		s.store(res, cur.DeepCopyObject(), watch.Deleted)
		return nil
	}
	pod := cur.(*corev1.Pod).DeepCopy()
	now := s.clk.Now()
	if pod.DeletionTimestamp != nil {
		// rest.BeforeDelete: an object being deleted may only get a
		// shorter grace period.
		g := pod.DeletionGracePeriodSeconds
		if g == nil || *g == 0 {
			if len(pod.Finalizers) == 0 {
				s.store(res, pod, watch.Deleted)
			}
			return nil
		}
		if opts == nil || opts.GracePeriodSeconds == nil || *opts.GracePeriodSeconds >= *g {
			return nil
		}
		period := *opts.GracePeriodSeconds
		ts := metav1.NewTime(pod.DeletionTimestamp.Add(-time.Duration(*g) * time.Second).Add(time.Duration(period) * time.Second))
		pod.DeletionTimestamp = &ts
		pod.DeletionGracePeriodSeconds = &period
		if period == 0 && len(pod.Finalizers) == 0 {
			s.store(res, pod, watch.Deleted)
			return nil
		}
		s.store(res, pod, watch.Modified)
		return nil
	}
	// podStrategy.CheckGracefulDelete.
	var period int64
	switch {
	case opts != nil && opts.GracePeriodSeconds != nil:
		period = *opts.GracePeriodSeconds
	case pod.Spec.TerminationGracePeriodSeconds != nil:
		period = *pod.Spec.TerminationGracePeriodSeconds
	}
	if pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded {
		period = 0
	}
	if period < 0 {
		period = 1
	}
	if period == 0 && len(pod.Finalizers) == 0 {
		s.store(res, pod, watch.Deleted)
		return nil
	}
	ts := metav1.NewTime(now.Add(time.Duration(period) * time.Second))
	pod.DeletionTimestamp = &ts
	pod.DeletionGracePeriodSeconds = &period
	s.store(res, pod, watch.Modified)
	return nil
}

// mutatePod changes a pod as the kubelet (or another control-plane
// component) does through the API, without conflicts. It reports whether
// the pod still existed.
func (s *apiServer) mutatePod(ns, name string, uid types.UID, f func(p *corev1.Pod)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.objs[objKey("pods", ns, name)]
	if !ok || metaOf(cur).UID != uid {
		return false
	}
	p := cur.(*corev1.Pod).DeepCopy()
	f(p)
	s.write("pods", p, cur)
	return true
}

// getPod returns a copy of a pod, or nil if it no longer exists.
func (s *apiServer) getPod(ns, name string, uid types.UID) *corev1.Pod {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.objs[objKey("pods", ns, name)]
	if !ok || metaOf(cur).UID != uid {
		return nil
	}
	return cur.(*corev1.Pod).DeepCopy()
}

// deletePod deletes a pod, as the kubelet, the eviction API or the
// garbage collector do.
func (s *apiServer) deletePod(ns, name string, uid types.UID, grace *int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.delete("pods", ns, name, &metav1.DeleteOptions{GracePeriodSeconds: grace, Preconditions: &metav1.Preconditions{UID: &uid}})
}

func (s *apiServer) createdAt(uid types.UID) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.created[uid]
}

func (s *apiServer) ordinal(uid types.UID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ordinals[uid]
}

// snapshot returns the stored pods and the last version of every job.
func (s *apiServer) snapshot() (map[string]*batchv1.Job, []*corev1.Pod, map[types.UID]int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	jobs := map[string]*batchv1.Job{}
	for k, j := range s.lastJob {
		jobs[k] = j.DeepCopy()
	}
	var pods []*corev1.Pod
	for _, o := range s.objs {
		if p, ok := o.(*corev1.Pod); ok {
			pods = append(pods, p.DeepCopy())
		}
	}
	slices.SortFunc(pods, func(a, b *corev1.Pod) int {
		return compareRV(a.ResourceVersion, b.ResourceVersion)
	})
	counts := map[types.UID]int{}
	for k, v := range s.perOwner {
		counts[k] = v
	}
	return jobs, pods, counts, slices.Clone(s.rejected)
}

func compareRV(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// jobExists reports whether a job is stored.
func (s *apiServer) jobExists(ns, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.objs[objKey("jobs", ns, name)]
	return ok
}
