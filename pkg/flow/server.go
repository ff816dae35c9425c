package flow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MinServerVersion is the oldest nats-server irisflow runs on: the enricher's
// and pivoter's durable consumers filter on several subjects, which JetStream
// supports since 2.10.
const MinServerVersion = "2.10.0"

// ErrServerTooOld is returned by CheckServerVersion.
var ErrServerTooOld = errors.New("nats-server too old")

// CheckServerVersion fails, saying what to do, when version (as the server
// reports it, e.g. "2.9.10" or "2.11.0-RC.1") is older than MinServerVersion.
func CheckServerVersion(version string) error {
	have, ok := parseVersion(version)
	want, _ := parseVersion(MinServerVersion)
	if !ok {
		return fmt.Errorf("%w: cannot read its version %q; irisflow needs %s or newer", ErrServerTooOld, version, MinServerVersion)
	}
	for i := range want {
		if have[i] != want[i] {
			if have[i] < want[i] {
				return fmt.Errorf("%w: it is %s; irisflow needs %s or newer (JetStream consumers with several filter subjects): upgrade nats-server", ErrServerTooOld, version, MinServerVersion)
			}
			return nil
		}
	}
	return nil
}

func parseVersion(v string) ([3]int, bool) {
	var out [3]int
	v, _, _ = strings.Cut(strings.TrimPrefix(v, "v"), "-")
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, false
		}
		out[i] = n
	}
	return out, true
}
