"""Which cloud failures a step retries and which end the saga at once.

A refusal (quota, conflict, bad request, permission) will be refused again: the step
fails at once with the cloud's message. An outage or a timeout may pass: the runner
tries the step again, with back-off, until its attempts or deadline run out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import wraps
from typing import Any

from stackyard_common.openstack import ApiError, Unauthorized, Unavailable
from stackyard_common.sagas import StepContext, StepFailed

__all__ = ["refusals_fail"]

StepAction = Callable[[StepContext], Awaitable[Mapping[str, Any] | None]]


def refusals_fail(action: StepAction) -> StepAction:
    """`action`, with the cloud's refusals turned into `StepFailed`."""

    @wraps(action)
    async def run(ctx: StepContext) -> Mapping[str, Any] | None:
        try:
            return await action(ctx)
        except Unavailable:
            raise
        except Unauthorized as error:
            raise StepFailed(f"the cloud refused the credentials: {error}") from error
        except ApiError as error:
            raise StepFailed(str(error)) from error

    return run
