"""Tables of the storage service, all in its own `storage` schema."""

from sqlalchemy.orm import DeclarativeBase

from stackyard_common.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("storage")
