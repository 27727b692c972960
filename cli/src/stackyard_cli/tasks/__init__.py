"""`stackyard tasks`: the platform's periodic tasks, listed and run on demand."""

from stackyard_cli.tasks.commands import app

__all__ = ["app"]
