package broker_test

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3"
	"github.com/go-stomp/stomp/v3/frame"

	"github.com/irisflow/irisflow/pkg/testenv"
	"github.com/irisflow/irisflow/sim/broker"
)

// rawConnect sends one CONNECT with the given headers to addr and returns
// the broker's answer, with the connection and its reader.
func rawConnect(t *testing.T, addr string, headers ...string) (*frame.Frame, net.Conn, *frame.Reader) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	if err := frame.NewWriter(nc).Write(frame.New(frame.CONNECT, append([]string{frame.AcceptVersion, "1.2", frame.Host, "localhost"}, headers...)...)); err != nil {
		t.Fatal(err)
	}
	r := frame.NewReader(nc)
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		f, err := r.Read()
		if err != nil {
			t.Fatalf("no answer to CONNECT: %v", err)
		}
		if f != nil { // nil: a heart-beat (ActiveMQ may write one at once)
			return f, nc, r
		}
	}
}

func activeMQAddr(t *testing.T) string {
	u, err := url.Parse(testenv.ActiveMQ(t))
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// CONNECTED's heart-beat answers the request reversed, on the embedded
// broker as on the real ActiveMQ (5.17.2 here; the recorded
// resilient-circuits session, resilient-python-api
// resilient-sdk/tests/shared_mock_data/mock_app.log, shows ActiveMQ 5.15.14
// answering 0,15000 with 15000,0). The broker used to answer 10000,10000
// to everything.
func TestHeartBeatAnswerAsActiveMQ(t *testing.T) {
	t.Parallel()
	tests := []struct{ request, answer string }{
		{"0,15000", "15000,0"}, // resilient-circuits' request
		{"15000,15000", "15000,15000"},
		{"5000,0", "0,5000"},
		{"1000,20000", "20000,1000"},
		{"0,0", "0,0"},
		{"", "0,0"}, // no heart-beat header
	}
	addrs := map[string]string{"embedded": start(t).Addr(), "activemq": activeMQAddr(t)}
	for kind, addr := range addrs {
		for _, tt := range tests {
			var h []string
			if tt.request != "" {
				h = []string{frame.HeartBeat, tt.request}
			}
			f, _, _ := rawConnect(t, addr, append(h, frame.Login, testLogin, frame.Passcode, testPasscode)...)
			if f.Command != frame.CONNECTED || f.Header.Get(frame.HeartBeat) != tt.answer {
				t.Errorf("%s: heart-beat:%q answered %s heart-beat:%q, want CONNECTED %q", kind, tt.request, f.Command, f.Header.Get(frame.HeartBeat), tt.answer)
			}
		}
	}
}

// The broker writes a heart-beat only when its periodic check finds
// nothing written since the previous one, so the first heart-beat after
// CONNECTED comes about twice the interval later, as from ActiveMQ
// (AMQ-4710; seen on ActiveMQ 5.17.2 here: CONNECT heart-beat:15000,15000,
// heart-beats 30, 45, 60, 75 s after CONNECTED). A client that tolerates
// only one interval is caught here as it would be on ActiveMQ.
func TestHeartBeatGapAfterAFrame(t *testing.T) {
	t.Parallel()
	const interval = time.Second
	b := start(t)
	f, nc, r := rawConnect(t, b.Addr(), frame.HeartBeat, "0,1000", frame.Login, testLogin, frame.Passcode, testPasscode)
	connected := time.Now()
	if f.Command != frame.CONNECTED {
		t.Fatalf("got %s", f.Command)
	}
	var beats []time.Duration
	for len(beats) < 2 {
		_ = nc.SetReadDeadline(time.Now().Add(10 * interval))
		hb, err := r.Read()
		if err != nil {
			t.Fatalf("after %v: %v", beats, err)
		}
		if hb != nil {
			t.Fatalf("got %s, want heart-beats", hb.Command)
		}
		beats = append(beats, time.Since(connected))
	}
	if beats[0] < 3*interval/2 {
		t.Errorf("first heart-beat %v after CONNECTED, want about 2×%v (ActiveMQ's check skips the interval in which CONNECTED was written)", beats[0], interval)
	}
	if gap := beats[1] - beats[0]; gap < interval/2 {
		t.Errorf("heart-beats %v apart, want about %v", gap, interval)
	}
}

// Heart-beats both ways keep an idle connection open for many intervals.
func TestHeartBeatsKeepIdleConnection(t *testing.T) {
	t.Parallel()
	b := start(t)
	c := dial(t, b, stomp.ConnOpt.HeartBeat(500*time.Millisecond, 500*time.Millisecond))
	sub, err := c.Subscribe("q", stomp.AckAuto)
	if err != nil {
		t.Fatal(err)
	}
	none(t, sub, 3*time.Second) // idle for six intervals: the condition under test
	if err := c.Send("q", "", []byte("x"), stomp.SendOpt.Receipt); err != nil {
		t.Fatalf("send after idle: %v", err)
	}
	if m := read(t, sub); string(m.Body) != "x" {
		t.Fatalf("got %q", m.Body)
	}
}

// CONNECT is checked against the broker's users as SOAR's ActiveMQ checks
// API keys: a wrong or missing login gets an ERROR frame with the message
// of ActiveMQ's SimpleAuthenticationBroker / JaasAuthenticationBroker
// ("User name [<login>] or password is invalid.") and the connection is
// closed. The broker used to accept "login:irisflow-key passcode:wrong-secret".
// WithAnonymous accepts any login; a broker with neither is refused at Start.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	b := start(t, broker.WithUsers(map[string]string{"irisflow-key": "irisflow-secret", "admin@example.com": "pw"}))
	tests := []struct {
		name            string
		login, passcode string
		refused         string // the ERROR message; "" for CONNECTED
	}{
		{"api key", "irisflow-key", "irisflow-secret", ""},
		{"user", "admin@example.com", "pw", ""},
		{"test user", testLogin, testPasscode, ""},
		{"wrong secret", "irisflow-key", "wrong-secret", "User name [irisflow-key] or password is invalid."},
		{"unknown key", "other-key", "irisflow-secret", "User name [other-key] or password is invalid."},
		{"no login", "", "", "User name [] or password is invalid."},
	}
	for _, tt := range tests {
		var h []string
		if tt.login != "" {
			h = []string{frame.Login, tt.login, frame.Passcode, tt.passcode}
		}
		f, nc, r := rawConnect(t, b.Addr(), h...)
		if tt.refused == "" {
			if f.Command != frame.CONNECTED {
				t.Errorf("%s: got %s %q, want CONNECTED", tt.name, f.Command, f.Header.Get(frame.Message))
			}
			continue
		}
		if f.Command != frame.ERROR || f.Header.Get(frame.Message) != tt.refused {
			t.Errorf("%s: got %s %q, want ERROR %q", tt.name, f.Command, f.Header.Get(frame.Message), tt.refused)
			continue
		}
		_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := r.Read(); err == nil || strings.Contains(err.Error(), "timeout") {
			t.Errorf("%s: the connection stayed open after the ERROR (%v)", tt.name, err)
		}
	}

	anon := start(t, broker.WithAnonymous())
	if f, _, _ := rawConnect(t, anon.Addr(), frame.Login, "anyone", frame.Passcode, "anything"); f.Command != frame.CONNECTED {
		t.Errorf("WithAnonymous refused a login: %s", f.Header.Get(frame.Message))
	}
	if nb, err := broker.Start("127.0.0.1:0"); err == nil {
		nb.Close()
		t.Error("Start without users nor WithAnonymous succeeded")
	}
}

