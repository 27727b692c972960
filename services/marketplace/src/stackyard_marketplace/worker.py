"""The marketplace service's arq worker: its consumers and periodic tasks."""

from stackyard_common.auth import memberships_consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.worker import run_service_worker
from stackyard_marketplace.processors.completion import tenant_answers_consumer
from stackyard_marketplace.processors.imports import imports_consumer
from stackyard_marketplace.processors.metadata import metadata_consumer
from stackyard_marketplace.processors.resource_answers import resource_answers_consumer
from stackyard_marketplace.projects.service import projects_consumer

PERIODIC_JOBS: list[PeriodicJob] = []


def main() -> None:
    """Entry point of `stackyard-marketplace-worker`."""
    run_service_worker(
        "marketplace",
        periodic_jobs=PERIODIC_JOBS,
        consumers=[
            memberships_consumer,
            projects_consumer,
            tenant_answers_consumer,
            resource_answers_consumer,
            imports_consumer,
            metadata_consumer,
        ],
    )
