"""Stackyard storage service: Cinder: volumes, snapshots, backups, volume types."""
