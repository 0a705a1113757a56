package jobsim

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// JobHandle is a read-only handle on a submitted job. Its methods return
// snapshots taken when they are called; they stay valid after the job is
// deleted (showing the job as it was last).
type JobHandle struct {
	j *job
}

// Name returns the job's name.
func (h *JobHandle) Name() string { return h.j.name }

// Namespace returns the job's namespace.
func (h *JobHandle) Namespace() string { return h.j.ns }

// UID returns the job's UID.
func (h *JobHandle) UID() string { return h.j.c.uid(kindJob, h.j.seq) }

// Job returns the job as the API server stores it: metadata and the
// defaulted spec, including edits made since it was submitted.
func (h *JobHandle) Job() Job {
	obj := h.j.meta
	obj.Labels = maps.Clone(obj.Labels)
	obj.Annotations = maps.Clone(obj.Annotations)
	obj.Spec = cloneSpec(obj.Spec)
	return obj
}

// Spec returns the job's current (defaulted) spec.
func (h *JobHandle) Spec() JobSpec { return cloneSpec(*h.j.spec) }

// Generation returns metadata.generation: 1, plus one per spec change.
func (h *JobHandle) Generation() int { return h.j.gen }

// CreationTime returns when the job was submitted.
func (h *JobHandle) CreationTime() time.Time { return h.j.c.eng.Epoch().Add(h.j.created) }

// Deleted reports whether the job has been deleted.
func (h *JobHandle) Deleted() bool { return h.j.gone }

// Finished reports whether the job has its Complete or Failed condition.
func (h *JobHandle) Finished() bool { return h.j.status.finished() }

// Condition returns the job's condition of type t, as
// Status().Condition(t) does, without copying the rest of the status.
func (h *JobHandle) Condition(t JobConditionType) (JobCondition, bool) {
	if c := h.j.status.condition(t); c != nil {
		return *c, true
	}
	return JobCondition{}, false
}

// PodsFailed returns status.failed: how many of the job's pods the
// controller has counted failed.
func (h *JobHandle) PodsFailed() int { return h.j.status.failed }

// Status returns the job's status as last written by the controller.
func (h *JobHandle) Status() JobStatus {
	j := h.j
	st := &j.status
	epoch := j.c.eng.Epoch()
	out := JobStatus{
		Active:      st.active,
		Ready:       st.ready,
		Terminating: st.terminating,
		Succeeded:   st.succeeded,
		Failed:      st.failed,
	}
	if len(st.conditions) > 0 {
		out.Conditions = slices.Clone(st.conditions)
	}
	if st.started {
		out.StartTime = epoch.Add(st.startTime)
	}
	if st.completed {
		out.CompletionTime = epoch.Add(st.completionTime)
	}
	if j.indexed() {
		out.CompletedIndexes = j.idx.succeeded.String()
		if j.spec.BackoffLimitPerIndex != nil && !j.external() {
			// The controller writes failedIndexes; a job another
			// controller manages never gets it from this one.
			out.FailedIndexes = Ptr(j.idx.failed.String())
		}
	}
	return out
}

// Pods returns snapshots of the job's existing pods, in creation order.
func (h *JobHandle) Pods() []Pod {
	ps := slices.Clone(h.j.pods)
	slices.SortFunc(ps, bySeq)
	out := make([]Pod, len(ps))
	for i, p := range ps {
		out[i] = h.j.c.podView(p)
	}
	return out
}

// Pod returns the snapshot of the job's pod of that name, as Pods has
// it, and false if the job has no such pod (it was never created, or is
// gone from the API).
func (h *JobHandle) Pod(name string) (Pod, bool) {
	for _, p := range h.j.pods {
		if p.name() == name {
			return h.j.c.podView(p), true
		}
	}
	return Pod{}, false
}

// PodsCreated returns how many pods the controller has created for the job.
func (h *JobHandle) PodsCreated() int { return h.j.nextOrdinal }

