package jobsim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// What a user does through the API server, as kubectl would: submit, read,
// edit and delete jobs, delete and evict pods. The API server stores the
// change and tells the controllers that watch it.

// Submit creates a job, as `kubectl create` would: it applies the API
// server's defaults, validates the result and returns every problem as a
// *ValidationError, or starts simulating the job at Now. b decides how its
// containers run; nil means TemplateBehavior(job.Spec.Template).
func (c *Cluster) Submit(job Job, b Behavior) (*JobHandle, error) {
	j, err := c.createJob(job, b, nil)
	if err != nil {
		return nil, err
	}
	return j.handOut(), nil
}

// createJob is the API server's create of a Job, by a user (owner nil) or
// by a CronJob's controller: defaulting, validation, then the Job exists
// and the Job controller syncs it at once.
func (c *Cluster) createJob(in Job, b Behavior, owner *cronJob) (*job, error) {
	j := c.takeJob() // its store takes the copy of the spec
	refuse := func(err error) (*job, error) {
		c.spareJobs = append(c.spareJobs, j)
		return nil, err
	}
	spec := in // the cluster keeps nothing the caller can change:
	spec.Labels = j.store.copyMap(storeLabels, in.Labels)
	spec.Annotations = j.store.copyMap(storeAnnotations, in.Annotations)
	spec.Spec = j.store.clone(in.Spec)
	if !c.prof.managedBy {
		spec.Spec.ManagedBy = "" // dropped while JobManagedBy is off (1.34)
	}
	setDefaults(&spec, &j.store)
	if owner == nil || !owner.validated(spec) {
		if err := Validate(spec); err != nil {
			return refuse(err)
		}
		if owner != nil {
			owner.validKey = validationKeyOf(owner, spec)
		}
	}
	key := objectKey{spec.Namespace, spec.Name}
	if _, ok := c.jobKeys[key]; ok {
		return refuse(&AlreadyExistsError{Namespace: spec.Namespace, Name: spec.Name})
	}
	if name := spec.Spec.Template.Spec.PriorityClassName; name != "" {
		if _, ok := c.sched.classesOf[name]; !ok {
			return refuse(&ValidationError{Kind: "Job.batch", Name: spec.Name, Errors: []FieldError{{
				Type: ErrorTypeNotFound, Field: "spec.template.spec.priorityClassName", BadValue: name,
				Detail: "no PriorityClass with name " + name + " was found"}}})
		}
	}
	if _, fe := c.admitRuntimeClass(&spec.Spec.Template.Spec); fe != nil {
		return refuse(&ValidationError{Kind: "Job.batch", Name: spec.Name, Errors: []FieldError{*fe}})
	}
	if b == nil {
		b = TemplateBehavior(spec.Spec.Template)
	}
	j = c.newJob(j, spec, b)
	j.owner = owner
	c.sched.schedulingInfo(j)
	c.jobKeys[key] = j
	c.addJob(j)
	c.jobEvent(j, EventChange, ReasonCreated, "Job created")
	c.enqueue(j, 0)
	if owner != nil {
		owner.children = append(owner.children, j)
		c.ownerSees(j)
	}
	return j, nil
}

// addJob lists a new job and gives it a slot in jobSlots.
func (c *Cluster) addJob(j *job) {
	j.listPos = len(c.jobs)
	c.jobs = append(c.jobs, j)
	if n := len(c.freeJobs); n > 0 {
		j.slot = c.freeJobs[n-1]
		c.freeJobs = c.freeJobs[:n-1]
		c.jobSlots[j.slot] = j
		return
	}
	j.slot = int32(len(c.jobSlots))
	c.jobSlots = append(c.jobSlots, j)
}

// forgetJob releases a removed job's slot, and drops a CronJob's Job from
// the list of jobs: what a CronJob deletes is bounded by its history
// limits, not kept forever.
func (c *Cluster) forgetJob(j *job) {
	c.jobSlots[j.slot] = nil
	c.freeJobs = append(c.freeJobs, j.slot)
	if j.owner == nil {
		return
	}
	c.jobs[j.listPos] = nil
	c.jobHoles++
	if c.jobHoles > 16 && c.jobHoles > len(c.jobs)/2 {
		c.jobs = slices.DeleteFunc(c.jobs, func(x *job) bool { return x == nil })
		clear(c.jobs[len(c.jobs):cap(c.jobs)])
		for i, x := range c.jobs {
			x.listPos = i
		}
		c.jobHoles = 0
	}
}

