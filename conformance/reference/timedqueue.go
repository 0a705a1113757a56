package reference

import (
	"sync"
	"time"

	"k8s.io/client-go/util/workqueue"
)

// timedQueue is the CronJob controller's rate-limiting work queue with
// its delays kept as timers of the virtual clock, set before AddAfter
// returns. The client-go queue hands a delayed key to its waiting loop's
// goroutine, which sets the timer later: between the worker's Done and
// that goroutine's next step nothing shows the cluster busy, and on a
// loaded machine the clock could jump past the key's time (to the next
// scenario action, or the end) before the timer exists, so the sync would
// run late. The semantics are the delaying queue's
// (k8s.io/client-go/util/workqueue/delaying_queue.go): one waiting entry
// per key, moved only to an earlier time; AddRateLimited waits the rate
// limiter's When; a delay ≤ 0 is an Add; nothing waiting survives
// ShutDown.
type timedQueue struct {
	workqueue.TypedRateLimitingInterface[string]
	limiter workqueue.TypedRateLimiter[string]
	clk     *virtualClock

	mu      sync.Mutex
	waiting map[string]*waitingKey
	closed  bool
}

// waitingKey is a key's waiting entry.
type waitingKey struct {
	at    time.Time
	timer interface{ Stop() bool }
}

func newTimedQueue(q workqueue.TypedRateLimitingInterface[string], limiter workqueue.TypedRateLimiter[string], clk *virtualClock) *timedQueue {
	return &timedQueue{TypedRateLimitingInterface: q, limiter: limiter, clk: clk, waiting: map[string]*waitingKey{}}
}

// AddAfter adds key after the virtual duration d.
func (q *timedQueue) AddAfter(key string, d time.Duration) {
	if q.ShuttingDown() {
		return
	}
	if d <= 0 {
		q.Add(key)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	at := q.clk.Now().Add(d)
	if w, ok := q.waiting[key]; ok {
		if !at.Before(w.at) {
			return
		}
		w.timer.Stop()
	}
	w := &waitingKey{at: at}
	w.timer = q.clk.AfterFunc(d, func() {
		q.mu.Lock()
		if q.waiting[key] == w {
			delete(q.waiting, key)
		}
		q.mu.Unlock()
		q.Add(key)
	})
	q.waiting[key] = w
}

// AddRateLimited adds key after the rate limiter's delay for it.
func (q *timedQueue) AddRateLimited(key string) { q.AddAfter(key, q.limiter.When(key)) }

// Forget resets the rate limiter's count for key.
func (q *timedQueue) Forget(key string) { q.limiter.Forget(key) }

// NumRequeues is the rate limiter's count for key.
func (q *timedQueue) NumRequeues(key string) int { return q.limiter.NumRequeues(key) }

// ShutDown drops what waits and shuts the queue down.
func (q *timedQueue) ShutDown() {
	q.stopWaiting()
	q.TypedRateLimitingInterface.ShutDown()
}

// ShutDownWithDrain drops what waits and shuts the queue down once its
// keys are processed.
func (q *timedQueue) ShutDownWithDrain() {
	q.stopWaiting()
	q.TypedRateLimitingInterface.ShutDownWithDrain()
}

func (q *timedQueue) stopWaiting() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	for k, w := range q.waiting {
		w.timer.Stop()
		delete(q.waiting, k)
	}
}
