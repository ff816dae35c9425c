module github.com/irisflow/irisflow/sim

go 1.26.8

replace (
	github.com/irisflow/irisflow/migrations => ../migrations
	github.com/irisflow/irisflow/pkg => ../pkg
	github.com/irisflow/irisflow/services/bridge => ../services/bridge
	github.com/irisflow/irisflow/services/enricher => ../services/enricher
	github.com/irisflow/irisflow/services/pivoter => ../services/pivoter
	github.com/irisflow/irisflow/services/writer => ../services/writer
)

require github.com/go-stomp/stomp/v3 v3.1.3 // indirect

require github.com/irisflow/irisflow/pkg v0.0.0-00010101000000-000000000000
