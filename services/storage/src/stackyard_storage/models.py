"""Tables of the storage service, all in its own `storage` schema."""

from stackyard_common.db import make_base

Base = make_base("storage")
