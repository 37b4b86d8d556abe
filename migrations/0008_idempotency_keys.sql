-- Idempotency-Key (src/infra/idempotency): a key is claimed by the transaction that does the work and
-- holds the response that work gave, so a repeated request answers the same without doing it again.
CREATE TABLE shopd.idempotency_keys (
  owner_id uuid NOT NULL,          -- the user who sent the key: keys of different users never meet
  key text NOT NULL,
  fingerprint text NOT NULL,       -- SHA-256 of method, route and canonical body
  status integer,
  content_type text,
  body text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (owner_id, key)
);
CREATE INDEX idempotency_keys_by_age ON shopd.idempotency_keys (created_at);
