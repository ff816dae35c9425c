package resilient_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

func recordedInputs(t *testing.T) resilient.Inputs {
	t.Helper()
	f := loadFrame(t)
	m, err := resilient.Decode(resilient.ParseHeaders(f.Headers), f.Body)
	if err != nil {
		t.Fatal(err)
	}
	return m.Function.Inputs
}

func TestInputsRecordedEncodings(t *testing.T) {
	t.Parallel()
	in := recordedInputs(t)

	// Rich text -> content; text as is; select -> name; number -> decimal text.
	for name, want := range map[string]string{
		"mock_input_text_with_value_string": "data value one  \u0e25 \u0e26 \u0e27 \u0e28 \u0e29 \u0e2a \u0e2b \u0e2c \u0e2d",
		"mock_input_text":                   "abc  \u00e0\u00b8\u00a5 \u00e0\u00b8\u00a6 \u00e0\u00b8\u00a7 \u00e0\u00b8\u00a8 \u00e0\u00b8\u00a9 \u00e0\u00b8\u00aa \u00e0\u00b8\u00ab \u00e0\u00b8\u00ac \u00e0\u00b8\u00ad abc",
		"mock_input_select":                 "select two",
		"mock_input_number":                 "1630407352685",
		"mock_input_boolean":                "true",
	} {
		if got, ok := in.String(name); !ok || got != want {
			t.Errorf("String(%s) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := in.String("mock_input_multiselect"); ok {
		t.Error("String(multiselect) should report false")
	}
	if _, ok := in.String("absent"); ok {
		t.Error("String(absent) should report false")
	}

	if v, ok, err := in.Int("mock_input_number"); err != nil || !ok || v != 1630407352685 {
		t.Errorf("Int(number) = %d, %v, %v", v, ok, err)
	}
	if _, _, err := in.Int("mock_input_select"); err == nil {
		t.Error("Int(select) should fail")
	}
	if v, ok, err := in.Bool("mock_input_boolean"); err != nil || !ok || !v {
		t.Errorf("Bool = %v, %v, %v", v, ok, err)
	}
	if c, ok := in.Select("mock_input_select"); !ok || c != (resilient.Choice{ID: 53, Name: "select two"}) {
		t.Errorf("Select = %+v, %v", c, ok)
	}
	want := []resilient.Choice{{ID: 55, Name: "value one"}, {ID: 56, Name: "value two"}}
	if got := in.MultiSelect("mock_input_multiselect"); !slices.Equal(got, want) {
		t.Errorf("MultiSelect = %+v, want %+v", got, want)
	}
	// The number input is an epoch-ms date picker value in the recording.
	if got, ok := in.Time("mock_input_number"); !ok || !got.Equal(time.UnixMilli(1630407352685)) {
		t.Errorf("Time(number) = %v, %v", got, ok)
	}
}

func TestInputsFlattenMatchesRecordedPayload(t *testing.T) {
	t.Parallel()
	flat, err := json.Marshal(recordedInputs(t).Flatten())
	if err != nil {
		t.Fatal(err)
	}
	var payload struct {
		Inputs json.RawMessage `json:"inputs"`
	}
	if err := json.Unmarshal(loadPayload(t), &payload); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, flat, payload.Inputs)
	// Epoch ms keeps every digit (no float rounding).
	if !strings.Contains(string(flat), `"mock_input_number":1630407352685`) {
		t.Errorf("number not kept exactly: %s", flat)
	}
}

func TestInputsEncodings(t *testing.T) {
	t.Parallel()
	in := resilient.Inputs{
		"null":       json.RawMessage(`null`),
		"numstr":     json.RawMessage(`" 300 "`),
		"float":      json.RawMessage(`12.5`),
		"intfloat":   json.RawMessage(`300.0`),
		"empty":      json.RawMessage(`""`),
		"boolstr":    json.RawMessage(`"false"`),
		"badbool":    json.RawMessage(`"maybe"`),
		"html":       json.RawMessage(`{"format":"html","content":"<b>x</b>"}`),
		"date":       json.RawMessage(`"2019-08-02"`),
		"rfc3339":    json.RawMessage(`"2019-08-02T10:53:00Z"`),
		"msstr":      json.RawMessage(`"1564743180000"`),
		"baddate":    json.RawMessage(`"yesterday"`),
		"namelist":   json.RawMessage(`["ssl_hash","ip"]`),
		"onechoice":  json.RawMessage(`{"id":301,"name":"ssl_hash"}`),
		"selectname": json.RawMessage(`"ssl_hash"`),
		"object":     json.RawMessage(`{"a":1}`),
	}
	intTests := []struct {
		name    string
		want    int64
		ok, err bool
	}{
		{"null", 0, false, false},
		{"absent", 0, false, false},
		{"numstr", 300, true, false},
		{"intfloat", 300, true, false},
		{"empty", 0, false, false},
		{"float", 0, false, true},
		{"html", 0, false, true},
		{"object", 0, false, true},
	}
	for _, tt := range intTests {
		v, ok, err := in.Int(tt.name)
		if v != tt.want || ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("Int(%s) = %d, %v, %v; want %d, %v, err %v", tt.name, v, ok, err, tt.want, tt.ok, tt.err)
		}
	}
	if v, ok, err := in.Bool("boolstr"); v || !ok || err != nil {
		t.Errorf("Bool(boolstr) = %v, %v, %v", v, ok, err)
	}
	if _, _, err := in.Bool("badbool"); err == nil {
		t.Error("Bool(badbool) should fail")
	}
	if s, ok := in.String("html"); !ok || s != "<b>x</b>" {
		t.Errorf("String(html) = %q", s)
	}
	if s, ok := in.String("float"); !ok || s != "12.5" {
		t.Errorf("String(float) = %q", s)
	}
	timeTests := map[string]time.Time{
		"date":    time.Date(2019, 8, 2, 0, 0, 0, 0, time.UTC),
		"rfc3339": time.Date(2019, 8, 2, 10, 53, 0, 0, time.UTC),
		"msstr":   time.UnixMilli(1564743180000),
	}
	for name, want := range timeTests {
		if got, ok := in.Time(name); !ok || !got.Equal(want) {
			t.Errorf("Time(%s) = %v, %v; want %v", name, got, ok, want)
		}
	}
	for _, name := range []string{"baddate", "null", "absent", "html"} {
		if _, ok := in.Time(name); ok {
			t.Errorf("Time(%s) should report false", name)
		}
	}
	if got := in.MultiSelect("namelist"); !slices.Equal(got, []resilient.Choice{{Name: "ssl_hash"}, {Name: "ip"}}) {
		t.Errorf("MultiSelect(namelist) = %+v", got)
	}
	if got := in.MultiSelect("onechoice"); !slices.Equal(got, []resilient.Choice{{ID: 301, Name: "ssl_hash"}}) {
		t.Errorf("MultiSelect(onechoice) = %+v", got)
	}
	if c, ok := in.Select("selectname"); !ok || c.Name != "ssl_hash" {
		t.Errorf("Select(selectname) = %+v, %v", c, ok)
	}
	if in.Has("null") || in.Has("absent") || !in.Has("empty") {
		t.Error("Has: null/absent must be false, empty string true")
	}
	flat := in.Flatten()
	if flat["null"] != nil || flat["html"] != "<b>x</b>" || flat["onechoice"] != "ssl_hash" {
		t.Errorf("Flatten = %v", flat)
	}
	if got, ok := flat["namelist"].([]any); !ok || len(got) != 2 || got[0] != "ssl_hash" {
		t.Errorf("Flatten(namelist) = %#v", flat["namelist"])
	}
}
