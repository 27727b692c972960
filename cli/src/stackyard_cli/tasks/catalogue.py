"""Every service's periodic tasks, as the platform would run them: read from each
service's `stackyard_<service>.worker.PERIODIC_JOBS` (the services are `topology`'s), with
the periods `STACKYARD_SCHEDULE` gives them.

A service whose worker cannot be imported is reported, not fatal: the other services'
tasks can still be listed and run.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from stackyard_common.jobs import PeriodicJob, scheduled
from stackyard_common.topology import SERVICES

__all__ = ["Catalogue", "Task", "catalogue"]


@dataclass(frozen=True, slots=True)
class Task:
    """A periodic task of `service`: `declared` as its worker declares it, `job` as it
    runs (with the override, if the schedule has one)."""

    service: str
    declared: PeriodicJob
    job: PeriodicJob
    override: int | None

    @property
    def name(self) -> str:
        return self.declared.name


@dataclass
class Catalogue:
    """The platform's tasks by name, the services whose tasks could not be read (with
    why), and the schedule's entries that name no task (a typo runs nothing)."""

    tasks: dict[str, Task] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    unknown_overrides: list[str] = field(default_factory=list)

    def find(self, name: str) -> Task | None:
        """The task called `name`, if there is one."""
        return self.tasks.get(name)


def _jobs_of(package: str) -> Sequence[PeriodicJob]:
    module = importlib.import_module(f"{package}.worker")
    jobs: Sequence[PeriodicJob] = getattr(module, "PERIODIC_JOBS", ())
    return jobs


def catalogue(schedule: Mapping[str, int]) -> Catalogue:
    """Every service's periodic tasks, in `topology` order, with `schedule`'s periods."""
    found = Catalogue()
    for spec in SERVICES:
        try:
            jobs = _jobs_of(spec.package)
        except Exception as error:  # a broken worker module must not hide the others
            found.unreadable[spec.name] = f"{type(error).__name__}: {error}"
            continue
        for job in jobs:
            try:
                runs = scheduled(job, schedule)
            except ValueError as error:
                found.unreadable[spec.name] = str(error)
                continue
            found.tasks[job.name] = Task(spec.name, job, runs, schedule.get(job.name))
    found.unknown_overrides = sorted(set(schedule) - set(found.tasks))
    return found
