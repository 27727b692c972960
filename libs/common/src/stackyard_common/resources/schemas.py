"""Shapes every resource API shares: the progress of a saga and staff's requests."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from stackyard_common.sagas import SagaProgress

__all__ = ["Progress", "SetErredRequest", "progress_of"]


class Progress(BaseModel):
    """The newest saga run of a resource: "step 2 of 4: wait-available (running)"."""

    saga: str
    step: int
    total: int
    step_name: str
    state: str
    error: str | None
    text: str


def progress_of(found: SagaProgress | None) -> Progress | None:
    """The API's view of a run's progress."""
    if found is None:
        return None
    return Progress(
        saga=found.saga,
        step=found.step,
        total=found.total,
        step_name=found.step_name,
        state=found.state,
        error=found.error,
        text=found.text,
    )


class SetErredRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error_message: str = "Set erred by staff."
