package jobsim

import "errors"

// RemoveSchedulingGates removes the named gates from a pod's
// spec.schedulingGates, as a client's update of the pod would; the
// scheduler considers the pod once it has none left.
//
// This is a placeholder until the scheduler simulates scheduling gates:
// it changes nothing and always returns an error.
func (c *Cluster) RemoveSchedulingGates(ns, pod string, gates ...string) error {
	return errors.New("scheduling gates: not simulated yet")
}
