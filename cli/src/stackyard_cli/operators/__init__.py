"""Operators' commands: cloud validation, leftover projects, tenant quotas."""

from stackyard_cli.operators.commands import register

__all__ = ["register"]
