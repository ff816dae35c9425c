package flow

import (
	"fmt"
	"strings"
)

// Stream names.
const (
	StreamFN      = "FN"
	StreamWrites  = "WRITES"
	StreamReplies = "REPLIES"
	StreamDLQ     = "DLQ"
)

// Kind is the kind of work an FN message asks for; it is the last part of
// the subject fn.<org>.<kind>.
type Kind string

// The kinds of FN work.
const (
	KindProfile        Kind = "profile"
	KindFormat         Kind = "format"
	KindRisk           Kind = "risk"
	KindTags           Kind = "tags"
	KindAuto           Kind = "auto" // automatic playbook for an artifact event (ActionDataDTO)
	KindPivotsDiscover Kind = "pivots.discover"
	KindPivotsExecute  Kind = "pivots.execute"
	KindPivotsAuto     Kind = "pivots.auto" // discover + execute + artifacts + summary notes
)

// Kinds lists every kind, in a stable order.
var Kinds = []Kind{KindProfile, KindFormat, KindRisk, KindTags, KindAuto, KindPivotsDiscover, KindPivotsExecute, KindPivotsAuto}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// IsPivot reports whether the pivoter (rather than the enricher) owns k.
func (k Kind) IsPivot() bool { return strings.HasPrefix(string(k), "pivots.") }

// WriteKind says what a WRITES command creates in Resilient.
type WriteKind string

// The kinds of write.
const (
	WriteNote     WriteKind = "note"
	WriteRow      WriteKind = "row"
	WriteArtifact WriteKind = "artifact"
)

// FNSubject is the subject of FN work: fn.<org>.<kind>.
func FNSubject(org int64, k Kind) string { return fmt.Sprintf("fn.%d.%s", org, k) }

// WriteSubject is the subject of a write command: write.<org>.<incident>.<kind>.
func WriteSubject(org, incident int64, k WriteKind) string {
	return fmt.Sprintf("write.%d.%d.%s", org, incident, k)
}

// ReplySubject is the subject of a reply: reply.<org>.<destination>.
// Destination names are Resilient programmatic names ([a-z0-9_]); any other
// character is replaced so that the subject stays one token.
func ReplySubject(org int64, destination string) string {
	return fmt.Sprintf("reply.%d.%s", org, token(destination))
}

// DLQSubject is the subject of a dead letter from the named source
// (a stream name such as "FN", or "STOMP" for frames the bridge rejected).
func DLQSubject(source string) string { return "dlq." + strings.ToLower(token(source)) }

func token(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '*', '>', ' ', '\t', '\r', '\n':
			return '_'
		}
		return r
	}, s)
}
