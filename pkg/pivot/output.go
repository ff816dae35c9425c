package pivot

// Output is the content of a Discover Actionable Pivots reply.
type Output struct {
	// PivotData is the seed app's dt_pivot_data: value → count. Values found
	// under several types appear once, with the largest count.
	PivotData map[string]int `json:"dt_pivot_data"`
	// Pivots is the typed list irisflow adds, in Discover's order.
	Pivots []TypedPivot `json:"pivots"`
	// Threshold is the guided-pivot threshold used.
	Threshold int `json:"threshold"`
}

// TypedPivot is one entry of Output.Pivots.
type TypedPivot struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Count int    `json:"count"`
}

// DiscoverOutput builds the reply content of Discover Actionable Pivots:
// the seed-compatible value→count map and the typed list.
func DiscoverOutput(pivots []Pivot, threshold int) Output {
	out := Output{
		PivotData: make(map[string]int, len(pivots)),
		Pivots:    make([]TypedPivot, 0, len(pivots)),
		Threshold: threshold,
	}
	for _, p := range pivots {
		out.PivotData[p.Value] = max(out.PivotData[p.Value], p.Count)
		out.Pivots = append(out.Pivots, TypedPivot{Type: p.Type, Value: p.Value, Count: p.Count})
	}
	return out
}
