package irissim

import (
	"sync"
	"time"
)

// Products, as /v1/account/ names them.
const (
	productInvestigate = "iris-investigate"
	productEnrich      = "iris-enrich"
)

// quota enforces PerMinute per (username, product) in fixed calendar
// minutes (the window resets at each minute boundary of Now) and counts
// usage for /v1/account/.
type quota struct {
	mu     sync.Mutex
	window map[string]minuteWindow
	usage  map[string]*usage
}

type minuteWindow struct {
	start time.Time
	n     int
}

type usage struct {
	day, month     string
	today, inMonth int
}

func (q *quota) init() {
	q.window = map[string]minuteWindow{}
	q.usage = map[string]*usage{}
}

// allow reports whether one more request of user on product fits in the
// current minute; limit 0 = unlimited.
func (q *quota) allow(user, product string, limit int, now time.Time) bool {
	if limit <= 0 {
		return true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	k := user + "\x00" + product
	w := q.window[k]
	start := now.Truncate(time.Minute)
	if !w.start.Equal(start) {
		w = minuteWindow{start: start}
	}
	if w.n >= limit {
		q.window[k] = w
		return false
	}
	w.n++
	q.window[k] = w
	return true
}

// use records one answered query of user on product.
func (q *quota) use(user, product string, now time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := user + "\x00" + product
	u := q.usage[k]
	if u == nil {
		u = &usage{}
		q.usage[k] = u
	}
	d, m := now.UTC().Format("2006-01-02"), now.UTC().Format("2006-01")
	if u.day != d {
		u.day, u.today = d, 0
	}
	if u.month != m {
		u.month, u.inMonth = m, 0
	}
	u.today++
	u.inMonth++
}

func (q *quota) get(user, product string, now time.Time) (today, month int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	u := q.usage[user+"\x00"+product]
	if u == nil {
		return 0, 0
	}
	if u.day == now.UTC().Format("2006-01-02") {
		today = u.today
	}
	if u.month == now.UTC().Format("2006-01") {
		month = u.inMonth
	}
	return today, month
}
