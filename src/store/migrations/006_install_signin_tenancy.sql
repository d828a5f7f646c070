-- 006: installing from the CRM (OAuth), admin sign-in and tenancy.
--
-- An installation whose tokens the CRM refused for good (revoked, app uninstalled, refresh token
-- expired) waits in needs_reauth: its jobs are delayed, not failed, until an admin reconnects it
-- through the same install flow. status_reason says why, for the console. rate_policy is the
-- request budget the account's app tier gives (a connector's policy name), set at install.
ALTER TABLE installations DROP CONSTRAINT IF EXISTS installations_status_check;
ALTER TABLE installations ADD CONSTRAINT installations_status_check
  CHECK (status IN ('pending', 'active', 'paused', 'needs_reauth', 'disconnected', 'error'));
ALTER TABLE installations ADD COLUMN status_reason text;
ALTER TABLE installations ADD COLUMN rate_policy text;

-- People who sign in: identified by their CRM account (an OAuth callback names the user), keyed by
-- a lower-cased email so the same person signing in through two systems is one user.
CREATE TABLE users (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email       text NOT NULL UNIQUE CHECK (email = lower(email)),
  name        text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Which CRM user (in which account) a user has signed in or installed as.
CREATE TABLE user_identities (
  provider             text NOT NULL,
  external_account_id  text NOT NULL,
  external_user_id     text NOT NULL,
  user_id              uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, external_account_id, external_user_id)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- Who may see a workspace, and do what: admin (everything) or viewer (read only).
CREATE TABLE workspace_members (
  workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role          text NOT NULL CHECK (role IN ('admin', 'viewer')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user ON workspace_members (user_id);

-- Server-side sessions. The cookie holds a random id; only its SHA-256 is stored, so reading this
-- table yields no usable cookie. A session belongs to one membership: removing the member ends it.
-- csrf_token is the synchronizer token every state-changing request must send back.
CREATE TABLE sessions (
  id_hash       text PRIMARY KEY,
  workspace_id  uuid NOT NULL,
  user_id       uuid NOT NULL,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  FOREIGN KEY (workspace_id, user_id) REFERENCES workspace_members (workspace_id, user_id) ON DELETE CASCADE
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- OAuth states in flight: single use (the callback deletes the row it consumes), expiring. The PKCE
-- verifier stays here, sealed, never in the browser. session_hash binds a second system's install
-- to the session that started it.
CREATE TABLE oauth_states (
  id_hash                text PRIMARY KEY,
  provider               text NOT NULL,
  purpose                text NOT NULL CHECK (purpose IN ('install', 'signin')),
  code_verifier_sealed   text,
  session_hash           text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  expires_at             timestamptz NOT NULL
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);
