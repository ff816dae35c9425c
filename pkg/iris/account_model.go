package iris

import (
	"encoding/json"
	"strconv"
)

// Account is the answer of /v1/account/: who we are and, per product, the
// limits and usage (iris-api.md §4).
type Account struct {
	Username string    `json:"api_username"`
	Active   bool      `json:"active"`
	Products []Product `json:"products"`
}

// Product ids of the Iris endpoints in Account.Products.
const (
	ProductInvestigate = "iris-investigate"
	ProductEnrich      = "iris-enrich"
)

// Product is the limits and usage of one API product. Iris sends numbers as
// strings or null; nil means "no such limit" / unknown.
type Product struct {
	ID             string `json:"id"`
	PerMonthLimit  *int   `json:"per_month_limit"`
	PerHourLimit   *int   `json:"per_hour_limit"`
	PerMinuteLimit *int   `json:"per_minute_limit"`
	AbsoluteLimit  *int   `json:"absolute_limit"`
	UsageToday     *int   `json:"-"`
	UsageMonth     *int   `json:"-"`
	// ExpirationDate is YYYY-MM-DD, empty when the product does not expire.
	ExpirationDate string `json:"expiration_date"`
}

// Product returns the product with the given id.
func (a *Account) Product(id string) (Product, bool) {
	for _, p := range a.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// optInt is a *int on the wire as a string, number or null.
type optInt struct{ p *int }

func (o *optInt) UnmarshalJSON(data []byte) error {
	n, ok, err := parseFlexInt(data)
	if err != nil {
		return err
	}
	o.p = nil
	if ok {
		o.p = &n
	}
	return nil
}

func (o optInt) MarshalJSON() ([]byte, error) {
	if o.p == nil {
		return []byte("null"), nil
	}
	return json.Marshal(strconv.Itoa(*o.p))
}

type productWire struct {
	ID             string     `json:"id"`
	PerMonthLimit  optInt     `json:"per_month_limit"`
	PerHourLimit   optInt     `json:"per_hour_limit"`
	PerMinuteLimit optInt     `json:"per_minute_limit"`
	AbsoluteLimit  optInt     `json:"absolute_limit"`
	Usage          usageWire  `json:"usage"`
	ExpirationDate flexString `json:"expiration_date"`
}

type usageWire struct {
	Today optInt `json:"today"`
	Month optInt `json:"month"`
}

// UnmarshalJSON implements json.Unmarshaler for the wire form (numbers as
// strings or null, usage nested).
func (p *Product) UnmarshalJSON(data []byte) error {
	var w productWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*p = Product{
		ID: w.ID, PerMonthLimit: w.PerMonthLimit.p, PerHourLimit: w.PerHourLimit.p,
		PerMinuteLimit: w.PerMinuteLimit.p, AbsoluteLimit: w.AbsoluteLimit.p,
		UsageToday: w.Usage.Today.p, UsageMonth: w.Usage.Month.p,
		ExpirationDate: string(w.ExpirationDate),
	}
	return nil
}

// MarshalJSON implements json.Marshaler, writing the wire form.
func (p Product) MarshalJSON() ([]byte, error) {
	var exp any
	if p.ExpirationDate != "" {
		exp = p.ExpirationDate
	}
	return json.Marshal(struct {
		ID             string    `json:"id"`
		PerMonthLimit  optInt    `json:"per_month_limit"`
		PerHourLimit   optInt    `json:"per_hour_limit"`
		PerMinuteLimit optInt    `json:"per_minute_limit"`
		AbsoluteLimit  optInt    `json:"absolute_limit"`
		Usage          usageWire `json:"usage"`
		ExpirationDate any       `json:"expiration_date"`
	}{p.ID, optInt{p.PerMonthLimit}, optInt{p.PerHourLimit}, optInt{p.PerMinuteLimit},
		optInt{p.AbsoluteLimit}, usageWire{optInt{p.UsageToday}, optInt{p.UsageMonth}}, exp})
}

// AccountResponse is the /v1/account/ envelope:
// {"response": {"account": {...}, "products": [...]}}.
type AccountResponse struct {
	Response struct {
		Account struct {
			Username string `json:"api_username"`
			Active   bool   `json:"active"`
		} `json:"account"`
		Products []Product `json:"products"`
	} `json:"response"`
}

// Account returns the envelope's content as an Account.
func (r *AccountResponse) Account() *Account {
	return &Account{
		Username: r.Response.Account.Username,
		Active:   r.Response.Account.Active,
		Products: r.Response.Products,
	}
}

// NewAccountResponse builds the wire envelope for a (e.g. for a simulator).
func NewAccountResponse(a *Account) *AccountResponse {
	var r AccountResponse
	r.Response.Account.Username = a.Username
	r.Response.Account.Active = a.Active
	r.Response.Products = a.Products
	return &r
}
