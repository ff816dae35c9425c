package resilientsim

import "maps"

// BrokerUsers returns the logins SOAR's message broker accepts, login →
// passcode: the API keys (id → secret) and the users (email → password).
// resilient-circuits logs in to STOMP with the API key when it has one,
// else with the email and password (resilient-python-api,
// resilient-circuits/resilient_circuits/stomp_component.py, _setup_stomp).
// The embedded broker of `irisflow sim resilient` takes these users.
func (s *Sim) BrokerUsers() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := maps.Clone(s.cfg.APIKeys)
	for email, pw := range s.cfg.Users {
		if pw != "" {
			users[email] = pw
		}
	}
	return users
}
