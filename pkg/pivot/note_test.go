package pivot_test

import (
	"testing"

	"github.com/irisflow/irisflow/pkg/pivot"
)

func TestSummaryNote(t *testing.T) {
	t.Parallel()
	score := 87
	tests := []struct {
		name string
		s    pivot.Summary
		want string
	}{
		{
			name: "new domains and other incidents",
			s: pivot.Summary{
				Source: "whoissuggest.com", Type: "ssl_hash", Value: "f17d5c", GuidedCount: 3, Total: 3,
				New:   []pivot.Found{{Domain: "evil-1.example", RiskScore: &score}, {Domain: "evil-2.example"}},
				Known: 1, OtherIncidents: []int64{4211, 4302},
			},
			want: "irisflow pivot on ssl_hash f17d5c (from whoissuggest.com)\n" +
				"Guided count 3; Iris found 3 domains; 2 new, 1 already on the incident.\n" +
				"New domains (risk score):\n  evil-1.example (87)\n  evil-2.example (no score)\n" +
				"ssl_hash f17d5c also seen in incidents 4211, 4302.",
		},
		{
			name: "one other incident",
			s:    pivot.Summary{Type: "ip", Value: "192.0.2.3", GuidedCount: 2, Total: 2, Known: 2, OtherIncidents: []int64{4211}},
			want: "irisflow pivot on ip 192.0.2.3\n" +
				"Guided count 2; Iris found 2 domains; 0 new, 2 already on the incident.\n" +
				"ip 192.0.2.3 also seen in incident 4211.",
		},
		{
			name: "many other incidents",
			s: pivot.Summary{Type: "ip", Value: "192.0.2.4", GuidedCount: 2, Total: 2, Known: 2,
				OtherIncidents: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}},
			want: "irisflow pivot on ip 192.0.2.4\n" +
				"Guided count 2; Iris found 2 domains; 0 new, 2 already on the incident.\n" +
				"ip 192.0.2.4 also seen in incidents 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 " +
				"and 3 more (irisflow pivots 192.0.2.4).",
		},
		{
			name: "capped",
			s:    pivot.Summary{Type: "ip", Value: "192.0.2.1", GuidedCount: 40, Total: 40, Capped: 15, New: []pivot.Found{{Domain: "a.example"}}},
			want: "irisflow pivot on ip 192.0.2.1\n" +
				"Guided count 40; Iris found 40 domains; 1 new, 0 already on the incident; 15 more not added (artifact cap reached).\n" +
				"New domains (risk score):\n  a.example (no score)",
		},
		{
			name: "more than the search read",
			s:    pivot.Summary{Type: "ip", Value: "192.0.2.2", GuidedCount: 280, Total: 6000, Listed: 5000, Known: 1, Capped: 4999},
			want: "irisflow pivot on ip 192.0.2.2\n" +
				"Guided count 280; Iris found 6000 domains (the first 5000 read); 0 new, 1 already on the incident; 4999 more not added (artifact cap reached).",
		},
		{
			name: "nothing new",
			s:    pivot.Summary{Source: "s.example", Type: "email", Value: "a@b.example", GuidedCount: 2, Total: 1, Known: 1},
			want: "irisflow pivot on email a@b.example (from s.example)\n" +
				"Guided count 2; Iris found 1 domain; 0 new, 1 already on the incident.",
		},
		{
			name: "limit exceeded",
			s:    pivot.Summary{Source: "s.example", Type: "ip", Value: "192.0.2.9", GuidedCount: 250, Total: 5000, LimitExceeded: true},
			want: "irisflow pivot on ip 192.0.2.9 (from s.example)\n" +
				"Guided count 250; 5000 domains match, more than one Iris search may return; nothing added. " +
				"Narrow it with Execute Pivots and dt_created_date or dt_data_updated_after.",
		},
		{
			name: "limit exceeded without a total",
			s:    pivot.Summary{Type: "ip", Value: "192.0.2.9", GuidedCount: 250, LimitExceeded: true},
			want: "irisflow pivot on ip 192.0.2.9\n" +
				"Guided count 250; more domains match than one Iris search may return; nothing added. " +
				"Narrow it with Execute Pivots and dt_created_date or dt_data_updated_after.",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.s.Note(); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
	if got := pivot.NoPivotsNote("x.example", 300); got != "No pivots found for x.example (no value shared by more than 1 and fewer than 300 domains)." {
		t.Errorf("NoPivotsNote: %q", got)
	}
}
