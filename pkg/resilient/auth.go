package resilient

import (
	"context"
	"encoding/json"
	"net/http"
)

// session is a logged-in email/password session.
type session struct {
	csrf   string       // sent as X-sess-id
	cookie *http.Cookie // JSESSIONID
}

func (c *Client) usesSession() bool { return c.cfg.APIKeyID == "" }

func (c *Client) dropSession() {
	c.mu.Lock()
	c.sess = nil
	c.mu.Unlock()
}

// authorize adds the credentials to req, logging in first if needed.
func (c *Client) authorize(ctx context.Context, req *http.Request) *Error {
	if !c.usesSession() {
		req.SetBasicAuth(c.cfg.APIKeyID, c.cfg.APIKeySecret)
		return nil
	}
	s, e := c.session(ctx)
	if e != nil {
		return e
	}
	req.Header.Set("X-sess-id", s.csrf)
	if s.cookie != nil {
		req.AddCookie(s.cookie)
	}
	return nil
}

// session returns the current session, logging in when there is none.
// Concurrent callers share one login.
func (c *Client) session(ctx context.Context) (*session, *Error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != nil {
		return c.sess, nil
	}
	s, e := c.login(ctx)
	if e != nil {
		return nil, e
	}
	c.sess = s
	return s, nil
}

// login does POST /rest/session {"email","password"}.
func (c *Client) login(ctx context.Context) (*session, *Error) {
	const path = "/rest/session"
	body := struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}{c.cfg.Email, c.cfg.Password}
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, &Error{Method: http.MethodPost, Path: path, Kind: KindClient, Message: "encode login", Err: err}
	}
	var cookies []*http.Cookie
	if e := c.send(ctx, http.MethodPost, path, data, &out, false, &cookies); e != nil {
		return nil, e
	}
	if out.CSRFToken == "" {
		return nil, &Error{Method: http.MethodPost, Path: path, Status: http.StatusOK, Kind: KindAuth, Message: "login answered no csrf_token"}
	}
	s := &session{csrf: out.CSRFToken}
	for _, ck := range cookies {
		if ck.Name == "JSESSIONID" {
			s.cookie = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	c.log.DebugContext(ctx, "resilient session opened", "org", c.cfg.Org)
	return s, nil
}
