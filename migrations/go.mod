module github.com/irisflow/irisflow/migrations

go 1.26.8
