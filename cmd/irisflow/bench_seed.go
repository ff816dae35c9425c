package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3"

	"github.com/irisflow/irisflow/pkg/resilient"
	resilientsim "github.com/irisflow/irisflow/sim/resilient"
)

// The seed app's way, for --seed-style: fn_domaintools on resilient-circuits
// takes function messages from its destination with 25 worker threads; each
// asks Iris Investigate for its one artifact through DomainTools' python_api
// (no cache, no batching, no client-side quota) and replies. seedApp does
// the same against the same broker and Iris simulator, on a destination of
// its own so that irisflow's bridge does not take its messages.
const (
	seedDestination = "seedstyle"
	seedWorkers     = 25
	seedIrisUser    = "seed"
	seedIrisKey     = "seed-key"
)

type seedApp struct {
	conn   *stomp.Conn
	sub    *stomp.Subscription
	iris   string
	client *http.Client
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

// startSeedApp subscribes to actions.<org>.seedstyle on the broker at addr
// and starts the workers.
func startSeedApp(brokerURL string, org int64, irisURL string) (*seedApp, error) {
	u, err := url.Parse(brokerURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("seed-style: broker URL %q: want stomp://host:port", brokerURL)
	}
	conn, err := stomp.Dial("tcp", u.Host, stomp.ConnOpt.AcceptVersion(stomp.V12), stomp.ConnOpt.HeartBeat(0, 0),
		stomp.ConnOpt.Login(resilientsim.DefaultAPIKeyID, resilientsim.DefaultAPIKeySecret))
	if err != nil {
		return nil, fmt.Errorf("seed-style: connect %s: %w", u.Host, err)
	}
	queue := resilient.ActionsDestination(org, seedDestination)
	sub, err := conn.Subscribe(queue, stomp.AckClientIndividual,
		stomp.SubscribeOpt.Header("activemq.prefetchSize", strconv.Itoa(seedWorkers)))
	if err != nil {
		_ = conn.Disconnect()
		return nil, fmt.Errorf("seed-style: subscribe %s: %w", queue, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &seedApp{conn: conn, sub: sub, iris: irisURL, cancel: cancel,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: seedWorkers}}}
	for range seedWorkers {
		a.wg.Add(1)
		go a.work(ctx)
	}
	return a, nil
}

// Close stops the workers and disconnects.
func (a *seedApp) Close() error {
	a.cancel()
	_ = a.sub.Unsubscribe()
	a.wg.Wait()
	return a.conn.Disconnect()
}

func (a *seedApp) work(ctx context.Context) {
	defer a.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-a.sub.C:
			if !ok || m.Err != nil {
				return
			}
			reply := a.handle(ctx, m.Body)
			_ = a.conn.Send(m.Header.Get(resilient.HeaderReplyTo), "application/json", reply,
				stomp.SendOpt.Header(resilient.HeaderCorrelationID, m.Header.Get(resilient.HeaderCorrelationID)))
			_ = a.conn.Ack(m)
		}
	}
}

// handle is the seed's Profile Domain with Iris: one Investigate request
// for the artifact, the response as the function's result.
func (a *seedApp) handle(ctx context.Context, body []byte) []byte {
	start := time.Now()
	var fd resilient.FunctionData
	if err := json.Unmarshal(body, &fd); err != nil {
		return resilient.ErrorReply("seed-style: bad function message: " + err.Error())
	}
	domain, _ := fd.Inputs.String("dt_domain_name")
	q := url.Values{"domain": {domain}, "api_username": {seedIrisUser}, "api_key": {seedIrisKey}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.iris+"/v1/iris-investigate/?"+q.Encode(), nil)
	if err != nil {
		return resilient.ErrorReply("seed-style: " + err.Error())
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return resilient.ErrorReply("seed-style: " + err.Error())
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resilient.ErrorReply(fmt.Sprintf("seed-style: Iris answered %d", resp.StatusCode))
	}
	return resilient.ResultReply(resilient.ResultPayload{
		Success: true, Content: json.RawMessage(raw), Inputs: fd.Inputs.Flatten(),
		Metrics: resilient.Metrics{Package: "fn-domaintools (seed-style)", ExecutionTimeMS: time.Since(start).Milliseconds()},
	})
}
