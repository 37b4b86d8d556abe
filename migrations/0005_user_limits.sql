-- Hardening of the user module (limits that hold under races, absolute session lifetime, retention).

-- Wrong verification codes an account has entered in all, across resends: after
-- auth.verification_max_failures no code is accepted until the account expires unverified.
ALTER TABLE users.accounts ADD COLUMN verification_failures integer NOT NULL DEFAULT 0;
-- The retention job finds unverified accounts by age.
CREATE INDEX accounts_pending_by_age ON users.accounts (created_at) WHERE status = 'pending_verification';

-- Counters now keep when their window ends, so one statement can count attempts against limits of
-- different windows. Counters are short-lived by nature: the old rows are simply dropped.
DELETE FROM users.rate_limits;
ALTER TABLE users.rate_limits RENAME COLUMN window_start TO window_ends_at;
CREATE INDEX rate_limits_by_end ON users.rate_limits (window_ends_at);

-- Retention: ended sessions and expired refresh tokens are found by time.
CREATE INDEX sessions_by_age ON users.sessions (created_at);
CREATE INDEX refresh_tokens_by_expiry ON users.refresh_tokens (expires_at);
