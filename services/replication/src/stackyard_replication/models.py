"""Tables of the replication service, all in its own `replication` schema."""

from stackyard_common.db import make_base

Base = make_base("replication")
