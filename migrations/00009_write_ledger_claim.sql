-- Write ledger claims: a writer takes a command's entry for a lease before it
-- reconciles or posts, so two writer replicas handed the same command at the
-- same time (a nats-server crash redelivers what was in flight at another
-- replica) never both post it. The second sees the claim and waits out the
-- lease; a writer that dies holding one loses it when the lease ends.

-- +goose Up
ALTER TABLE write_ledger
    ADD COLUMN claim_token   text,
    ADD COLUMN claimed_until timestamptz;

COMMENT ON COLUMN write_ledger.claim_token IS 'Random token of the writer attempt that holds the command; NULL when no writer does.';
COMMENT ON COLUMN write_ledger.claimed_until IS 'When the holder''s lease ends (database clock); renewed while it works, cleared when it settles or gives up.';

-- +goose Down
ALTER TABLE write_ledger
    DROP COLUMN claimed_until,
    DROP COLUMN claim_token;
