package sim

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// DefaultMaxEvents is the event limit of an Engine whose Config leaves
// MaxEvents at zero. At tens of millions of events per second it bounds a
// runaway simulation to seconds of real time.
const DefaultMaxEvents = 100_000_000

// ErrEventLimit is returned (wrapped) by Step, Run, RunUntil and Advance when
// an event is due but the engine has already fired its maximum number of
// events. The engine stays usable for inspection; further stepping returns
// the same error.
var ErrEventLimit = errors.New("sim: event limit reached")

// Class orders events that fall on the same instant: lower classes fire
// first. Within a class, events fire in the order they were scheduled.
type Class uint8

// A Handler is what an event does when it fires. The argument is the one
// given when the event was scheduled, so one Handler value (a pointer to a
// long-lived actor) can serve many events without allocating a closure for
// each.
type Handler interface {
	Fire(arg uint64)
}

// HandlerFunc adapts an ordinary function to the Handler interface.
type HandlerFunc func(arg uint64)

// Fire calls f(arg).
func (f HandlerFunc) Fire(arg uint64) { f(arg) }

// Config configures an Engine. The zero value is ready to use: epoch at the
// Unix epoch (1970-01-01T00:00:00Z), seed 0, DefaultMaxEvents.
type Config struct {
	// Epoch is the virtual time at which the engine starts.
	// The zero time.Time means the Unix epoch in UTC.
	Epoch time.Time
	// Seed is the root of every random stream (see Engine.Rand).
	// Zero is a valid seed like any other.
	Seed uint64
	// MaxEvents bounds how many events the engine fires in its lifetime;
	// zero means DefaultMaxEvents.
	MaxEvents uint64
}

// An Engine is a discrete-event scheduler over virtual time.
//
// Events are ordered by (time, class, sequence): the sequence number is
// assigned when an event is scheduled, so the order never depends on map
// iteration, pointers or goroutines. While an event fires, Now reports its
// time.
//
// An Engine is not safe for concurrent use; it uses no goroutines, locks or
// wall clock of its own. Run one Engine per goroutine.
type Engine struct {
	epoch   time.Time
	now     time.Duration // since epoch
	nowTime time.Time     // epoch + now, kept as now moves: Now is asked often
	seed    uint64
	limit   uint64
	fired   uint64
	seq     uint64

	slots []slot
	free  []int32
	heap  []entry
	// now holds, from nowHead on, the events scheduled for the instant
	// Now while it was already Now, in (class, sequence) order: most
	// events are, and a queue takes them in and out without sifting a
	// heap. Time cannot move past Now while it holds one, as each comes
	// before every later event in the heap.
	nowQ    []entry
	nowHead int
}

// slot holds what a scheduled event does; heap entries point at it.
type slot struct {
	h   Handler
	arg uint64
	pos int32  // position in the heap; -1 when not scheduled; nowPos(i) at nowQ[i]
	gen uint64 // bumped each time the slot is released
}

// entry is one element of the heap: its ordering key and its slot.
type entry struct {
	at   time.Duration
	key  uint64 // class in the top 8 bits, sequence number below
	slot int32
}

// nowPos is the slot position of an entry at index i of the now queue.
func nowPos(i int) int32 { return -2 - int32(i) }

func (a *entry) before(b *entry) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.key < b.key
}

// New returns an Engine configured by cfg.
func New(cfg Config) *Engine {
	e := &Engine{}
	e.configure(cfg)
	return e
}

// configure sets what cfg decides: the epoch, the seed and the limit.
func (e *Engine) configure(cfg Config) {
	e.epoch, e.seed, e.limit = cfg.Epoch, cfg.Seed, cfg.MaxEvents
	if e.epoch.IsZero() {
		e.epoch = time.Unix(0, 0).UTC()
	}
	if e.limit == 0 {
		e.limit = DefaultMaxEvents
	}
	e.nowTime = e.epoch.Add(e.now)
}

// moveTo moves Now to d.
func (e *Engine) moveTo(d time.Duration) {
	if d != e.now {
		e.now, e.nowTime = d, e.epoch.Add(d)
	}
}

// Reset makes e as New(cfg) would, keeping the memory its events used:
// a simulation run again and again (a sweep over seeds) schedules its
// events without allocating. Every Timer from before the call is stale:
// Pending reports false and Stop does nothing.
func (e *Engine) Reset(cfg Config) {
	for _, x := range e.heap {
		e.release(x.slot)
	}
	for _, x := range e.nowQ[e.nowHead:] {
		e.release(x.slot)
	}
	*e = Engine{slots: e.slots, free: e.free, heap: e.heap[:0], nowQ: e.nowQ[:0]}
	e.configure(cfg)
}

// Now returns the current virtual time: the time of the event being fired,
// or, between events, the time the engine last stopped at.
func (e *Engine) Now() time.Time { return e.nowTime }

