"""Tables of the compute service, all in its own `compute` schema."""

from stackyard_common.db import make_base

Base = make_base("compute")
