module github.com/irisflow/irisflow/services/pivoter

go 1.26.8

replace (
	github.com/irisflow/irisflow/migrations => ../../migrations
	github.com/irisflow/irisflow/pkg => ../../pkg
	github.com/irisflow/irisflow/services/bridge => ../../services/bridge
	github.com/irisflow/irisflow/services/enricher => ../../services/enricher
	github.com/irisflow/irisflow/services/writer => ../../services/writer
	github.com/irisflow/irisflow/sim => ../../sim
)

require (
	github.com/irisflow/irisflow/pkg v0.0.0-00010101000000-000000000000
	github.com/irisflow/irisflow/sim v0.0.0-00010101000000-000000000000
)

require (
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/nats-io/nats.go v1.55.0 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
