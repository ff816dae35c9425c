package deps

import (
	"context"
	"fmt"
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
	for _, e := range quotaExcesses(c, p) {
		log.Warn("iris: the configured quota exceeds the account's limit; Iris will answer 503 above it and irisflow pauses",
			"window", e.window, "setting", e.setting, "configured", e.configured, "account_limit", e.limit)
	}
}

// quotaExcess is one window in which the configured quota exceeds the
// account's limit.
type quotaExcess struct {
	window     string // minute, hour, month
	setting    string // the configuration key to lower
	configured string // the configured bound ("unlimited" when none)
	limit      int    // the account's limit
}

// quotaExcesses compares the shared quota of c with the limits of the
// account's product p. An unset bound (0) of irisflow is unlimited, except
// that per_minute also bounds an hour (60 × per_minute); an account limit
// that is null is none.
func quotaExcesses(c config.Iris, p iris.Product) []quotaExcess {
	var out []quotaExcess
	check := func(window, setting string, configured int, limit *int) {
		if limit == nil {
			return
		}
		if configured <= 0 {
			out = append(out, quotaExcess{window, setting, "unlimited", *limit})
		} else if configured > *limit {
			out = append(out, quotaExcess{window, setting, fmt.Sprint(configured), *limit})
		}
	}
	check("minute", "iris.per_minute", c.PerMinute, p.PerMinuteLimit)
	hour, hourSetting := c.PerHour, "iris.per_hour"
	if hour <= 0 && c.PerMinute > 0 {
		hour, hourSetting = 60*c.PerMinute, "iris.per_hour (unset: 60 × iris.per_minute)"
	}
	check("hour", hourSetting, hour, p.PerHourLimit)
	if c.PerMonth > 0 {
		check("month", "iris.per_month", c.PerMonth, p.PerMonthLimit)
	}
	return out
}
