"""API conventions shared by every service: errors and pagination."""

from stackyard_common.api.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    StackyardError,
    ValidationFailed,
    error_responses,
    install_error_handlers,
)
from stackyard_common.api.pagination import Page, PageDep, paginate

__all__ = [
    "Conflict",
    "NotAuthenticated",
    "NotFound",
    "Page",
    "PageDep",
    "PermissionDenied",
    "ServiceUnavailable",
    "StackyardError",
    "ValidationFailed",
    "error_responses",
    "install_error_handlers",
    "paginate",
]
