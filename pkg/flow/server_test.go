package flow_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/irisflow/irisflow/pkg/flow"
	"github.com/irisflow/irisflow/pkg/testenv"
)

func TestCheckServerVersion(t *testing.T) {
	t.Parallel()
	for v, ok := range map[string]bool{
		"2.10.0": true, "2.15.2": true, "3.0.0": true, "2.11.0-RC.1": true, "v2.10.4": true,
		"2.9.10": false, "2.9.99": false, "1.4.1": false, "": false, "2.10": false, "banana": false,
	} {
		err := flow.CheckServerVersion(v)
		if ok != (err == nil) {
			t.Errorf("CheckServerVersion(%q) = %v", v, err)
		}
		if err != nil && (!errors.Is(err, flow.ErrServerTooOld) || !strings.Contains(err.Error(), flow.MinServerVersion)) {
			t.Errorf("error must say what is needed: %v", err)
		}
	}
}

// The embedded server the tests and the demo use is new enough.
func TestEmbeddedServerIsNewEnough(t *testing.T) {
	t.Parallel()
	nc, _ := testenv.StartNATS(t).Connect(t)
	if err := flow.CheckServerVersion(nc.ConnectedServerVersion()); err != nil {
		t.Fatal(err)
	}
}
