-- The ${entities} of each tenant. Every tenant table carries tenant_id; V2__Row_level_security (Java) puts it
-- under row-level security with the platform's RowLevelSecurity statements.
CREATE TABLE ${entities} (
    id         uuid        NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL,
    status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active')),
    version    bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ${entities}_tenant_name_key UNIQUE (tenant_id, name)
);

-- The application role only reads and writes rows; it owns nothing, so row-level security always applies to it.
GRANT SELECT, INSERT, UPDATE, DELETE ON ${entities} TO ${app_role};
