"""A stateful OpenStack emulator: Keystone v3, Nova v2.1, Neutron v2.0, Cinder v3, Glance v2.

Build one cloud with :func:`create_app`; every app has its own :class:`Cloud`.
"""

from .app import create_app
from .cloud import Cloud
from .config import Delays, EmulatorConfig

__all__ = ["Cloud", "Delays", "EmulatorConfig", "create_app"]
