package sim_test

import (
	"cmp"
	"errors"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/jobsim/jobsim/sim"
)

// epoch is a fixed start time for tests that print or compare wall-clock
// values; most tests use the zero Config and compare Elapsed instead.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// recorder records the args of fired events, in firing order. A single
// *recorder serves as the Handler of many events.
type recorder struct {
	e     *sim.Engine
	fired []uint64
	at    []time.Duration // Elapsed() observed inside each Fire
}

func (l *recorder) Fire(arg uint64) {
	l.fired = append(l.fired, arg)
	l.at = append(l.at, l.e.Elapsed())
}

func newRecorder(e *sim.Engine) *recorder { return &recorder{e: e} }

// mustRun runs e to completion and fails the test on error.
func mustRun(t testing.TB, e *sim.Engine) {
	t.Helper()
	if err := e.Run(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// diff fails the test if got differs from want.
func diff[T any](t testing.TB, what string, want, got T) {
	t.Helper()
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// mustPanic calls f and returns the panic message, failing the test if f
// does not panic or panics with something other than a string starting
// with "sim: ".
func mustPanic(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("did not panic")
		}
		s, ok := r.(string)
		if !ok {
			t.Fatalf("panic value %#v is a %T, want a string", r, r)
		}
		if !strings.HasPrefix(s, "sim: ") {
			t.Errorf("panic message %q lacks the \"sim: \" prefix", s)
		}
		msg = s
	}()
	f()
	return ""
}

func TestZeroConfigStartsAtUnixEpoch(t *testing.T) {
	e := sim.New(sim.Config{})
	want := time.Unix(0, 0).UTC()
	if got := e.Now(); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Now() = %v, want %v", got, want)
	}
	if got := e.Epoch(); !got.Equal(want) {
		t.Errorf("Epoch() = %v, want %v", got, want)
	}
	if e.Elapsed() != 0 || e.Seed() != 0 || e.Fired() != 0 || e.Len() != 0 {
		t.Errorf("fresh engine: Elapsed=%v Seed=%d Fired=%d Len=%d, want all zero",
			e.Elapsed(), e.Seed(), e.Fired(), e.Len())
	}
}

func TestConfigEpochAndSeedAreKept(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch, Seed: 42})
	if !e.Now().Equal(epoch) || !e.Epoch().Equal(epoch) {
		t.Errorf("Now() = %v, Epoch() = %v, want both %v", e.Now(), e.Epoch(), epoch)
	}
	if e.Seed() != 42 {
		t.Errorf("Seed() = %d, want 42", e.Seed())
	}
}

func TestSameTimeEventsFireByClassThenSchedulingOrder(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	// All at the same instant; args name the expected position.
	e.After(time.Second, 2, l, 4)
	e.After(time.Second, 0, l, 0)
	e.After(time.Second, 1, l, 2)
	e.After(time.Second, 2, l, 5)
	e.After(time.Second, 0, l, 1)
	e.After(time.Second, 1, l, 3)
	e.After(time.Second, 255, l, 6)
	mustRun(t, e)
	diff(t, "firing order", []uint64{0, 1, 2, 3, 4, 5, 6}, l.fired)
}

// Events scheduled for the current instant from inside a handler still
// take their place by class and scheduling order among those already due
// at that instant, and one of them can be stopped.
func TestEventsScheduledForNowFireByClassAmongThoseAlreadyDue(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	var stop sim.Timer
	e.After(time.Second, 1, sim.HandlerFunc(func(uint64) {
		l.fired = append(l.fired, 10)
		e.After(0, 2, l, 2)
		e.After(0, 0, l, 0)
		stop = e.After(0, 1, l, 99)
		e.After(0, 1, l, 1)
		e.After(0, 3, l, 4) // after the class-3 event due since before
	}), 0)
	e.After(time.Second, 3, l, 3)
	e.After(time.Second, 1, sim.HandlerFunc(func(uint64) {
		// Class 1, scheduled before the handler above ran: it fires
		// after the class-0 event that handler adds, before its class-1
		// ones.
		l.fired = append(l.fired, 11)
		if !stop.Stop() {
			t.Error("Stop of an event due now returned false")
		}
	}), 0)
	mustRun(t, e)
	diff(t, "firing order", []uint64{10, 0, 11, 1, 2, 3, 4}, l.fired)
}

func TestEarlierTimeFiresFirstRegardlessOfClass(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	e.After(3*time.Second, 0, l, 3)
	e.After(2*time.Second, 255, l, 2)
	e.After(1*time.Nanosecond, 200, l, 1)
	e.After(0, 255, l, 0)
	mustRun(t, e)
	diff(t, "firing order", []uint64{0, 1, 2, 3}, l.fired)
}

func TestNowInsideCallbackIsTheEventsTime(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch})
	var got []time.Time
	for _, d := range []time.Duration{5 * time.Second, time.Millisecond, 0, time.Hour} {
		e.AfterFunc(d, 0, func() { got = append(got, e.Now()) })
	}
	mustRun(t, e)
	want := []time.Time{
		epoch,
		epoch.Add(time.Millisecond),
		epoch.Add(5 * time.Second),
		epoch.Add(time.Hour),
	}
	diff(t, "Now() seen by callbacks", want, got)
	if !e.Now().Equal(epoch.Add(time.Hour)) {
		t.Errorf("after Run, Now() = %v, want the last event's time %v", e.Now(), epoch.Add(time.Hour))
	}
}

func TestAtSchedulesAtAnAbsoluteTime(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch})
	var at time.Time
	e.At(epoch.Add(90*time.Minute), 0, sim.HandlerFunc(func(uint64) { at = e.Now() }), 0)
	mustRun(t, e)
	if want := epoch.Add(90 * time.Minute); !at.Equal(want) {
		t.Errorf("event fired at %v, want %v", at, want)
	}
}

func TestAtNowIsAllowedAndFiresAtNow(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	if err := e.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	e.At(e.Now(), 0, l, 7)
	mustRun(t, e)
	diff(t, "fired", []uint64{7}, l.fired)
	diff(t, "fired at", []time.Duration{time.Second}, l.at)
}