// AlreadyExistsError is returned by Submit for a job, and by
// SubmitCronJob for a CronJob, whose namespace and name are taken.
type AlreadyExistsError struct {
	// Resource is "cronjobs.batch" for a CronJob; "" means "jobs.batch".
	Resource        string
	Namespace, Name string
}

// Error formats the error as the API server does.
func (e *AlreadyExistsError) Error() string {
	return fmt.Sprintf("%s %q already exists in namespace %q", resourceOr(e.Resource), e.Name, e.Namespace)
}

// NotFoundError is returned for a job, or a CronJob, that does not exist.
type NotFoundError struct {
	// Resource is "cronjobs.batch" for a CronJob; "" means "jobs.batch".
	Resource        string
	Namespace, Name string
}

// Error formats the error as the API server does.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s %q not found in namespace %q", resourceOr(e.Resource), e.Name, e.Namespace)
}

func resourceOr(r string) string {
	if r == "" {
		return "jobs.batch"
	}
	return r
}

// Job returns the existing job called name in namespace ns ("" means
// "default"), or nil.
func (c *Cluster) Job(ns, name string) *JobHandle {
	if ns == "" {
		ns = "default"
	}
	if j := c.jobKeys[objectKey{ns, name}]; j != nil {
		return j.handOut()
	}
	return nil
}

// A JobView is a snapshot of one job: the job as the API server stores it
// (see JobHandle.Job), the status the controller last wrote, and the job's
// existing pods in creation order.
type JobView struct {
	Job    Job
	Status JobStatus
	Pods   []Pod
}

// JobView returns a snapshot of the job called name in namespace ns (""
// means "default"): the existing job, or else the last deleted one of that
// name as its handle shows it; false if no such job was ever submitted.
func (c *Cluster) JobView(ns, name string) (JobView, bool) {
	h := c.lookupJob(ns, name)
	if h == nil {
		return JobView{}, false
	}
	return JobView{Job: h.Job(), Status: h.Status(), Pods: h.Pods()}, true
}

// lookupJob returns the existing job called name in namespace ns, or else
// the last deleted one of that name, or nil. The handle is for the
// caller's use only: it is not handed out (see retire).
func (c *Cluster) lookupJob(ns, name string) *JobHandle {
	if ns == "" {
		ns = "default"
	}
	if j := c.jobKeys[objectKey{ns, name}]; j != nil {
		return j.handle
	}
	for i := len(c.jobs) - 1; i >= 0; i-- {
		if j := c.jobs[i]; j != nil && j.ns == ns && j.name == name {
			return j.handle
		}
	}
	return nil
}

// Jobs returns a handle on every job ever submitted, in submission order,
// deleted ones included, and on the existing Jobs of CronJobs (a Job a
// CronJob created leaves the list once deleted, so that the list, and the
// memory it holds, stays bounded by the CronJobs' history limits).
func (c *Cluster) Jobs() []*JobHandle {
	var hs []*JobHandle
	for _, j := range c.jobs {
		if j != nil {
			hs = append(hs, j.handOut())
		}
	}
	return hs
}

