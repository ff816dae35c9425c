module github.com/irisflow/irisflow/cmd/irisflow

require (
	github.com/irisflow/irisflow/pkg v0.0.0-00010101000000-000000000000
	github.com/irisflow/irisflow/sim v0.0.0-00010101000000-000000000000
)

require github.com/irisflow/irisflow/services/bridge v0.0.0-00010101000000-000000000000

require github.com/irisflow/irisflow/services/enricher v0.0.0-00010101000000-000000000000

require github.com/irisflow/irisflow/services/pivoter v0.0.0-00010101000000-000000000000

require github.com/irisflow/irisflow/services/writer v0.0.0-00010101000000-000000000000

go 1.26.8

replace (
	github.com/irisflow/irisflow/migrations => ../../migrations
	github.com/irisflow/irisflow/pkg => ../../pkg
	github.com/irisflow/irisflow/services/bridge => ../../services/bridge
	github.com/irisflow/irisflow/services/enricher => ../../services/enricher
	github.com/irisflow/irisflow/services/pivoter => ../../services/pivoter
	github.com/irisflow/irisflow/services/writer => ../../services/writer
	github.com/irisflow/irisflow/sim => ../../sim
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/cobra v1.10.2 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/sync v0.25.0 // indirect
)
