package jobsim

import (
	"fmt"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// The kubelet. It starts bound pods, plays their container runs, restarts
// OnFailure containers with CrashLoopBackOff, and terminates deleted pods
// gracefully. Its reactions always happen in events of their own, never
// inside a controller's call.

// startPod is the kubelet accepting a bound pod and starting it: the
// ordinary init containers complete at once, the sidecars start with
// them and keep running, and then the containers start.
func (c *Cluster) startPod(p *pod) {
	p.started = true
	p.startTime = c.eng.Elapsed()
	p.phase = PodRunning
	if c.recording() {
		for _, ic := range p.job.spec.Template.Spec.InitContainers {
			if ic.IsSidecar() {
				c.podEvent(p, EventNormal, ReasonStarted, "Started container "+ic.Name)
			}
		}
	}
	c.startContainer(p)
}

// sidecarExitCode is how a sidecar ends when the kubelet stops it once
// the containers have finished: it exits on SIGTERM at once.
const sidecarExitCode = 143

func (c *Cluster) startContainer(p *pod) {
	now := c.eng.Elapsed()
	p.run = c.nextRun(p)
	p.cstate = containerRunning
	p.cStarted = now
	c.setReady(p, true)
	if c.recording() {
		c.podEvent(p, EventNormal, ReasonStarted, "Started container "+p.job.firstContainer())
	}
	if !p.run.Forever {
		c.setPodTimer(p, timerRunEnd, now+p.run.Duration)
	}
	c.podChanged(p)
}

// nextRun asks the job's Behavior for the next run of p.
func (c *Cluster) nextRun(p *pod) Run {
	j := p.job
	key, attempt := p.ordinal, p.attempt
	if j.indexed() && p.index >= 0 {
		key = p.index
		if p.index < len(j.idx.attempts) {
			attempt = int(j.idx.attempts[p.index])
			j.idx.attempts[p.index]++
		}
	}
	p.attempt++
	rc := &c.rc
	*rc = RunContext{Namespace: j.ns, Job: j.name, Key: key, Attempt: attempt, Rand: c.behaviorRand}
	c.behaviorSrc.Seed(j.key, sim.Mix(uint64(key), uint64(attempt)))
	return j.beh.Next(rc)
}

func (c *Cluster) fireKubelet(arg uint64) {
	p := c.pods[arg]
	kind := p.timerKind
	p.timerKind = timerNone
	switch kind {
	case timerRunEnd:
		if p.run.Disrupt != "" {
			c.disrupt(p, p.run.Disrupt)
			return
		}
		c.containerExit(p, p.run.ExitCode)
	case timerRestart:
		c.restartContainer(p)
	case timerKill:
		c.finishKill(p)
	}
}

// setReady moves the pod's Ready condition and the job's ready count.
func (c *Cluster) setReady(p *pod, ready bool) {
	if p.ready == ready {
		return
	}
	was := p.standing()
	p.ready = ready
	p.readyAt = c.eng.Elapsed()
	p.job.account(p, was, p.standing())
}

// containerExit ends the current container instance with code.
func (c *Cluster) containerExit(p *pod, code int) {
	now := c.eng.Elapsed()
	p.cstate = containerExited
	p.cFinished = now
	p.job.stats.runSum += now - p.cStarted
	p.exitCode = code
	p.exitWhy = exitReason(code)
	c.setReady(p, false)
	j := p.job
	terminal := true
	switch {
	case code == 0:
		c.podTerminal(p, PodSucceeded)
	case p.deleting || j.restartPolicy() != RestartOnFailure:
		c.podTerminal(p, PodFailed)
	default:
		terminal = false
	}
	// The event shows the pod as the exit left it; then a deleted pod that
	// nothing holds goes away, or an OnFailure container restarts.
	if c.recording() {
		msg := fmt.Sprintf("Container %s exited with code %d", j.firstContainer(), code)
		if terminal {
			msg += "; pod " + string(p.phase)
		}
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindPod, Namespace: j.ns, Name: p.name()}, Job: j.name,
			Type: EventNormal, Reason: p.exitWhy, Message: msg, Exited: true, ExitCode: code})
	}
	if terminal {
		c.removeIfGone(p)
	} else {
		c.crashLoop(p)
	}
}

// removeIfGone removes a terminal pod that was deleted and that no
// finalizer holds any more.
func (c *Cluster) removeIfGone(p *pod) {
	if p.terminal() && p.deleting && !p.finalizer {
		c.removePod(p)
	}
}

