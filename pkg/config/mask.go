package config

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

const masked = "*****"

// Masked returns a copy safe to log: secrets replaced, passwords in URLs removed.
func (c Config) Masked() Config {
	m := c
	if m.Resilient.APIKeySecret != "" {
		m.Resilient.APIKeySecret = masked
	}
	if m.Resilient.Password != "" {
		m.Resilient.Password = masked
	}
	if m.Iris.Key != "" {
		m.Iris.Key = masked
	}
	if m.Console.Token != "" {
		m.Console.Token = masked
	}
	m.DatabaseURL = redactURL(m.DatabaseURL)
	m.NATSURL = redactURL(m.NATSURL)
	m.STOMP.URL = redactURL(m.STOMP.URL)
	return m
}

// String renders the masked configuration as YAML.
func (c Config) String() string {
	b, err := yaml.Marshal(c.Masked())
	if err != nil {
		return "config: " + err.Error()
	}
	return string(b)
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return strings.Replace(u.String(), ":xxxxx@", ":"+masked+"@", 1)
}
