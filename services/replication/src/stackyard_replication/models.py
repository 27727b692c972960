"""Tables of the replication service, all in its own `replication` schema."""

from sqlalchemy.orm import DeclarativeBase

from stackyard_common.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("replication")
