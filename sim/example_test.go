package sim_test

import (
	"fmt"
	"time"

	"github.com/jobsim/jobsim/sim"
)

// Classes used by the examples: at the same instant, state changes are
// applied before observers look at them.
const (
	classUpdate sim.Class = iota
	classObserve
)

// printer is a long-lived Handler: the arg selects which name to print.
type printer struct {
	e     *sim.Engine
	names []string
}

func (p *printer) Fire(arg uint64) {
	fmt.Println(p.e.Now().Format("15:04:05"), p.names[arg])
}

// Events fire in order of time; at the same instant, in order of class; and
// within a class, in the order they were scheduled.
func Example() {
	e := sim.New(sim.Config{Epoch: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)})
	p := &printer{e: e, names: []string{
		"observe A", "update A", "update B", "observe B", "late update",
	}}

	e.After(time.Second, classObserve, p, 0) // scheduled first, but observes
	e.After(time.Second, classUpdate, p, 1)
	e.After(time.Second, classUpdate, p, 2)
	e.After(2*time.Second, classObserve, p, 3)
	e.AfterFunc(1500*time.Millisecond, classUpdate, func() {
		// Events may schedule more events.
		e.After(500*time.Millisecond, classUpdate, p, 4)
	})

	if err := e.Run(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("fired:", e.Fired()) // the five above and the AfterFunc
	// Output:
	// 09:00:01 update A
	// 09:00:01 update B
	// 09:00:01 observe A
	// 09:00:02 late update
	// 09:00:02 observe B
	// fired: 6
}

func ExampleEngine_RunUntil() {
	e := sim.New(sim.Config{})
	tick := func(name string) func() {
		return func() { fmt.Println(e.Elapsed(), name) }
	}
	e.AfterFunc(1*time.Second, 0, tick("a"))
	e.AfterFunc(2*time.Second, 0, tick("b (exactly at the end: fires)"))
	e.AfterFunc(3*time.Second, 0, tick("c"))

	if err := e.RunUntil(e.Epoch().Add(2 * time.Second)); err != nil {
		fmt.Println(err)
	}
	fmt.Println("now", e.Elapsed(), "pending", e.Len())

	// With nothing due in the window, time still moves to its end.
	if err := e.Advance(500 * time.Millisecond); err != nil {
		fmt.Println(err)
	}
	fmt.Println("now", e.Elapsed(), "pending", e.Len())
	// Output:
	// 1s a
	// 2s b (exactly at the end: fires)
	// now 2s pending 1
	// now 2.5s pending 1
}

func ExampleTimer_Stop() {
	e := sim.New(sim.Config{})
	timeout := e.AfterFunc(30*time.Second, 0, func() { fmt.Println("timed out") })
	e.AfterFunc(10*time.Second, 0, func() {
		fmt.Println("reply at", e.Elapsed())
		fmt.Println("stopped:", timeout.Stop())
		fmt.Println("stopped again:", timeout.Stop())
	})
	if err := e.Run(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("done at", e.Elapsed())
	// Output:
	// reply at 10s
	// stopped: true
	// stopped again: false
	// done at 10s
}

func ExampleEngine_Rand() {
	e := sim.New(sim.Config{Seed: 1})
	pods := e.Rand("pods")
	nodes := e.Rand("nodes")
	for range 3 {
		fmt.Println("pods", pods.IntN(100), "nodes", nodes.IntN(100))
	}

	// The "pods" stream depends only on the seed and its name: drawing
	// from other streams, or creating them, does not shift it.
	again := sim.New(sim.Config{Seed: 1}).Rand("pods")
	fmt.Println("pods again", again.IntN(100), again.IntN(100), again.IntN(100))
	// Output:
	// pods 32 nodes 70
	// pods 66 nodes 47
	// pods 75 nodes 37
	// pods again 32 66 75
}
