"""Roles a user holds in an organisation (customer) or a project, and who they are."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["CUSTOMER_ROLES", "PROJECT_ROLES", "Principal", "Role", "ScopeType"]


class ScopeType(StrEnum):
    """What a role is held in."""

    CUSTOMER = "customer"
    PROJECT = "project"


class Role(StrEnum):
    """A role, named as the reference API names it."""

    CUSTOMER_OWNER = "CUSTOMER.OWNER"
    CUSTOMER_MANAGER = "CUSTOMER.MANAGER"
    PROJECT_ADMIN = "PROJECT.ADMIN"
    PROJECT_MANAGER = "PROJECT.MANAGER"
    PROJECT_MEMBER = "PROJECT.MEMBER"

    @property
    def scope_type(self) -> ScopeType:
        """Whether the role is held in an organisation or in a project."""
        return ScopeType.CUSTOMER if self.value.startswith("CUSTOMER.") else ScopeType.PROJECT


CUSTOMER_ROLES = frozenset(role for role in Role if role.scope_type is ScopeType.CUSTOMER)
PROJECT_ROLES = frozenset(role for role in Role if role.scope_type is ScopeType.PROJECT)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request, as the verified token says.

    Staff may do anything; support may see anything and change nothing beyond what their
    roles allow; everyone else sees and does what their roles allow.
    """

    uuid: uuid.UUID
    username: str
    is_staff: bool = False
    is_support: bool = False
    token_id: str = ""
    expires_at: int = 0

    @property
    def sees_everything(self) -> bool:
        """Staff and support see every organisation, project and resource."""
        return self.is_staff or self.is_support
