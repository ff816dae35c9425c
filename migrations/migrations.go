// Package migrations embeds irisflow's numbered SQL migrations.
package migrations

import "embed"

// FS holds the numbered SQL migrations, applied in order by pkg/store.
//
//go:embed *.sql
var FS embed.FS