func TestHandlerReceivesItsArg(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	args := []uint64{0, 1, 1 << 63, ^uint64(0), 12345}
	for _, a := range args {
		e.After(0, 0, l, a)
	}
	mustRun(t, e)
	diff(t, "args", args, l.fired)
}

func TestRunUntilFiresEventsAtExactlyTheEndTime(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch})
	l := newRecorder(e)
	e.After(time.Second-1, 0, l, 1)
	e.After(time.Second, 9, l, 2) // exactly at the end: fires
	e.After(time.Second+1, 0, l, 3)
	if err := e.RunUntil(epoch.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	diff(t, "fired within the window", []uint64{1, 2}, l.fired)
	if e.Len() != 1 {
		t.Errorf("Len() = %d after RunUntil, want 1 left", e.Len())
	}
	if got := e.Elapsed(); got != time.Second {
		t.Errorf("Elapsed() = %v, want 1s", got)
	}
}

func TestRunUntilMovesNowToTheEndWithNoEvents(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch})
	end := epoch.Add(42 * time.Minute)
	if err := e.RunUntil(end); err != nil {
		t.Fatal(err)
	}
	if !e.Now().Equal(end) {
		t.Errorf("Now() = %v, want %v", e.Now(), end)
	}
}

func TestRunUntilMovesNowToTheEndPastTheLastEvent(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	e.After(time.Second, 0, l, 1)
	e.After(time.Hour, 0, l, 2)
	if err := e.RunUntil(e.Epoch().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	diff(t, "fired", []uint64{1}, l.fired)
	if e.Elapsed() != time.Minute {
		t.Errorf("Elapsed() = %v, want 1m (the end of the window, not the last event)", e.Elapsed())
	}
}

func TestRunUntilNowIsAllowed(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	e.After(0, 0, l, 1)
	if err := e.RunUntil(e.Now()); err != nil {
		t.Fatal(err)
	}
	diff(t, "fired", []uint64{1}, l.fired)
}

func TestRunUntilFiresEventsScheduledByCallbacksWithinTheWindow(t *testing.T) {
	e := sim.New(sim.Config{})
	var fired []string
	e.AfterFunc(time.Second, 0, func() {
		fired = append(fired, "parent")
		e.AfterFunc(0, 0, func() { fired = append(fired, "child at parent's instant") })
		e.AfterFunc(time.Second, 0, func() {
			fired = append(fired, "child at the end")
			e.AfterFunc(0, 1, func() { fired = append(fired, "grandchild at the end") })
			e.AfterFunc(1, 0, func() { fired = append(fired, "grandchild after the end") })
		})
		e.AfterFunc(time.Second+1, 0, func() { fired = append(fired, "child after the end") })
	})
	if err := e.RunUntil(e.Epoch().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	diff(t, "fired within RunUntil", []string{
		"parent",
		"child at parent's instant",
		"child at the end",
		"grandchild at the end",
	}, fired)
	if e.Len() != 2 {
		t.Errorf("Len() = %d, want 2 events left after the window", e.Len())
	}
}

func TestAdvanceIsRunUntilNowPlusD(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	e.After(1*time.Second, 0, l, 1)
	e.After(2*time.Second, 0, l, 2)
	e.After(3*time.Second, 0, l, 3)

	if err := e.Advance(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	diff(t, "fired after first Advance", []uint64{1, 2}, l.fired)
	if e.Elapsed() != 2*time.Second {
		t.Errorf("Elapsed() = %v, want 2s", e.Elapsed())
	}

	if err := e.Advance(0); err != nil {
		t.Fatal(err)
	}
	if e.Elapsed() != 2*time.Second || len(l.fired) != 2 {
		t.Errorf("Advance(0): Elapsed() = %v, fired %v; want 2s and no new events", e.Elapsed(), l.fired)
	}

	if err := e.Advance(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	diff(t, "fired after second Advance", []uint64{1, 2, 3}, l.fired)
	if e.Elapsed() != 7*time.Second {
		t.Errorf("Elapsed() = %v, want 7s", e.Elapsed())
	}
}

func TestAfterIsRelativeToNow(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	if err := e.Advance(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	e.After(time.Second, 0, l, 1)
	mustRun(t, e)
	diff(t, "fired at", []time.Duration{11 * time.Second}, l.at)
}

func TestStepFiresOneEventAtATime(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	e.After(2*time.Second, 0, l, 2)
	e.After(1*time.Second, 0, l, 1)

	step := func(wantFired []uint64, wantElapsed time.Duration) {
		t.Helper()
		if ok, err := e.Step(); !ok || err != nil {
			t.Fatalf("Step() = %v, %v; want true, nil", ok, err)
		}
		diff(t, "fired so far", wantFired, l.fired)
		if e.Elapsed() != wantElapsed {
			t.Errorf("Elapsed() = %v, want %v", e.Elapsed(), wantElapsed)
		}
	}
	step([]uint64{1}, time.Second)
	step([]uint64{1, 2}, 2*time.Second)
	if e.Fired() != 2 {
		t.Errorf("Fired() = %d, want 2", e.Fired())
	}
}

func TestStepReturnsFalseOnAnEmptyQueue(t *testing.T) {
	e := sim.New(sim.Config{})
	ok, err := e.Step()
	if ok || err != nil {
		t.Errorf("Step() on a new engine = %v, %v; want false, nil", ok, err)
	}
	e.After(time.Second, 0, newRecorder(e), 0)
	mustRun(t, e)
	ok, err = e.Step()
	if ok || err != nil {
		t.Errorf("Step() after Run = %v, %v; want false, nil", ok, err)
	}
	if e.Elapsed() != time.Second {
		t.Errorf("Step() on an empty queue moved time to %v", e.Elapsed())
	}
}

func TestStopReturnsTrueOnceThenFalse(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	tm := e.After(time.Second, 0, l, 1)
	e.After(2*time.Second, 0, l, 2)
	if !tm.Stop() {
		t.Fatal("first Stop() = false, want true")
	}
	if tm.Stop() {
		t.Error("second Stop() = true, want false")
	}
	mustRun(t, e)
	diff(t, "fired", []uint64{2}, l.fired)
}

func TestStopAfterTheEventFiredReturnsFalse(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	tm := e.After(time.Second, 0, l, 1)
	mustRun(t, e)
	if tm.Stop() {
		t.Error("Stop() after the event fired = true, want false")
	}
	diff(t, "fired", []uint64{1}, l.fired)
}

func TestStopOfOwnTimerInsideItsCallbackReturnsFalse(t *testing.T) {
	e := sim.New(sim.Config{})
	var tm sim.Timer
	var stopped, pending bool
	tm = e.AfterFunc(time.Second, 0, func() {
		pending = tm.Pending()
		stopped = tm.Stop()
	})
	mustRun(t, e)
	if pending || stopped {
		t.Errorf("inside its own callback: Pending() = %v, Stop() = %v; want false, false", pending, stopped)
	}
}

func TestStopFromAnotherCallbackAtTheSameInstant(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	var victim sim.Timer
	var stopped bool
	e.AfterFunc(time.Second, 0, func() { stopped = victim.Stop() })
	victim = e.After(time.Second, 1, l, 1)
	e.After(time.Second, 1, l, 2)
	mustRun(t, e)
	if !stopped {
		t.Error("Stop() of a same-instant later event = false, want true")
	}
	diff(t, "fired", []uint64{2}, l.fired)
}

func TestStopOfZeroTimerReturnsFalse(t *testing.T) {
	var tm sim.Timer
	if tm.Stop() {
		t.Error("zero Timer: Stop() = true, want false")
	}
	if tm.Pending() {
		t.Error("zero Timer: Pending() = true, want false")
	}
	if at, ok := tm.When(); ok || !at.IsZero() {
		t.Errorf("zero Timer: When() = %v, %v; want zero time, false", at, ok)
	}
}

func TestStopOfTheOnlyAndTheLastEvent(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	only := e.After(time.Second, 0, l, 1)
	if !only.Stop() || e.Len() != 0 {
		t.Fatalf("stopping the only event: Len() = %d, want 0", e.Len())
	}
	e.After(1*time.Second, 0, l, 2)
	e.After(2*time.Second, 0, l, 3)
	last := e.After(3*time.Second, 0, l, 4) // last in the heap's slice
	if !last.Stop() {
		t.Fatal("Stop() of the last heap element = false")
	}
	mustRun(t, e)
	diff(t, "fired", []uint64{2, 3}, l.fired)
}

// TestStopInTheMiddleOfALargeHeapKeepsOrder schedules several hundred
// events at random times and classes, stops a random subset (many of them
// deep inside the heap) and checks that the rest fire in exactly the order
// of a sorted reference.
func TestStopInTheMiddleOfALargeHeapKeepsOrder(t *testing.T) {
	type ev struct {
		at    time.Duration
		class sim.Class
		seq   uint64
	}
	for round := range 20 {
		rng := rand.New(rand.NewPCG(2024, uint64(round)))
		e := sim.New(sim.Config{})
		l := newRecorder(e)
		n := 300 + rng.IntN(500)
		evs := make([]ev, n)
		timers := make([]sim.Timer, n)
		for i := range evs {
			// A narrow time range forces many ties on time and on class.
			evs[i] = ev{at: time.Duration(rng.IntN(50)), class: sim.Class(rng.IntN(4)), seq: uint64(i)}
			timers[i] = e.After(evs[i].at, evs[i].class, l, uint64(i))
		}
		stopped := make([]bool, n)
		for _, i := range rng.Perm(n)[:n/3] {
			if !timers[i].Stop() {
				t.Fatalf("round %d: Stop() of pending event %d = false", round, i)
			}
			stopped[i] = true
		}
		// Stop a few again: must all report false.
		for i := range n {
			if stopped[i] && timers[i].Stop() {
				t.Fatalf("round %d: second Stop() of event %d = true", round, i)
			}
		}
		if want := n - n/3; e.Len() != want {
			t.Fatalf("round %d: Len() = %d, want %d", round, e.Len(), want)
		}

		var want []uint64
		var ref []ev
		for i, x := range evs {
			if !stopped[i] {
				ref = append(ref, x)
			}
		}
		slices.SortFunc(ref, func(a, b ev) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.class, b.class), cmp.Compare(a.seq, b.seq))
		})
		for _, x := range ref {
			want = append(want, x.seq)
		}

		mustRun(t, e)
		diff(t, "firing order", want, l.fired)
	}
}

// TestStaleTimerDoesNotStopTheEventThatReusedItsSlot checks the generation
// guard: once an event has fired or been stopped, its Timer must not affect
// whatever event is scheduled next, even if the engine reuses the same
// internal storage for it.
func TestStaleTimerDoesNotStopTheEventThatReusedItsSlot(t *testing.T) {
	t.Run("after Stop", func(t *testing.T) {
		e := sim.New(sim.Config{})
		l := newRecorder(e)
		stale := e.After(time.Second, 0, l, 1)
		stale.Stop()
		fresh := e.After(2*time.Second, 0, l, 2) // reuses the freed slot
		if stale.Pending() {
			t.Error("stale Timer reports Pending() = true")
		}
		if _, ok := stale.When(); ok {
			t.Error("stale Timer reports When() ok = true")
		}
		if stale.Stop() {
			t.Error("stale Timer: Stop() = true, want false")
		}
		if !fresh.Pending() {
			t.Error("new event is no longer pending after a stale Stop()")
		}
		mustRun(t, e)
		diff(t, "fired", []uint64{2}, l.fired)
	})
	t.Run("after firing", func(t *testing.T) {
		e := sim.New(sim.Config{})
		l := newRecorder(e)
		stale := e.After(time.Second, 0, l, 1)
		mustRun(t, e)
		e.After(time.Second, 0, l, 2) // reuses the freed slot
		if stale.Stop() {
			t.Error("stale Timer: Stop() = true, want false")
		}
		mustRun(t, e)
		diff(t, "fired", []uint64{1, 2}, l.fired)
	})
	t.Run("many generations", func(t *testing.T) {
		e := sim.New(sim.Config{})
		l := newRecorder(e)
		var stale []sim.Timer
		for i := range 100 {
			tm := e.After(time.Second, 0, l, uint64(i))
			tm.Stop()
			stale = append(stale, tm)
		}
		e.After(time.Second, 0, l, 1000)
		for i, tm := range stale {
			if tm.Stop() {
				t.Errorf("stale Timer %d: Stop() = true", i)
			}
		}
		mustRun(t, e)
		diff(t, "fired", []uint64{1000}, l.fired)
	})
}

func TestPendingAndWhen(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch})
	l := newRecorder(e)
	a := e.After(time.Second, 0, l, 1)
	b := e.After(2*time.Second, 0, l, 2)

	for _, c := range []struct {
		name string
		tm   sim.Timer
		want time.Time
	}{{"a", a, epoch.Add(time.Second)}, {"b", b, epoch.Add(2 * time.Second)}} {
		if !c.tm.Pending() {
			t.Errorf("%s: Pending() = false before it fired", c.name)
		}
		if at, ok := c.tm.When(); !ok || !at.Equal(c.want) {
			t.Errorf("%s: When() = %v, %v; want %v, true", c.name, at, ok, c.want)
		}
	}

	b.Stop()
	if b.Pending() {
		t.Error("b: Pending() = true after Stop")
	}
	if at, ok := b.When(); ok || !at.IsZero() {
		t.Errorf("b: When() after Stop = %v, %v; want zero time, false", at, ok)
	}

	if _, err := e.Step(); err != nil {
		t.Fatal(err)
	}
	if a.Pending() {
		t.Error("a: Pending() = true after it fired")
	}
	if _, ok := a.When(); ok {
		t.Error("a: When() ok = true after it fired")
	}
}

