package iris_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// Profiles of a few domains, with the request budget shared through a
// Limiter (here a local one at the test account's 20 requests a minute).
func ExampleClient_Investigate() {
	c, err := iris.New(iris.Config{
		Username: os.Getenv("IRISFLOW_IRIS_USER"),
		APIKey:   os.Getenv("IRISFLOW_IRIS_KEY"),
		Limiter:  iris.NewLocalLimiter(20),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := c.Investigate(ctx, []string{"int-chase.com", "example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for domain, r := range p.ByDomain {
		score, _ := r.RiskScore()
		fmt.Println(domain, score, r.TagLabels())
	}
	fmt.Println("no data:", p.Missing)
}

// A pivot search narrowed by filters, capped at 200 domains.
func ExampleClient_Search() {
	c, err := iris.New(iris.Config{Username: "user", APIKey: "key"})
	if err != nil {
		fmt.Println(err)
		return
	}
	q := iris.NewQuery("ssl_hash", "195152d01022a568719e7bc1d0b07c13f723934f").
		With("create_date", ">=2024-01-01").
		With("active", "true")
	res, err := c.Search(context.Background(), q, iris.WithMaxResults(200))
	switch {
	case errors.Is(err, iris.ErrLimitExceeded):
		fmt.Println("too broad, add filters:", err)
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(len(res.Results), "of", res.TotalCount, "truncated:", res.Truncated)
	}
}
