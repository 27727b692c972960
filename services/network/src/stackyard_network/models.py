"""Tables of the network service, all in its own `network` schema."""

from sqlalchemy.orm import DeclarativeBase

from stackyard_common.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("network")
