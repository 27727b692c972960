"""Who may hand out which role.

- staff: every role;
- an organisation owner: managers of the organisation (not other owners, as in the
  reference system's default) and every project role in its projects;
- a project manager: admins and members of the project;
- anyone else who can see the scope: 403.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from stackyard_common.api import PermissionDenied, ValidationFailed
from stackyard_common.auth import CUSTOMER_ROLES, PROJECT_ROLES, Principal, Role, roles_held
from stackyard_identity.roles.service import Scope

__all__ = ["ensure_may_manage"]

_MANAGED_BY = {
    Role.CUSTOMER_OWNER: frozenset({Role.CUSTOMER_MANAGER, *PROJECT_ROLES}),
    Role.PROJECT_MANAGER: frozenset({Role.PROJECT_ADMIN, Role.PROJECT_MEMBER}),
}


async def ensure_may_manage(
    session: AsyncSession, principal: Principal, scope: Scope, role: Role
) -> None:
    """Raise `ValidationFailed` for a role of the wrong kind for `scope`, and
    `PermissionDenied` unless `principal` may grant or revoke `role` there."""
    allowed_kind = CUSTOMER_ROLES if scope.kind == "customer" else PROJECT_ROLES
    if role not in allowed_kind:
        raise ValidationFailed.field("role", f"Not a {scope.kind} role.")
    if principal.is_staff:
        return
    held = await roles_held(session, principal, customer=scope.customer, project=scope.project)
    if not any(role in _MANAGED_BY.get(mine, ()) for mine in held):
        raise PermissionDenied
