package resilient

import (
	"encoding/json"
	"testing"
)

// TestDecodeWithExtraReplacesTheValue checks what every DTO's UnmarshalJSON
// inherits from decodeWithExtra: the value is replaced whole (fields and
// Extra of an earlier decode do not survive), unknown keys are kept, and a
// failed decode leaves the value as it was.
func TestDecodeWithExtraReplacesTheValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		wantErr   bool
		wantName  string
		wantTags  string // raw Tags
		wantExtra map[string]string
	}{
		{name: "known keys only", in: `{"id":2,"name":"b"}`, wantName: "b", wantExtra: nil},
		{name: "unknown keys kept raw", in: `{"name":"c","later":{"x":[1, 2]},"n":1}`, wantName: "c",
			wantExtra: map[string]string{"later": `{"x":[1, 2]}`, "n": "1"}},
		{name: "omitempty field is known", in: `{"name":"d","tags":["t"]}`, wantName: "d", wantTags: `["t"]`},
		{name: "bad json leaves the value", in: `{"name":`, wantErr: true, wantName: "old",
			wantTags: `["old"]`, wantExtra: map[string]string{"stale": "true"}},
		{name: "wrong type leaves the value", in: `{"name":7}`, wantErr: true, wantName: "old",
			wantTags: `["old"]`, wantExtra: map[string]string{"stale": "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := Function{ID: 9, Name: "old", Tags: json.RawMessage(`["old"]`), Extra: Extra{"stale": json.RawMessage("true")}}
			err := json.Unmarshal([]byte(tt.in), &f)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if f.Name != tt.wantName || string(f.Tags) != tt.wantTags {
				t.Errorf("name, tags = %q, %s; want %q, %s", f.Name, f.Tags, tt.wantName, tt.wantTags)
			}
			if !tt.wantErr && f.ID == 9 {
				t.Errorf("id of the earlier value survived the decode")
			}
			if len(f.Extra) != len(tt.wantExtra) {
				t.Fatalf("extra = %v, want %v", f.Extra, tt.wantExtra)
			}
			for k, v := range tt.wantExtra {
				if string(f.Extra[k]) != v {
					t.Errorf("extra[%s] = %s, want %s", k, f.Extra[k], v)
				}
			}
		})
	}
}

// TestEncodeWithExtra checks that extra keys are written, and never over a
// key the type writes itself.
func TestEncodeWithExtra(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Function
		want string
	}{
		{name: "no extra", in: Function{ID: 1, Name: "f"},
			want: `{"id":1,"name":"f","display_name":"","uuid":null}`},
		{name: "extra added, sorted", in: Function{ID: 1, Name: "f", Extra: Extra{"z": json.RawMessage(`[1]`), "a": json.RawMessage(`"x"`)}},
			want: `{"a":"x","display_name":"","id":1,"name":"f","uuid":null,"z":[1]}`},
		{name: "known key wins", in: Function{ID: 1, Name: "f", Extra: Extra{"name": json.RawMessage(`"shadow"`)}},
			want: `{"display_name":"","id":1,"name":"f","uuid":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}
