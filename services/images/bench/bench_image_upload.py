"""Benchmark of the streamed image upload: 2 GiB through the gateway, beside a direct
`PUT` of the same bytes to the emulator's Glance.

Run: `.venv/bin/python services/images/bench/bench_image_upload.py [--gib N]`. It starts
a whole platform (`stackyard up`) on an isolated environment of its own, orders a tenant
from the seeded offering as staff, then:

1. direct: registers an image in the emulator's Glance with the tenant's project as
   owner and `PUT`s the bytes to `/v2/images/{id}/file`;
2. through the platform: `create_image` and `upload_image_data` through the gateway
   (gateway → images service → Glance), the service checking limits and verifying size
   and checksums.

The bytes are generated on the fly (1 MiB blocks), never stored. Prints both rates and
their ratio, and the images service's memory: resident size before the upload and its
high-water mark after (`VmRSS` and `VmHWM` of the uvicorn process). Targets: at least 50%
of the direct rate; memory growth under 64 MiB.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from stackyard_common.testing import isolated_environment
from stackyard_common.testing.platform import RunningPlatform, running_platform

MIB = 1024 * 1024
EMULATOR_ADMIN = {"name": "admin", "password": "secret", "project": "admin"}


def _bytes(size: int) -> Iterator[bytes]:
    block = hashlib.sha512(b"bench").digest() * (MIB // 64)
    for index in range(size // MIB):
        yield index.to_bytes(8, "big") + block[8:]


def _staff(platform: RunningPlatform) -> httpx.Client:
    client = httpx.Client(base_url=platform.gateway_url, timeout=120)
    login = client.post("/api-auth/password/", json={"username": "admin", "password": "admin"})
    login.raise_for_status()
    client.headers["Authorization"] = f"Token {login.json()['token']}"
    return client


def _wait(what: str, probe: Any, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.3)
    raise RuntimeError(f"timed out waiting for {what}")


def _tenant(staff: httpx.Client) -> dict[str, Any]:
    offering = _wait(
        "the seeded offering",
        lambda: next(
            (
                o
                for o in staff.get("/api/marketplace-public-offerings/").json()
                if o["name"] == "Emulated OpenStack"
            ),
            None,
        ),
    )
    customer = staff.post("/api/customers/", json={"name": "Bench"}).json()
    project = staff.post("/api/projects/", json={"name": "Bench", "customer": customer["uuid"]})
    order = staff.post(
        "/api/marketplace-orders/",
        json={
            "offering": offering["uuid"],
            "project": project.json()["uuid"],
            "plan": offering["plans"][0]["uuid"],
            "limits": {"cores": 4, "ram": 8192, "storage": 51200},
            "attributes": {"name": "bench", "subnet_cidr": "192.168.90.0/24"},
        },
    ).json()
    done = _wait(
        "the tenant order",
        lambda: (
            o
            if (o := staff.get(f"/api/marketplace-orders/{order['uuid']}/").json())["state"]
            in ("done", "erred")
            else None
        ),
    )
    assert done["state"] == "done", done
    resource = staff.get(f"/api/marketplace-resources/{done['marketplace_resource_uuid']}/")
    tenant: dict[str, Any] = staff.get(resource.json()["scope"]).json()
    return tenant


def _direct(platform: RunningPlatform, owner: str, size: int) -> float:
    """Seconds for a direct PUT of `size` bytes to the emulator's Glance."""
    with httpx.Client(base_url=platform.emulator_url, timeout=600) as cloud:
        auth = cloud.post(
            "/identity/v3/auth/tokens",
            json={
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {
                                "name": EMULATOR_ADMIN["name"],
                                "domain": {"name": "Default"},
                                "password": EMULATOR_ADMIN["password"],
                            }
                        },
                    },
                    "scope": {
                        "project": {
                            "name": EMULATOR_ADMIN["project"],
                            "domain": {"name": "Default"},
                        }
                    },
                }
            },
        )
        cloud.headers["X-Auth-Token"] = auth.headers["X-Subject-Token"]
        image = cloud.post(
            "/image/v2/images",
            json={
                "name": "direct",
                "disk_format": "raw",
                "container_format": "bare",
                "owner": owner,
            },
        ).json()
        started = time.monotonic()
        put = cloud.put(
            f"/image/v2/images/{image['id']}/file",
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            content=_bytes(size),
        )
        elapsed = time.monotonic() - started
        assert put.status_code == 204, put.text
        cloud.delete(f"/image/v2/images/{image['id']}")
        return elapsed


def _images_pid(platform: RunningPlatform) -> int:
    """The pid of the images service's uvicorn process."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"stackyard_images.app:app" in command and (
            f"STACKYARD_PORTS__GATEWAY={platform.settings.ports.gateway}".encode() in environ
        ):
            return int(proc.name)
    raise RuntimeError("no images service process found")


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid`, in bytes."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) * 1024
    return found


def _through_gateway(staff: httpx.Client, tenant: str, size: int) -> tuple[float, dict[str, Any]]:
    made = _wait(
        "the tenant to reach the images service",
        lambda: (
            r
            if (
                r := staff.post(
                    f"/api/openstack-marketplace/{tenant}/create_image/",
                    json={"name": "bench", "disk_format": "raw"},
                )
            ).status_code
            == 201
            else None
        ),
        timeout=60,
    ).json()
    started = time.monotonic()
    uploaded = staff.post(
        made["upload_url"],
        headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
        content=_bytes(size),
        timeout=1800,
    )
    elapsed = time.monotonic() - started
    assert uploaded.status_code == 200, uploaded.text
    answer: dict[str, Any] = uploaded.json()
    return elapsed, answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gib", type=float, default=2.0, help="GiB to upload (default 2)")
    size = int(parser.parse_args().gib * 1024) * MIB
    with (
        isolated_environment() as environment,
        tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[3] / "var") as run_dir,
    ):
        Path(run_dir).chmod(0o755)
        with running_platform(environment, Path(run_dir)) as platform:
            staff = _staff(platform)
            tenant = _tenant(staff)
            direct = _direct(platform, tenant["backend_id"], size)
            pid = _images_pid(platform)
            before = _memory(pid)
            gateway, answer = _through_gateway(staff, tenant["uuid"], size)
            after = _memory(pid)
    direct_rate, gateway_rate = size / MIB / direct, size / MIB / gateway
    growth = after["VmHWM"] - before["VmRSS"]
    ratio = gateway_rate / direct_rate
    print(f"upload of {size / MIB / 1024:g} GiB, bytes generated on the fly")
    print(f"  direct PUT to the emulator   {direct:7.1f} s  {direct_rate:7.1f} MiB/s")
    print(
        f"  through gateway and images   {gateway:7.1f} s  {gateway_rate:7.1f} MiB/s"
        f"  ({ratio:.0%} of direct; target at least 50%)"
    )
    print(f"  verified by the service      size {answer['size']}, md5 {answer['checksum']}")
    print(
        f"  images service memory        RSS before {before['VmRSS'] / MIB:.1f} MiB, "
        f"peak after {after['VmHWM'] / MIB:.1f} MiB, growth {growth / MIB:.1f} MiB "
        f"(target under 64 MiB)"
    )
    return 0 if ratio >= 0.5 and growth < 64 * MIB else 1


if __name__ == "__main__":
    sys.exit(main())
