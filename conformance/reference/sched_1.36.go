//go:build k8s1.36

package reference

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/profile"
)

// The parts of the scheduler's API that differ between releases, as
// v1.36 has them (see scheduler.go).

// wrapNext wraps the scheduling loop's wait for the next pod,
// Scheduler.NextPod.
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

// recorderFactory gives every profile the recorder r.
func recorderFactory(r eventRecorder) profile.RecorderFactory {
	return func(string) events.EventRecorderLogger { return r }
}

// RunScorePlugins records the nodes' total scores.
func (f *tracedFramework) RunScorePlugins(ctx context.Context, state fwk.CycleState, pod *corev1.Pod, nodes []fwk.NodeInfo) ([]fwk.NodePluginScores, *fwk.Status) {
	scores, st := f.Framework.RunScorePlugins(ctx, state, pod, nodes)
	if st.IsSuccess() {
		names, totals := make([]string, len(scores)), make([]int64, len(scores))
		for i, s := range scores {
			names[i], totals[i] = s.Name, s.TotalScore
		}
		f.t.scored(pod, names, totals)
	}
	return scores, st
}
