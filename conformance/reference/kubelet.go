package reference

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jobsim/jobsim"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/clock"
)

// The kubelet's CrashLoopBackOff (pkg/kubelet: initialCrashLoopBackOff,
// MaxContainerBackOff; client-go flowcontrol.Backoff).
const (
	crashLoopInitial = 10 * time.Second
	crashLoopMax     = 300 * time.Second
)

const nodeName = "node-0"

// kubelet is a scripted kubelet (and scheduler) for one node of unlimited
// capacity. It binds and starts each pod at the instant it is created and
// plays the scenario's runs on its containers: exits with their exit
// codes, OnFailure restarts with CrashLoopBackOff, disruptions, and
// graceful termination of deleted pods (SIGTERM: the process exits after
// its run's term with 143, or is killed at the grace period with 137).
// Every container of a pod takes the same run. It stamps each change
// with the virtual instant it was scheduled for.
type kubelet struct {
	api *apiServer
	clk *virtualClock
	// scheduled: a scheduler binds the pods, and the kubelet starts each
	// once bound, on its node; otherwise it binds every pod to node-0 at
	// its creation.
	scheduled bool
	// behaviors maps a job's UID to how its containers run.
	behaviorOf func(jobUID types.UID) (jobsim.Behavior, string, string, bool)

	mu       sync.Mutex
	pods     map[types.UID]*kpod
	attempts map[string]int // "jobUID/index" → runs started under that index
	closed   bool
	w        *watcher
	done     chan struct{}
}

type kstate int

const (
	kRunning kstate = iota // the process runs
	kBackOff               // waiting in CrashLoopBackOff
	kExited                // the pod is terminal
)

type kpod struct {
	uid       types.UID
	ns, name  string
	jobUID    types.UID
	jobName   string
	key       int
	indexed   bool
	onFailure bool
	beh       jobsim.Behavior

	attempt  int // runs started in this pod
	run      jobsim.Run
	state    kstate
	started  time.Time // current container instance
	exit     *corev1.ContainerStateTerminated
	deleting bool

	backoffSet  bool
	backoff     time.Duration
	backoffLast time.Time

	timer clock.Timer
	gen   int
}

func newKubelet(api *apiServer, clk *virtualClock) *kubelet {
	return &kubelet{api: api, clk: clk, pods: map[types.UID]*kpod{}, attempts: map[string]int{}, done: make(chan struct{})}
}

func (k *kubelet) start() {
	k.w = k.api.watch("pods", "", nil, nil, "", nil, 1, nil)
	go func() {
		defer close(k.done)
		for ev := range k.w.ResultChan() {
			k.handle(ev)
			k.api.act.handled()
		}
	}()
}

func (k *kubelet) stop() {
	k.mu.Lock()
	k.closed = true
	for _, p := range k.pods {
		if p.timer != nil {
			p.timer.Stop()
		}
	}
	k.mu.Unlock()
	k.w.Stop()
	<-k.done
}

func (k *kubelet) handle(ev watch.Event) {
	pod, ok := ev.Object.(*corev1.Pod)
	if !ok {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return
	}
	p := k.pods[pod.UID]
	switch ev.Type {
	case watch.Added:
		if p == nil && !k.scheduled {
			k.admit(pod, k.api.createdAt(pod.UID))
		}
	case watch.Modified:
		if p == nil && k.scheduled && pod.Spec.NodeName != "" && pod.DeletionTimestamp == nil &&
			pod.Status.Phase == corev1.PodPending && pod.Status.StartTime == nil {
			if at, ok := k.api.boundAt(pod.UID); ok {
				k.admit(pod, at)
			}
			return
		}
		if p != nil && pod.DeletionTimestamp != nil && !p.deleting {
			k.terminate(p, pod)
		}
	case watch.Deleted:
		if p != nil {
			if p.timer != nil {
				p.timer.Stop()
			}
			p.gen++
			delete(k.pods, pod.UID)
		}
	}
}

// admit starts a pod at virtual time at: its creation (binding it to
// node-0) or its binding.
func (k *kubelet) admit(pod *corev1.Pod, at time.Time) {
	ref := metav1.GetControllerOf(pod)
	if ref == nil {
		return
	}
	beh, _, _, ok := k.behaviorOf(ref.UID)
	if !ok {
		return
	}
	p := &kpod{
		uid: pod.UID, ns: pod.Namespace, name: pod.Name,
		jobUID: ref.UID, jobName: ref.Name,
		onFailure: pod.Spec.RestartPolicy == corev1.RestartPolicyOnFailure,
		beh:       beh,
		key:       k.api.ordinal(pod.UID),
	}
	if v, ok := pod.Annotations[batchv1.JobCompletionIndexAnnotation]; ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			p.indexed, p.key = true, n
		}
	}
	k.pods[p.uid] = p
	k.startContainer(p, at, true)
}

