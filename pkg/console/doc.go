// Package console is the analysts' web console (`irisflow console`): a
// small single-page front end embedded in the binary (static/, with uPlot
// and Cytoscape.js vendored from npm — no CDN) over a JSON API on the
// store: search with the filters of `irisflow search`, a domain's page
// (latest profile in the seed's option groups, risk over time, tags,
// incidents, changes between snapshots) and a pivot graph expanded node by
// node. docs/console.md documents the API.
//
// Access: with a token configured (console.token), every request must carry
// it (Authorization: Bearer, or once as ?token= which sets a cookie);
// without one, Listen refuses any address beyond loopback. Every URL the
// page uses is relative, so the console works behind a reverse proxy that
// serves it under a path prefix.
package console
