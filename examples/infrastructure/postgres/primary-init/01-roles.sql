-- Runs once, when the primary's data directory is created (docker-entrypoint-initdb.d).
-- replicator:     streaming replication only.
-- platform_owner: owns the service databases and runs the Flyway migrations.
-- tenant_app:     what the services connect as: not superuser, not owner, no BYPASSRLS, so row-level
--                 security applies to every statement (platform-database refuses to start otherwise).
-- temporal:       Temporal's own databases (temporal, temporal_visibility), created by auto-setup.
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD 'replicator-dev-password';
CREATE ROLE platform_owner WITH LOGIN PASSWORD 'owner-dev-password';
CREATE ROLE tenant_app WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD 'app-dev-password';
-- tenant_app_relay: the outbox relay (platform-outbox) reads every tenant's outbox rows through its own policy
--                   and nothing else; same development password, a separate role.
CREATE ROLE tenant_app_relay WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD 'app-dev-password';
CREATE ROLE temporal WITH LOGIN CREATEDB PASSWORD 'temporal-dev-password';
CREATE DATABASE platform OWNER platform_owner;
