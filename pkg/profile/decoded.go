package profile

import (
	"container/list"
	"sync"
	"time"

	"github.com/irisflow/irisflow/pkg/iris"
)

// decodedBytes bounds the decoded cache by the size of the raw results it
// holds (a decoded result takes a few times its raw size).
const decodedBytes = 8 << 20

// decodedKey names one stored fetch: a domain's profile as Iris answered at
// FetchedAt. A newer fetch has another key, so an entry is never stale.
type decodedKey struct {
	domain  string
	fetched int64 // FetchedAt in Unix nanoseconds
}

type decodedEntry struct {
	key decodedKey
	res *iris.Result
}

// decoded keeps the Iris results of recently read stored fetches, decoded,
// so that a warm lookup does not decode the same JSON from the store again.
// It is a least-recently-used cache bounded by the raw bytes it holds. The
// results are shared: nobody may modify them (nothing does: answers are read
// to render replies). It is safe for concurrent use.
type decoded struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List // of *decodedEntry, most recent first
	byKey map[decodedKey]*list.Element
}

func newDecoded(maxBytes int) *decoded {
	return &decoded{max: maxBytes, order: list.New(), byKey: map[decodedKey]*list.Element{}}
}

func keyOf(domain string, fetched time.Time) decodedKey {
	return decodedKey{domain: domain, fetched: fetched.UnixNano()}
}

// get returns the decoded result of a stored fetch, if kept.
func (d *decoded) get(k decodedKey) (*iris.Result, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.byKey[k]
	if !ok {
		return nil, false
	}
	d.order.MoveToFront(e)
	return e.Value.(*decodedEntry).res, true
}

// put keeps the decoded result of a stored fetch, evicting the least
// recently used entries beyond the bound.
func (d *decoded) put(k decodedKey, r *iris.Result) {
	size := len(r.Raw)
	if size > d.max {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.byKey[k]; ok {
		return
	}
	d.byKey[k] = d.order.PushFront(&decodedEntry{key: k, res: r})
	d.bytes += size
	for d.bytes > d.max {
		last := d.order.Back()
		e := last.Value.(*decodedEntry)
		d.order.Remove(last)
		delete(d.byKey, e.key)
		d.bytes -= len(e.res.Raw)
	}
}
