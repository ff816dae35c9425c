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

// quota enforces the per-minute and per-hour limits per (username,
// product) in fixed calendar windows (a window resets at each minute or
// hour boundary of Now) and counts usage for /v1/account/.
type quota struct {
	mu     sync.Mutex
	window map[string]window
	usage  map[string]*usage
}

type window struct {
	start time.Time
	n     int
}

type usage struct {
	day, month     string
	today, inMonth int
}

func (q *quota) init() {
	q.window = map[string]window{}
	q.usage = map[string]*usage{}
}

// limit is one quota: at most n requests in each calendar window of
// length per (time.Minute or time.Hour); n <= 0 = none.
type limit struct {
	per time.Duration
	n   int
}

// allow reports whether one more request of user on product fits in the
// current window of every limit, counting it in all of them when it does;
// when it does not, it answers the first limit exceeded and counts the
// request nowhere.
func (q *quota) allow(user, product string, now time.Time, limits ...limit) (ok bool, over limit) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ws := make([]window, len(limits))
	for i, l := range limits {
		if l.n <= 0 {
			continue
		}
		w := q.window[q.key(user, product, l)]
		if start := now.Truncate(l.per); !w.start.Equal(start) {
			w = window{start: start}
		}
		if w.n >= l.n {
			return false, l
		}
		ws[i] = w
	}
	for i, l := range limits {
		if l.n > 0 {
			ws[i].n++
			q.window[q.key(user, product, l)] = ws[i]
		}
	}
	return true, limit{}
}

func (q *quota) key(user, product string, l limit) string {
	return user + "\x00" + product + "\x00" + l.per.String()
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