// nextRun asks the job's Behavior for the next run, counting attempts as
// jobsim does: per index across pods for Indexed jobs, per pod otherwise.
func (k *kubelet) nextRun(p *kpod) jobsim.Run {
	attempt := p.attempt
	if p.indexed {
		key := fmt.Sprintf("%s/%d", p.jobUID, p.key)
		attempt = k.attempts[key]
		k.attempts[key]++
	}
	p.attempt++
	rc := &jobsim.RunContext{Namespace: p.ns, Job: p.jobName, Key: p.key, Attempt: attempt}
	return p.beh.Next(rc)
}

// startContainer starts a container instance at virtual time at; first
// is the pod's first start (binding it and moving it to Running).
func (k *kubelet) startContainer(p *kpod, at time.Time, first bool) {
	p.run = k.nextRun(p)
	p.state = kRunning
	p.started = at
	last := p.exit
	restart := !first
	k.api.mutatePod(p.ns, p.name, p.uid, func(pod *corev1.Pod) {
		t := metav1.NewTime(at)
		if first {
			if pod.Spec.NodeName == "" {
				pod.Spec.NodeName = nodeName
			}
			pod.Status.Phase = corev1.PodRunning
			pod.Status.StartTime = &t
			setCond(pod, corev1.PodScheduled, corev1.ConditionTrue, "", "", at)
			setCond(pod, corev1.PodReadyToStartContainers, corev1.ConditionTrue, "", "", at)
			setCond(pod, corev1.PodInitialized, corev1.ConditionTrue, "", "", at)
			pod.Status.InitContainerStatuses = nil
			for _, c := range pod.Spec.InitContainers {
				pod.Status.InitContainerStatuses = append(pod.Status.InitContainerStatuses, corev1.ContainerStatus{
					Name:  c.Name,
					State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", StartedAt: t, FinishedAt: t}},
				})
			}
		}
		setCond(pod, corev1.ContainersReady, corev1.ConditionTrue, "", "", at)
		setCond(pod, corev1.PodReady, corev1.ConditionTrue, "", "", at)
		var statuses []corev1.ContainerStatus
		for i, c := range pod.Spec.Containers {
			cs := corev1.ContainerStatus{Name: c.Name, Ready: true, Started: ptr(true),
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: t}}}
			if restart && i < len(pod.Status.ContainerStatuses) {
				cs.RestartCount = pod.Status.ContainerStatuses[i].RestartCount + 1
			}
			if last != nil {
				cs.LastTerminationState.Terminated = last.DeepCopy()
			}
			statuses = append(statuses, cs)
		}
		pod.Status.ContainerStatuses = statuses
	})
	if !p.run.Forever {
		k.schedule(p, at.Add(p.run.Duration), k.runEnd)
	}
}

// schedule calls f(p, at) at virtual time at, unless p moves on first.
func (k *kubelet) schedule(p *kpod, at time.Time, f func(p *kpod, at time.Time)) {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.gen++
	gen := p.gen
	p.timer = k.clk.afterFuncWorld(at.Sub(k.clk.Now()), func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if k.closed || p.gen != gen || k.pods[p.uid] != p {
			return
		}
		p.timer = nil
		f(p, at)
	})
}

func (k *kubelet) runEnd(p *kpod, at time.Time) {
	if p.run.Disrupt != "" {
		// The control plane disrupts the pod: the DisruptionTarget
		// condition, then a graceful deletion (the eviction API's way).
		reason := p.run.Disrupt
		k.api.mutatePod(p.ns, p.name, p.uid, func(pod *corev1.Pod) {
			setCond(pod, corev1.DisruptionTarget, corev1.ConditionTrue, reason, disruptionMessage(reason), at)
		})
		k.api.deletePod(p.ns, p.name, p.uid, nil)
		// The kubelet starts terminating the pod within the same instant,
		// rather than when the deletion reaches it through its watch: the
		// controller then sees the disruption and what follows at once
		// from it together, as it sees every change of an instant.
		if pod := k.api.getPod(p.ns, p.name, p.uid); pod != nil && pod.DeletionTimestamp != nil {
			k.terminate(p, pod)
		}
		return
	}
	k.exit(p, p.run.ExitCode, at)
}

// exit ends the running container instance with code at virtual time at.
func (k *kubelet) exit(p *kpod, code int, at time.Time) {
	t := metav1.NewTime(at)
	reason := "Completed"
	if code != 0 {
		reason = "Error"
	}
	p.exit = &corev1.ContainerStateTerminated{ExitCode: int32(code), Reason: reason, StartedAt: metav1.NewTime(p.started), FinishedAt: t}
	if code != 0 && p.onFailure && !p.deleting {
		k.crashLoop(p, at)
		return
	}
	phase := corev1.PodFailed
	if code == 0 {
		phase = corev1.PodSucceeded
	}
	k.finish(p, phase, at)
}

