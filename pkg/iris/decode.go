package iris

import (
	"context"
	"net/http"
	"net/url"
)

// fetch POSTs to endpoint and decodes the Iris envelope.
func (c *Client) fetch(ctx context.Context, endpoint string, params url.Values, domains int) (*Response, error) {
	var resp *Response
	err := c.call(ctx, http.MethodPost, endpoint, params, domains, func(body []byte) error {
		var err error
		resp, err = checkResponse(endpoint, body)
		return err
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// checkResponse decodes an HTTP 200 body and turns its in-band failures into
// errors: limit_exceeded becomes ErrLimitExceeded (never retried), an
// embedded error without results is classified by its code, an undecodable
// body is ErrMalformed.
func checkResponse(endpoint string, body []byte) (*Response, error) {
	resp, err := DecodeResponse(body)
	if err != nil {
		return nil, newError(KindMalformed, endpoint, http.StatusOK, snippet(body), err)
	}
	if resp.LimitExceeded {
		e := newError(KindLimitExceeded, endpoint, http.StatusOK, resp.Message, nil)
		e.TotalCount = resp.TotalCount
		if resp.Error != nil {
			e.Code = resp.Error.Code
			if e.Message == "" {
				e.Message = resp.Error.Message
			}
		}
		return nil, e
	}
	if resp.Error != nil && len(resp.Results) == 0 {
		status := resp.Error.Code
		if status < 400 || status > 599 {
			status = http.StatusInternalServerError
		}
		e := newError(statusKind(status), endpoint, http.StatusOK, resp.Error.Message, nil)
		e.Code = resp.Error.Code
		return nil, e
	}
	return resp, nil
}
