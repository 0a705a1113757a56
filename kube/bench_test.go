package kube_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/kube"
)

// BenchmarkControllerTest is the controller test of a user: 100 Jobs of
// 10 pods each (parallelism 10), whose pods run 10 to 60 s and fail one
// time in a hundred, created through the clientset, with informers on
// Jobs and pods receiving every change, until every Job has finished and
// the informers have seen it. It reports the pods per second, the watch
// events delivered, and the wall time per watch event.
func BenchmarkControllerTest(b *testing.B) {
	const jobs, pods = 100, 10
	var delivered atomic.Int64
	for b.Loop() {
		sim := kube.New(jobsim.Config{Start: start, Seed: 7}, kube.Options{Behavior: func(*batchv1.Job) jobsim.Behavior {
			return jobsim.Random{Min: 10 * time.Second, Max: time.Minute, FailProbability: 0.01, ExitCode: 1}
		}})
		cs := sim.Clientset()
		ctx, cancel := context.WithCancel(context.Background())
		f := informers.NewSharedInformerFactory(cs, 0)
		var finished atomic.Int64
		count := cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { delivered.Add(1) },
			UpdateFunc: func(any, any) { delivered.Add(1) },
			DeleteFunc: func(any) { delivered.Add(1) },
		}
		f.Core().V1().Pods().Informer().AddEventHandler(count)
		f.Batch().V1().Jobs().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: func(any) { delivered.Add(1) },
			UpdateFunc: func(_, obj any) {
				delivered.Add(1)
				if j := obj.(*batchv1.Job); condition(j, batchv1.JobComplete) != nil || condition(j, batchv1.JobFailed) != nil {
					finished.Add(1)
				}
			},
		})
		f.Start(ctx.Done())
		f.WaitForCacheSync(ctx.Done())
		for i := range jobs {
			if _, err := cs.BatchV1().Jobs("default").Create(ctx, job(fmt.Sprintf("job-%d", i), pods, pods), metav1.CreateOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		ok, err := sim.RunUntil(func(c *jobsim.Cluster) bool {
			for _, h := range c.Jobs() {
				if !h.Finished() {
					return false
				}
			}
			return true
		}, 24*time.Hour)
		if err != nil || !ok {
			b.Fatalf("the Jobs did not finish in a day: %v", err)
		}
		for finished.Load() < jobs {
			time.Sleep(100 * time.Microsecond)
		}
		cancel()
		f.Shutdown()
		sim.Close()
	}
	b.ReportMetric(float64(b.N*jobs*pods)/b.Elapsed().Seconds(), "pods/s")
	b.ReportMetric(float64(delivered.Load())/float64(b.N), "watch-events/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(delivered.Load()), "ns/watch-event")
}
