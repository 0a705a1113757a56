package main

// The Events kubectl describe lists for an object: jobsim's events of the
// object that Kubernetes records (see recorded), turned into the Event
// objects the API server would hold by the rules of the components that
// record them.
//
// The Job controller, the kubelet and the taint-eviction controller record
// through client-go's legacy recorder (tools/record, events_cache.go):
//   - an event equal to an earlier one (same source, object, type, reason
//     and message) updates it: its count goes up, its last timestamp moves;
//   - from the 10th distinct message of the same source, object, type and
//     reason within 10 minutes of each other, events are merged into one
//     "(combined from similar events): MESSAGE" event, which then counts
//     up like a repeat and shows the latest message;
//   - a source may send 25 events about an object in a burst, then one
//     per 5 minutes: the others are dropped.
//
// The scheduler records through events.k8s.io (tools/events): an event of
// the same type, reason, object and related object as one seen less than
// 6 minutes earlier adds to that one's series (its count and last
// observed time; its message stays the first one's). Such events have no
// lastTimestamp, so kubectl, which sorts by it, lists them first.
//
// The API server keeps an event for an hour after its last write
// (--event-ttl 1h): older ones are gone.
//
// Simplifications: the legacy aggregator forgets one message at random
// once it has 10; here it forgets the newest. A series ends here 6
// minutes after its last event; the scheduler checks every 6 minutes, so
// a real series may last up to 12.

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jobsim/jobsim"
	"github.com/jobsim/jobsim/manifest"
)

// kubeEvent is an Event object as the API server holds it at an instant.
type kubeEvent struct {
	typ, reason, message string
	from                 string // source.component or reportingController
	fieldPath            string // involvedObject.fieldPath: the container, for the kubelet's
	// first is firstTimestamp (eventTime for a series), last is
	// lastTimestamp (series.lastObservedTime).
	first, last time.Time
	count       int
	series      bool // recorded through events.k8s.io
}

// Components that record events, as kubectl's From column names them.
const (
	fromScheduler = manifest.SourceScheduler
	fromKubelet   = manifest.SourceKubelet
)

// The event recorders' constants (client-go tools/record and tools/events,
// kube-apiserver's --event-ttl).
const (
	aggregateMaxEvents = 10
	aggregateInterval  = 10 * time.Minute
	spamBurst          = 25
	spamRefill         = 5 * time.Minute // one token per
	seriesFinish       = 6 * time.Minute
	eventTTL           = time.Hour
)

