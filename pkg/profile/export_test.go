package profile

// Queued is how many cold domains wait for an Iris token.
func (p *Profiler) Queued() int { return p.coalescer.queued() }

// Waiting is how many keys the Iris stage's open batch holds.
func (p *Profiler) Waiting() int {
	p.batcher.mu.Lock()
	defer p.batcher.mu.Unlock()
	return len(p.batcher.pending)
}
