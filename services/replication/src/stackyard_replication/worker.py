"""The replication service's arq worker: its jobs and periodic tasks, declared here."""

from stackyard_common.auth import memberships_consumer
from stackyard_common.jobs import PeriodicJob
from stackyard_common.worker import run_service_worker

PERIODIC_JOBS: list[PeriodicJob] = []


def main() -> None:
    """Entry point of `stackyard-replication-worker`."""
    run_service_worker("replication", consumers=[memberships_consumer], periodic_jobs=PERIODIC_JOBS)
