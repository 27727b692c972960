"""Tables of the network service, all in its own `network` schema."""

from stackyard_common.db import make_base

Base = make_base("network")