// podView builds the API view of p.
func (c *Cluster) podView(p *pod) Pod {
	j := p.job
	epoch := c.eng.Epoch()
	at := func(d time.Duration) time.Time { return epoch.Add(d) }
	tmpl := &j.spec.Template
	v := Pod{
		Name:         p.name(),
		Namespace:    j.ns,
		UID:          c.uid(kindPod, p.seq),
		JobName:      j.name,
		Labels:       maps.Clone(tmpl.Labels),
		Annotations:  maps.Clone(tmpl.Annotations),
		CreationTime: at(p.created),
		Spec:         cloneSpec(JobSpec{Template: *tmpl}).Template.Spec,
	}
	v.Spec.SchedulingGates = slices.Clone(j.gated[p.seq])
	// What the RuntimeClass admission set on the pod.
	v.Spec.Overhead, v.Spec.NodeSelector = maps.Clone(j.adm.overhead), maps.Clone(j.adm.nodeSelector)
	if j.adm.withDefaults != nil {
		v.Spec.Tolerations = cloneTolerations(j.adm.withDefaults)
	}
	if v.Labels == nil {
		v.Labels = map[string]string{}
	}
	if !j.spec.ManualSelector {
		uid := c.uid(kindJob, j.seq)
		v.Labels[ControllerUIDLabel] = uid
		v.Labels[JobNameLabel] = j.name
		v.Labels[LegacyControllerUIDLabel] = uid
		v.Labels[LegacyJobNameLabel] = j.name
	}
	if p.index >= 0 && j.indexed() {
		ix := strconv.Itoa(p.index)
		if v.Annotations == nil {
			v.Annotations = map[string]string{}
		}
		v.Annotations[JobCompletionIndexAnnotation] = ix
		v.Labels[JobCompletionIndexAnnotation] = ix
		v.Spec.Hostname = j.name + "-" + ix
		addIndexEnv(v.Spec.InitContainers)
		addIndexEnv(v.Spec.Containers)
		if j.spec.BackoffLimitPerIndex != nil {
			v.Annotations[JobIndexFailureCountAnnotation] = strconv.Itoa(p.failureCount)
			if p.ignoredCount > 0 {
				v.Annotations[JobIndexIgnoredFailureCountAnnotation] = strconv.Itoa(p.ignoredCount)
			}
		}
	}
	if p.finalizer {
		v.Finalizers = []string{JobTrackingFinalizer}
	}
	v.Orphaned = p.orphaned
	if p.deleting {
		v.DeletionTime = at(p.delAt + p.delGrace)
		v.DeletionGracePeriod = p.delGrace
	}
	if p.bound {
		v.Spec.NodeName = p.node.spec.Name
	}
	v.Spec.Priority = j.priority
	v.Spec.PreemptionPolicy = PreemptLowerPriority
	if j.preemptNever {
		v.Spec.PreemptionPolicy = PreemptNever
	}
	if v.Spec.PriorityClassName == "" {
		v.Spec.PriorityClassName = c.sched.defClass
	}
	v.Status = c.podStatusView(p)
	return v
}

func addIndexEnv(cs []Container) {
	for i := range cs {
		if !slices.ContainsFunc(cs[i].Env, func(e EnvVar) bool { return e.Name == CompletionIndexEnv }) {
			cs[i].Env = append(cs[i].Env, EnvVar{Name: CompletionIndexEnv,
				FieldPath: "metadata.labels['" + JobCompletionIndexAnnotation + "']"})
		}
	}
}

func (c *Cluster) podStatusView(p *pod) PodStatus {
	epoch := c.eng.Epoch()
	at := func(d time.Duration) time.Time { return epoch.Add(d) }
	st := PodStatus{Phase: p.phase, Conditions: c.appendPodConditions(make([]PodCondition, 0, 6), p)}
	if len(st.Conditions) == 0 {
		st.Conditions = nil
	}
	if p.nominated != nil && !p.bound {
		st.NominatedNodeName = p.nominated.spec.Name
	}
	if p.started {
		st.StartTime = at(p.startTime)
	}
	if !p.started && !p.terminal() {
		return st // no kubelet has accepted the pod: no container states
	}
	tmpl := &p.job.spec.Template.Spec
	for _, ic := range tmpl.InitContainers {
		cs := ContainerStatus{Name: ic.Name}
		if ic.IsSidecar() && p.started {
			st.InitContainerStatuses = append(st.InitContainerStatuses, c.sidecarStatusView(p, ic.Name))
			continue
		}
		if p.started {
			cs.State.Terminated = &ContainerStateTerminated{Reason: "Completed", StartedAt: at(p.startTime), FinishedAt: at(p.startTime)}
		} else {
			cs.State.Waiting = &ContainerStateWaiting{Reason: "PodInitializing"}
		}
		st.InitContainerStatuses = append(st.InitContainerStatuses, cs)
	}
	st.ContainerStatuses = make([]ContainerStatus, 0, len(tmpl.Containers))
	for _, ctr := range tmpl.Containers {
		st.ContainerStatuses = append(st.ContainerStatuses, c.containerStatusView(p, ctr.Name))
	}
	return st
}

