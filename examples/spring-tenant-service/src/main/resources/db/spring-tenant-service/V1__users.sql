-- Users of each tenant. Every tenant table carries tenant_id and is under row-level security:
-- ENABLE + FORCE (so the owner is filtered too) and one policy for reads and writes on the
-- transaction-local setting app.tenant_id (no tenant set means no rows, never all rows).
-- This is the SQL that dev.adxcore.platform.database.RowLevelSecurity.statements("users") produces.
CREATE TABLE users (
    id           uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    email        text        NOT NULL CHECK (email = lower(email)),
    display_name text        NOT NULL,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'rejected')),
    version      bigint      NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_tenant_email_key UNIQUE (tenant_id, email)
);
CREATE INDEX users_tenant_created_idx ON users (tenant_id, created_at, id);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users FOR ALL
    USING (tenant_id = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END))
    WITH CHECK (tenant_id = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END));

-- The audit projection: one row per user event, written by the event consumer. event_id makes the
-- consumer idempotent (delivery is at least once).
CREATE TABLE user_activity (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    event_id       text        NOT NULL,
    event_type     text        NOT NULL,
    correlation_id text        NOT NULL,
    actor_id       text,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_activity_event_key UNIQUE (tenant_id, event_id)
);
CREATE INDEX user_activity_user_idx ON user_activity (tenant_id, user_id, id);

ALTER TABLE user_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_activity FOR ALL
    USING (tenant_id = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END))
    WITH CHECK (tenant_id = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END));

-- What the gateway vouched for when a request started an onboarding workflow: the caller's roles,
-- recorded in the same transaction as the new user. The workflow's permission checker decides on them
-- (a worker in another process sees the same rows; no row means deny).
CREATE TABLE request_grants (
    tenant_id      uuid        NOT NULL,
    correlation_id text        NOT NULL,
    caller_id      text        NOT NULL,
    roles          text[]      NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, correlation_id, caller_id)
);

ALTER TABLE request_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_grants FOR ALL
    USING (tenant_id = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END))
    WITH CHECK (tenant_id = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END));

-- The application role only reads and writes rows; it owns nothing, so RLS always applies to it.
GRANT SELECT, INSERT, UPDATE, DELETE ON users, user_activity, request_grants TO ${app_role};
