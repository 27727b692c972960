"""Tables of the compute service, all in its own `compute` schema."""

from sqlalchemy.orm import DeclarativeBase

from stackyard_common.auth import membership_table
from stackyard_common.db import service_metadata
from stackyard_common.sagas import common_tables
from stackyard_common.tenants import tenant_table


class Base(DeclarativeBase):
    metadata = service_metadata("compute")


common_tables(Base.metadata)  # outbox, inbox and saga_runs live in every schema
membership_table(Base.metadata)  # who may see what, kept in step from identity's events
tenant_table(Base.metadata)  # the tenants it works in, kept in step from identity's events
