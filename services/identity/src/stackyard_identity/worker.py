"""The identity service's arq worker: its jobs, consumers and periodic tasks."""

from stackyard_common.worker import run_service_worker
from stackyard_identity.audit.consumers import audit_consumer


def main() -> None:
    """Entry point of `stackyard-identity-worker`."""
    run_service_worker("identity", consumers=[audit_consumer])