// finish moves the pod to a terminal phase; a deleted pod is then
// removed as the kubelet does, with a zero grace period.
func (k *kubelet) finish(p *kpod, phase corev1.PodPhase, at time.Time) {
	p.state = kExited
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.gen++
	term := p.exit
	k.api.mutatePod(p.ns, p.name, p.uid, func(pod *corev1.Pod) {
		pod.Status.Phase = phase
		reason := "PodFailed"
		if phase == corev1.PodSucceeded {
			reason = "PodCompleted"
		}
		setCond(pod, corev1.PodReadyToStartContainers, corev1.ConditionFalse, "", "", at)
		setCond(pod, corev1.ContainersReady, corev1.ConditionFalse, reason, "", at)
		setCond(pod, corev1.PodReady, corev1.ConditionFalse, reason, "", at)
		for i := range pod.Status.ContainerStatuses {
			cs := &pod.Status.ContainerStatuses[i]
			cs.Ready = false
			cs.Started = ptr(false)
			if term != nil {
				cs.State = corev1.ContainerState{Terminated: term.DeepCopy()}
			}
		}
	})
	if p.deleting {
		k.api.deletePod(p.ns, p.name, p.uid, ptr(int64(0)))
	}
}

// crashLoop restarts an OnFailure container that exited non-zero, at once
// or after the back-off, as the kubelet's doBackOff with client-go's
// flowcontrol.Backoff does: the back-off entry is checked against the
// exit's finishedAt; Next doubles it (10 s to 300 s) or, when the exit is
// more than 2×300 s after the entry's last update, starts again at 10 s.
func (k *kubelet) crashLoop(p *kpod, at time.Time) {
	expired := !p.backoffSet || at.Sub(p.backoffLast) > 2*crashLoopMax
	if expired {
		p.backoffSet, p.backoff, p.backoffLast = true, crashLoopInitial, at
		k.startContainer(p, at, false)
		return
	}
	p.state = kBackOff
	wait := p.backoff
	term := p.exit
	msg := fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", wait, "", p.name, p.ns, p.uid)
	k.api.mutatePod(p.ns, p.name, p.uid, func(pod *corev1.Pod) {
		setCond(pod, corev1.ContainersReady, corev1.ConditionFalse, "ContainersNotReady", "", at)
		setCond(pod, corev1.PodReady, corev1.ConditionFalse, "ContainersNotReady", "", at)
		for i := range pod.Status.ContainerStatuses {
			cs := &pod.Status.ContainerStatuses[i]
			cs.Ready = false
			cs.Started = ptr(false)
			cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: msg}}
			cs.LastTerminationState = corev1.ContainerState{Terminated: term.DeepCopy()}
		}
	})
	k.schedule(p, at.Add(wait), func(p *kpod, at time.Time) {
		p.backoff = min(2*p.backoff, crashLoopMax)
		p.backoffLast = at
		k.startContainer(p, at, false)
	})
}

// terminate handles a pod that got its deletionTimestamp: SIGTERM to a
// running process, which exits after its run's term (code 143), or on its
// own first, or is killed when the grace period ends (137). A pod with no
// running process is terminal at once.
func (k *kubelet) terminate(p *kpod, pod *corev1.Pod) {
	p.deleting = true
	now := k.clk.Now()
	switch p.state {
	case kExited:
		return
	case kBackOff:
		k.finish(p, corev1.PodFailed, now)
		return
	}
	var grace time.Duration
	if g := pod.DeletionGracePeriodSeconds; g != nil {
		grace = time.Duration(*g) * time.Second
	}
	run := p.run
	at := now.Add(min(run.Term, grace))
	code := 143
	if run.Term > grace {
		code = 137
	}
	if !run.Forever && run.Disrupt == "" {
		if end := p.started.Add(run.Duration); !end.After(at) {
			at, code = end, run.ExitCode
		}
	}
	if !at.After(now) {
		k.exit(p, code, now)
		return
	}
	k.schedule(p, at, func(p *kpod, at time.Time) { k.exit(p, code, at) })
}

func setCond(pod *corev1.Pod, t corev1.PodConditionType, s corev1.ConditionStatus, reason, msg string, at time.Time) {
	for i := range pod.Status.Conditions {
		c := &pod.Status.Conditions[i]
		if c.Type == t {
			if c.Status != s {
				c.LastTransitionTime = metav1.NewTime(at)
			}
			c.Status, c.Reason, c.Message = s, reason, msg
			return
		}
	}
	pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{
		Type: t, Status: s, Reason: reason, Message: msg, LastTransitionTime: metav1.NewTime(at),
	})
}

func ptr[T any](v T) *T { return &v }
