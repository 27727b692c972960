"""The tenant sagas, owned by identity: provisioning, quota changes and teardown."""
