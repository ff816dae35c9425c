package resilientsim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
)

type sessionInfo struct {
	csrf  string
	email string
}

// authenticate checks SOAR's two schemes, s.mu held: HTTP Basic with an
// API key id/secret, or a session (JSESSIONID cookie plus the matching
// X-sess-id header). It returns the principal or "".
func (s *Sim) authenticate(r *http.Request) string {
	if id, secret, ok := r.BasicAuth(); ok {
		want, known := s.cfg.APIKeys[id]
		if known && subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1 {
			return "apikey:" + id
		}
		return ""
	}
	ck, err := r.Cookie("JSESSIONID")
	if err != nil {
		return ""
	}
	info, ok := s.sessions[ck.Value]
	if !ok || subtle.ConstantTimeCompare([]byte(info.csrf), []byte(r.Header.Get("X-sess-id"))) != 1 {
		return ""
	}
	return "user:" + info.email
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// postSession logs in with {"email","password"} and answers the csrf_token
// plus a JSESSIONID cookie.
func (s *Sim) postSession(r *http.Request, _ string) reply {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return errorReply(http.StatusBadRequest, "invalid login request: "+err.Error())
	}
	want, ok := s.cfg.Users[in.Email]
	if !ok || want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(in.Password)) != 1 {
		return errorReply(http.StatusUnauthorized, "The email address or password is incorrect")
	}
	id, csrf := randomToken(), randomToken()
	s.sessions[id] = sessionInfo{csrf: csrf, email: in.Email}
	body := s.sessionBody(r, "user:"+in.Email)
	body["csrf_token"] = csrf
	return reply{status: http.StatusOK, body: body,
		cookies: []*http.Cookie{{Name: "JSESSIONID", Value: id, Path: "/", HttpOnly: true}}}
}

func (s *Sim) getSession(r *http.Request, principal string) reply {
	return reply{status: http.StatusOK, body: s.sessionBody(r, principal)}
}

func (s *Sim) deleteSession(r *http.Request, _ string) reply {
	if ck, err := r.Cookie("JSESSIONID"); err == nil {
		delete(s.sessions, ck.Value)
	}
	return reply{status: http.StatusNoContent}
}

// sessionBody is /rest/session's answer (resilient-lib
// tests/shared_mock_data/mock_responses/200_JSON_GET__rest_session.json):
// the orgs the principal is a member of (resilient's _extract_org_id picks
// app.config's org among them by name) and who it is; an API key's session
// carries its api_key_handle instead of a user (co3base.py set_api_key).
func (s *Sim) sessionBody(r *http.Request, principal string) map[string]any {
	ids := make([]int64, 0, len(s.data.orgs))
	for id := range s.data.orgs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	orgs := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		o := orgDTO(id)
		delete(o, "actions_framework_enabled") // GET /rest/orgs/{org} answers it
		orgs = append(orgs, o)
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	body := map[string]any{"orgs": orgs, "is_saml": false, "is_ldap": false, "saml_alias": nil, "session_ip": ip}
	if email, ok := strings.CutPrefix(principal, "user:"); ok {
		body["user_email"] = email
		body["user_id"] = simUserID
		body["user_fname"] = simUserFirst
		body["user_lname"] = simUserLast
		if ck, err := r.Cookie("JSESSIONID"); err == nil {
			if info, ok := s.sessions[ck.Value]; ok {
				body["csrf_token"] = info.csrf
			}
		}
	}
	if id, ok := strings.CutPrefix(principal, "apikey:"); ok {
		body["api_key_handle"] = s.apiKeyHandle(id)
		body["display_name"] = id
	}
	return body
}

// apiKeyHandle is the numeric handle of an API key: its rank among the
// configured key ids, after the sim's user.
func (s *Sim) apiKeyHandle(id string) int64 {
	keys := make([]string, 0, len(s.cfg.APIKeys))
	for k := range s.cfg.APIKeys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return simUserID + 1 + int64(slices.Index(keys, id))
}

// ExpireSessions ends every login session, as a SOAR session timeout
// would: the next session-authenticated request answers 401.
func (s *Sim) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}
