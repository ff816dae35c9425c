package resilient_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/irisflow/irisflow/pkg/resilient"
)

func TestRefForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want resilient.Ref
		out  string
	}{
		{`2`, resilient.Ref{ID: 2}, `2`},
		{`"DNS Name"`, resilient.Ref{Name: "DNS Name"}, `"DNS Name"`},
		{`{"id":2,"name":"DNS Name"}`, resilient.Ref{ID: 2, Name: "DNS Name"}, `{"id":2,"name":"DNS Name"}`},
		{`null`, resilient.Ref{}, `null`},
		{`2.0`, resilient.Ref{ID: 2}, `2`},
	}
	for _, tt := range tests {
		var r resilient.Ref
		if err := json.Unmarshal([]byte(tt.in), &r); err != nil || r != tt.want {
			t.Errorf("Unmarshal(%s) = %+v, %v; want %+v", tt.in, r, err, tt.want)
		}
		if b, _ := json.Marshal(r); string(b) != tt.out {
			t.Errorf("Marshal(%+v) = %s, want %s", r, b, tt.out)
		}
	}
	var r resilient.Ref
	if err := json.Unmarshal([]byte(`2.5`), &r); err == nil {
		t.Error("fractional id accepted")
	}
}

func TestEpochMSAndText(t *testing.T) {
	t.Parallel()
	var c resilient.Comment
	if err := json.Unmarshal([]byte(`{"id":7,"text":"plain","create_date":1564743180000,"user_fname":"x"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Text != (resilient.Text{Format: "text", Content: "plain"}) || !c.CreateDate.Equal(time.UnixMilli(1564743180000)) {
		t.Errorf("comment = %+v", c)
	}
	if string(c.Extra["user_fname"]) != `"x"` {
		t.Errorf("extra = %v", c.Extra)
	}
	b, _ := json.Marshal(c)
	var back map[string]any
	_ = json.Unmarshal(b, &back)
	if back["create_date"] != float64(1564743180000) || back["modify_date"] != nil || back["user_fname"] != "x" {
		t.Errorf("re-encoded = %s", b)
	}
}
