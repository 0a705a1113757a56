//go:build k8s1.34 || k8s1.35

package reference

import (
	"k8s.io/client-go/tools/events"
	"k8s.io/kubernetes/pkg/scheduler/profile"
)

// recorderFactory gives every profile the recorder r (an EventRecorder
// before 1.36, an EventRecorderLogger from then).
func recorderFactory(r eventRecorder) profile.RecorderFactory {
	return func(string) events.EventRecorder { return r }
}