// Elapsed returns the virtual time passed since the epoch.
func (e *Engine) Elapsed() time.Duration { return e.now }

// Epoch returns the virtual time at which the engine started.
func (e *Engine) Epoch() time.Time { return e.epoch }

// Seed returns the seed the engine was configured with.
func (e *Engine) Seed() uint64 { return e.seed }

// Fired returns how many events have fired so far.
func (e *Engine) Fired() uint64 { return e.fired }

// Len returns how many events are scheduled and not yet fired or stopped.
func (e *Engine) Len() int { return len(e.heap) + len(e.nowQ) - e.nowHead }

// Next returns the time of the next scheduled event, and false if there is
// none.
func (e *Engine) Next() (time.Time, bool) {
	if e.nowHead < len(e.nowQ) {
		return e.nowTime, true
	}
	if len(e.heap) == 0 {
		return time.Time{}, false
	}
	return e.epoch.Add(e.heap[0].at), true
}

// At schedules h.Fire(arg) at virtual time t in class c. It panics if t is
// before Now: the past cannot be changed.
func (e *Engine) At(t time.Time, c Class, h Handler, arg uint64) Timer {
	d := t.Sub(e.epoch)
	if d < e.now {
		panic(fmt.Sprintf("sim: At(%v) is before Now (%v)", t, e.Now()))
	}
	return e.schedule(d, c, h, arg)
}

// AtElapsed is At for a time given as the duration since the epoch, which
// spares callers that keep times as durations the conversions.
func (e *Engine) AtElapsed(d time.Duration, c Class, h Handler, arg uint64) Timer {
	if d < e.now {
		panic(fmt.Sprintf("sim: AtElapsed(%v) is before Elapsed (%v)", d, e.now))
	}
	return e.schedule(d, c, h, arg)
}

// After schedules h.Fire(arg) d after Now in class c. It panics if d is
// negative. A d so large that Now+d overflows means the latest
// representable time (about 292 years after the epoch).
func (e *Engine) After(d time.Duration, c Class, h Handler, arg uint64) Timer {
	if d < 0 {
		panic(fmt.Sprintf("sim: After(%v) with a negative duration", d))
	}
	at := e.now + d
	if at < e.now { // overflow: as late as virtual time goes
		at = math.MaxInt64
	}
	return e.schedule(at, c, h, arg)
}

// AfterFunc schedules f d after Now in class c. It allocates a closure per
// call; hot paths use After with a long-lived Handler instead.
func (e *Engine) AfterFunc(d time.Duration, c Class, f func()) Timer {
	return e.After(d, c, HandlerFunc(func(uint64) { f() }), 0)
}

func (e *Engine) schedule(at time.Duration, c Class, h Handler, arg uint64) Timer {
	if h == nil {
		panic("sim: nil Handler")
	}
	var id int32
	if n := len(e.free); n > 0 {
		id = e.free[n-1]
		e.free = e.free[:n-1]
	} else {
		id = int32(len(e.slots))
		e.slots = append(e.slots, slot{})
	}
	s := &e.slots[id]
	s.h, s.arg = h, arg
	e.seq++
	x := entry{at: at, key: uint64(c)<<56 | e.seq, slot: id}
	if at == e.now {
		e.pushNow(x)
	} else {
		e.heap = append(e.heap, entry{})
		e.up(len(e.heap)-1, x)
	}
	return Timer{e: e, slot: id, gen: s.gen}
}

// pushNow adds x, an event at Now, to the now queue: after those of its
// class and lower ones, which its sequence number follows.
func (e *Engine) pushNow(x entry) {
	if e.nowHead == len(e.nowQ) {
		e.nowQ, e.nowHead = e.nowQ[:0], 0
	}
	q := append(e.nowQ, entry{})
	i := len(q) - 1
	for ; i > e.nowHead && q[i-1].key > x.key; i-- {
		q[i] = q[i-1]
		e.slots[q[i].slot].pos = nowPos(i)
	}
	q[i] = x
	e.slots[x.slot].pos = nowPos(i)
	e.nowQ = q
}

// removeNow removes the entry at index i of the now queue.
func (e *Engine) removeNow(i int) {
	q := e.nowQ
	if i == e.nowHead {
		e.nowHead++
		return
	}
	copy(q[i:], q[i+1:])
	q = q[:len(q)-1]
	for k := i; k < len(q); k++ {
		e.slots[q[k].slot].pos = nowPos(k)
	}
	e.nowQ = q
}

// release frees a slot that is no longer in the heap.
func (e *Engine) release(id int32) {
	s := &e.slots[id]
	s.h = nil
	s.pos = -1
	s.gen++
	e.free = append(e.free, id)
}

