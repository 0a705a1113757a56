//go:build k8s1.35

package reference

import "github.com/jobsim/jobsim"

// Version is the Kubernetes release this build runs: the one of
// k8s/1.35.mod (build tag k8s1.35).
const Version = jobsim.V1_35

// QueueLoopsLinger: the work queues of this release's client-go end all
// their goroutines at ShutDown (see release_1.34.go).
const QueueLoopsLinger = false
