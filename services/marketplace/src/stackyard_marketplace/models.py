"""Tables of the marketplace service, all in its own `marketplace` schema."""

from sqlalchemy.orm import DeclarativeBase

from stackyard_common.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("marketplace")
