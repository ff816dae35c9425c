package irissim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	irissim "github.com/irisflow/irisflow/sim/iris"
	"github.com/irisflow/irisflow/sim/tlsgen"
)

// StartTLS serves the API over HTTPS, as api.domaintools.com (python_api
// talks https:// only unless told otherwise), with a certificate that
// verifies against the generated CA.
func TestStartTLS(t *testing.T) {
	t.Parallel()
	s, err := irissim.New(irissim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	certs, err := tlsgen.Generate("irisflow Iris simulator")
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := s.StartTLS("127.0.0.1:0", certs.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop(context.Background()) })
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s, want https://", url)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: certs.ClientConfig()}}
	resp, err := c.Get(url + "/v1/account/?api_username=demo&api_key=demo-key")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
}
