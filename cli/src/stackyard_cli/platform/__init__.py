"""Bringing the platform up on one machine: dependency checks, database roles and
schemas, migrations, the gateway's configuration, the merged OpenAPI document and the
process list."""