// sidecarStatusView is the status of a sidecar of a pod the kubelet
// started: running (started and, with no probes, ready) from the pod's
// start until it ends, then terminated on SIGTERM, or with an unknown
// status when the containers never ran.
func (c *Cluster) sidecarStatusView(p *pod, name string) ContainerStatus {
	epoch := c.eng.Epoch()
	at := func(d time.Duration) time.Time { return epoch.Add(d) }
	cs := ContainerStatus{Name: name}
	if !p.terminal() {
		cs.State.Running = &ContainerStateRunning{StartedAt: at(p.startTime)}
		cs.Started, cs.Ready = true, true
		return cs
	}
	code, why := sidecarExitCode, exitReason(sidecarExitCode)
	if p.exitWhy == ReasonContainerStatusUnknown {
		code, why = p.exitCode, p.exitWhy
	}
	cs.State.Terminated = &ContainerStateTerminated{ExitCode: code, Reason: why, StartedAt: at(p.startTime), FinishedAt: at(p.endedAt)}
	return cs
}

func (c *Cluster) containerStatusView(p *pod, name string) ContainerStatus {
	epoch := c.eng.Epoch()
	at := func(d time.Duration) time.Time { return epoch.Add(d) }
	cs := ContainerStatus{Name: name, RestartCount: p.restarts, Ready: p.ready}
	switch p.cstate {
	case containerCreating:
		reason := "ContainerCreating"
		if !p.started {
			reason = "PodInitializing"
		}
		cs.State.Waiting = &ContainerStateWaiting{Reason: reason}
	case containerRunning:
		cs.State.Running = &ContainerStateRunning{StartedAt: at(p.cStarted)}
		cs.Started = true
	case containerExited:
		cs.State.Terminated = &ContainerStateTerminated{ExitCode: p.exitCode, Reason: p.exitWhy,
			StartedAt: at(p.cStarted), FinishedAt: at(p.cFinished)}
	case containerCrashLoop:
		delay := p.loop.restartDelay(p.cFinished)
		cs.State.Waiting = &ContainerStateWaiting{Reason: "CrashLoopBackOff",
			Message: "back-off " + delay.String() + " restarting failed container=" + name + " pod=" + c.podFullName(p)}
		cs.LastTerminationState.Terminated = &ContainerStateTerminated{ExitCode: p.exitCode, Reason: p.exitWhy,
			StartedAt: at(p.cStarted), FinishedAt: at(p.cFinished)}
		return cs
	}
	if p.last.valid {
		cs.LastTerminationState.Terminated = &ContainerStateTerminated{ExitCode: p.last.exitCode, Reason: p.last.reason,
			StartedAt: at(p.last.started), FinishedAt: at(p.last.finishd)}
	}
	return cs
}

// cloneSpec deep-copies a JobSpec so that the copy shares nothing mutable.
func cloneSpec(s JobSpec) JobSpec {
	out := s
	out.Parallelism = clonePtr(s.Parallelism)
	out.Completions = clonePtr(s.Completions)
	out.BackoffLimit = clonePtr(s.BackoffLimit)
	out.BackoffLimitPerIndex = clonePtr(s.BackoffLimitPerIndex)
	out.MaxFailedIndexes = clonePtr(s.MaxFailedIndexes)
	out.ActiveDeadline = clonePtr(s.ActiveDeadline)
	out.TTLAfterFinished = clonePtr(s.TTLAfterFinished)
	if s.PodFailurePolicy != nil {
		pfp := PodFailurePolicy{Rules: slices.Clone(s.PodFailurePolicy.Rules)}
		for i, r := range pfp.Rules {
			if r.OnExitCodes != nil {
				oe := *r.OnExitCodes
				oe.Values = slices.Clone(oe.Values)
				pfp.Rules[i].OnExitCodes = &oe
			}
			pfp.Rules[i].OnPodConditions = slices.Clone(r.OnPodConditions)
		}
		out.PodFailurePolicy = &pfp
	}
	if s.SuccessPolicy != nil {
		sp := SuccessPolicy{Rules: slices.Clone(s.SuccessPolicy.Rules)}
		for i, r := range sp.Rules {
			sp.Rules[i].SucceededIndexes = clonePtr(r.SucceededIndexes)
			sp.Rules[i].SucceededCount = clonePtr(r.SucceededCount)
		}
		out.SuccessPolicy = &sp
	}
	t := &out.Template
	t.Labels = maps.Clone(s.Template.Labels)
	t.Annotations = maps.Clone(s.Template.Annotations)
	t.Spec.TerminationGracePeriod = clonePtr(s.Template.Spec.TerminationGracePeriod)
	t.Spec.NodeSelector = maps.Clone(s.Template.Spec.NodeSelector)
	t.Spec.Overhead = maps.Clone(s.Template.Spec.Overhead)
	t.Spec.Affinity = cloneAffinity(s.Template.Spec.Affinity)
	t.Spec.Tolerations = cloneTolerations(s.Template.Spec.Tolerations)
	t.Spec.TopologySpreadConstraints = cloneSpread(s.Template.Spec.TopologySpreadConstraints)
	t.Spec.SchedulingGates = slices.Clone(s.Template.Spec.SchedulingGates)
	t.Spec.InitContainers = cloneContainers(s.Template.Spec.InitContainers)
	t.Spec.Containers = cloneContainers(s.Template.Spec.Containers)
	return out
}

