//go:build k8s1.34

package reference

import "github.com/jobsim/jobsim"

// Version is the Kubernetes release this build runs: the one of
// k8s/1.34.mod (build tag k8s1.34).
const Version = jobsim.V1_34

// QueueLoopsLinger: client-go v0.34's work queues end their
// unfinished-work loop only at the first tick of the queue's clock after
// ShutDown, and the controller gives its queues the run's virtual clock,
// which stops with the run. Those goroutines park for ever; v0.35 ends
// them at ShutDown.
const QueueLoopsLinger = true
