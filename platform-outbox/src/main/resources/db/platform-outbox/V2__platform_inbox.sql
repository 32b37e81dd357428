-- platform-outbox 2: the inbox of idempotent consumers. Run as the tables' owner.
-- ${app_role} records (subscription id, event id) in the handler's unit of work; ${relay_role} deletes
-- rows past their retention (every tenant's, through the relay_access policy only).
CREATE TABLE IF NOT EXISTS platform_inbox (
    subscription_id text        NOT NULL,
    event_id        text        NOT NULL,
    tenant_id       uuid        NOT NULL,
    processed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscription_id, event_id)
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
CREATE INDEX IF NOT EXISTS platform_inbox_processed_at ON platform_inbox USING brin (processed_at);
ALTER TABLE "platform_inbox" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "platform_inbox" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "platform_inbox";
CREATE POLICY tenant_isolation ON "platform_inbox" FOR ALL USING ("tenant_id" = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END)) WITH CHECK ("tenant_id" = (CASE WHEN current_setting('app.tenant_tx', true) = extract(epoch FROM transaction_timestamp())::text THEN NULLIF(current_setting('app.tenant_id', true), '')::uuid END));
DROP POLICY IF EXISTS relay_access ON platform_inbox;
CREATE POLICY relay_access ON platform_inbox FOR SELECT TO ${relay_role} USING (true);
DROP POLICY IF EXISTS relay_purge ON platform_inbox;
CREATE POLICY relay_purge ON platform_inbox FOR DELETE TO ${relay_role} USING (true);
GRANT SELECT, INSERT ON platform_inbox TO ${app_role};
GRANT SELECT, DELETE ON platform_inbox TO ${relay_role};
