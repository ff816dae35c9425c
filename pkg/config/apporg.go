package config

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// orgLookupTimeout bounds the one REST call that resolves an org name.
const orgLookupTimeout = 15 * time.Second

// resolveOrg finds the id of the org named name among the orgs r's
// credentials can use, from SOAR's session (GET /rest/session with the API
// key, POST /rest/session with an email and password) — as resilient-circuits
// does with its org= setting.
func resolveOrg(r Resilient, name string) (int64, error) {
	if r.URL == "" {
		return 0, errors.New("an org name needs the SOAR host to look its id up")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: r.Insecure} //nolint:gosec // cafile=false asks for it
	if r.CAFile != "" {
		pem, err := os.ReadFile(r.CAFile)
		if err != nil {
			return 0, fmt.Errorf("cafile: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return 0, fmt.Errorf("cafile %s: no PEM certificate in it", r.CAFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	hc := &http.Client{Transport: tr, Timeout: orgLookupTimeout}
	ctx, cancel := context.WithTimeout(context.Background(), orgLookupTimeout)
	defer cancel()
	base := strings.TrimSuffix(r.URL, "/")
	var req *http.Request
	var err error
	switch {
	case r.APIKeyID != "" && r.APIKeySecret != "":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"/rest/session", nil)
		if err == nil {
			req.SetBasicAuth(r.APIKeyID, r.APIKeySecret)
		}
	case r.Email != "" && r.Password != "":
		body, _ := json.Marshal(map[string]string{"email": r.Email, "password": r.Password})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/rest/session", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	default:
		return 0, errors.New("an org name needs credentials to look its id up")
	}
	if err != nil {
		return 0, fmt.Errorf("look the org up: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("look the org up at %s: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("look the org up: %s answered %s to %s /rest/session (check the credentials)", base, resp.Status, req.Method)
	}
	var sess struct {
		Orgs []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"orgs"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sess); err != nil {
		return 0, fmt.Errorf("look the org up: decode the session: %w", err)
	}
	var names []string
	for _, o := range sess.Orgs {
		if o.Name == name {
			return o.ID, nil
		}
		names = append(names, fmt.Sprintf("%q (%d)", o.Name, o.ID))
	}
	for _, o := range sess.Orgs { // configparser users often differ in case only
		if strings.EqualFold(o.Name, name) {
			return o.ID, nil
		}
	}
	return 0, fmt.Errorf("no such org among those the credentials can use: %s", strings.Join(names, ", "))
}
