//go:build k8s1.34 || k8s1.35 || k8s1.36

package reference

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/scheduler"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// wrapNext wraps the scheduling loop's wait for the next pod,
// Scheduler.NextPod (NextEntity from 1.37).
func wrapNext(s *scheduler.Scheduler, t *schedTracker) {
	next := s.NextPod
	s.NextPod = func(l klog.Logger) (e *framework.QueuedPodInfo, err error) {
		t.next(func() *corev1.Pod {
			e, err = next(l)
			if e != nil {
				return e.Pod
			}
			return nil
		})
		return e, err
	}
}
