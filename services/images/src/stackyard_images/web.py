"""Absolute URLs in answers, on the request's own base (the gateway's, behind it)."""

from __future__ import annotations

from fastapi import Request

__all__ = ["absolute_url"]


def absolute_url(request: Request, path: str) -> str:
    """`path` (starting with `/`) as an absolute URL on the request's own base URL."""
    return f"{str(request.base_url).rstrip('/')}{path}"