func TestWhenStaysCorrectAsTheHeapChanges(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	rng := rand.New(rand.NewPCG(7, 7))
	var timers []sim.Timer
	var ats []time.Duration
	for i := range 200 {
		d := time.Duration(rng.IntN(1000)) * time.Millisecond
		timers = append(timers, e.After(d, sim.Class(rng.IntN(3)), l, uint64(i)))
		ats = append(ats, d)
	}
	for i := 0; i < 200; i += 3 {
		timers[i].Stop()
	}
	for range 50 {
		if _, err := e.Step(); err != nil {
			t.Fatal(err)
		}
	}
	for i, tm := range timers {
		at, ok := tm.When()
		if ok != tm.Pending() {
			t.Errorf("timer %d: When() ok = %v but Pending() = %v", i, ok, tm.Pending())
		}
		if ok && at.Sub(e.Epoch()) != ats[i] {
			t.Errorf("timer %d: When() = +%v, want +%v", i, at.Sub(e.Epoch()), ats[i])
		}
	}
}

func TestLenAndNext(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch})
	l := newRecorder(e)
	if e.Len() != 0 {
		t.Errorf("Len() = %d on a new engine", e.Len())
	}
	if at, ok := e.Next(); ok || !at.IsZero() {
		t.Errorf("Next() on an empty engine = %v, %v; want zero time, false", at, ok)
	}

	e.After(3*time.Second, 0, l, 3)
	late := e.After(5*time.Second, 0, l, 5)
	early := e.After(time.Second, 9, l, 1)
	if e.Len() != 3 {
		t.Errorf("Len() = %d, want 3", e.Len())
	}
	if at, ok := e.Next(); !ok || !at.Equal(epoch.Add(time.Second)) {
		t.Errorf("Next() = %v, %v; want %v, true", at, ok, epoch.Add(time.Second))
	}

	early.Stop()
	if e.Len() != 2 {
		t.Errorf("Len() after Stop = %d, want 2", e.Len())
	}
	if at, ok := e.Next(); !ok || !at.Equal(epoch.Add(3*time.Second)) {
		t.Errorf("Next() after stopping the earliest = %v, %v; want %v, true", at, ok, epoch.Add(3*time.Second))
	}

	if _, err := e.Step(); err != nil {
		t.Fatal(err)
	}
	if e.Len() != 1 {
		t.Errorf("Len() after Step = %d, want 1", e.Len())
	}
	late.Stop()
	if e.Len() != 0 {
		t.Errorf("Len() = %d, want 0", e.Len())
	}
	if _, ok := e.Next(); ok {
		t.Error("Next() ok = true with nothing scheduled")
	}
}

