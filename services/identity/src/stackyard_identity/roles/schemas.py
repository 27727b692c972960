"""What the role endpoints (`add_user`, `update_user`, `delete_user`, `list_users`) read
and write, in the reference API's shapes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from stackyard_common.auth import Role

__all__ = ["RoleGrantRead", "RoleGrantRequest", "RoleRevokeRequest"]


class RoleGrantRequest(BaseModel):
    """Give `user` (a uuid or URL) `role`, until `expiration_time` if given."""

    model_config = ConfigDict(extra="forbid")

    user: str
    role: Role
    expiration_time: datetime | None = None


class RoleRevokeRequest(BaseModel):
    """Take `role` away from `user`."""

    model_config = ConfigDict(extra="forbid")

    user: str
    role: Role


class RoleGrantRead(BaseModel):
    """One grant, with the user it is for."""

    uuid: UUID
    created: datetime
    expiration_time: datetime | None
    role_name: Role
    user_uuid: UUID
    user_username: str
    user_full_name: str
    user_email: str
    created_by_uuid: UUID | None