// Pods returns a snapshot of every pod that exists, in creation order.
func (c *Cluster) Pods() []Pod {
	var ps []*pod
	for _, p := range c.pods {
		if p != nil {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, bySeq)
	out := make([]Pod, len(ps))
	for i, p := range ps {
		out[i] = c.podView(p)
	}
	return out
}

// Update edits a job's spec as `kubectl edit` would: edit changes a copy,
// the API server's update validation decides (only the mutable fields may
// change: parallelism, suspend, activeDeadline, backoffLimit,
// maxFailedIndexes, ttlAfterFinished, podReplacementPolicy, and the
// completions of an Indexed job together with its parallelism), and the
// controller syncs the job at once.
func (c *Cluster) Update(ns, name string, edit func(spec *JobSpec)) error {
	if ns == "" {
		ns = "default"
	}
	j := c.jobKeys[objectKey{ns, name}]
	if j == nil {
		return &NotFoundError{Namespace: ns, Name: name}
	}
	old := j.object()
	next := old
	next.Spec = cloneSpec(old.Spec)
	edit(&next.Spec)
	SetDefaults(&next)
	if err := validateUpdate(old, next, c.templateUpdateOf(j)); err != nil {
		return err
	}
	if _, fe := c.admitRuntimeClass(&next.Spec.Template.Spec); fe != nil {
		// A new nodeSelector may conflict with the class's: the API
		// server would refuse every new pod.
		return &ValidationError{Kind: "Job.batch", Name: name, Errors: []FieldError{*fe}}
	}
	c.applyUpdate(j, old.Spec, next.Spec)
	return nil
}

// Delete deletes a job as `kubectl delete job` does (background
// propagation): the job is gone at once, and the garbage collector deletes
// its pods, which terminate gracefully.
func (c *Cluster) Delete(ns, name string) error {
	j, err := c.existingJob(ns, name)
	if err != nil {
		return err
	}
	c.removeJob(j, "Job deleted")
	return nil
}

// DeleteOrphan deletes a job as `kubectl delete job --cascade=orphan`
// does (propagationPolicy Orphan, batch/v1's default for a client that
// names none): the job is gone at once and its pods are not. The garbage
// collector takes their owner reference off (Pod.Orphaned), the Job
// controller then their tracking finalizer, and they run on, owned by
// nothing, until they end; finished, they stay.
func (c *Cluster) DeleteOrphan(ns, name string) error {
	j, err := c.existingJob(ns, name)
	if err != nil {
		return err
	}
	c.orphanJob(j)
	return nil
}

// existingJob returns the job called name in namespace ns ("" means
// "default"), or a NotFoundError.
func (c *Cluster) existingJob(ns, name string) (*job, error) {
	if ns == "" {
		ns = "default"
	}
	j := c.jobKeys[objectKey{ns, name}]
	if j == nil {
		return nil, &NotFoundError{Namespace: ns, Name: name}
	}
	return j, nil
}

// DeletePod deletes a pod as `kubectl delete pod` does: its
// deletionTimestamp is set and its process gets the pod's termination grace
// period to exit. The Job controller then replaces it according to the
// job's podReplacementPolicy.
func (c *Cluster) DeletePod(ns, name string) error {
	p := c.podByName(ns, name)
	if p == nil {
		return &PodNotFoundError{Namespace: ns, Name: name}
	}
	c.deletePod(p)
	return nil
}

// EvictPod evicts a pod through the eviction API: it gets the
// DisruptionTarget condition (reason EvictionByEvictionAPI) and is deleted
// gracefully. A pod failure policy can tell such disruptions from the
// pod's own failures. It returns a *DisruptionBudgetError, and evicts
// nothing, when a PodDisruptionBudget allows no disruption of the pod.
func (c *Cluster) EvictPod(ns, name string) error {
	p := c.podByName(ns, name)
	if p == nil {
		return &PodNotFoundError{Namespace: ns, Name: name}
	}
	if b := c.sched.blockingBudget(p); b != "" {
		return &DisruptionBudgetError{Pod: name, Budget: b}
	}
	c.disrupt(p, DisruptionEvictionAPI)
	return nil
}

func (c *Cluster) podByName(ns, name string) *pod {
	if ns == "" {
		ns = "default"
	}
	for _, p := range c.pods {
		if p != nil && p.job.ns == ns && p.name() == name {
			return p
		}
	}
	return nil
}

// PodNotFoundError is returned for a pod that does not exist.
type PodNotFoundError struct{ Namespace, Name string }

// Error formats the error as the API server does.
func (e *PodNotFoundError) Error() string {
	return fmt.Sprintf("pods %q not found in namespace %q", e.Name, e.Namespace)
}

// applyUpdate stores a validated spec change and reacts as the Job
// controller's update handler and the TTL controller do.
func (c *Cluster) applyUpdate(j *job, old, next JobSpec) {
	changes := specChanges(old, next)
	if len(changes) == 0 {
		return
	}
	*j.spec = next
	j.gen++
	if !semanticEqual(old.Template, next.Template) {
		c.sched.schedulingInfo(j) // new pods ask for the new requests
	}
	c.jobEvent(j, EventChange, ReasonSpecUpdated, strings.Join(changes, ", "))
	c.ownerSees(j)
	if j.status.finished() {
		// The controller ignores finished jobs: their status, completed
		// indexes included, stays as it was last written.
		c.scheduleTTL(j)
		return
	}
	if j.indexed() && *next.Completions != j.idx.completions {
		c.resizeIndexes(j)
	}
	c.enqueue(j, 0)
	if j.status.started && next.ActiveDeadline != nil &&
		(old.ActiveDeadline == nil || *old.ActiveDeadline != *next.ActiveDeadline) {
		c.enqueue(j, *next.ActiveDeadline-(c.eng.Elapsed()-c.stamp(j.status.startTime)))
	}
}

// templateUpdateOf says what of j's pod template an update may change
// now, as upstream's validationOptionsForJob decides from the stored job:
//   - a suspended job that never started may change its scheduling
//     directives, in every version;
//   - with MutableSchedulingDirectivesForSuspendedJobs (on from 1.36) and
//     MutablePodResourcesForSuspendedJobs (on from 1.36), the directives
//     and the resources may change while the job is suspended with no
//     active pods and either never started or marked Suspended=True.
//     1.35, where both gates are alpha, asks for Suspended=True (and for
//     the resources, not for spec.suspend).
func (c *Cluster) templateUpdateOf(j *job) templateUpdate {
	st := &j.status
	suspended, notStarted := j.spec.Suspend, !st.started
	marked, idle := st.isTrue(JobSuspended), st.active == 0
	tu := templateUpdate{directives: suspended && notStarted}
	if c.prof.version <= V1_35 {
		if c.prof.mutableResources {
			tu.resources = marked && idle
		}
		if c.prof.mutableDirectives {
			tu.directives = suspended && marked && idle
		}
		return tu
	}
	allow := suspended && (notStarted || marked) && idle
	if c.prof.mutableResources {
		tu.resources = allow
	}
	if c.prof.mutableDirectives {
		tu.directives = allow
	}
	return tu
}

// specChanges describes what changed between two specs, for the event.
func specChanges(old, next JobSpec) []string {
	var out []string
	add := func(field string, a, b any) { out = append(out, fmt.Sprintf("%s: %v → %v", field, a, b)) }
	if a, b := fmtPtr(old.Parallelism), fmtPtr(next.Parallelism); a != b {
		add("parallelism", a, b)
	}
	if a, b := fmtPtr(old.Completions), fmtPtr(next.Completions); a != b {
		add("completions", a, b)
	}
	if old.Suspend != next.Suspend {
		add("suspend", old.Suspend, next.Suspend)
	}
	if a, b := fmtPtr(old.ActiveDeadline), fmtPtr(next.ActiveDeadline); a != b {
		add("activeDeadline", a, b)
	}
	if a, b := fmtPtr(old.BackoffLimit), fmtPtr(next.BackoffLimit); a != b {
		add("backoffLimit", a, b)
	}
	if a, b := fmtPtr(old.MaxFailedIndexes), fmtPtr(next.MaxFailedIndexes); a != b {
		add("maxFailedIndexes", a, b)
	}
	if a, b := fmtPtr(old.TTLAfterFinished), fmtPtr(next.TTLAfterFinished); a != b {
		add("ttlAfterFinished", a, b)
	}
	if old.PodReplacementPolicy != next.PodReplacementPolicy {
		add("podReplacementPolicy", old.PodReplacementPolicy, next.PodReplacementPolicy)
	}
	ot, nt := &old.Template, &next.Template
	if !semanticEqual(ot.Spec.NodeSelector, nt.Spec.NodeSelector) {
		add("template.nodeSelector", fmtMap(ot.Spec.NodeSelector), fmtMap(nt.Spec.NodeSelector))
	}
	if !semanticEqual(ot.Spec.Affinity, nt.Spec.Affinity) {
		out = append(out, "template.affinity changed")
	}
	if !semanticEqual(ot.Labels, nt.Labels) {
		add("template.labels", fmtMap(ot.Labels), fmtMap(nt.Labels))
	}
	if !semanticEqual(ot.Annotations, nt.Annotations) {
		add("template.annotations", fmtMap(ot.Annotations), fmtMap(nt.Annotations))
	}
	for _, cs := range []struct {
		kind      string
		old, next []Container
	}{{"containers", ot.Spec.Containers, nt.Spec.Containers}, {"initContainers", ot.Spec.InitContainers, nt.Spec.InitContainers}} {
		for i := range min(len(cs.old), len(cs.next)) {
			if a, b := cs.old[i].Requests, cs.next[i].Requests; !semanticEqual(a, b) {
				add(fmt.Sprintf("%s[%s].requests", cs.kind, cs.next[i].Name), fmtRequests(a), fmtRequests(b))
			}
		}
	}
	return out
}

// fmtMap formats labels and the like as {a=1,b=2}, sorted.
func fmtMap(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// fmtRequests formats requests as {cpu=500m,memory=1Gi}.
func fmtRequests(l ResourceList) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(l)) {
		parts = append(parts, k+"="+FormatQuantity(k, l[k]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func fmtPtr[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}
