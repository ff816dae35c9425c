package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func printEnrich(w io.Writer, format string, rs []enrichResult) error {
	switch format {
	case "json":
		if rs == nil {
			rs = []enrichResult{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rs)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"domain", "found", "cached", "fetched_at", "risk_score", "tags", "row_written", "error"})
		for _, r := range rs {
			at := ""
			if !r.FetchedAt.IsZero() {
				at = r.FetchedAt.Format(time.RFC3339)
			}
			_ = cw.Write([]string{r.Domain, strconv.FormatBool(r.Found), strconv.FormatBool(r.Cached), at, intOrEmpty(r.RiskScore),
				strings.Join(r.Tags, ";"), strconv.FormatBool(r.Written), r.Error})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tRISK\tTAGS\tFROM\tROW")
	var cold, cached int
	for _, r := range rs {
		from := "Iris"
		switch {
		case r.Error != "":
			from = "error: " + r.Error
		case r.Cached:
			from = "cache"
			cached++
		default:
			cold++
		}
		risk := orDash(intOrEmpty(r.RiskScore))
		if r.Error == "" && !r.Found {
			risk = "not found"
		}
		row := "-"
		if r.Written {
			row = "queued"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Domain, risk, orDash(strings.Join(r.Tags, ",")), from, row)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d from Iris, %d from the cache\n", cold, cached)
	return err
}
