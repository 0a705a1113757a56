package reference

import (
	"container/heap"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/utils/clock"
)

// virtualClock is the clock the controller, its work queues and the
// scripted kubelet share. Its time runs Speed times faster than the wall
// clock, but only while the cluster is quiet: while a watch event waits to
// be handled, a sync is queued or running, or a timer's callback runs,
// virtual time stands still. So a sync that is slow on a loaded machine
// takes no virtual time, and events are never delivered late in virtual
// time because their goroutine waited for a CPU. The time also moves by
// at most Speed × 2 ms per 1 ms tick, so that a pause of the whole
// process (the machine busy with other work) does not make it jump.
//
// Timers fire in deadline order, and the clock moves on only once the
// cluster is quiet again. The world's timers (the kubelet's container runs
// and the user's actions, set with afterFuncWorld) due at one instant fire
// together, in the order they were set, while the informers' watches are
// held; then the controller's (its batching, backoff and deadline
// requeues) due at that instant fire one at a time. So the controller sees
// every change of an instant before it acts at that instant: the order
// jobsim gives events at one instant. A real cluster has no such
// order; picking jobsim's keeps exact ties, which only a scripted
// scenario produces, from showing up as differences.
type virtualClock struct {
	speed float64
	// jump, when set, moves time straight to the next timer once the
	// cluster is quiet, rather than at speed: for scenarios that span
	// hours or days (CronJobs). Tickers' fires then cost no quiet wait
	// (see advance).
	jump bool
	// limit, if not zero, is a time the clock never moves past.
	limit time.Time
	busy  func() bool
	// worldBatch runs the world's timers due at one instant, in order;
	// the API server holds back the informers' watch events meanwhile, so
	// that the controller sees all of them at once.
	worldBatch func(run func())

	mu     sync.Mutex
	now    time.Time
	timers timerHeap
	seq    uint64

	running atomic.Int64 // AfterFunc callbacks running
	// unread are the one-shot channel timers that fired and whose time
	// nobody has received yet (see unreadPending); c.mu guards it.
	unread []unreadTimer
	stopCh chan struct{}
	done   chan struct{}
}

var _ clock.WithTicker = (*virtualClock)(nil)
var _ clock.WithDelayedExecution = (*virtualClock)(nil)

// tick is how often the clock looks at the cluster; maxWall is the most
// wall-clock time one tick accounts for.
const (
	tick    = time.Millisecond
	maxWall = 2 * time.Millisecond
	// quietTicks is how many ticks in a row the cluster must be quiet
	// before time moves: a goroutine between two counted steps (an
	// informer passing an event on) gets that long to show up as busy.
	quietTicks = 2
	// jumpQuietTicks is how many quiet ticks in a row a jump waits for:
	// a goroutine that sets a timer after a step that counted as busy (a
	// work queue's waiting loop, handed a delayed key by a worker that is
	// done) gets that long to set it before the clock leaps past its
	// time. Short of it, time moves at speed.
	jumpQuietTicks = 5
	// unreadGrace is the most wall-clock time a fired timer's unread
	// channel holds the clock: a receiver that gave up on it (its select
	// took another case and it never stops the timer) must not hold it
	// for ever.
	unreadGrace = 50 * time.Millisecond
)

// unreadTimer is a fired one-shot channel timer and when (wall clock) it
// fired.
type unreadTimer struct {
	t     *vtimer
	fired time.Time
}

func newVirtualClock(start time.Time, speed float64) *virtualClock {
	return &virtualClock{speed: speed, now: start, busy: func() bool { return false }, worldBatch: func(run func()) { run() }}
}

// start makes time move; busy reports whether the cluster has work in
// flight.
func (c *virtualClock) start(busy func() bool) {
	c.busy = busy
	c.stopCh = make(chan struct{})
	c.done = make(chan struct{})
	go c.loop()
}

// stop freezes time and ends the clock's goroutine.
func (c *virtualClock) stop() {
	if c.stopCh == nil {
		return
	}
	close(c.stopCh)
	<-c.done
}

