//go:build !k8s1.34

package reference

import fwk "k8s.io/kube-scheduler/framework"

// nodePluginScores is a node's scores as RunScorePlugins returns them
// (in the scheduler's own framework package in 1.34).
type nodePluginScores = fwk.NodePluginScores
