-- The tenant of a new activity row is the unit of work's tenant: the column defaults to the
-- transaction's app.tenant_id (row-level security's WITH CHECK still refuses any other tenant), so
-- the event consumer writes no tenant by hand.
ALTER TABLE user_activity ALTER COLUMN tenant_id SET DEFAULT NULLIF(current_setting('app.tenant_id', true), '')::uuid;

-- The workflow's permission step reads the caller's roles from the workflow's request context
-- (Temporal headers); the per-request copy of the roles is no longer needed.
DROP TABLE request_grants;
