"""Tables of the marketplace service, all in its own `marketplace` schema."""

from stackyard_common.db import make_base

Base = make_base("marketplace")
