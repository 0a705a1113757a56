//go:build !(js && wasm)

package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/benbjohnson/clock"
)

// BenchmarkHugeJobMemory runs the command on a Job of 10⁹ completions,
// 100000 at a time, for 60s of virtual time, printing the text output
// (about 600000 pods, each a few timeline lines) to nowhere. It reports
// pods/s, bytes allocated per pod, and the peak heap and resident set:
// they stay bounded by what the output keeps (the live pods, the first
// 1000 pods of the chart), not by the run. Run it alone for a meaningful
// peak RSS: go test ./cmd/jobsim -run '^$' -bench HugeJobMemory.
func BenchmarkHugeJobMemory(b *testing.B) {
	file := filepath.Join(b.TempDir(), "huge.yaml")
	manifest := "apiVersion: batch/v1\nkind: Job\nmetadata: {name: huge}\nspec:\n  completions: 1000000000\n  parallelism: 100000\n" +
		"  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n"
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		b.Fatal(err)
	}
	var peakHeap uint64
	var ms runtime.MemStats
	out := &sampler{every: 1 << 20, sample: func() {
		runtime.ReadMemStats(&ms)
		peakHeap = max(peakHeap, ms.HeapInuse)
	}}
	b.ResetTimer()
	for range b.N {
		var stderr strings.Builder
		code := Main([]string{"run", "--until", "60s", file}, env{
			stdin: strings.NewReader(""), stdout: out, stderr: &stderr,
			clock: clock.NewMock(), readFile: os.ReadFile,
			create: func(string) (io.WriteCloser, error) { return nil, os.ErrPermission },
		})
		if code != exitOK {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	b.StopTimer()
	// 100000 pods start at 0s, 10s, ... 50s, and those of 60s too.
	const pods = 700_000
	b.ReportMetric(float64(pods)*float64(b.N)/b.Elapsed().Seconds(), "pods/s")
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
	b.ReportMetric(float64(out.n)/float64(b.N)/(1<<20), "MB-printed")
}

// sampler discards what is written, counting it, and calls sample every
// every bytes.
type sampler struct {
	n, next, every int
	sample         func()
}

func (s *sampler) Write(p []byte) (int, error) {
	s.n += len(p)
	if s.n >= s.next {
		s.next = s.n + s.every
		s.sample()
	}
	return len(p), nil
}
