"""Stackyard identity service: Platform users, tokens, organisations, projects and roles; cloud
connections; OpenStack tenants and their provisioning and teardown sagas.
"""
