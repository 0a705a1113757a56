package sweep

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Options say which seeds a sweep runs, and how.
type Options struct {
	// First and N: the seeds First, First+1, ... First+N-1. N must be
	// positive.
	First, N uint64
	// Workers is how many goroutines run simulations, each with its own
	// state (see Run); 0 means one per core (runtime.GOMAXPROCS).
	Workers int
	// Each, if not nil, is given every sample in seed order, on the
	// goroutine that called Run, as soon as the samples before it are
	// done: a stream whose order does not depend on Workers.
	Each func(Sample) error
	// Progress, if not nil, is told how many seeds are done, in the
	// same way.
	Progress func(done uint64)
	// Keep: whether the returned Summary holds the samples. Without it a
	// sweep's memory does not grow with N (use Each).
	Keep bool
}

// chunk is how many consecutive seeds a worker takes at a time.
const chunk = 64

// Run runs f once per seed of o and returns the summary of the samples
// (empty unless o.Keep). Each worker calls newWorker once for a state of
// its own (a cluster to reuse, say) and hands it to f with each of its
// seeds; workers share nothing else. f must be a function of its seed
// (and of its state only as far as reuse goes): then the summary and
// the stream given to o.Each are the same for any number of workers.
//
// If f fails, the sweep stops and Run returns the error of the lowest
// seed that failed, with the samples of the seeds before it delivered:
// the same error whatever the number of workers.
func Run[W any](o Options, newWorker func() W, f func(w W, seed uint64) (Sample, error)) (*Summary, error) {
	if o.N == 0 {
		return nil, fmt.Errorf("sweep: no seeds to run (N is 0)")
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunks := (o.N + chunk - 1) / chunk
	workers = int(min(uint64(workers), chunks))

	type result struct {
		samples []Sample
		err     error
		errSeed uint64
	}
	// At most window chunks are run ahead of the one the caller waits
	// for, each in its slot: the memory of a sweep does not grow with N.
	// A worker holds a token while its chunk is taken and not yet
	// consumed; the chunks in flight are then consecutive, fewer than
	// window, and their slots distinct.
	window := uint64(4 * workers)
	slots := make([]chan result, window)
	for i := range slots {
		slots[i] = make(chan result, 1)
	}
	tokens := make(chan struct{}, window)
	var next atomic.Uint64
	// failed is the lowest chunk known to have failed: the chunks after it
	// need not run, those before it all must (one of them may fail too,
	// and then its error is the one to report).
	var failed atomic.Uint64
	failed.Store(math.MaxUint64)
	fail := func(i uint64) {
		for {
			f := failed.Load()
			if i >= f || failed.CompareAndSwap(f, i) {
				return
			}
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker()
			for {
				tokens <- struct{}{}
				i := next.Add(1) - 1
				if i >= chunks {
					<-tokens
					return
				}
				if i > failed.Load() {
					slots[i%window] <- result{}
					continue
				}
				from := o.First + i*chunk
				n := min(chunk, o.N-i*chunk)
				r := result{samples: make([]Sample, 0, n)}
				for seed := from; seed < from+n; seed++ {
					s, err := f(w, seed)
					if err != nil {
						r.err, r.errSeed = err, seed
						fail(i)
						break
					}
					s.Seed = seed
					r.samples = append(r.samples, s)
				}
				slots[i%window] <- r
			}
		}()
	}
	sum := &Summary{}
	var err error
	var count uint64
	for i := range chunks {
		r := <-slots[i%window]
		<-tokens
		if err != nil {
			continue // drain, so that every worker can finish
		}
		for _, s := range r.samples {
			if o.Keep {
				sum.Add(s)
			}
			if o.Each != nil {
				if e := o.Each(s); e != nil && err == nil {
					err = e
					fail(uint64(i))
					break
				}
			}
			count++
		}
		if err == nil && r.err != nil {
			err = fmt.Errorf("seed %d: %w", r.errSeed, r.err)
		}
		if err == nil && o.Progress != nil {
			o.Progress(count)
		}
	}
	wg.Wait()
	return sum, err
}
