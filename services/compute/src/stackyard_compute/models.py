"""Tables of the compute service, all in its own `compute` schema."""

from sqlalchemy.orm import DeclarativeBase

from stackyard_common.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("compute")