func exitReason(code int) string {
	if code == 0 {
		return ReasonExitCompleted
	}
	return ReasonExitError
}

// crashLoop restarts an OnFailure container after its exit, at once or
// after the kubelet's backoff.
func (c *Cluster) crashLoop(p *pod) {
	delay := p.loop.restartDelay(p.cFinished)
	if delay == 0 {
		c.restartContainer(p)
		return
	}
	p.cstate = containerCrashLoop
	if c.recording() {
		c.podEvent(p, EventWarning, ReasonBackOff, fmt.Sprintf("Back-off restarting failed container %s in pod %s", p.job.firstContainer(), c.podFullName(p)))
	}
	c.setPodTimer(p, timerRestart, p.cFinished+delay)
	c.podChanged(p)
}

// podFullName is the kubelet's format.Pod: name_namespace(uid).
func (c *Cluster) podFullName(p *pod) string {
	return fmt.Sprintf("%s_%s(%s)", p.name(), p.job.ns, c.uid(kindPod, p.seq))
}

// restartContainer starts a new instance of an OnFailure container.
func (c *Cluster) restartContainer(p *pod) {
	now := c.eng.Elapsed()
	p.loop = p.loop.restarted(p.cFinished, now)
	p.last.valid = true
	p.last.started, p.last.finishd = p.cStarted, p.cFinished
	p.last.exitCode, p.last.reason = p.exitCode, p.exitWhy
	was := p.standing()
	p.restarts++
	p.job.account(p, was, p.standing())
	c.startContainer(p)
}

// podTerminal moves p to a terminal phase. The caller removes it if it
// was deleted and nothing holds it (removeIfGone).
//
// The pod's sidecars, which ran until then, are stopped first: the
// kubelet stops them, last started first, once the containers have
// finished, and the pod's phase waits for them.
func (c *Cluster) podTerminal(p *pod, phase PodPhase) {
	j := p.job
	p.endedAt = c.eng.Elapsed()
	if p.started && c.recording() {
		ics := j.spec.Template.Spec.InitContainers
		for i := len(ics) - 1; i >= 0; i-- {
			if ics[i].IsSidecar() {
				c.podEvent(p, EventNormal, ReasonKilling, "Stopping container "+ics[i].Name)
			}
		}
	}
	was := p.standing()
	p.phase = phase
	p.timer.Stop()
	p.timerKind = timerNone
	p.ready = false
	j.account(p, was, p.standing())
	c.podChanged(p)
}

// deletePod is a graceful DELETE of p: deletionTimestamp is set and the
// kubelet stops the pod, giving its process the grace period.
func (c *Cluster) deletePod(p *pod) {
	if p.deleting {
		return
	}
	j := p.job
	now := c.eng.Elapsed()
	was := p.standing()
	if p.held != nil {
		if len(c.sched.spreads) > 0 {
			c.sched.spreadCounted(p, -1) // terminating pods do not count
		}
		// A spread constraint stops counting a terminating pod: a parked
		// pod may fit now (PodTopologySpread's queueing hint for an
		// assigned pod's update).
		c.sched.capacityFreed()
	}
	p.deleting = true
	p.delAt = now
	if p.terminal() {
		// Terminal pods are deleted without grace.
		if !p.finalizer {
			c.removePod(p) // which queues the job's sync; p is spare now
			return
		}
		c.podChanged(p)
		return
	}
	p.delGrace = j.grace()
	j.account(p, was, p.standing())
	c.killPod(p)
	c.podChanged(p)
}

// killPod schedules the end of a deleted pod: its running process exits on
// its own, or after SIGTERM once Run.Term has passed (code 143), or is
// killed at the end of the grace period (code 137); a pod with no running
// process stops at once.
func (c *Cluster) killPod(p *pod) {
	now := c.eng.Elapsed()
	at := now
	if p.cstate == containerRunning {
		if c.recording() && (p.node == nil || !p.node.down) {
			c.podEvent(p, EventNormal, ReasonKilling, "Stopping container "+p.job.firstContainer())
		}
		at = now + min(p.run.Term, p.delGrace)
		if !p.run.Forever && p.run.Disrupt == "" {
			at = min(at, p.cStarted+p.run.Duration)
		}
	}
	c.setPodTimer(p, timerKill, at)
}

