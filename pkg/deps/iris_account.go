package deps

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/irisflow/irisflow/pkg/config"
	"github.com/irisflow/irisflow/pkg/iris"
)

// irisAccountTimeout bounds the account check at start: it delays the
// start by at most this long when Iris does not answer.
const irisAccountTimeout = 5 * time.Second

// checkIrisAccount reads the Iris account's limits (/v1/account/, as
// DomainTools' own client does before its first call) and logs a warning
// for each window in which the configured shared quota allows more
// requests than the account's iris-investigate product: Iris would answer
// those 503, and every replica pauses. It warns rather than refuses: the
// quota stays safe either way (a 503 pauses it), and a start must not
// depend on Iris being reachable. A failed check is logged and ignored.
//
// The check uses a client of its own, without retries and outside the
// shared quota: the account endpoint is a product of its own
// (account-information) and does not count against Iris Investigate.
func (d *Deps) checkIrisAccount(ctx context.Context) {
	c := d.Config.Iris
	log := d.Log.With("iris_user", c.User)
	mode, err := iris.ParseAuthMode(c.Auth)
	if err != nil {
		return // reported by openIris
	}
	client, err := iris.New(iris.Config{BaseURL: c.URL, Username: c.User, APIKey: c.Key, Auth: mode,
		Timeout: irisAccountTimeout, MaxRetries: iris.NoRetries, AppName: "irisflow", AppVersion: d.Version, Logger: d.Log})
	if err != nil {
		return // reported by openIris
	}
	ctx, cancel := context.WithTimeout(ctx, irisAccountTimeout)
	defer cancel()
	acc, err := client.Account(ctx)
	if err != nil {
		log.Warn("iris: could not read the account's limits; the configured quota is not checked", "err", err)
		return
	}
	p, ok := acc.Product(iris.ProductInvestigate)
	if !ok {
		log.Warn("iris: the account has no iris-investigate product; Iris will refuse irisflow's requests")
		return
	}
	for _, problem := range QuotaProblems(c, p) {
		log.Warn("iris: the configured quota exceeds the account's limit; Iris will answer 503 above it and irisflow pauses",
			"problem", problem)
	}
}

// QuotaProblems compares irisflow's request budget with the account's
// limits of product p: per minute as configured; per hour as configured,
// else what the per-minute budget allows in an hour; per month only when
// configured (no per-minute budget fits a month), plus a month already
// used up. Each problem names the setting to lower. irisflow warns of
// them at start and `irisflow check` reports them.
func QuotaProblems(c config.Iris, p iris.Product) []string {
	var out []string
	if l := p.PerMinuteLimit; l != nil && c.PerMinute > *l {
		out = append(out, fmt.Sprintf("iris.per_minute %d exceeds the account's %d per minute", c.PerMinute, *l))
	}
	if l := p.PerHourLimit; l != nil {
		hourly, what := c.PerHour, "iris.per_hour "+strconv.Itoa(c.PerHour)
		if hourly == 0 {
			hourly, what = c.PerMinute*60, fmt.Sprintf("iris.per_minute %d (× 60 = %d an hour, no iris.per_hour)", c.PerMinute, c.PerMinute*60)
		}
		if hourly > *l {
			out = append(out, fmt.Sprintf("%s exceeds the account's %d per hour", what, *l))
		}
	}
	if l := p.PerMonthLimit; l != nil {
		if c.PerMonth > *l {
			out = append(out, fmt.Sprintf("iris.per_month %d exceeds the account's %d per month", c.PerMonth, *l))
		}
		if u := p.UsageMonth; u != nil && *u >= *l {
			out = append(out, fmt.Sprintf("the account has used %d of its %d queries this month", *u, *l))
		}
	}
	return out
}
