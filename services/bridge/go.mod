module github.com/irisflow/irisflow/services/bridge

go 1.26.8

replace (
	github.com/irisflow/irisflow/migrations => ../../migrations
	github.com/irisflow/irisflow/pkg => ../../pkg
	github.com/irisflow/irisflow/sim => ../../sim
	github.com/irisflow/irisflow/services/enricher => ../../services/enricher
	github.com/irisflow/irisflow/services/pivoter => ../../services/pivoter
	github.com/irisflow/irisflow/services/writer => ../../services/writer
)
