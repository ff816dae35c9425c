package config

import "errors"

// NATSEmbedded as nats_url runs a single-node JetStream server inside the
// process (pkg/natsembed), its data in nats_data_dir: one binary and
// PostgreSQL for a small SOC. Not for several replicas: only this process
// can reach it.
const NATSEmbedded = "embedded"

func (c *Config) validateEmbeddedNATS() []error {
	var errs []error
	if c.NATSDataDir == "" {
		errs = append(errs, errors.New("nats_data_dir / IRISFLOW_NATS_DATA_DIR is required with nats_url: embedded (a directory for the JetStream store, e.g. /var/lib/irisflow/nats)"))
	}
	if c.StreamReplicas > 1 {
		errs = append(errs, errors.New("stream_replicas must be 1 with nats_url: embedded (a single node)"))
	}
	return errs
}