func cloneContainers(cs []Container) []Container {
	if cs == nil {
		return nil
	}
	return appendContainers(make([]Container, 0, len(cs)), cs)
}

// appendContainers appends deep copies of cs to dst.
func appendContainers(dst, cs []Container) []Container {
	for _, c := range cs {
		c.Command = slices.Clone(c.Command)
		c.Args = slices.Clone(c.Args)
		c.Env = slices.Clone(c.Env)
		c.Requests = maps.Clone(c.Requests)
		dst = append(dst, c)
	}
	return dst
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// appendPodConditions appends p's conditions to dst, in the order the
// kubelet and the control plane add them.
func (c *Cluster) appendPodConditions(dst []PodCondition, p *pod) []PodCondition {
	epoch := c.eng.Epoch()
	add := func(t PodConditionType, ok bool, since time.Duration, reason, message string) {
		s := ConditionFalse
		if ok {
			s = ConditionTrue
		}
		dst = append(dst, PodCondition{Type: t, Status: s, Reason: reason, Message: message, LastTransitionTime: epoch.Add(since)})
	}
	if p.disruption != "" {
		add(DisruptionTarget, true, p.disruptedAt, p.disruption, DisruptionMessage(p.disruption))
	}
	switch {
	case p.bound:
		add(PodScheduled, true, p.boundAt, "", "")
	case p.unschedulable:
		add(PodScheduled, false, p.unschedAt, "Unschedulable", c.sched.unschedulableMessage(p.job))
	case p.job.gated[p.seq] != nil:
		add(PodScheduled, false, p.created, ReasonSchedulingGated, schedulingGatedMessage)
	}
	if p.started {
		sandboxAt := p.startTime
		if p.terminal() {
			sandboxAt = p.cFinished // the sandbox goes with the last container
		}
		add(PodReadyToStartContainers, !p.terminal(), sandboxAt, "", "")
		add(PodInitialized, true, p.startTime, "", "")
		reason := ""
		if !p.ready {
			switch p.phase {
			case PodSucceeded:
				reason = "PodCompleted"
			case PodFailed:
				reason = "PodFailed"
			default:
				reason = "ContainersNotReady"
			}
		}
		add(PodContainersReady, p.ready, p.readyAt, reason, "")
		add(PodReady, p.ready, p.readyAt, reason, "")
	}
	return dst
}

// JobMetrics are scheduling and timing figures of a job.
type JobMetrics struct {
	// PodsBound counts the job's pods the scheduler bound to a node.
	PodsBound int
	// PodsWaiting counts the job's pods that wait, now, to be bound:
	// created, not bound, neither finished nor being deleted.
	PodsWaiting int
	// MeanQueueWait and MaxQueueWait are the time its pods waited from
	// creation to binding; the pods still waiting count with their wait
	// so far.
	MeanQueueWait, MaxQueueWait time.Duration
	// RunTime sums the time its containers ran (each run once, whatever
	// the number of containers), the runs in progress included, the time
	// their node was down not.
	RunTime time.Duration
	// Makespan is the time from the job's creation to its finish, or to
	// now if it has not finished.
	Makespan time.Duration
}

// Metrics returns the job's scheduling and timing figures.
func (h *JobHandle) Metrics() JobMetrics {
	j := h.j
	st := &j.stats
	now := j.c.eng.Elapsed()
	m := JobMetrics{PodsBound: st.nBound, MaxQueueWait: st.waitMax, RunTime: st.runSum}
	waitSum := st.waitSum
	for _, p := range j.pods {
		switch {
		case p.cstate == containerRunning:
			end := now
			if p.node != nil && p.node.down {
				end = p.node.downAt
			}
			m.RunTime += end - p.cStarted
		case !p.bound && !p.deleting && !p.terminal():
			wait := now - p.created
			m.PodsWaiting++
			waitSum += wait
			m.MaxQueueWait = max(m.MaxQueueWait, wait)
		}
	}
	if n := st.nBound + m.PodsWaiting; n > 0 {
		m.MeanQueueWait = waitSum / time.Duration(n)
	}
	end := now
	for _, cond := range j.status.conditions {
		if (cond.Type == JobComplete || cond.Type == JobFailed) && cond.Status == ConditionTrue {
			end = cond.LastTransitionTime.Sub(j.c.eng.Epoch())
		}
	}
	m.Makespan = end - j.created
	return m
}

// specStore is the memory, inside a job, that its stored spec's pointers
// and container list use for the fields most Jobs set, filled by clone
// and setDefaults. A job struct filled again (after Reset) stores its
// spec without allocating. Nothing outside the cluster sees this memory:
// every spec handed out is a copy (cloneSpec).
type specStore struct {
	ints       [3]int // by storeParallelism, storeCompletions, storeBackoffLimit
	grace      time.Duration
	containers []Container
	maps       [4]map[string]string // by storeLabels, storeAnnotations, storeTemplateLabels, storeTemplateAnnotations
}

const (
	storeParallelism = iota
	storeCompletions
	storeBackoffLimit
)

const (
	storeLabels = iota
	storeAnnotations
	storeTemplateLabels
	storeTemplateAnnotations
)

// emptied returns st with nothing in it, keeping its memory.
func (st *specStore) emptied() specStore {
	out := specStore{containers: emptied(st.containers), maps: st.maps}
	for _, m := range out.maps {
		clear(m)
	}
	return out
}

// copyMap returns a copy of m in st's map number i (nil for nil); with st
// nil, a new one.
func (st *specStore) copyMap(i int, m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	if st == nil {
		return maps.Clone(m)
	}
	return refill(&st.maps[i], m)
}

// refill empties *dst, made if nil, copies src into it and returns it:
// a copy of src in memory kept from one use to the next.
func refill(dst *map[string]string, src map[string]string) map[string]string {
	if *dst == nil {
		*dst = make(map[string]string, len(src))
	} else {
		clear(*dst)
	}
	maps.Copy(*dst, src)
	return *dst
}

// clone is cloneSpec, with the parallelism, completions, backoff limit,
// termination grace period, containers, and the template's labels and
// annotations copied into st.
func (st *specStore) clone(s JobSpec) JobSpec {
	par, comp, limit := s.Parallelism, s.Completions, s.BackoffLimit
	grace, cs := s.Template.Spec.TerminationGracePeriod, s.Template.Spec.Containers
	labels, ann := s.Template.Labels, s.Template.Annotations
	s.Parallelism, s.Completions, s.BackoffLimit = nil, nil, nil
	s.Template.Spec.TerminationGracePeriod, s.Template.Spec.Containers = nil, nil
	s.Template.Labels, s.Template.Annotations = nil, nil
	out := cloneSpec(s)
	out.Template.Labels = st.copyMap(storeTemplateLabels, labels)
	out.Template.Annotations = st.copyMap(storeTemplateAnnotations, ann)
	if par != nil {
		out.Parallelism = st.intPtr(storeParallelism, *par)
	}
	if comp != nil {
		out.Completions = st.intPtr(storeCompletions, *comp)
	}
	if limit != nil {
		out.BackoffLimit = st.intPtr(storeBackoffLimit, *limit)
	}
	if grace != nil {
		out.Template.Spec.TerminationGracePeriod = st.gracePeriod(*grace)
	}
	if cs != nil {
		st.containers = appendContainers(st.containers[:0], cs)
		out.Template.Spec.Containers = st.containers
	}
	return out
}

// intPtr sets st's int number i to v and returns a pointer to it; with st
// nil, a new pointer to v.
func (st *specStore) intPtr(i, v int) *int {
	if st == nil {
		return Ptr(v)
	}
	st.ints[i] = v
	return &st.ints[i]
}

// gracePeriod is intPtr for the termination grace period.
func (st *specStore) gracePeriod(v time.Duration) *time.Duration {
	if st == nil {
		return Ptr(v)
	}
	st.grace = v
	return &st.grace
}