func (c *virtualClock) loop() {
	defer close(c.done)
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	quiet := 0
	for {
		select {
		case <-t.C:
		case <-c.stopCh:
			return
		}
		wall := time.Now()
		d := min(wall.Sub(last), maxWall)
		last = wall
		if c.running.Load() > 0 || c.unreadPending(wall) || c.busy() {
			quiet = 0
			continue
		}
		if quiet++; quiet < quietTicks {
			continue
		}
		if c.advance(time.Duration(float64(d)*c.speed), quiet >= jumpQuietTicks) {
			quiet = 0
		}
	}
}

// advance moves time by step, or to the next deadline within it and fires
// the first timer due then (or all the world's timers due then); it
// reports whether it fired any. mayJump allows a jump (see jump).
func (c *virtualClock) advance(step time.Duration, mayJump bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	target := c.now.Add(step)
	if c.jump && mayJump {
		next, ok := c.nextNonTicker()
		switch {
		case ok && next.After(target):
			target = next
		case !ok && !c.limit.IsZero():
			// Nothing is due but the tickers: quiet to the end.
			target = c.limit
		}
	}
	if !c.limit.IsZero() && target.After(c.limit) {
		target = c.limit
	}
	if c.jump && mayJump {
		c.skipTickers(target)
	}
	if len(c.timers) == 0 || c.timers[0].at.After(target) {
		c.now = target
		return false
	}
	if at := c.timers[0].at; at.After(c.now) {
		c.now = at
	}
	first := heap.Pop(&c.timers).(*vtimer)
	if first.class != classWorld {
		c.fire(first)
		return true
	}
	batch := []*vtimer{first}
	for len(c.timers) > 0 && c.timers[0].class == classWorld && c.timers[0].at.Equal(first.at) {
		batch = append(batch, heap.Pop(&c.timers).(*vtimer))
	}
	c.running.Add(1)
	go func() {
		defer c.running.Add(-1)
		c.worldBatch(func() {
			for _, t := range batch {
				t.f()
			}
		})
	}()
	return true
}

// isTicker reports whether t is a ticker (a periodic timer with a
// channel).
func isTicker(t *vtimer) bool { return t.period > 0 && t.f == nil }

// nextNonTicker returns the deadline of the first timer that is not a
// ticker, if any; c.mu is held.
func (c *virtualClock) nextNonTicker() (time.Time, bool) {
	var at time.Time
	ok := false
	for _, t := range c.timers {
		if !isTicker(t) && (!ok || t.at.Before(at)) {
			at, ok = t.at, true
		}
	}
	return at, ok
}

// skipTickers fires, without waiting for the cluster to be quiet, the
// tickers due up to target: the work queues' heartbeats and metrics
// loops, which only look for work that has a timer of its own. A jump
// over a week of 10 s heartbeats would otherwise wait for quiet 60,000
// times. c.mu is held.
func (c *virtualClock) skipTickers(target time.Time) {
	for len(c.timers) > 0 && isTicker(c.timers[0]) && !c.timers[0].at.After(target) {
		t := heap.Pop(&c.timers).(*vtimer)
		if t.at.After(c.now) {
			c.now = t.at
		}
		select {
		case t.ch <- c.now:
		default:
		}
		t.at = c.now.Add(t.period)
		c.add(t)
	}
}

// fire runs t's action; c.mu is held.
func (c *virtualClock) fire(t *vtimer) {
	switch {
	case t.f != nil:
		c.running.Add(1)
		go func() {
			defer c.running.Add(-1)
			t.f()
		}()
	case t.period > 0:
		select {
		case t.ch <- c.now:
		default:
		}
		t.at = c.now.Add(t.period)
		c.add(t)
	default:
		select {
		case t.ch <- c.now:
		default:
		}
		c.unread = append(c.unread, unreadTimer{t: t, fired: time.Now()})
	}
}

