package irissim

import (
	"encoding/json"
	"net/http"
)

// Messages of the error envelopes (the 403 one is the recorded text).
const (
	msgBadCredentials = "The credentials you entered do not match an active account."
	msgNoCredentials  = "Authentication is required: send api_username with a signature and timestamp, or with api_key."
	msgNotFound       = "The resource you requested was not found."
	msgBadRequest     = "We could not understand your request. "
	msgInternal       = "An internal server error occurred. Please try again later."
	supportURL        = "https://www.domaintools.com/support/"
)

type errorBody struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Resources struct {
		Support string `json:"support"`
	} `json:"resources"`
}

// writeError writes the DomainTools error envelope with status code.
func writeError(w http.ResponseWriter, code int, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message, b.Resources.Support = code, msg, supportURL
	writeJSON(w, code, b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "irissim: encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, code, body)
}

func writeRaw(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
