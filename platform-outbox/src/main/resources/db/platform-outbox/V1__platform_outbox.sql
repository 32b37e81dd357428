-- platform-outbox 1: the outbox. Run as the tables' owner (a migration role, never the application role).
-- Placeholders: ${app_role} records events (INSERT, and SELECT of its own tenant's rows under row-level
-- security); ${relay_role} publishes them (every tenant's rows, through the relay_access policy only).
CREATE TABLE IF NOT EXISTS platform_outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    event_id      text        NOT NULL,
    event_type    text        NOT NULL,
    aggregate_key text,
    partition_no  smallint    NOT NULL,
    payload       bytea       NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts      integer     NOT NULL DEFAULT 0,
    published_at  timestamptz,
    parked_at     timestamptz,
    last_error    text
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000);
CREATE INDEX IF NOT EXISTS platform_outbox_pending ON platform_outbox (partition_no, id)
    WHERE published_at IS NULL AND parked_at IS NULL;
ALTER TABLE "platform_outbox" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "platform_outbox" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "platform_outbox";
CREATE POLICY tenant_isolation ON "platform_outbox" FOR ALL USING ("tenant_id" = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END)) WITH CHECK ("tenant_id" = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END));
DROP POLICY IF EXISTS relay_access ON platform_outbox;
CREATE POLICY relay_access ON platform_outbox FOR ALL TO ${relay_role} USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON platform_outbox TO ${app_role};
GRANT SELECT, UPDATE, DELETE ON platform_outbox TO ${relay_role};