// unreadPending reports whether a fired one-shot timer's time waits in
// its channel, received by nobody yet; it forgets the timers whose time
// was received, that were stopped or reset, or that waited longer than
// unreadGrace. Between a timer's fire and its receiver's next step (the
// work queue's waiting loop moving the due key into the queue, where it
// counts as work in flight) nothing else shows the cluster busy: on a
// loaded machine that goroutine can wait for a CPU longer than the quiet
// ticks, and the clock would jump to the next timer (the end of the run)
// before the key reaches the queue, so the sync would run late. wall is
// the wall-clock time now.
func (c *virtualClock) unreadPending(wall time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.unread[:0]
	for _, u := range c.unread {
		if len(u.t.ch) > 0 && u.t.index < 0 && !u.t.stopped && wall.Sub(u.fired) < unreadGrace {
			keep = append(keep, u)
		}
	}
	clear(c.unread[len(keep):])
	c.unread = keep
	return len(keep) > 0
}

// add schedules t; c.mu is held.
func (c *virtualClock) add(t *vtimer) {
	c.seq++
	t.seq = c.seq
	heap.Push(&c.timers, t)
}

// Now returns the virtual time.
func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Since returns the virtual time elapsed since t.
func (c *virtualClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// After returns a channel that receives the virtual time after d.
func (c *virtualClock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

// Tick is NewTicker(d).C().
func (c *virtualClock) Tick(d time.Duration) <-chan time.Time { return c.NewTicker(d).C() }

// Sleep blocks for the virtual duration d.
func (c *virtualClock) Sleep(d time.Duration) { <-c.After(d) }

// NewTimer returns a timer that fires after the virtual duration d.
func (c *virtualClock) NewTimer(d time.Duration) clock.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &vtimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1), class: classController}
	c.add(t)
	return t
}

// AfterFunc calls f on its own goroutine after the virtual duration d.
func (c *virtualClock) AfterFunc(d time.Duration, f func()) clock.Timer {
	return c.afterFunc(d, f, classController)
}

// afterFuncWorld is AfterFunc for a change in the world: the world's
// timers due at one instant fire together, before the controller's.
func (c *virtualClock) afterFuncWorld(d time.Duration, f func()) clock.Timer {
	return c.afterFunc(d, f, classWorld)
}

func (c *virtualClock) afterFunc(d time.Duration, f func(), class int) clock.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &vtimer{c: c, at: c.now.Add(d), f: f, class: class}
	c.add(t)
	return t
}

// The classes of timers, in the order they fire at one instant.
const (
	classWorld      = 0
	classController = 1
)

// NewTicker returns a ticker of virtual period d.
func (c *virtualClock) NewTicker(d time.Duration) clock.Ticker {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &vtimer{c: c, at: c.now.Add(d), period: max(d, time.Nanosecond), ch: make(chan time.Time, 1), class: classController}
	c.add(t)
	return vticker{t}
}

// vticker is a vtimer as a clock.Ticker.
type vticker struct{ t *vtimer }

// C returns the ticker's channel.
func (t vticker) C() <-chan time.Time { return t.t.ch }

// Stop stops the ticker.
func (t vticker) Stop() { t.t.Stop() }

// vtimer is a timer, ticker or AfterFunc of a virtualClock.
type vtimer struct {
	c      *virtualClock
	at     time.Time
	seq    uint64
	class  int
	index  int // in the heap, -1 when not scheduled
	period time.Duration
	f      func()
	ch     chan time.Time
	// stopped reports a Stop since the timer was last set: a time left
	// in its channel then is one its owner no longer waits for.
	stopped bool
}

// C returns the timer's channel; nil for an AfterFunc timer.
func (t *vtimer) C() <-chan time.Time { return t.ch }

// Stop unschedules the timer and reports whether this call prevented it
// from firing.
func (t *vtimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.stopped = true
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.c.timers, t.index)
	return true
}

// Reset reschedules the timer for the virtual duration d.
func (t *vtimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	active := t.index >= 0
	if active {
		heap.Remove(&t.c.timers, t.index)
	}
	if t.ch != nil {
		select {
		case <-t.ch:
		default:
		}
	}
	t.at = t.c.now.Add(d)
	t.stopped = false
	t.c.add(t)
	return active
}

// timerHeap orders timers by deadline, class, then when they were set.
type timerHeap []*vtimer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	if h[i].class != h[j].class {
		return h[i].class < h[j].class
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*vtimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
