package profile

// Queued is how many cold domains wait for an Iris token.
func (p *Profiler) Queued() int { return p.coalescer.queued() }
