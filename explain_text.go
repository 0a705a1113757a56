package jobsim

import (
	"fmt"
	"strings"
	"time"
)

// The plain-language explanation: sentences built from the facts of an
// Explanation, each keeping the events it rests on.

// maxLines is how many lines String prints without ExplainOptions.Full.
const maxLines = 15

// String returns the explanation in plain language: at most 15 lines
// unless ExplainOptions.Full asked for every detail.
func (ex *Explanation) String() string {
	var b strings.Builder
	lines := 0
	hidden := 0
	for _, s := range ex.Sentences {
		if s.Detail && !ex.full {
			hidden++
			continue
		}
		if !ex.full && lines == maxLines-1 {
			hidden++
			continue
		}
		b.WriteString(s.Text)
		b.WriteByte('\n')
		lines++
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "(%s more with the Full option)\n", plural(hidden, "line"))
	}
	return b.String()
}

// sentences builds the plain-language explanation.
func (ex *Explanation) sentences() []Sentence {
	var out []Sentence
	add := func(detail bool, events []int, format string, args ...any) {
		out = append(out, Sentence{Text: fmt.Sprintf(format, args...), Events: events, Detail: detail})
	}
	head := fmt.Sprintf("job/%s: %s", ex.Job, ex.Outcome)
	if ex.Reason != "" {
		head += " (" + ex.Reason + ")"
	}
	if ex.RecordedAt != 0 || ex.Outcome == OutcomeComplete || ex.Outcome == OutcomeFailed {
		head += " at " + span(ex.RecordedAt)
	}
	add(false, ex.Rule.Events, "%s, after %s.", head, span(ex.Makespan))
	add(false, ex.Rule.Events, "Why: %s.", ex.Rule.Text)
	if ex.NoHistory {
		return out
	}
	if ex.DecidedAt != 0 && ex.RecordedAt > ex.DecidedAt {
		term := 0
		for _, p := range ex.Pods {
			if p.DeletedBy == "job end" {
				term++
			}
		}
		add(false, ex.Rule.Events, "The outcome was certain at %s (%s); it was recorded at %s, once the %s deleted then had terminated.",
			span(ex.DecidedAt), interimOf(ex.Outcome), span(ex.RecordedAt), plural(term, "pod"))
	}
	add(false, nil, "Time: %s.", ex.Time.text()) // the pods' sentences cite the events
	out = append(out, ex.podSentences()...)
	for _, ip := range ex.Indexes {
		add(ip.Outcome != "Failed", ip.Events, "%s.", ip.Text)
	}
	out = append(out, ex.WhatIf.sentences(ex)...)
	return out
}

func interimOf(o Outcome) string {
	if o == OutcomeComplete {
		return "SuccessCriteriaMet"
	}
	return "FailureTarget"
}

