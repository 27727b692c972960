"""Alembic environment of the images service (see stackyard_common.migrations)."""

from stackyard_common.migrations import run_env
from stackyard_images.models import Base

run_env(Base.metadata)