func TestEventLimitStopsAfterExactlyMaxEvents(t *testing.T) {
	e := sim.New(sim.Config{MaxEvents: 5})
	l := newRecorder(e)
	for i := range 10 {
		e.After(time.Duration(i)*time.Second, 0, l, uint64(i))
	}
	err := e.Run()
	if !errors.Is(err, sim.ErrEventLimit) {
		t.Fatalf("Run() = %v, want an error wrapping ErrEventLimit", err)
	}
	if !strings.HasPrefix(err.Error(), "sim: ") {
		t.Errorf("error %q lacks the \"sim: \" prefix", err)
	}
	diff(t, "fired", []uint64{0, 1, 2, 3, 4}, l.fired)
	if e.Fired() != 5 {
		t.Errorf("Fired() = %d, want 5", e.Fired())
	}
	// The engine stays inspectable and keeps refusing.
	if e.Len() != 5 {
		t.Errorf("Len() = %d, want the 5 unfired events", e.Len())
	}
	if e.Elapsed() != 4*time.Second {
		t.Errorf("Elapsed() = %v, want 4s (the last fired event)", e.Elapsed())
	}
	ok, err := e.Step()
	if ok || !errors.Is(err, sim.ErrEventLimit) {
		t.Errorf("Step() past the limit = %v, %v; want false and ErrEventLimit", ok, err)
	}
	if len(l.fired) != 5 {
		t.Errorf("%d events fired in total, want 5", len(l.fired))
	}
}

