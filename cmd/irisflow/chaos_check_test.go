//go:build chaos

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/resilient"
	soarsim "github.com/irisflow/irisflow/sim/resilient/soar"
)

// secret is a credential that must appear in no reply, log line or dead
// letter.
type secret struct{ name, value string }

// leak is where a secret was found.
type leak struct{ secret, where string }

// findSecrets reports every occurrence of a secret in b, named where.
func findSecrets(b []byte, where string, secrets []secret) []leak {
	var out []leak
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s.value)) {
			out = append(out, leak{s.name, where})
		}
	}
	return out
}

// replyScan is what SOAR received for every invocation it sent (the bench's
// own and the artifact rule's follow-ups), from the simulators' records.
type replyScan struct {
	finals int // final replies received, duplicates included
	leaks  []leak
	errors []string // the first few error replies, for the report
}

func scanReplies(soars []*soarsim.SOAR, secrets []secret) replyScan {
	var r replyScan
	for _, s := range soars {
		for _, inv := range s.Sent() {
			for _, src := range soars {
				for _, a := range src.Replies(inv.CorrelationID) {
					if a.Complete {
						r.finals++
						if a.MessageType == resilient.MessageError && len(r.errors) < 5 {
							r.errors = append(r.errors, fmt.Sprintf("%s: %s", inv.CorrelationID, a.Message))
						}
					}
					b, _ := json.Marshal(a)
					r.leaks = append(r.leaks, findSecrets(b, "reply to "+inv.CorrelationID, secrets)...)
				}
			}
		}
	}
	return r
}

// scanLogs looks for the secrets in every service process's log, line by
// line.
func scanLogs(logs map[string]string, secrets []secret) ([]leak, error) {
	var out []leak
	for _, name := range sortedKeys(logs) {
		b, err := os.ReadFile(logs[name])
		if err != nil {
			return out, err
		}
		for i, line := range bytes.Split(b, []byte("\n")) {
			out = append(out, findSecrets(line, fmt.Sprintf("%s log line %d", name, i+1), secrets)...)
		}
	}
	return out, nil
}

// deadLetters reads the whole DLQ stream: its records, each scanned for
// the secrets, and a count per reason (the first 80 characters).
func deadLetters(ctx context.Context, js jetstream.JetStream, secrets []secret) (n int, reasons map[string]int, leaks []leak, err error) {
	reasons = map[string]int{}
	s, err := js.Stream(ctx, flow.StreamDLQ)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("dlq: %w", err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("dlq: %w", err)
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return n, reasons, leaks, fmt.Errorf("dlq: message %d: %w", seq, err)
		}
		n++
		leaks = append(leaks, findSecrets(m.Data, fmt.Sprintf("dead letter %d (%s)", seq, m.Subject), secrets)...)
		for _, v := range m.Header {
			for _, h := range v {
				leaks = append(leaks, findSecrets([]byte(h), fmt.Sprintf("dead letter %d header", seq), secrets)...)
			}
		}
		var dl flow.DeadLetter
		reason := "undecodable dead letter"
		if json.Unmarshal(m.Data, &dl) == nil {
			reason = dl.Source + ": " + dl.Reason
			// The original message is base64 in the record's JSON.
			leaks = append(leaks, findSecrets(dl.Data, fmt.Sprintf("dead letter %d: the original message", seq), secrets)...)
		}
		if len(reason) > 80 {
			reason = reason[:80]
		}
		reasons[reason]++
	}
	return n, reasons, leaks, nil
}

// chaosCounts are the figures of a run.
type chaosCounts struct {
	Invocations, FollowUps, Finals, Writes              int
	DuplicateReplies, DuplicateWrites, Lost, LostWrites int
	ErrorReplies, DeadLetters                           int
	IrisRequests, Iris5xx                               int64
	// ResentFinals are the duplicate replies explained by a link that
	// died before a final's RECEIPT (in DuplicateReplies too).
	ResentFinals int
	Kinds        map[string]int
	// StartedAgain: restarted processes that exited before they were
	// ready (a dependency down) and were started again.
	StartedAgain map[string]int
}

// chaosTable is the report: the faults as they happened and the counts.
func chaosTable(faults []faultDone, c chaosCounts, seconds float64) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tTOOK\tFAULT")
	for _, f := range faults {
		line := fmt.Sprintf("%6.1fs\t%5.1fs\t%s", f.at.Seconds(), f.took.Seconds(), f.what)
		if f.err != nil {
			line += " — FAILED: " + f.err.Error()
		}
		fmt.Fprintln(tw, line)
	}
	_ = tw.Flush()
	if len(c.StartedAgain) > 0 {
		var parts []string
		for _, name := range sortedKeys(c.StartedAgain) {
			parts = append(parts, fmt.Sprintf("%s ×%d", name, c.StartedAgain[name]))
		}
		fmt.Fprintf(&b, "started again after exiting before ready (PostgreSQL or NATS down at start): %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "\nload %.0fs: %d invocations (%s) + %d follow-ups (artifact rule)\n", seconds, c.Invocations, kindsString(c.Kinds), c.FollowUps)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "invocations\tfinal replies\twrites\tduplicate replies (re-sent)\tduplicate writes\tmissing replies\tmissing writes\terror replies\tdead letters\tIris requests (5xx)\t")
	fmt.Fprintf(tw, "%d\t%d\t%d\t%d (%d)\t%d\t%d\t%d\t%d\t%d\t%d (%d)\t\n", c.Invocations+c.FollowUps, c.Finals, c.Writes,
		c.DuplicateReplies, c.ResentFinals, c.DuplicateWrites, c.Lost, c.LostWrites, c.ErrorReplies, c.DeadLetters, c.IrisRequests, c.Iris5xx)
	_ = tw.Flush()
	return b.String()
}

func kindsString(k map[string]int) string {
	var parts []string
	for _, name := range sortedKeys(k) {
		parts = append(parts, fmt.Sprintf("%s %d", name, k[name]))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
