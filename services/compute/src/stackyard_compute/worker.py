"""The compute service's arq worker: its jobs and periodic tasks, declared here."""

from stackyard_common.auth import memberships_consumer
from stackyard_common.tenants import tenants_consumer
from stackyard_common.worker import run_service_worker


def main() -> None:
    """Entry point of `stackyard-compute-worker`."""
    run_service_worker("compute", consumers=[memberships_consumer, tenants_consumer])
