"""Sagas: persistent, resumable, orchestrated step lists with compensation.

```python
run_id = await start_saga(session, provision_tenant, tenant.uuid, {"name": tenant.name})
progress = await saga_progress(session, tenant.uuid)   # "step 2 of 4: ... (running)"
```
The service's worker runs its sagas (`worker_settings(..., sagas=[provision_tenant])`).
`common_tables(Base.metadata)` in a service's `models.py` attaches the outbox, inbox
and `saga_runs` to its schema's metadata.
"""

from sqlalchemy import MetaData

from stackyard_common.events.tables import event_tables
from stackyard_common.sagas.definition import (
    Action,
    Check,
    Poll,
    Saga,
    Step,
    StepContext,
    StepFailed,
    WaitForEvent,
)
from stackyard_common.sagas.events import saga_event_consumer
from stackyard_common.sagas.runner import SagaRunner
from stackyard_common.sagas.store import SagaProgress, saga_progress, start_saga
from stackyard_common.sagas.tables import saga_runs, saga_tables

__all__ = [
    "Action",
    "Check",
    "Poll",
    "Saga",
    "SagaProgress",
    "SagaRunner",
    "Step",
    "StepContext",
    "StepFailed",
    "WaitForEvent",
    "common_tables",
    "saga_event_consumer",
    "saga_progress",
    "saga_runs",
    "saga_tables",
    "start_saga",
]


def common_tables(metadata: MetaData) -> None:
    """Attach every table libs/common keeps in each service's schema (outbox, inbox,
    saga_runs) to that service's `metadata`, so Alembic counts them as its own."""
    event_tables(metadata)
    saga_tables(metadata)
