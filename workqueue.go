package jobsim

import "time"

// The Job controller's work queue and the pod event handler that feeds it.
// Every actor that changes a pod tells the controller here; nothing here
// calls back into the actors.

// The Job controller's work queue retries a failed sync after
// DefaultJobApiBackOff doubled per consecutive failure, up to
// MaxJobApiBackOff.
const (
	apiRetryInitial = time.Second
	apiRetryMax     = time.Minute
)

// enqueue asks for a sync of j after delay, keeping an earlier request if
// one is pending, as the controller's delaying work queue does.
func (c *Cluster) enqueue(j *job, delay time.Duration) {
	if j.gone {
		return
	}
	at := c.eng.Elapsed() + max(delay, 0)
	if j.syncTimer.Pending() {
		if j.syncAt <= at {
			return
		}
		j.syncTimer.Stop()
	}
	j.syncAt = at
	j.syncTimer = c.eng.AtElapsed(at, classController, c.onSync, uint64(j.slot))
}

// podChanged is the controller's pod event handler: any change to a pod
// (creation, status, deletion, finalizer removal) syncs its job after the
// batching delay.
func (c *Cluster) podChanged(p *pod) {
	c.enqueue(p.job, c.cfg.SyncDelay)
}

// apiRetryDelay returns the delay before the n-th retry (n ≥ 1).
func apiRetryDelay(n int) time.Duration { return doubled(apiRetryInitial, apiRetryMax, n) }
