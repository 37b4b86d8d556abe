-- Periodic jobs of src/infra/scheduler. Every shopd process registers the same jobs; this table is
-- what makes each period's run happen in exactly one of them: a run locks its job's row
-- (FOR UPDATE SKIP LOCKED) and advances next_run_at in the same transaction as the job's own work,
-- so the run and the move to the next period commit together or not at all.
CREATE TABLE shopd.scheduled_jobs (
  name text PRIMARY KEY,               -- as registered in code; the row is created on first sight
  -- The period the next run belongs to. A run moves it to the first boundary after the run's time
  -- on the job's original grid, so missed periods are skipped rather than replayed in a burst.
  next_run_at timestamptz NOT NULL,
  runs bigint NOT NULL DEFAULT 0,      -- successful runs
  failures bigint NOT NULL DEFAULT 0,  -- failed runs; a failure also moves next_run_at on
  last_started_at timestamptz,
  last_finished_at timestamptz,
  -- Why the most recent run failed; cleared by a successful run. Kept here rather than in the log,
  -- which must never carry personal data that an error message might quote.
  last_error text
);
