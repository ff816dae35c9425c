module github.com/irisflow/irisflow/services/writer

go 1.26.8

replace (
	github.com/irisflow/irisflow/migrations => ../../migrations
	github.com/irisflow/irisflow/pkg => ../../pkg
	github.com/irisflow/irisflow/sim => ../../sim
	github.com/irisflow/irisflow/services/bridge => ../../services/bridge
	github.com/irisflow/irisflow/services/enricher => ../../services/enricher
	github.com/irisflow/irisflow/services/pivoter => ../../services/pivoter
)
