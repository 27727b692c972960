"""`stackyard tasks`: list every service's periodic tasks, and run one now.

    stackyard tasks list
    stackyard tasks run pull-tenant-quotas [--no-wait] [--timeout 600] [--json]

`run` needs the task's service worker running (it runs the task, as it would on
schedule); it prints the task's summary, or why it could not run. Exit status: 0 done,
1 the task failed or could not run, 2 no such task.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError

from stackyard_cli.tasks.catalogue import Catalogue, Task, catalogue
from stackyard_cli.tasks.report import ProgressLine, summary_lines, task_table
from stackyard_cli.tasks.running import Outcome, TaskError, run_task
from stackyard_common.settings import Settings, get_settings

__all__ = ["app"]

app = typer.Typer(
    help="The platform's periodic tasks: list them, run one now.", no_args_is_help=True
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"stackyard: {message}", err=True)
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:  # e.g. a STACKYARD_SCHEDULE period that cannot align
        problems = "; ".join(
            str(problem["msg"]).removeprefix("Value error, ") for problem in error.errors()
        )
        raise _fail(f"the settings are invalid: {problems}") from None
    except SettingsError as error:  # e.g. STACKYARD_SCHEDULE that is not a JSON object
        raise _fail(f"the settings are invalid: {error} (is it JSON?)") from None


def _known(found: Catalogue) -> str:
    return ", ".join(sorted(found.tasks)) or "none"


@app.command("list")
def list_tasks() -> None:
    """Every service's periodic tasks: name, service, period and the override in effect."""
    for line in task_table(catalogue(_settings().schedule)):
        typer.echo(line)


def _show(task: Task, outcome: Outcome, as_json: bool) -> None:
    if not outcome.waited:
        typer.echo(f"{task.name}: enqueued to the {task.service} worker as job {outcome.job_id}")
        return
    if not outcome.success:
        error = outcome.result
        reason = f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        raise _fail(f"{task.name} failed after {outcome.seconds:.1f} s: {reason}")
    if as_json:
        typer.echo(json.dumps(outcome.result, indent=1, default=str))
        return
    typer.echo(f"{task.name} ({task.service}) done in {outcome.seconds:.1f} s:")
    for line in summary_lines(outcome.result):
        typer.echo(line)


@app.command("run")
def run(
    name: Annotated[str, typer.Argument(help="The task, as `stackyard tasks list` names it.")],
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Wait for the task and print its summary.")
    ] = True,
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds to wait (default: the task's own timeout and a minute)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run a periodic task now, in its service's worker, and print what it did."""
    settings = _settings()
    found = catalogue(settings.schedule)
    task = found.find(name)
    if task is None:
        raise _fail(f"no periodic task is called {name!r}; known tasks: {_known(found)}", 2)
    progress = ProgressLine(f"{task.name} ({task.service})")
    try:
        outcome = asyncio.run(
            run_task(settings, task, wait=wait, timeout=timeout, progress=progress)
        )
    except TaskError as error:
        progress.end()
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        progress.end()
        raise _fail(
            f"stopped waiting; {task.name} goes on in the {task.service} worker", 130
        ) from None
    progress.end()
    _show(task, outcome, as_json)
