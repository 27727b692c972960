"""`validate-openstack-services`: can the platform work with an offering's cloud?

With the admin credentials of the offering's cloud connection (from identity), it
checks Keystone (a token, which also brings the catalog), then each service the
platform uses (Nova, Neutron, Cinder, Glance) with one cheap read of its catalog
endpoint; `--test-writes` then makes and removes real resources (see `write_checks`).
Each check prints one line with ✓ or ✗, its time, and what was found or the cloud's
own error message. The exit code is 1 when any check failed.
"""

from __future__ import annotations

from collections.abc import Callable

from stackyard_cli.operators.checks import Check, run_check
from stackyard_cli.operators.platform import Platform
from stackyard_cli.operators.write_checks import write_checks
from stackyard_common.auth import CloudCredentials
from stackyard_common.openstack import CloudConfig, MemoryTokenCache, OpenStackClient, RetryPolicy

__all__ = ["read_checks", "validate_services"]

Echo = Callable[[str], None]

# A broken service should be reported within seconds, not after the platform's patient
# retries; one retry still rides out a single hiccup.
RETRY = RetryPolicy(attempts=2, backoff_base=0.2, backoff_cap=1.0)

# One cheap read per service: (check, catalog service, path, key of the list).
READS = (
    ("Nova (compute)", "compute", "/flavors", "flavors"),
    ("Neutron (network)", "network", "/networks", "networks"),
    ("Cinder (volume)", "volume", "/types", "volume_types"),
    ("Glance (image)", "image", "/images", "images"),
)


def client_for(credentials: CloudCredentials) -> OpenStackClient:
    """A client of the connection's admin project, its token kept in this process."""
    config = CloudConfig(
        name=f"validate {credentials.uuid}",
        auth_url=credentials.auth_url,
        username=credentials.username,
        password=credentials.password,
        user_domain_name=credentials.domain,
        project_name=credentials.project,
        project_domain_name=credentials.domain,
        verify_ssl=credentials.verify_ssl,
        timeout=30.0,
        retry=RETRY,
    )
    return OpenStackClient(config, token_cache=MemoryTokenCache())


async def read_checks(cloud: OpenStackClient, echo: Echo, *, verbose: bool) -> list[Check]:
    """Keystone first; the services only when a token was had (each needs it)."""

    async def keystone() -> str:
        token = await cloud.session.auth.token()
        services = sorted({entry.get("type", "?") for entry in token.catalog.entries})
        return f"token for project {token.project_id}; catalog: {', '.join(services)}"

    checks = [await run_check("Keystone authentication", keystone)]
    echo(checks[-1].line())
    if not checks[-1].ok:
        return checks

    for name, service, path, key in READS:

        async def first_page(service: str = service, path: str = path, key: str = key) -> str:
            params = {} if service == "volume" else {"limit": 1}
            response = await cloud.session.request(service, "GET", path, params=params)
            listed = len(response.json().get(key, []))
            found = f"GET {path}: {listed} {key} on the first page"
            return (
                f"{found}, endpoint {await cloud.session.endpoint(service)}" if verbose else found
            )

        checks.append(await run_check(name, first_page))
        echo(checks[-1].line())
    return checks


async def validate_services(
    platform: Platform, echo: Echo, *, offering: str, verbose: bool, test_writes: bool
) -> int:
    """Run the checks against the offering's cloud; the exit code."""
    found, connection = await platform.connection_of(offering)
    credentials = await platform.credentials(connection)
    echo(f"offering {found['name']} ({found['uuid']}), cloud connection {connection}")
    if verbose:
        echo(
            f"  Keystone {credentials.auth_url}, user {credentials.username} "
            f"(domain {credentials.domain}), project {credentials.project}, "
            f"verify_ssl {credentials.verify_ssl}"
        )
    async with client_for(credentials) as cloud:
        checks = await read_checks(cloud, echo, verbose=verbose)
        if test_writes and all(check.ok for check in checks):
            external = credentials.external_network_id
            checks += await write_checks(cloud, echo, external_network=external)
        elif test_writes:
            echo("write checks skipped: a read check failed")
    failed = [check.name for check in checks if not check.ok]
    if failed:
        echo(f"FAILED: {', '.join(failed)}")
        return 1
    echo(f"all {len(checks)} checks passed")
    return 0
