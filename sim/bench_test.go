package sim_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// relay is a long-lived Handler for the steady-state benchmark: each time
// one of its events fires it schedules one more, at a pseudo-random time up
// to a millisecond ahead, so the number of pending events stays constant.
type relay struct {
	e *sim.Engine
	n uint64
}

func (r *relay) Fire(arg uint64) {
	r.n++
	d := 1 + time.Duration(sim.Mix(r.n, arg)%uint64(time.Millisecond))
	r.e.After(d, sim.Class(arg&3), r, arg)
}

// unbounded is a Config whose event limit a benchmark cannot reach.
var unbounded = sim.Config{MaxEvents: math.MaxUint64}

// reportRate reports fired events (or other operations) per second of
// measured time.
func reportRate(b *testing.B, n uint64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s, "events/s")
	}
}

func BenchmarkEngine(b *testing.B) {
	// Steady state: a heap of `pending` events; each fired event schedules
	// one replacement. One op is one event fired (and one scheduled).
	for _, pending := range []int{100, 10_000, 1_000_000} {
		b.Run(fmt.Sprintf("steady/pending=%d", pending), func(b *testing.B) {
			e := sim.New(unbounded)
			r := &relay{e: e}
			for i := range pending {
				r.Fire(uint64(i)) // schedules one event
			}
			// Warm up so every internal slice has reached its final size.
			for range pending {
				if _, err := e.Step(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			start := e.Fired()
			for b.Loop() {
				if _, err := e.Step(); err != nil {
					b.Fatal(err)
				}
			}
			if e.Len() != pending {
				b.Fatalf("Len() = %d, want %d", e.Len(), pending)
			}
			reportRate(b, e.Fired()-start)
		})
	}

	// The same steady state through AfterFunc, which allocates a closure
	// per event; for comparison with the Handler form above.
	b.Run("steady-afterfunc/pending=10000", func(b *testing.B) {
		e := sim.New(unbounded)
		var n uint64
		var fire func()
		fire = func() {
			n++
			e.AfterFunc(1+time.Duration(sim.Mix(n, 0)%uint64(time.Millisecond)), 0, fire)
		}
		for range 10_000 {
			fire()
		}
		b.ReportAllocs()
		start := e.Fired()
		for b.Loop() {
			if _, err := e.Step(); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, e.Fired()-start)
	})

	// Churn: over a heap of 10,000 pending events, each op schedules an
	// event at a pseudo-random time and stops another. Nothing fires; the
	// rate counts schedule+stop pairs.
	b.Run("churn/stop-immediately", func(b *testing.B) {
		e := sim.New(unbounded)
		h := &relay{e: e}
		for i := range 10_000 {
			e.After(time.Duration(sim.Mix(uint64(i), 1)%uint64(time.Second)), 0, h, 0)
		}
		b.ReportAllocs()
		var n uint64
		for b.Loop() {
			n++
			d := time.Duration(sim.Mix(n, 2) % uint64(time.Second))
			if !e.After(d, 0, h, 0).Stop() {
				b.Fatal("Stop() = false")
			}
		}
		reportRate(b, n)
	})
	b.Run("churn/stop-random", func(b *testing.B) {
		// A ring of timers is stopped and replaced in turn, so each Stop
		// removes an event from a random position in the heap.
		e := sim.New(unbounded)
		h := &relay{e: e}
		for i := range 10_000 {
			e.After(time.Duration(sim.Mix(uint64(i), 1)%uint64(time.Second)), 0, h, 0)
		}
		ring := make([]sim.Timer, 1024)
		var n uint64
		for i := range ring {
			n++
			ring[i] = e.After(time.Duration(sim.Mix(n, 2)%uint64(time.Second)), 0, h, 0)
		}
		b.ReportAllocs()
		n = 0
		for b.Loop() {
			i := n % uint64(len(ring))
			n++
			if !ring[i].Stop() {
				b.Fatal("Stop() = false")
			}
			ring[i] = e.After(time.Duration(sim.Mix(n, 3)%uint64(time.Second)), 0, h, 0)
		}
		reportRate(b, n)
	})
}
