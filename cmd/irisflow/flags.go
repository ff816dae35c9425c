package main

import "os"

// defaultDatabaseURL is config.Config's default, for commands that need only the database.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/irisflow?sslmode=disable"

// databaseURLDefault is IRISFLOW_DATABASE_URL, else the configuration default.
func databaseURLDefault() string {
	if v := os.Getenv("IRISFLOW_DATABASE_URL"); v != "" {
		return v
	}
	return defaultDatabaseURL
}
