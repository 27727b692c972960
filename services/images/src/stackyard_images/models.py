"""Tables of the images service, all in its own `images` schema."""

from stackyard_common.db import make_base

Base = make_base("images")
