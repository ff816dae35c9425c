package writer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// errClaimLost cancels a write whose ledger claim could not be renewed: past
// its lease another writer may take the command over, so this one stops
// before it posts (or abandons a POST in flight, which the next attempt
// reconciles).
var errClaimLost = errors.New("ledger claim lost")

// releaseTimeout bounds the release of a claim, which runs after the
// command's context may have ended.
const releaseTimeout = 5 * time.Second

// hold keeps the ledger claim token has on command id while the returned
// context lives: it renews the claim every third of Config.ClaimLease and
// cancels the context with errClaimLost when a renewal fails. release
// stops renewing, ends the claim when the write failed (on success
// LedgerApplied ended it), and returns err, naming the lost claim when that is what
// ended the write.
func (w *writer) hold(ctx context.Context, log *slog.Logger, id, token string) (_ context.Context, release func(err error) error) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(w.cfg.ClaimLease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := w.store.LedgerRenew(ctx, id, token, w.cfg.ClaimLease); err != nil {
					if ctx.Err() == nil {
						cancel(fmt.Errorf("%w: %w", errClaimLost, err))
					}
					return
				}
			}
		}
	}()
	return ctx, func(err error) error {
		lost := context.Cause(ctx)
		cancel(nil)
		<-done
		if err == nil {
			return nil
		}
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer rcancel()
		if rerr := w.store.LedgerRelease(rctx, id, token); rerr != nil {
			// The claim then ends with its lease.
			log.Warn("could not release the ledger claim", "err", rerr)
		}
		if errors.Is(lost, errClaimLost) {
			return fmt.Errorf("%w (%w)", err, lost)
		}
		return err
	}
}
