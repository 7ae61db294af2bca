"""``prime-emulator``: serve the Prime Intellect API emulator from the command line.

The first line on stdout is the base URL (``http://127.0.0.1:PORT``), printed
as soon as the port is bound, so scripts can read it and start; the process
then serves until SIGINT or SIGTERM and exits 0. Point the official SDK at it
with ``PRIME_BASE_URL=<that URL>`` and ``PRIME_API_KEY=prime-emulator-key``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from prime_pulumi.emulator.backend import EmulatorBackend
from prime_pulumi.emulator.defaults import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_API_KEY,
    DEFAULT_DELETE_SECONDS,
    DEFAULT_DISK_DELETE_SECONDS,
    DEFAULT_DISK_PROVISION_SECONDS,
    DEFAULT_PROVISION_SECONDS,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prime-emulator",
        description="Serve a local emulator of the Prime Intellect pods and disks API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port; 0 (default) picks a free one")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help=f"an accepted API key; repeatable (default: {DEFAULT_API_KEY})",
    )
    parser.add_argument(
        "--admin-key",
        action="append",
        dest="admin_keys",
        metavar="KEY",
        help=f"an accepted admin key, also valid as API key; repeatable "
        f"(default: {DEFAULT_ADMIN_KEY})",
    )
    parser.add_argument(
        "--provision-seconds",
        type=float,
        default=DEFAULT_PROVISION_SECONDS,
        metavar="S",
        help=f"seconds from creating a pod to its being ready "
        f"(default: {DEFAULT_PROVISION_SECONDS})",
    )
    parser.add_argument(
        "--delete-seconds",
        type=float,
        default=DEFAULT_DELETE_SECONDS,
        metavar="S",
        help=f"seconds a deleted pod stays listed as DELETING before it is terminated; "
        f"0 terminates at once (default: {DEFAULT_DELETE_SECONDS:g})",
    )
    parser.add_argument(
        "--disk-provision-seconds",
        type=float,
        default=DEFAULT_DISK_PROVISION_SECONDS,
        metavar="S",
        help=f"seconds a new disk stays PROVISIONING before it is ACTIVE "
        f"(default: {DEFAULT_DISK_PROVISION_SECONDS:g})",
    )
    parser.add_argument(
        "--disk-delete-seconds",
        type=float,
        default=DEFAULT_DISK_DELETE_SECONDS,
        metavar="S",
        help=f"seconds a deleted disk stays DELETING before it is gone; "
        f"0 removes it at once (default: {DEFAULT_DISK_DELETE_SECONDS:g})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the ids (default: 0)")
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=("critical", "error", "warning", "info", "debug"),
        help="server log level, on stderr (default: warning)",
    )
    return parser


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until interrupted; returns the exit status."""
    args = _parser().parse_args(argv)
    for timing in ("provision", "delete", "disk_provision", "disk_delete"):
        if getattr(args, f"{timing}_seconds") < 0:
            _parser().error(f"--{timing.replace('_', '-')}-seconds must be >= 0")
    # uvicorn handles SIGINT/SIGTERM while it serves, then re-raises the signal
    # to the previous handler once shut down; these handlers turn that (and a
    # signal arriving before uvicorn is up) into a clean exit with status 0.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_cleanly)

    # Imported here so that without the emulator extra the message says what to install.
    try:
        import uvicorn  # noqa: PLC0415

        from prime_pulumi.emulator.app import create_app  # noqa: PLC0415
        from prime_pulumi.emulator.server import bind_socket, uvicorn_config  # noqa: PLC0415
    except ModuleNotFoundError as missing:
        _parser().exit(2, f"prime-emulator: {missing}; install 'prime-pulumi[emulator]'\n")

    backend = EmulatorBackend(
        api_keys=args.api_keys or (DEFAULT_API_KEY,),
        admin_keys=args.admin_keys or (DEFAULT_ADMIN_KEY,),
        provision_seconds=args.provision_seconds,
        delete_seconds=args.delete_seconds,
        disk_provision_seconds=args.disk_provision_seconds,
        disk_delete_seconds=args.disk_delete_seconds,
        seed=args.seed,
    )
    sock = bind_socket(args.host, args.port)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"http://{host}:{port}", flush=True)
    server = uvicorn.Server(
        uvicorn_config(create_app(backend), log_level=args.log_level, log_config=True)
    )
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
