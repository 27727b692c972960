"""The `stackyard` command."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from stackyard_cli import volume_metadata
from stackyard_cli.operators import register as register_operator_commands
from stackyard_cli.platform import up
from stackyard_cli.platform.gateway import write_gateway
from stackyard_cli.platform.openapi import merged_openapi
from stackyard_cli.platform.preflight import check_dependencies
from stackyard_cli.tasks import app as tasks_app
from stackyard_common.dbadmin import bootstrap_database, drop_database, migrate_all
from stackyard_common.events.deadletters import main as dead_letters_main
from stackyard_common.settings import get_settings
from stackyard_identity.bootstrap import ensure_staff_user

app = typer.Typer(
    help="Run and operate Stackyard.", no_args_is_help=True, pretty_exceptions_enable=False
)
db_app = typer.Typer(help="The database: roles, schemas, migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tasks_app, name="tasks")

RunDir = Annotated[Path, typer.Option(help="Where generated files and runtime state go.")]


@app.command("up")
def up_command(
    run_dir: RunDir = Path("var/run"),
    ready_timeout: Annotated[float, typer.Option(help="Seconds to wait for readiness.")] = 120,
) -> None:
    """Start the whole platform against the built-in emulator cloud (Ctrl-C stops it)."""
    try:
        code = up.run(get_settings(), run_dir.resolve(), ready_timeout)
    except up.PlatformError as error:
        typer.echo(f"stackyard: cannot start: {error}", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


@app.command()
def preflight() -> None:
    """Check that PostgreSQL, Redis, RabbitMQ and nginx are there."""
    dependencies = asyncio.run(check_dependencies(get_settings()))
    for dep in dependencies:
        typer.echo(f"{'ok  ' if dep.ok else 'MISSING'} {dep.name}: {dep.detail}")
        if not dep.ok:
            typer.echo(f"        {dep.remedy}")
    if not all(dep.ok for dep in dependencies):
        raise typer.Exit(1)


@db_app.command("bootstrap")
def db_bootstrap() -> None:
    """Create the database, every service's role and schema (idempotent)."""
    for line in asyncio.run(bootstrap_database(get_settings())) or ["nothing to do"]:
        typer.echo(line)


@db_app.command("migrate")
def db_migrate() -> None:
    """Migrate every service's schema to its newest revision."""
    asyncio.run(migrate_all(get_settings()))
    typer.echo("every service migrated")


@db_app.command("drop")
def db_drop(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm the deletion.")] = False,
) -> None:
    """Delete the database and every service role."""
    settings = get_settings()
    if not yes:
        typer.echo(f"this deletes database {settings.database.name}: add --yes", err=True)
        raise typer.Exit(2)
    asyncio.run(drop_database(settings))
    typer.echo(f"dropped {settings.database.name}")


@app.command()
def deadletters(
    action: Annotated[str, typer.Argument(help="list or replay")],
    service: Annotated[str, typer.Argument(help="The service whose dead letters to read.")],
    consumer: Annotated[str | None, typer.Option(help="Only this consumer's.")] = None,
    message_id: Annotated[str | None, typer.Option("--id", help="Only this message.")] = None,
) -> None:
    """List the messages a service's consumers gave up on, or replay them."""
    if action not in {"list", "replay"}:
        typer.echo("action is list or replay", err=True)
        raise typer.Exit(2)
    argv = [action, service]
    if consumer:
        argv += ["--consumer", consumer]
    if message_id:
        argv += ["--id", message_id]
    raise typer.Exit(dead_letters_main(argv))


@app.command("create-admin")
def create_admin() -> None:
    """Make the staff user of STACKYARD_ADMIN_USERNAME / STACKYARD_ADMIN_PASSWORD."""
    settings = get_settings()
    try:
        admin = up.AdminCredentials.from_environment(settings)
    except up.PlatformError as error:
        typer.echo(f"stackyard: {error}", err=True)
        raise typer.Exit(1) from None
    result = asyncio.run(ensure_staff_user(settings, admin.username, admin.password))
    typer.echo(f"staff user {result.username}: {'created' if result.created else 'present'}")


@app.command()
def gateway(run_dir: RunDir = Path("var/run")) -> None:
    """Render the gateway's nginx configuration and the merged OpenAPI document."""
    schema_file = run_dir.resolve() / "openapi.json"
    schema_file.parent.mkdir(parents=True, exist_ok=True)
    schema_file.write_text(json.dumps(merged_openapi(), indent=1))
    typer.echo(write_gateway(get_settings(), run_dir.resolve() / "gateway", schema_file))


@app.command()
def openapi(
    out: Annotated[Path | None, typer.Option(help="File to write (default: stdout).")] = None,
) -> None:
    """Print (or write) the merged OpenAPI document of every service."""
    document = json.dumps(merged_openapi(), indent=1)
    if out is None:
        sys.stdout.write(document + "\n")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(document + "\n")
        typer.echo(f"wrote {out}")


register_operator_commands(app)
volume_metadata.register(app)
