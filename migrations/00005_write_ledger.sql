-- Write ledger: one row per write command, so a redelivered or retried write
-- never creates a second note, row or artifact in Resilient.

-- +goose Up
CREATE TABLE write_ledger (
    command_id    text        PRIMARY KEY CHECK (command_id <> ''),
    org           bigint      NOT NULL,
    incident      bigint      NOT NULL,
    kind          text        NOT NULL,
    state         text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'failed')),
    object_id     bigint,
    attempts      integer     NOT NULL DEFAULT 1,
    pending_since timestamptz NOT NULL DEFAULT now(),
    applied_at    timestamptz,
    last_error    text        NOT NULL DEFAULT '',
    payload_hash  text        NOT NULL DEFAULT ''
);

COMMENT ON TABLE write_ledger IS 'Effectively-once ledger of writes to Resilient.';
COMMENT ON COLUMN write_ledger.command_id IS 'Deterministic write command id (parent invocation id + what is written).';
COMMENT ON COLUMN write_ledger.org IS 'Resilient organisation id.';
COMMENT ON COLUMN write_ledger.incident IS 'Resilient incident id.';
COMMENT ON COLUMN write_ledger.kind IS 'What is written: note, row or artifact.';
COMMENT ON COLUMN write_ledger.state IS 'pending = started, outcome unknown; applied = Resilient accepted it; failed = gave up.';
COMMENT ON COLUMN write_ledger.object_id IS 'Id of the Resilient object created (comment, row or artifact) once applied.';
COMMENT ON COLUMN write_ledger.attempts IS 'How many times a writer began this command.';
COMMENT ON COLUMN write_ledger.pending_since IS 'When the command (last) became pending (database clock).';
COMMENT ON COLUMN write_ledger.applied_at IS 'When it was applied (database clock).';
COMMENT ON COLUMN write_ledger.last_error IS 'Reason of the last failure; empty when none.';
COMMENT ON COLUMN write_ledger.payload_hash IS 'Hash of the payload written, to notice a command id reused for different content; empty when not recorded.';

CREATE INDEX write_ledger_pending_idx ON write_ledger (pending_since) WHERE state = 'pending';

-- +goose Down
DROP TABLE write_ledger;
