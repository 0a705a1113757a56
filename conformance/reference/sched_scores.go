//go:build k8s1.34

package reference

import "k8s.io/kubernetes/pkg/scheduler/framework"

// nodePluginScores is a node's scores as RunScorePlugins returns them
// (in kube-scheduler/framework from 1.35).
type nodePluginScores = framework.NodePluginScores