// containerFieldPath is the field path the kubelet gives an event about
// one of the pod's containers, found by the name its message gives
// ("Started container NAME", "... failed container NAME in pod ..."), or
// "".
func containerFieldPath(msg string, containers, initContainers []string) string {
	_, rest, ok := strings.Cut(msg, "ontainer ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, " ")
	for _, c := range containers {
		if c == name {
			return "spec.containers{" + name + "}"
		}
	}
	for _, c := range initContainers {
		if c == name {
			return "spec.initContainers{" + name + "}"
		}
	}
	return ""
}

// tokenBucket is the legacy recorder's spam filter for one source and
// object: spamBurst tokens, refilled at one per spamRefill.
type tokenBucket struct {
	tokens float64
	last   time.Time
}

func (b *tokenBucket) take(t time.Time) bool {
	b.tokens = min(spamBurst, b.tokens+float64(t.Sub(b.last))/float64(spamRefill))
	b.last = t
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// kubeEvents returns the Event objects of the named object at v's
// instant, in kubectl describe's order, from v's events since the
// object's creation (an earlier object of the same name had its own).
// Pod events about a container get its field path: containers and
// initContainers name the pod's.
func kubeEvents(v *kubeView, kind, ns, name string, since time.Time, containers, initContainers []string) []kubeEvent {
	var all []*kubeEvent // in the order of creation
	stored := map[string]*kubeEvent{}
	logged := map[string]*kubeEvent{} // the recorder's memory of each: its count and first time
	type aggregate struct {
		messages map[string]bool
		last     time.Time
	}
	aggregates := map[string]*aggregate{}
	buckets := map[string]*tokenBucket{}
	series := map[string]*kubeEvent{}

	for _, ev := range v.events {
		if ev.Object.Kind != kind || ev.Object.Namespace != ns || ev.Object.Name != name || ev.Time.Before(since) {
			continue
		}
		ev, ok := manifest.Recorded(ev)
		if !ok {
			continue
		}
		from := manifest.EventSource(ev)
		typ := string(ev.Type)
		// An Event's timestamps are kept to the second, its eventTime
		// (events.k8s.io) to the microsecond.
		at := ev.Time.Truncate(time.Second)
		if from == fromScheduler {
			at = ev.Time.Truncate(time.Microsecond)
			key := typ + "\x00" + ev.Reason + "\x00" + ev.Related
			if e := series[key]; e != nil && at.Sub(e.last) < seriesFinish {
				e.count++
				e.last = at
				continue
			}
			e := &kubeEvent{typ: typ, reason: ev.Reason, message: ev.Message, from: from, first: at, last: at, count: 1, series: true}
			series[key] = e
			all = append(all, e)
			continue
		}

		fieldPath := ""
		if kind == jobsim.KindPod && from == fromKubelet {
			fieldPath = containerFieldPath(ev.Message, containers, initContainers)
		}
		msg := ev.Message
		aggKey := from + "\x00" + typ + "\x00" + ev.Reason
		a := aggregates[aggKey]
		if a == nil || ev.Time.Sub(a.last) > aggregateInterval {
			a = &aggregate{messages: map[string]bool{}}
			aggregates[aggKey] = a
		}
		a.last = ev.Time
		key := aggKey + "\x00" + fieldPath + "\x00" + msg
		if !a.messages[msg] {
			a.messages[msg] = true
			if len(a.messages) >= aggregateMaxEvents {
				delete(a.messages, msg)
				key, msg = aggKey, "(combined from similar events): "+msg
			}
		}
		l := logged[key]
		if l == nil {
			l = &kubeEvent{first: at}
			logged[key] = l
		}
		l.count++

		b := buckets[from+"\x00"+typ]
		if b == nil {
			b = &tokenBucket{tokens: spamBurst, last: ev.Time}
			buckets[from+"\x00"+typ] = b
		}
		if !b.take(ev.Time) {
			continue // dropped; the recorder has counted it all the same
		}
		e := stored[key]
		if e == nil {
			e = &kubeEvent{typ: typ, reason: ev.Reason, from: from, fieldPath: fieldPath}
			stored[key] = e
			all = append(all, e)
		}
		e.message, e.first, e.last, e.count = msg, l.first, at, l.count
	}

	var out []kubeEvent
	for _, e := range all {
		if v.now.Sub(e.last) <= eventTTL {
			out = append(out, *e)
		}
	}
	// kubectl sorts by lastTimestamp, which series events lack.
	sort.SliceStable(out, func(i, j int) bool { return sortTime(out[i]).Before(sortTime(out[j])) })
	return out
}

func sortTime(e kubeEvent) time.Time {
	if e.series {
		return time.Time{}
	}
	return e.last
}

// events prints the Events section as kubectl's DescribeEvents does: its
// own aligned table, each event's age with "(xN over AGE)" for repeats.
func (d *describer) events(evs []kubeEvent, now time.Time) {
	if len(evs) == 0 {
		d.w(0, "Events:\t<none>\n")
		return
	}
	d.flush()
	d.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
	d.w(1, "----\t------\t----\t----\t-------\n")
	for _, e := range evs {
		interval := kubeAge(e.first, now)
		if e.count > 1 {
			interval = kubeAge(e.last, now) + " (x" + strconv.Itoa(e.count) + " over " + interval + ")"
		}
		msg := strings.TrimSpace(e.message)
		if e.fieldPath != "" {
			msg = e.fieldPath + ": " + msg
		}
		d.w(1, "%s\t%s\t%s\t%s\t%s\n", e.typ, e.reason, interval, e.from, msg)
	}
}
