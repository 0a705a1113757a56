package jobsim

// The API server's side of pods and jobs: creating and removing pods,
// finalizers, and storing a job's spec change, to which the Job
// controller's update handler reacts.

// createPod creates a pod of j from its template (index -1 for NonIndexed
// jobs), with the tracking finalizer, and queues it for scheduling.
func (c *Cluster) createPod(j *job, index int) *pod {
	p := c.allocPod()
	c.podSeq++
	p.seq = c.podSeq
	p.job = j
	p.candPos = -1
	p.ordinal = j.nextOrdinal
	j.nextOrdinal++
	p.index = index
	p.created = c.eng.Elapsed()
	p.phase = PodPending
	p.finalizer = true
	p.jobPos = int32(len(j.pods))
	j.pods = append(j.pods, p)
	j.account(p, standing{}, p.standing())
	gated := j.gate(p) // the API server sets PodScheduled=SchedulingGated on create
	if c.recording() {
		name := p.name()
		c.emit(Event{Time: c.eng.Now(), Object: ObjectRef{Kind: KindJob, Namespace: j.ns, Name: j.name}, Job: j.name,
			Type: EventNormal, Reason: ReasonSuccessfulCreate, Message: "Created pod: " + name, Related: name})
	}
	if !gated {
		c.queueForScheduling(p)
	}
	c.podChanged(p)
	return p
}

// removePod removes p from the API: it no longer exists anywhere.
func (c *Cluster) removePod(p *pod) {
	j := p.job
	var ref ObjectRef
	if c.recording() {
		ref = ObjectRef{Kind: KindPod, Namespace: j.ns, Name: p.name()}
	}
	p.timer.Stop()
	delete(j.gated, p.seq)
	// Only a job's deletion removes a pod that has not finished; it leaves
	// the counts, and its node, with it.
	j.account(p, p.standing(), standing{})
	last := len(j.pods) - 1
	j.pods[p.jobPos] = j.pods[last]
	j.pods[p.jobPos].jobPos = p.jobPos
	j.pods[last] = nil
	j.pods = j.pods[:last]
	c.pods[p.slot] = nil
	c.freePods = append(c.freePods, p.slot)
	*p = pod{}
	c.spare = append(c.spare, p)
	if ref.Name != "" {
		// After the removal, so that an observer sees the job's pods
		// without it.
		c.emit(Event{Time: c.eng.Now(), Object: ref, Job: j.name, Type: EventChange, Reason: ReasonDeleted, Message: "Pod removed from the API"})
	}
	if !j.gone {
		c.enqueue(j, c.cfg.SyncDelay)
	} else if len(j.pods) == 0 {
		c.retire(j)
	}
}

// removeFinalizer takes the Job tracking finalizer off p. A pod being
// deleted then goes away once terminal; a finished pod stays (until the
// pod garbage collector's threshold) as finished pods do.
func (c *Cluster) removeFinalizer(p *pod) {
	if !p.finalizer {
		return
	}
	was := p.standing()
	p.finalizer = false
	p.job.account(p, was, p.standing())
	switch {
	case p.terminal() && p.deleting:
		c.removePod(p)
	case p.terminal():
		c.podChanged(p)
		c.keepFinished(p) // may remove p
	default:
		c.podChanged(p)
	}
}

// resizeIndexes follows a change of an Indexed job's completions (elastic
// Indexed jobs): succeeded indexes at or above the new completions no
// longer count, and the pending indexes are found again.
func (c *Cluster) resizeIndexes(j *job) {
	x := j.idx
	x.reset(j.spec)
	x.next = min(x.next, x.completions)
	x.returned = x.returned[:0]
	for i := 0; i < x.next; i++ {
		x.returned.push(int32(i))
	}
	j.recountActiveIndexes()
	c.enqueue(j, 0)
}

// keepFinished keeps a finished, counted pod until the cluster holds more
// than MaxFinishedPods of them, then removes the oldest.
func (c *Cluster) keepFinished(p *pod) {
	limit := c.cfg.MaxFinishedPods
	if limit == 0 {
		limit = defaultMaxFinishedPods
	}
	if limit < 0 {
		c.removePod(p)
		return
	}
	c.finished = append(c.finished, podRef{slot: p.slot, seq: p.seq})
	for len(c.finished) > limit {
		old := c.lookup(c.finished[0])
		c.finished = c.finished[1:]
		if old != nil && old.terminal() && !old.finalizer {
			c.removePod(old)
		}
	}
}