func TestEventLimitInRunUntilLeavesNowAtTheLastFiredEvent(t *testing.T) {
	e := sim.New(sim.Config{MaxEvents: 2})
	l := newRecorder(e)
	for i := 1; i <= 3; i++ {
		e.After(time.Duration(i)*time.Second, 0, l, uint64(i))
	}
	err := e.RunUntil(e.Epoch().Add(time.Minute))
	if !errors.Is(err, sim.ErrEventLimit) {
		t.Fatalf("RunUntil() = %v, want ErrEventLimit", err)
	}
	if e.Elapsed() != 2*time.Second {
		t.Errorf("Elapsed() = %v, want 2s (the last fired event, not the end of the window)", e.Elapsed())
	}
	if err := e.Advance(time.Minute); !errors.Is(err, sim.ErrEventLimit) {
		t.Errorf("Advance() past the limit = %v, want ErrEventLimit", err)
	}
	diff(t, "fired", []uint64{1, 2}, l.fired)
}

// TestEventLimitWithNothingDueIsNotAnError pins down the edge of the limit:
// the error comes only when an event is due that the limit stops from
// firing. With nothing due, Run and Step report nothing to do, and RunUntil
// still moves Now to the end of its window.
func TestEventLimitWithNothingDueIsNotAnError(t *testing.T) {
	e := sim.New(sim.Config{MaxEvents: 2})
	l := newRecorder(e)
	e.After(time.Second, 0, l, 1)
	e.After(time.Second, 0, l, 2)
	if err := e.Run(); err != nil {
		t.Fatalf("Run() firing exactly MaxEvents events = %v, want nil", err)
	}
	if ok, err := e.Step(); ok || err != nil {
		t.Errorf("Step() at the limit with an empty queue = %v, %v; want false, nil", ok, err)
	}
	if err := e.Advance(time.Minute); err != nil {
		t.Errorf("Advance() at the limit with nothing due = %v, want nil", err)
	}
	if e.Elapsed() != time.Minute+time.Second {
		t.Errorf("Elapsed() = %v, want 1m1s", e.Elapsed())
	}
	late := e.After(time.Hour, 0, l, 3)
	if err := e.Advance(time.Minute); err != nil {
		t.Errorf("Advance() at the limit, next event beyond the window = %v, want nil", err)
	}
	if err := e.Run(); !errors.Is(err, sim.ErrEventLimit) {
		t.Errorf("Run() at the limit with an event due = %v, want ErrEventLimit", err)
	}
	if !late.Stop() {
		t.Error("Stop() at the limit = false, want true")
	}
	diff(t, "fired", []uint64{1, 2}, l.fired)
}

func TestZeroMaxEventsMeansDefault(t *testing.T) {
	e := sim.New(sim.Config{})
	e.After(0, 0, newRecorder(e), 0)
	mustRun(t, e) // would fail at once with a limit of zero
	if e.Fired() != 1 {
		t.Errorf("Fired() = %d, want 1", e.Fired())
	}
}

func TestMisusePanicsWithSimPrefix(t *testing.T) {
	h := sim.HandlerFunc(func(uint64) {})
	// advanced returns an engine whose Now is 10s after the epoch.
	advanced := func() *sim.Engine {
		e := sim.New(sim.Config{Epoch: epoch})
		if err := e.Advance(10 * time.Second); err != nil {
			t.Fatal(err)
		}
		return e
	}
	cases := []struct {
		name string
		f    func()
	}{
		{"At in the past", func() { e := advanced(); e.At(e.Now().Add(-1), 0, h, 0) }},
		{"At before the epoch", func() { sim.New(sim.Config{Epoch: epoch}).At(epoch.Add(-time.Hour), 0, h, 0) }},
		{"After with a negative duration", func() { sim.New(sim.Config{}).After(-1, 0, h, 0) }},
		{"AfterFunc with a negative duration", func() { sim.New(sim.Config{}).AfterFunc(-time.Second, 0, func() {}) }},
		{"Advance with a negative duration", func() { _ = sim.New(sim.Config{}).Advance(-1) }},
		{"RunUntil backwards", func() { e := advanced(); _ = e.RunUntil(e.Now().Add(-time.Nanosecond)) }},
		{"nil Handler in After", func() { sim.New(sim.Config{}).After(0, 0, nil, 0) }},
		{"nil Handler in At", func() { e := sim.New(sim.Config{}); e.At(e.Now(), 0, nil, 0) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { mustPanic(t, c.f) })
	}
}

func TestPanicsLeaveTheEngineUnchanged(t *testing.T) {
	e := sim.New(sim.Config{})
	l := newRecorder(e)
	e.After(time.Second, 0, l, 1)
	mustPanic(t, func() { e.After(-1, 0, l, 2) })
	mustPanic(t, func() { e.After(0, 0, nil, 3) })
	if e.Len() != 1 {
		t.Errorf("Len() = %d after rejected schedules, want 1", e.Len())
	}
	mustRun(t, e)
	diff(t, "fired", []uint64{1}, l.fired)
}

func TestRandSameSeedAndNameGiveTheSameSequence(t *testing.T) {
	for _, seed := range []uint64{0, 1, 0xdeadbeef, ^uint64(0)} {
		a := sim.New(sim.Config{Seed: seed}).Rand("pods")
		b := sim.New(sim.Config{Seed: seed}).Rand("pods")
		diff(t, "draws", draws(a, 32), draws(b, 32))
	}
}

func TestRandStreamsAreIndependentOfOtherStreamsDraws(t *testing.T) {
	e := sim.New(sim.Config{Seed: 9})
	want := draws(e.Rand("b"), 16)

	e2 := sim.New(sim.Config{Seed: 9})
	a := e2.Rand("a")
	draws(a, 1000) // heavy use of another stream
	b := e2.Rand("b")
	draws(a, 1000)
	diff(t, "stream b", want, draws(b, 16))
}

func TestRandDifferentNamesGiveDifferentSequences(t *testing.T) {
	e := sim.New(sim.Config{Seed: 1})
	names := []string{"", "a", "b", "ab", "ba", "pods", "nodes", "Pods"}
	seen := map[[4]uint64]string{}
	for _, n := range names {
		var k [4]uint64
		copy(k[:], draws(e.Rand(n), 4))
		if prev, dup := seen[k]; dup {
			t.Errorf("streams %q and %q start with the same draws %v", prev, n, k)
		}
		seen[k] = n
	}
}

func TestRandDifferentSeedsGiveDifferentSequences(t *testing.T) {
	seeds := []uint64{0, 1, 2, 3, 1 << 63, ^uint64(0), 0x6a6f6273696d}
	seen := map[[4]uint64]uint64{}
	for _, s := range seeds {
		var k [4]uint64
		copy(k[:], draws(sim.New(sim.Config{Seed: s}).Rand("x"), 4))
		if prev, dup := seen[k]; dup {
			t.Errorf("seeds %d and %d start stream %q with the same draws %v", prev, s, "x", k)
		}
		seen[k] = s
	}
}

func TestRandEqualsNewSource(t *testing.T) {
	e := sim.New(sim.Config{Seed: 77})
	want := draws(rand.New(sim.NewSource(77, "jobs")), 16)
	diff(t, "draws", want, draws(e.Rand("jobs"), 16))
}

func TestRandReturnsAFreshGeneratorEachCall(t *testing.T) {
	e := sim.New(sim.Config{Seed: 3})
	a := e.Rand("x")
	first := draws(a, 8)
	diff(t, "a second Rand(\"x\") restarts the stream", first, draws(e.Rand("x"), 8))
}

// draws returns the first n Uint64 values of r.
func draws(r *rand.Rand, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.Uint64()
	}
	return out
}

