package iris

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Account returns the account's per-product limits and usage from
// /v1/account/ (a GET).
func (c *Client) Account(ctx context.Context) (*Account, error) {
	var acc *Account
	err := c.call(ctx, http.MethodGet, PathAccount, nil, 0, func(body []byte) error {
		var w struct {
			AccountResponse
			Error *APIError `json:"error"`
		}
		if err := json.Unmarshal(body, &w); err != nil {
			return newError(KindMalformed, PathAccount, http.StatusOK, snippet(body), err)
		}
		if w.Error != nil {
			e := newError(statusKind(max(w.Error.Code, 400)), PathAccount, http.StatusOK, w.Error.Message, nil)
			e.Code = w.Error.Code
			return e
		}
		if w.Response.Account.Username == "" && w.Response.Products == nil {
			return newError(KindMalformed, PathAccount, http.StatusOK, "no account in the answer: "+snippet(body), nil)
		}
		acc = w.AccountResponse.Account()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	return acc, nil
}
