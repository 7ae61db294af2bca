"""``pulumi-resource-prime``: the process the engine starts for the ``prime`` package.

The engine runs it with its own address as an argument (progress goes there),
reads the port it serves on from its first line of output, and speaks gRPC.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import grpc
from pulumi.runtime.proto import provider_pb2_grpc

from prime_pulumi.core.progress import EngineLog
from prime_pulumi.core.runtime import RUNTIME
from prime_pulumi.native.server import PrimeProvider

#: Calls served at once: each create waits for its pod on a thread of its own, so a
#: fleet larger than this would come up in waves. Threads are made as calls come.
WORKERS = 1024


def engine_address(argv: list[str]) -> str | None:
    """The engine's address: the first argument that is not a flag."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    """Serves the provider on a free loopback port until the engine ends the process."""
    address = engine_address(sys.argv[1:] if argv is None else argv)
    if address:
        RUNTIME.engine_log = EngineLog(address)
    server = grpc.server(
        ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="prime-plugin"),
        options=[("grpc.max_receive_message_length", 1 << 30)],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(PrimeProvider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main())