func TestHashIsFNV1a64(t *testing.T) {
	// FNV-1a, 64 bit: h = 14695981039346656037 (the offset basis), then for
	// each byte h = (h XOR byte) * 1099511628211 mod 2^64.
	//
	//   Hash("")  = offset basis = 0xcbf29ce484222325
	//   Hash("a") = (0xcbf29ce484222325 ^ 0x61) * 0x100000001b3
	//             = 0xcbf29ce484222344 * 0x100000001b3 mod 2^64
	//             = 0xaf63dc4c8601ec8c
	// The other values are the published FNV-1a test vectors.
	cases := []struct {
		in   string
		want uint64
	}{
		{"", 14695981039346656037},
		{"a", 0xaf63dc4c8601ec8c},
		{"ab", 0x089c4407b545986a},
		{"abc", 0xe71fa2190541574b},
		{"foobar", 0x85944171f73967e8},
	}
	for _, c := range cases {
		if got := sim.Hash(c.in); got != c.want {
			t.Errorf("Hash(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

func TestHashMatchesHashFNV(t *testing.T) {
	for _, s := range []string{"", "x", "pods", "job/default/pi-7", "\x00\xff", "ünïcode"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := sim.Hash(s), h.Sum64(); got != want {
			t.Errorf("Hash(%q) = %#x, hash/fnv says %#x", s, got, want)
		}
	}
}

func TestMixIsDeterministicAndOrderSensitive(t *testing.T) {
	pairs := [][2]uint64{{0, 0}, {1, 2}, {2, 1}, {42, 7}, {^uint64(0), 0}}
	for _, p := range pairs {
		if a, b := sim.Mix(p[0], p[1]), sim.Mix(p[0], p[1]); a != b {
			t.Errorf("Mix(%d, %d) gave %#x then %#x", p[0], p[1], a, b)
		}
	}
	if sim.Mix(1, 2) == sim.Mix(2, 1) {
		t.Errorf("Mix(1, 2) == Mix(2, 1) == %#x; want the arguments' order to matter", sim.Mix(1, 2))
	}
	if sim.Mix(0, 1) == sim.Mix(1, 0) {
		t.Errorf("Mix(0, 1) == Mix(1, 0)")
	}
}

func TestMixOfZeroIsSplitMix64sFirstOutput(t *testing.T) {
	// Mix(0, 0) finalises 0 + 1·0x9e3779b97f4a7c15, which is exactly the
	// first output of SplitMix64 seeded with 0 (its state is incremented by
	// the golden-ratio constant before finalising). That output is the
	// well-known reference value 0xe220a8397b1dcdaf.
	if got, want := sim.Mix(0, 0), uint64(0xe220a8397b1dcdaf); got != want {
		t.Errorf("Mix(0, 0) = %#x, want %#x", got, want)
	}
}

func TestMixSpreadsNearbyInputs(t *testing.T) {
	// Consecutive keys, as in one seed per (stream, key, attempt), must not
	// collide.
	seen := map[uint64][2]uint64{}
	for a := range uint64(64) {
		for b := range uint64(64) {
			m := sim.Mix(a, b)
			if prev, dup := seen[m]; dup {
				t.Fatalf("Mix(%d, %d) == Mix(%d, %d) == %#x", a, b, prev[0], prev[1], m)
			}
			seen[m] = [2]uint64{a, b}
		}
	}
}

// The property tests below drive an Engine with random schedules and keep a
// model of every event: its time, class and scheduling sequence, and whether
// it fired or was stopped.

// modelEvent is the model's view of one scheduled event.
type modelEvent struct {
	at      time.Duration
	class   sim.Class
	seq     int // order of scheduling, as the engine numbers it
	timer   sim.Timer
	fired   bool
	stopped bool
}

// keyLess reports whether a sorts before b by (time, class, sequence).
func keyLess(a, b *modelEvent) bool {
	return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.class, b.class), cmp.Compare(a.seq, b.seq)) < 0
}

// schedule is a property-test harness. It is the Handler of every event it
// schedules; the event's arg is its index in events.
type schedule struct {
	t *rapid.T
	e *sim.Engine
	// causal makes callbacks only schedule events that sort after the one
	// firing (later, or at the same instant in the same or a higher class).
	// Then every event fires in the global (time, class, seq) order.
	causal bool
	budget int // how many more events callbacks may schedule

	events []*modelEvent
	fired  []int // indices into events, in firing order
	last   *modelEvent
}

func (s *schedule) add(d time.Duration, c sim.Class) {
	ev := &modelEvent{at: s.e.Elapsed() + d, class: c, seq: len(s.events)}
	ev.timer = s.e.After(d, c, s, uint64(len(s.events)))
	s.events = append(s.events, ev)
}

// minPending returns the pending event the model says must fire next.
func (s *schedule) minPending() *modelEvent {
	var m *modelEvent
	for _, ev := range s.events {
		if !ev.fired && !ev.stopped && (m == nil || keyLess(ev, m)) {
			m = ev
		}
	}
	return m
}

func (s *schedule) pendingCount() int {
	n := 0
	for _, ev := range s.events {
		if !ev.fired && !ev.stopped {
			n++
		}
	}
	return n
}

// stopOne stops a random event, which may already have fired or been
// stopped, and checks Stop's answer against the model.
func (s *schedule) stopOne() {
	i := rapid.IntRange(0, len(s.events)-1).Draw(s.t, "stop")
	ev := s.events[i]
	want := !ev.fired && !ev.stopped
	if got := ev.timer.Stop(); got != want {
		s.t.Fatalf("Stop() of event %d = %v, want %v (fired %v, stopped %v)", i, got, want, ev.fired, ev.stopped)
	}
	if want {
		ev.stopped = true
	}
}

func (s *schedule) Fire(arg uint64) {
	ev := s.events[arg]
	now := s.e.Elapsed()
	if ev.fired || ev.stopped {
		s.t.Fatalf("event %d fired although fired=%v stopped=%v", arg, ev.fired, ev.stopped)
	}
	if now != ev.at {
		s.t.Fatalf("event %d: Elapsed() = %v inside Fire, want its time %v", arg, now, ev.at)
	}
	if !s.e.Now().Equal(s.e.Epoch().Add(now)) {
		s.t.Fatalf("Now() = %v, want Epoch()+Elapsed() = %v", s.e.Now(), s.e.Epoch().Add(now))
	}
	if s.last != nil && now < s.last.at {
		s.t.Fatalf("virtual time went back from %v to %v", s.last.at, now)
	}
	if m := s.minPending(); m != ev {
		s.t.Fatalf("event %d (at %v, class %d, seq %d) fired, but %d (at %v, class %d, seq %d) was due first",
			arg, ev.at, ev.class, ev.seq, m.seq, m.at, m.class, m.seq)
	}
	if s.causal && s.last != nil && !keyLess(s.last, ev) {
		s.t.Fatalf("event %d fired after %d but sorts before it", ev.seq, s.last.seq)
	}
	ev.fired = true
	s.fired = append(s.fired, int(arg))
	s.last = ev

	// Schedule some follow-up events and perhaps stop something.
	for range rapid.IntRange(0, 2).Draw(s.t, "children") {
		if s.budget == 0 {
			break
		}
		s.budget--
		d := time.Duration(rapid.IntRange(0, 10).Draw(s.t, "child delay"))
		lo := 0
		if s.causal && d == 0 {
			lo = int(ev.class)
		}
		c := sim.Class(rapid.IntRange(lo, 3).Draw(s.t, "child class"))
		s.add(d, c)
	}
	if rapid.IntRange(0, 3).Draw(s.t, "stop in callback") == 0 {
		s.stopOne()
	}
}

// drive runs the engine to completion through a random mix of Step,
// Advance, RunUntil and Run, checking the engine's view between calls.
func (s *schedule) drive() {
	for s.e.Len() > 0 {
		before := s.e.Elapsed()
		switch rapid.IntRange(0, 3).Draw(s.t, "action") {
		case 0:
			ok, err := s.e.Step()
			if !ok || err != nil {
				s.t.Fatalf("Step() = %v, %v with %d pending", ok, err, s.e.Len())
			}
		case 1:
			d := time.Duration(rapid.IntRange(0, 8).Draw(s.t, "advance"))
			if err := s.e.Advance(d); err != nil {
				s.t.Fatal(err)
			}
			if got := s.e.Elapsed(); got != before+d {
				s.t.Fatalf("Advance(%v) from %v left Elapsed() = %v", d, before, got)
			}
			if m := s.minPending(); m != nil && m.at <= before+d {
				s.t.Fatalf("event %d at %v still pending after Advance to %v", m.seq, m.at, before+d)
			}
		case 2:
			end := before + time.Duration(rapid.IntRange(0, 8).Draw(s.t, "until"))
			if err := s.e.RunUntil(s.e.Epoch().Add(end)); err != nil {
				s.t.Fatal(err)
			}
			if got := s.e.Elapsed(); got != end {
				s.t.Fatalf("RunUntil(+%v) left Elapsed() = %v", end, got)
			}
		case 3:
			if err := s.e.Run(); err != nil {
				s.t.Fatal(err)
			}
		}
		if s.e.Elapsed() < before {
			s.t.Fatalf("virtual time went back from %v to %v", before, s.e.Elapsed())
		}
		s.checkQueue()
	}
}

// checkQueue compares Len, Next and every Timer's Pending and When with the
// model.
func (s *schedule) checkQueue() {
	if got, want := s.e.Len(), s.pendingCount(); got != want {
		s.t.Fatalf("Len() = %d, model has %d pending", got, want)
	}
	next, ok := s.e.Next()
	if m := s.minPending(); m == nil {
		if ok {
			s.t.Fatalf("Next() = %v, true with nothing pending", next)
		}
	} else if !ok || next.Sub(s.e.Epoch()) != m.at {
		s.t.Fatalf("Next() = +%v, %v; want +%v, true", next.Sub(s.e.Epoch()), ok, m.at)
	}
	for i, ev := range s.events {
		pending := !ev.fired && !ev.stopped
		at, ok := ev.timer.When()
		if ev.timer.Pending() != pending || ok != pending {
			s.t.Fatalf("event %d: Pending() = %v, When() ok = %v; model says %v", i, ev.timer.Pending(), ok, pending)
		}
		if ok && at.Sub(s.e.Epoch()) != ev.at {
			s.t.Fatalf("event %d: When() = +%v, want +%v", i, at.Sub(s.e.Epoch()), ev.at)
		}
	}
}

func runSchedule(t *rapid.T, causal bool) *schedule {
	s := &schedule{
		t:      t,
		e:      sim.New(sim.Config{Epoch: epoch}),
		causal: causal,
		budget: rapid.IntRange(0, 60).Draw(t, "budget"),
	}
	// Narrow ranges of time and class make ties common.
	for range rapid.IntRange(1, 40).Draw(t, "initial events") {
		d := time.Duration(rapid.IntRange(0, 20).Draw(t, "delay"))
		s.add(d, sim.Class(rapid.IntRange(0, 3).Draw(t, "class")))
	}
	for range rapid.IntRange(0, 10).Draw(t, "initial stops") {
		s.stopOne()
	}
	s.checkQueue()
	s.drive()
	for i, ev := range s.events {
		if !ev.fired && !ev.stopped {
			t.Fatalf("event %d neither fired nor was stopped", i)
		}
	}
	return s
}

// TestPropertyFiringOrderIsSortedByTimeClassSeq checks that, when callbacks
// only schedule events that sort after themselves, the engine fires exactly
// the non-stopped events, in (time, class, seq) order.
func TestPropertyFiringOrderIsSortedByTimeClassSeq(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := runSchedule(t, true)
		var want []int
		for _, ev := range s.events {
			if !ev.stopped {
				want = append(want, ev.seq)
			}
		}
		slices.SortFunc(want, func(a, b int) int {
			x, y := s.events[a], s.events[b]
			return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.class, y.class), cmp.Compare(x.seq, y.seq))
		})
		if d := gocmp.Diff(want, s.fired); d != "" {
			t.Fatalf("firing order differs from sorted order (-want +got):\n%s", d)
		}
	})
}

