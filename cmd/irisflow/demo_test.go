package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/testenv"
)

// The demo is the product's main job end to end: real NATS JetStream (embedded),
// real PostgreSQL, a STOMP broker and both simulators.
func TestDemo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		stompURL string
	}{
		{"embedded broker", ""},
		{"activemq", activeMQURL(t)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			var out bytes.Buffer
			err := runDemo(ctx, &out, demoOptions{json: true, stompURL: c.stompURL, timeout: 3 * time.Minute, dbURL: testenv.Postgres(t)})
			if err != nil {
				t.Fatalf("demo failed: %v\n%s", err, out.String())
			}
			var res demoResult
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("demo --json: %v\n%s", err, out.String())
			}
			s := res.Summary
			if s.Unanswered != 0 || s.ErrorReplies != 0 || s.WritesPending != 0 || s.WritesFailed != 0 || s.DeadLetters != 0 {
				t.Fatalf("summary %+v", s)
			}
			notes := make([]string, len(res.Notes))
			for i, n := range res.Notes {
				notes[i] = n.Text
			}
			all := strings.Join(notes, "\n")
			for _, want := range []string{
				"Performed DomainTools Iris profile of int-chase.com",
				"Added equifaxbreachsettlement.com to DomainTools Table",
				"High Risk domain observed: int-chase.com, 92",
				"irisflow pivot on ip 45.77.148.62 (from int-chase.com)",
				"irisflow pivot on ssl_hash f17d5cd44c5e55827e7c4efd8896845e62e35b02 (from whoissuggest.com)",
				"Performed DomainTools Iris profile of whoissuggest.com",
			} {
				if !strings.Contains(all, want) {
					t.Errorf("no note %q", want)
				}
			}
			rows := map[string]int{}
			for _, r := range res.Rows {
				rows[r.Domain]++
			}
			for _, d := range []string{"int-chase.com", "thegreatwatermelonheist.blog", "icloud.com-asia.info", "equifaxbreachsettlement.com", "whoissuggest.com", "whoisapi.com"} {
				if rows[d] != 1 {
					t.Errorf("want exactly one row for %s, got %d", d, rows[d])
				}
			}
			values := map[string]int{}
			for _, a := range res.Artifacts {
				values[a.Value]++
			}
			for v, n := range values {
				if n != 1 {
					t.Errorf("artifact %s appears %d times", v, n)
				}
			}
			if values["whoisapi.com"] != 1 || values["int-suntrust.com"] != 1 {
				t.Errorf("pivots did not create the connected domains' artifacts: %v", values)
			}
			// Depth 1: artifacts irisflow created were profiled but never pivoted from.
			for _, n := range notes {
				if strings.Contains(n, "irisflow pivot on") && !strings.Contains(n, "(from int-chase.com)") && !strings.Contains(n, "(from whoissuggest.com)") {
					t.Errorf("a pivot ran from an artifact irisflow created: %s", strings.SplitN(n, "\n", 2)[0])
				}
			}
		})
	}
}

// activeMQURL is the real broker of the bridge tests (.ci/activemq.sh).
func activeMQURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("IRISFLOW_TEST_ACTIVEMQ_URL")
	if u == "" {
		u = "stomp://127.0.0.1:61613"
	}
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "stomp://"), 3*time.Second)
	if err != nil {
		t.Fatalf("no ActiveMQ STOMP broker at %s (%v): run .ci/activemq.sh or set IRISFLOW_TEST_ACTIVEMQ_URL", u, err)
	}
	_ = c.Close()
	return u
}

// A second run within the cache TTL, on the same database, through the same
// pipeline (STOMP broker, NATS, PostgreSQL, both simulators, a fresh Iris
// simulator counting from zero), makes no Iris request at all: every profile
// and pivot search comes from PostgreSQL.
func TestDemoSecondRunWithinTTLAsksIrisNothing(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	for run, wantRequests := range []func(int64) bool{
		func(n int64) bool { return n > 0 },
		func(n int64) bool { return n == 0 },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		var out bytes.Buffer
		err := runDemo(ctx, &out, demoOptions{json: true, timeout: 3 * time.Minute, dbURL: db})
		cancel()
		if err != nil {
			t.Fatalf("run %d: demo failed: %v\n%s", run+1, err, out.String())
		}
		var res demoResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("run %d: demo --json: %v\n%s", run+1, err, out.String())
		}
		s := res.Summary
		if s.Unanswered != 0 || s.ErrorReplies != 0 || s.DeadLetters != 0 {
			t.Fatalf("run %d: summary %+v", run+1, s)
		}
		if !wantRequests(s.IrisRequests) {
			t.Errorf("run %d: %d Iris requests (%d domains, %d pivot searches)", run+1, s.IrisRequests, s.IrisDomains, s.IrisSearches)
		}
	}
}