func (tb TimeBreakdown) text() string {
	parts := []struct {
		name string
		d    time.Duration
	}{{"running", tb.Running}, {"backoff", tb.Backoff}, {"pending", tb.Pending}, {"terminating", tb.Terminating}, {"idle", tb.Idle}}
	var s []string
	for _, p := range parts {
		if p.d > 0 {
			s = append(s, p.name+" "+span(p.d))
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// podClause says one pod's part, without its name.
func podClause(p PodPart) string {
	var s string
	switch p.Fate {
	case FateSucceeded:
		s = "succeeded at " + span(p.Ended)
	case FateFailed:
		s = fmt.Sprintf("failed at %s (exit %d), a counted failure", span(p.Ended), p.ExitCode)
	case FateIgnored:
		s = fmt.Sprintf("failed at %s (exit %d), ignored by podFailurePolicy rule %d", span(p.Ended), p.ExitCode, p.Rule)
	case FateFailJob:
		s = fmt.Sprintf("failed at %s (exit %d), matching FailJob rule %d", span(p.Ended), p.ExitCode, p.Rule)
	case FateFailIndex:
		s = fmt.Sprintf("failed at %s (exit %d), matching FailIndex rule %d", span(p.Ended), p.ExitCode, p.Rule)
	case FateDeleted:
		s = "deleted"
		if p.Ended != 0 {
			s += " at " + span(p.Ended)
		}
		s += ", not counted"
	case FateUncounted:
		s = "ended at " + span(p.Ended) + ", not counted"
	case FateActive:
		s = "still active"
	}
	if p.Restarts > 0 {
		s += fmt.Sprintf(", after %s", plural(p.Restarts, "restart"))
	}
	if p.Disruption != "" {
		s += ", disrupted (" + p.Disruption + ")"
	}
	if p.DeletedBy != "" && p.DeletedBy != "disruption" {
		s += ", deleted by " + deletedText(p.DeletedBy)
	}
	if p.Pending >= time.Second {
		s += ", pending " + span(p.Pending)
		if p.PendingReason != "" {
			s += ": " + firstClause(p.PendingReason)
		}
	}
	if p.ReplacedBy != "" {
		s += fmt.Sprintf(", replaced by %s after %s", p.ReplacedBy, span(p.Backoff))
		if want := failureBackoff(p.Consecutive); p.Consecutive > 0 && p.Backoff >= want-time.Second {
			s += fmt.Sprintf(" (the backoff after the %s consecutive failure is %s)", ordinal(p.Consecutive), span(want))
		}
	}
	return s
}

func deletedText(by string) string {
	switch by {
	case "job end":
		return "the Job controller as the Job ended"
	case "scale-down":
		return "a scale-down"
	case "suspension":
		return "the suspension"
	case "user":
		return "a user"
	}
	return by
}

// firstClause keeps a scheduler message up to its first full stop.
func firstClause(msg string) string {
	if i := strings.Index(msg, ". "); i > 0 {
		return msg[:i]
	}
	return strings.TrimSuffix(msg, ".")
}

// podSentences says each pod's part: one sentence per pod for a job of
// at most 4 pods, else one per group of pods alike (same fate, deletion
// cause, disruption and rule), and, with Full, one per pod as well.
func (ex *Explanation) podSentences() []Sentence {
	var out []Sentence
	type key struct {
		fate                  Fate
		deletedBy, disruption string
		rule                  int
	}
	type group struct {
		key    key
		pods   []int // positions in ex.Pods
		events int
	}
	var groups []*group
	few := len(ex.Pods) <= 4
	for i := range ex.Pods {
		p := &ex.Pods[i]
		if few || ex.full {
			out = append(out, Sentence{Text: "Pod " + p.Name + ": " + podClause(*p) + ".", Events: p.Events, Detail: !few})
		}
		if few {
			continue
		}
		k := key{p.Fate, p.DeletedBy, p.Disruption, p.Rule}
		var g *group
		for _, h := range groups { // a few groups: a scan beats hashing
			if h.key == k {
				g = h
				break
			}
		}
		if g == nil {
			g = &group{key: k}
			groups = append(groups, g)
		}
		g.pods = append(g.pods, i)
		g.events += len(p.Events)
	}
	if few {
		return out
	}
	total := 0
	for _, g := range groups {
		total += g.events
	}
	buf := make([]int, 0, total) // every group's events, in one allocation
	for _, g := range groups {
		p := &ex.Pods[g.pods[0]]
		n := len(buf)
		for _, i := range g.pods {
			buf = append(buf, ex.Pods[i].Events...)
		}
		ev := buf[n:len(buf):len(buf)]
		if len(g.pods) == 1 {
			out = append(out, Sentence{Text: "Pod " + p.Name + ": " + podClause(*p) + ".", Events: ev})
			continue
		}
		out = append(out, Sentence{Text: fmt.Sprintf("%s (%s, ...): %s.", plural(len(g.pods), "pod"), p.Name, groupClause(ex.Pods, g.pods)), Events: ev})
	}
	return out
}

// groupClause sums up pods of one fate.
func groupClause(all []PodPart, idx []int) string {
	p := &all[idx[0]]
	var s string
	switch p.Fate {
	case FateSucceeded:
		s = "succeeded"
	case FateFailed:
		s = "counted failures"
	case FateIgnored:
		s = fmt.Sprintf("failures ignored by podFailurePolicy rule %d", p.Rule)
	case FateFailJob, FateFailIndex:
		s = fmt.Sprintf("failures matching %s rule %d", p.Fate, p.Rule)
	case FateDeleted, FateUncounted:
		s = "not counted"
	case FateActive:
		s = "still active"
	}
	if p.DeletedBy != "" && p.DeletedBy != "disruption" {
		s += ", deleted by " + deletedText(p.DeletedBy)
	}
	if p.Disruption != "" {
		s += ", disrupted (" + p.Disruption + ")"
	}
	var maxPend time.Duration
	reason := ""
	var backoffs []string
	for _, i := range idx {
		q := &all[i]
		if q.Pending > maxPend {
			maxPend, reason = q.Pending, q.PendingReason
		}
		if q.ReplacedBy != "" {
			backoffs = append(backoffs, span(q.Backoff))
		}
	}
	if maxPend >= time.Second {
		s += ", pending up to " + span(maxPend)
		if reason != "" {
			s += ": " + firstClause(reason)
		}
	}
	if len(backoffs) > 0 {
		if len(backoffs) > 6 {
			backoffs = append(backoffs[:6], "...")
		}
		s += ", replaced after " + strings.Join(backoffs, ", ")
	}
	return s
}