// TestPropertyEachFiredEventIsTheEarliestPending lets callbacks schedule
// anything, including events at the current instant in a lower class than
// their own, and checks each fired event is the minimum, by (time, class,
// seq), of those pending at that moment.
func TestPropertyEachFiredEventIsTheEarliestPending(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { runSchedule(t, false) })
}

func TestAfterHugeDurationSaturatesInsteadOfSchedulingInThePast(t *testing.T) {
	e := sim.New(sim.Config{})
	if err := e.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	before := e.Now()
	tm := e.After(math.MaxInt64, 0, sim.HandlerFunc(func(uint64) {}), 0)
	at, ok := tm.When()
	if !ok || at.Before(before) {
		t.Errorf("After(MaxInt64) scheduled at %v (pending %v), before Now %v", at, ok, before)
	}
}

func TestAtElapsedSchedulesRelativeToTheEpoch(t *testing.T) {
	e := sim.New(sim.Config{Epoch: time.Unix(100, 0)})
	var fired time.Time
	e.AtElapsed(5*time.Second, 0, sim.HandlerFunc(func(uint64) { fired = e.Now() }), 0)
	if err := e.Run(); err != nil {
		t.Fatal(err)
	}
	if !fired.Equal(time.Unix(105, 0)) {
		t.Errorf("fired at %v, want 105 s after the Unix epoch", fired)
	}
	defer func() {
		if r := recover(); r == nil || !strings.HasPrefix(r.(string), "sim: ") {
			t.Errorf("AtElapsed in the past: recover() = %v, want a sim: panic", r)
		}
	}()
	e.AtElapsed(time.Second, 0, sim.HandlerFunc(func(uint64) {}), 0)
}

