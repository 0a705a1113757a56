//go:build !k8s1.34 && !k8s1.35 && !k8s1.36

package reference

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/scheduler"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// wrapNext wraps the scheduling loop's wait for the next pod,
// Scheduler.NextEntity (NextPod before 1.37).
func wrapNext(s *scheduler.Scheduler, t *schedTracker) {
	next := s.NextEntity
	s.NextEntity = func(l klog.Logger) (e framework.QueuedEntityInfo, err error) {
		t.next(func() *corev1.Pod {
			e, err = next(l)
			if pi, ok := e.(*framework.QueuedPodInfo); ok && pi != nil {
				return pi.Pod
			}
			return nil
		})
		return e, err
	}
}