// Every MESSAGE carries JMSXUserID, the sender's login, set by the broker
// whatever the sender wrote, as ActiveMQ does with populateJMSXUserID (the
// recorded function frame from SOAR's broker, resilient-python-api
// resilient-sdk/tests/shared_mock_data/mock_app.log, carries
// "JMSXUserID: SYSTEM"). The broker used to set none.
func TestJMSXUserIDIsTheSendersLogin(t *testing.T) {
	t.Parallel()
	b := start(t, broker.WithUser("SYSTEM", "soar"))
	sender := dial(t, b, stomp.ConnOpt.Login("SYSTEM", "soar"))
	c := dial(t, b)
	sub, err := c.Subscribe("actions.201.dt", stomp.AckAuto)
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send("actions.201.dt", "", []byte("x"), stomp.SendOpt.Header("JMSXUserID", "forged"), stomp.SendOpt.Receipt); err != nil {
		t.Fatal(err)
	}
	if err := c.Send("actions.201.dt", "", []byte("y"), stomp.SendOpt.Receipt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SYSTEM", testLogin} {
		m := read(t, sub)
		if got := m.Header.GetAll("JMSXUserID"); len(got) != 1 || got[0] != want {
			t.Errorf("message %q: JMSXUserID %q, want [%s]", m.Body, got, want)
		}
	}
}
