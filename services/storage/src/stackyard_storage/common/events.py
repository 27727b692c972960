"""Storage's name as the source of its events (each also an audit log entry in identity;
`stackyard_common.resources.events` makes them)."""

__all__ = ["SOURCE"]

SOURCE = "storage"