// Step fires the next event, if any, moving Now to its time. It reports
// whether an event fired. Once the event limit is reached it fires nothing
// and returns an error wrapping ErrEventLimit.
func (e *Engine) Step() (bool, error) {
	var top entry
	switch {
	case e.nowHead < len(e.nowQ) && (len(e.heap) == 0 || e.nowQ[e.nowHead].before(&e.heap[0])):
		if e.fired >= e.limit {
			return false, e.limitError()
		}
		top = e.nowQ[e.nowHead]
		e.nowHead++
	case len(e.heap) > 0:
		if e.fired >= e.limit {
			return false, e.limitError()
		}
		top = e.heap[0]
		e.removeAt(0)
	default:
		return false, nil
	}
	s := &e.slots[top.slot]
	h, arg := s.h, s.arg
	e.release(top.slot)
	e.moveTo(top.at)
	e.fired++
	h.Fire(arg)
	return true, nil
}

func (e *Engine) limitError() error {
	return fmt.Errorf("%w: %d events fired by %v", ErrEventLimit, e.fired, e.now)
}

// Run fires events until none is left, or until the event limit is hit.
func (e *Engine) Run() error {
	for {
		ok, err := e.Step()
		if err != nil || !ok {
			return err
		}
	}
}

// RunUntil fires every event scheduled at or before t, then moves Now to t.
// Events that events schedule for times up to t fire too. It panics if t is
// before Now. If the event limit is hit, Now stays at the last fired event.
func (e *Engine) RunUntil(t time.Time) error {
	end := t.Sub(e.epoch)
	if end < e.now {
		panic(fmt.Sprintf("sim: RunUntil(%v) is before Now (%v)", t, e.Now()))
	}
	for e.nowHead < len(e.nowQ) || len(e.heap) > 0 && e.heap[0].at <= end {
		if _, err := e.Step(); err != nil {
			return err
		}
	}
	e.moveTo(end)
	return nil
}

// Advance is RunUntil(Now() + d). It panics if d is negative.
func (e *Engine) Advance(d time.Duration) error {
	if d < 0 {
		panic(fmt.Sprintf("sim: Advance(%v) with a negative duration", d))
	}
	return e.RunUntil(e.Now().Add(d))
}

// A Timer is a handle on one scheduled event. Its zero value refers to no
// event. Copying a Timer copies the handle, not the event.
type Timer struct {
	e    *Engine
	slot int32
	gen  uint64
}

// Stop cancels the event. It returns true if this call prevented the event
// from firing, and false if the event had already fired or been stopped
// (or the Timer is the zero value). Stopping costs O(log n).
func (t Timer) Stop() bool {
	if !t.Pending() {
		return false
	}
	e := t.e
	if pos := e.slots[t.slot].pos; pos >= 0 {
		e.removeAt(int(pos))
	} else {
		e.removeNow(int(-2 - pos))
	}
	e.release(t.slot)
	return true
}

// Pending reports whether the event is still scheduled.
func (t Timer) Pending() bool {
	if t.e == nil {
		return false
	}
	s := &t.e.slots[t.slot]
	return s.gen == t.gen && s.pos != -1
}

// When returns the time the event is scheduled for, and false if it is no
// longer pending.
func (t Timer) When() (time.Time, bool) {
	if !t.Pending() {
		return time.Time{}, false
	}
	pos := t.e.slots[t.slot].pos
	if pos < 0 {
		return t.e.nowTime, true
	}
	return t.e.epoch.Add(t.e.heap[pos].at), true
}

// The heap: a 4-ary min-heap of entries whose slots record their position.
// Four children a node halve the depth of a binary heap, and each sift
// moves a hole rather than swapping, so an entry and its slot are written
// once, where they end. The order of events does not depend on the heap's
// shape: (at, key) is unique per entry.

const arity = 4

func (e *Engine) removeAt(i int) {
	last := len(e.heap) - 1
	x := e.heap[last]
	e.heap = e.heap[:last]
	if i == last {
		return
	}
	if !e.down(i, x) {
		e.up(i, x)
	}
}

// place puts x at position i of the heap and records it in its slot.
func (e *Engine) place(i int, x entry) {
	e.heap[i] = x
	e.slots[x.slot].pos = int32(i)
}

// up moves x from the hole at i towards the root until its parent comes
// before it, and places it there.
func (e *Engine) up(i int, x entry) {
	h := e.heap
	for i > 0 {
		p := (i - 1) / arity
		if !x.before(&h[p]) {
			break
		}
		e.place(i, h[p])
		i = p
	}
	e.place(i, x)
}

// down moves x from the hole at i0 towards the leaves until no child
// comes before it, and places it there. It reports whether x moved.
func (e *Engine) down(i0 int, x entry) bool {
	h := e.heap
	n := len(h)
	i := i0
	for {
		c := arity*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+arity, n)
		for k := c + 1; k < end; k++ {
			if h[k].before(&h[m]) {
				m = k
			}
		}
		if !h[m].before(&x) {
			break
		}
		e.place(i, h[m])
		i = m
	}
	e.place(i, x)
	return i > i0
}