// finishKill ends a deleted pod.
func (c *Cluster) finishKill(p *pod) {
	now := c.eng.Elapsed()
	switch p.cstate {
	case containerRunning:
		code := 143
		switch {
		case !p.run.Forever && p.run.Disrupt == "" && p.cStarted+p.run.Duration <= now:
			code = p.run.ExitCode
		case p.run.Term > p.delGrace:
			code = 137
		}
		c.containerExit(p, code)
	case containerCreating:
		// The containers never ran: the kubelet reports them terminated
		// with an unknown status.
		p.cstate = containerExited
		p.cStarted, p.cFinished = now, now
		p.exitCode, p.exitWhy = 137, ReasonContainerStatusUnknown
		c.podTerminal(p, PodFailed)
		c.stoppedEvent(p)
		c.removeIfGone(p)
	default: // waiting in CrashLoopBackOff, or exited
		c.podTerminal(p, PodFailed)
		c.stoppedEvent(p)
		c.removeIfGone(p)
	}
}

// disrupt gives p the DisruptionTarget condition and deletes it
// gracefully, as the eviction API, the scheduler's preemption or the taint
// manager do.
func (c *Cluster) disrupt(p *pod, reason string) {
	if p.deleting || p.terminal() {
		return
	}
	if p.disruption == "" {
		p.disruption = reason
		p.disruptedAt = c.eng.Elapsed()
	}
	if c.recording() {
		c.podEvent(p, EventWarning, reason, DisruptionMessage(reason))
	}
	c.deletePod(p)
}

// DisruptionMessage returns the message of the DisruptionTarget condition
// that the Kubernetes component behind reason writes on a pod it disrupts
// (EvictionByEvictionAPI, PreemptionByScheduler, DeletionByTaintManager,
// DeletionByPodGC, TerminationByKubelet); for another reason, a generic
// message naming it.
func DisruptionMessage(reason string) string {
	switch reason {
	case DisruptionEvictionAPI:
		return "Eviction API: evicting"
	case DisruptionPreemption:
		return "default-scheduler: preempting to accommodate a higher priority pod"
	case DisruptionTaintManager:
		return "Taint manager: deleting due to NoExecute taint"
	case DisruptionPodGC:
		return "PodGC: node no longer exists"
	case DisruptionKubelet:
		return "The node was low on resource"
	}
	return "Pod was disrupted: " + reason
}

// stoppedEvent reports a deleted pod that ends without a running process
// to stop (it never started, or waited in CrashLoopBackOff).
func (c *Cluster) stoppedEvent(p *pod) {
	if c.recording() {
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindPod, Namespace: p.job.ns, Name: p.name()}, Job: p.job.name,
			Type: EventNormal, Reason: p.exitWhy, Message: fmt.Sprintf("Container %s was not running; pod %s", p.job.firstContainer(), p.phase),
			Exited: true, ExitCode: p.exitCode})
	}
}

// setPodTimer schedules the kubelet's next action on p at at, unless p's
// node is down: then the action waits for the node to recover.
func (c *Cluster) setPodTimer(p *pod, kind timerKind, at time.Duration) {
	p.timer.Stop()
	p.timerKind, p.timerAt = kind, at
	if p.node != nil && p.node.down {
		p.frozen = true
		return
	}
	p.frozen = false
	p.timer = c.eng.AtElapsed(at, classWorld, c.onKubelet, uint64(p.slot))
}

// The kubelet's container restart backoff (pkg/kubelet, client-go
// flowcontrol.Backoff without jitter).
const (
	crashLoopInitial = 10 * time.Second
	crashLoopMax     = 300 * time.Second
)

// crashLoop is the kubelet's restart backoff for one container
// (client-go flowcontrol.Backoff as the kubelet uses it).
type crashLoop struct {
	delay      time.Duration // current backoff; 0 means no entry yet
	lastUpdate time.Duration // when the entry was last advanced
}

// restartDelay returns how long after an exit at finished the container
// must wait before its restart. The kubelet restarts at once when it has
// no backoff entry or the entry is stale (the container ran for more than
// twice the maximum since the last restart); otherwise it waits the
// current delay.
func (b crashLoop) restartDelay(finished time.Duration) time.Duration {
	if b.delay == 0 || finished-b.lastUpdate > 2*crashLoopMax {
		return 0
	}
	return b.delay
}

// restarted returns the entry after a restart at now that followed an
// exit at finished: a fresh 10 s entry after an immediate restart, else
// the delay doubled up to the 300 s cap.
func (b crashLoop) restarted(finished, now time.Duration) crashLoop {
	if b.delay == 0 || finished-b.lastUpdate > 2*crashLoopMax {
		return crashLoop{delay: crashLoopInitial, lastUpdate: now}
	}
	return crashLoop{delay: min(2*b.delay, crashLoopMax), lastUpdate: now}
}