// Reset must leave nothing of the run before: pending events are
// dropped, their Timers go stale, and the clock, sequence numbers, event
// count, seed and limit are those of the new Config.
func TestResetIsANewEngineWithTheOldMemory(t *testing.T) {
	e := sim.New(sim.Config{Seed: 1, MaxEvents: 3})
	l := newRecorder(e)
	e.After(time.Second, 0, l, 1)
	mustRun(t, e)
	pending := e.After(5*time.Second, 0, l, 2)
	e.After(7*time.Second, 1, l, 3)

	e.Reset(sim.Config{Epoch: epoch, Seed: 9, MaxEvents: 2})
	if pending.Pending() {
		t.Error("a Timer from before Reset is still pending")
	}
	if pending.Stop() {
		t.Error("Stop of a Timer from before Reset returned true")
	}
	diff(t, "after Reset: Now, Elapsed, Fired, Len, Seed", []any{epoch, time.Duration(0), uint64(0), 0, uint64(9)},
		[]any{e.Now(), e.Elapsed(), e.Fired(), e.Len(), e.Seed()})
	if _, ok := e.Next(); ok {
		t.Error("Next reports an event after Reset")
	}

	// Two events at the same instant and class fire in the order they
	// were scheduled, as in a new engine; the limit is the new one.
	l2 := newRecorder(e)
	e.After(time.Second, 0, l2, 20)
	e.After(time.Second, 0, l2, 10)
	e.After(2*time.Second, 0, l2, 30)
	if err := e.Run(); !errors.Is(err, sim.ErrEventLimit) {
		t.Fatalf("Run after Reset with MaxEvents 2: %v, want ErrEventLimit", err)
	}
	diff(t, "fired after Reset", []uint64{20, 10}, l2.fired)
	diff(t, "fired before Reset", []uint64{1}, l.fired)
}

// A zero Config given to Reset means what it means to New.
func TestResetWithTheZeroConfigMeansTheDefaults(t *testing.T) {
	e := sim.New(sim.Config{Epoch: epoch, MaxEvents: 1})
	e.Reset(sim.Config{})
	want := sim.New(sim.Config{})
	diff(t, "epoch", want.Epoch(), e.Epoch())
	l := newRecorder(e)
	for i := range 3 {
		e.After(time.Duration(i)*time.Second, 0, l, uint64(i))
	}
	mustRun(t, e) // DefaultMaxEvents, not the old limit of 1
	diff(t, "fired", []uint64{0, 1, 2}, l.fired)
}
