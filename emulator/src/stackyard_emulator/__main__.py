"""``stackyard-emulator``: run one emulated cloud with uvicorn."""

from __future__ import annotations

import argparse
from pathlib import Path

from .config import Delays, EmulatorConfig


def parse_args(argv: list[str] | None = None) -> EmulatorConfig:
    """The configuration the command line describes."""
    parser = argparse.ArgumentParser(prog="stackyard-emulator", description=__doc__)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=5000, help="port (default: %(default)s)")
    parser.add_argument("--name", default="cloud", help="name of this cloud")
    parser.add_argument("--seed", type=Path, help="seed YAML (sections replace the default's)")
    parser.add_argument("--public-url", help="base URL in the catalog (default: http://host:port)")
    parser.add_argument(
        "--token-lifetime",
        type=float,
        default=3600.0,
        help="token lifetime in seconds (default: %(default)s)",
    )
    parser.add_argument("--delay", type=float, help="set every transition delay (seconds) at once")
    defaults = Delays()
    for name in ("build", "action", "resize", "volume", "snapshot", "backup", "delete"):
        parser.add_argument(
            f"--{name}-delay",
            type=float,
            default=getattr(defaults, name),
            help=f"seconds for the {name} transition (default: %(default)s)",
        )
    parser.add_argument(
        "--image-dir",
        type=Path,
        help="keep uploaded image bytes here (default: keep only checksums)",
    )
    args = parser.parse_args(argv)
    delays = Delays(
        build=args.build_delay,
        action=args.action_delay,
        resize=args.resize_delay,
        volume=args.volume_delay,
        snapshot=args.snapshot_delay,
        backup=args.backup_delay,
        delete=args.delete_delay,
    )
    if args.delay is not None:
        delays.set_all(args.delay)
    if args.image_dir is not None:
        args.image_dir.mkdir(parents=True, exist_ok=True)
    return EmulatorConfig(
        name=args.name,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        token_lifetime=args.token_lifetime,
        delays=delays,
        seed_path=args.seed,
        image_dir=args.image_dir,
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    import uvicorn

    from .app import create_app

    config = parse_args(argv)
    app = create_app(config)
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
