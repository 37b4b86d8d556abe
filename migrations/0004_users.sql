-- The user module's tables. Personal data (e-mail, name, phone, every address field) is stored only
-- as XChaCha20-Poly1305 ciphertext (FieldCipher, bound to its column and row); the e-mail is found
-- and kept unique through a keyed blind index. Usernames are public handles, not personal data.

CREATE TABLE users.accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text UNIQUE,             -- NULL once withdrawn: the row keeps no way back to the person
  password_hash text,               -- Argon2id PHC string; NULL once withdrawn
  email_ct bytea,
  email_bidx bytea UNIQUE,
  name_ct bytea,
  phone_ct bytea,
  role text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'seller', 'admin')),
  status text NOT NULL DEFAULT 'pending_verification'
    CHECK (status IN ('pending_verification', 'active', 'withdrawn')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz,
  CHECK ((status = 'withdrawn') = (username IS NULL))
);

-- One live e-mail verification code per account. The code has only a million values, so it is
-- stored as a keyed hash (blind index), never as a plain digest that could be reversed by trying them.
CREATE TABLE users.verification_codes (
  user_id uuid PRIMARY KEY REFERENCES users.accounts (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  sent_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0
);

-- A login. Access tokens name their session, so revoking it refuses them at once.
CREATE TABLE users.sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX sessions_live_by_user ON users.sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens, as SHA-256 of the random token. Each is spent by its one use; presenting a spent
-- one means it was stolen or replayed, and revokes its session.
CREATE TABLE users.refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES users.sessions (id) ON DELETE CASCADE,
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  spent_at timestamptz
);
CREATE INDEX refresh_tokens_by_session ON users.refresh_tokens (session_id);

CREATE TABLE users.addresses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
  recipient_ct bytea NOT NULL,
  phone_ct bytea NOT NULL,
  zip_code_ct bytea NOT NULL,
  line1_ct bytea NOT NULL,
  line2_ct bytea,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_by_user ON users.addresses (user_id, created_at);
CREATE UNIQUE INDEX addresses_one_default ON users.addresses (user_id) WHERE is_default;

-- Fixed-window counters for abuse limits, shared by every shopd process. The key names the limit and
-- its subject as a keyed hash ("login_user:<bidx>"), so no username or address is stored here.
CREATE TABLE users.rate_limits (
  bucket text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);
