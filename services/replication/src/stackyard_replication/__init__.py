"""Stackyard replication service: Tenant migrations between clouds."""
