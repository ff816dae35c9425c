package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"go.yaml.in/yaml/v3"
)

// LoadTool is Load for a command that runs no service and reads only the
// database (irisflow console): the file and the IRISFLOW_* variables are
// read as Load reads them, but only database_url is checked.
func LoadTool(path string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var c Config
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	envErr := c.applyEnv(getenv)
	c.Defaults()
	var dbErr error
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		dbErr = fmt.Errorf("database_url / IRISFLOW_DATABASE_URL: %q is not a postgres:// URL", redactURL(c.DatabaseURL))
	}
	if err := errors.Join(envErr, dbErr); err != nil {
		return nil, err
	}
	return &c, nil
}
