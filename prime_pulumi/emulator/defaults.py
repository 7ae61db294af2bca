"""The emulator's defaults and fixed values, in one place."""

from typing import Final

#: The API key the emulator accepts when none is configured.
DEFAULT_API_KEY: Final = "prime-emulator-key"
#: The admin key the emulator accepts when none is configured (it is also a normal key).
DEFAULT_ADMIN_KEY: Final = "prime-emulator-admin-key"
#: How long a pod takes from creation to ready, unless configured otherwise.
DEFAULT_PROVISION_SECONDS: Final = 5.0
#: How long a deleted pod stays DELETING before it is terminated, unless configured otherwise.
DEFAULT_DELETE_SECONDS: Final = 0.0
#: How long a disk takes from creation to ACTIVE, unless configured otherwise.
DEFAULT_DISK_PROVISION_SECONDS: Final = 2.0
#: How long a deleted disk stays DELETING before it is gone, unless configured otherwise.
DEFAULT_DISK_DELETE_SECONDS: Final = 0.0
#: Where a pod mounts the disks it is created with (the API's documented default).
DISK_MOUNT_PATH: Final = "/workspace"
#: Provision time of pods and disks in the pytest fixture: every phase shows, and waits are short.
FIXTURE_PROVISION_SECONDS: Final = 0.2
#: Price of one GPU-hour for pods whose ``cloudId`` is not in the catalogue.
DEFAULT_PRICE_PER_GPU_HOUR: Final = 1.5
#: GPUs on each node of a pod made from a multi-node offer (our guess: 8, as the offers show).
GPUS_PER_NODE: Final = 8
#: Each node after the first gets its SSH this fraction of the provision time after the one before.
NODE_READY_STAGGER: Final = 0.1
#: Image of pods created without one.
DEFAULT_IMAGE: Final = "ubuntu_22_cuda_12"
#: Lines of a pod's log served when the request gives no ``tail`` (the document's default).
DEFAULT_LOG_TAIL: Final = 100
#: Status sent by a ``status`` fault that names none.
DEFAULT_FAULT_STATUS: Final = 503
#: Installation progress a pod shows once an installation failure has stopped it.
FROZEN_PROGRESS: Final = 1
#: How long ``EmulatorServer.start`` waits for uvicorn to accept connections.
SERVER_START_TIMEOUT: Final = 10.0
#: How long ``EmulatorServer.stop`` lets in-flight requests finish.
SERVER_STOP_TIMEOUT: Final = 5
#: Connections that may wait for the server to accept them.
LISTEN_BACKLOG: Final = 128
#: The largest page the list endpoints serve.
MAX_PAGE_SIZE: Final = 100
