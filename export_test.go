package jobsim

// AuditCounts makes c recompute, after every event, each count it keeps
// of its pods (active, ready, terminating, restarts, per index, the pods a
// sync looks at). The function it returns checks once more, now, and
// returns the first difference found since the audit began, or nil.
func AuditCounts(c *Cluster) func() error {
	var first error
	c.audit = func() {
		if first == nil {
			first = c.checkCounts()
		}
	}
	return func() error {
		if first == nil {
			first = c.checkCounts()
		}
		return first
	}
}

// ValidateNeverPanicsProperty is the property of
// TestValidateNeverPanicsProperty, for the replay of its failure files.
var ValidateNeverPanicsProperty = validateNeverPanicsProperty
