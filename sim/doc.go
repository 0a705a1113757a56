// Package sim is a deterministic discrete-event engine: it keeps a queue of
// events, each due at a point in virtual time, and fires them one at a time
// in a fixed order, moving a virtual clock from one event to the next. Given
// the same seed and the same sequence of calls, a simulation built on it
// fires the same events in the same order at the same virtual times, on
// every run and every platform. The package knows nothing about what it
// simulates; callers supply the events.
//
// The main entry points:
//
//   - [New] and [Config] create an [Engine] with an epoch, a seed and an
//     event limit.
//   - [Engine.At], [Engine.After] and [Engine.AfterFunc] schedule an event
//     and return a [Timer]. An event is a [Handler] and a uint64 argument,
//     so one long-lived Handler can serve many events without allocating;
//     [HandlerFunc] adapts a plain function.
//   - [Timer.Stop] cancels a scheduled event; [Timer.Pending] and
//     [Timer.When] inspect it.
//   - [Engine.Step], [Engine.Run], [Engine.RunUntil] and [Engine.Advance]
//     fire events.
//   - [Engine.Now], [Engine.Elapsed], [Engine.Len], [Engine.Next] and
//     [Engine.Fired] report the clock and the queue.
//   - [Engine.Rand], [NewSource], [Hash] and [Mix] give reproducible random
//     numbers.
//
// # Determinism
//
// Events are ordered by the key (time, class, sequence). An event due
// earlier always fires before one due later, whatever their classes. Events
// due at the same instant fire in increasing order of [Class]. Events due at
// the same instant in the same class fire in the order they were scheduled:
// the engine numbers every event it schedules from one counter, and that
// number is the sequence. The order never depends on map iteration,
// pointer values, goroutine scheduling or the wall clock.
//
// Stopping an event removes it from the queue; the relative order of the
// others is unchanged.
//
// A callback may schedule further events, including at its own instant.
// They are queued like any other: each fires after the running callback
// returns, in its place by key. So an event scheduled at the current
// instant in a lower class than the running event's fires before every
// other event pending at that instant.
//
// Random numbers come from named streams. [Engine.Rand] returns a generator
// whose draws depend only on the engine's seed and the stream's name (see
// [NewSource]), so creating another stream, or drawing more or fewer
// numbers from one, never shifts the draws of any other. Zero is a valid
// seed like any other. Each call of Rand starts the stream afresh, so a
// component should create its generator once and keep it. The streams use
// math/rand/v2's PCG, whose definition does not depend on the platform, so
// a seed and a name give the same numbers everywhere; the Go project treats
// a change in those numbers between releases as a regression.
//
// # Time
//
// Virtual time is a [time.Time]: the engine's epoch ([Config.Epoch], by
// default the Unix epoch in UTC) plus a [time.Duration] of elapsed virtual
// time, so a simulation can span up to about 292 years from its epoch.
// Virtual time never moves backwards. It moves only when the engine fires
// an event or finishes a RunUntil or Advance call, never while a callback
// runs.
//
// While an event fires, [Engine.Now] is that event's time: a callback sees
// its own instant, and [Engine.After] in a callback is relative to it.
// Between calls, Now is where the engine last stopped: after an
// [Engine.Step] or [Engine.Run] that fired events, the time of the last
// one.
//
// [Engine.RunUntil](t) fires every event due at or before t, including
// events that those events schedule for times up to t, and then moves Now
// to t, even if no event was due at all. [Engine.Advance](d) is
// RunUntil(Now()+d). This is how a simulation lets a stretch of virtual
// time pass.
//
// # Errors
//
// Misuse is a bug in the caller, and the engine panics on it. It panics
// when asked to schedule an event before Now ([Engine.At]), to schedule
// with a negative duration ([Engine.After], [Engine.AfterFunc]), to advance
// by a negative duration ([Engine.Advance]), to run until a time before Now
// ([Engine.RunUntil]), or to schedule a nil [Handler]. The panic value is
// a string naming the problem, prefixed "sim: " like the package's errors:
// for example "sim: nil Handler". A call that panics leaves the engine as
// it was.
//
// The event limit is the only error. An engine fires at most
// [Config.MaxEvents] events in its lifetime ([DefaultMaxEvents] if that is
// zero), which stops a simulation that would otherwise never end. Once the
// limit is reached, Step, Run, RunUntil and Advance fire nothing more:
// whenever one of them has an event due that it would otherwise fire, it
// returns an error wrapping [ErrEventLimit] instead. Test for it with
// [errors.Is](err, ErrEventLimit). RunUntil and Advance then leave Now at
// the last event fired rather than moving it to the end of the window. The
// engine stays usable for inspection: Now, Len, Next, Fired and the Timers
// still answer, and Stop still works.
//
// # Concurrency
//
// The engine starts no goroutines, takes no locks and never reads the wall
// clock. Callbacks run synchronously, one at a time, on the goroutine that
// called Step, Run, RunUntil or Advance. An Engine and its Timers are not
// safe for concurrent use: use each Engine from one goroutine at a time.
// Separate Engines share nothing and may run in parallel.
package sim
