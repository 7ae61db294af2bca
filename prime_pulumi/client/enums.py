"""The values the API's OpenAPI document enumerates, and the closest of them to another.

Each :class:`~enum.StrEnum` here holds the values of one enum of Prime Intellect's
``compute.yml`` (the document's own name is in its docstring;
``tests/unit/test_enums.py`` holds each set equal to the document's). They are
known values, not limits: the models type a field as ``GpuType | str`` so that an
editor suggests the members, and a value that a newer API adds still parses, as
the plain string it is. :func:`closest` names the known value nearest to one that
is not known, for a warning or an error that suggests it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from enum import StrEnum


class GpuType(StrEnum):
    """GPU types (``GPUType``): an offer's ``gpuType``, a pod's ``gpuName``."""

    CPU_NODE = "CPU_NODE"
    A10_24GB = "A10_24GB"
    A100_80GB = "A100_80GB"
    A100_40GB = "A100_40GB"
    A30_24GB = "A30_24GB"
    A40_48GB = "A40_48GB"
    B200_180GB = "B200_180GB"
    B300_262GB = "B300_262GB"
    GB200 = "GB200"
    GB300 = "GB300"
    RTX3070_8GB = "RTX3070_8GB"
    RTX3080_10GB = "RTX3080_10GB"
    RTX3080TI_12GB = "RTX3080Ti_12GB"
    RTX3090_24GB = "RTX3090_24GB"
    RTX3090TI_24GB = "RTX3090Ti_24GB"
    RTX4070TI_12GB = "RTX4070Ti_12GB"
    RTX4080_16GB = "RTX4080_16GB"
    RTX4080TI_16GB = "RTX4080Ti_16GB"
    RTX4090_24GB = "RTX4090_24GB"
    RTX5090_32GB = "RTX5090_32GB"
    H100_80GB = "H100_80GB"
    H200_96GB = "H200_96GB"
    GH200_96GB = "GH200_96GB"
    H200_141GB = "H200_141GB"
    GH200_480GB = "GH200_480GB"
    GH200_624GB = "GH200_624GB"
    L4_24GB = "L4_24GB"
    L40_48GB = "L40_48GB"
    L40S_48GB = "L40S_48GB"
    RTX4000_8GB = "RTX4000_8GB"
    RTX5000_16GB = "RTX5000_16GB"
    RTX6000_24GB = "RTX6000_24GB"
    RTX8000_48GB = "RTX8000_48GB"
    RTX2000ADA_16GB = "RTX2000Ada_16GB"
    RTX4000ADA_20GB = "RTX4000Ada_20GB"
    RTX5000ADA_32GB = "RTX5000Ada_32GB"
    RTX6000ADA_48GB = "RTX6000Ada_48GB"
    A2000_6GB = "A2000_6GB"
    A4000_16GB = "A4000_16GB"
    A4500_20GB = "A4500_20GB"
    A5000_24GB = "A5000_24GB"
    A6000_48GB = "A6000_48GB"
    V100_16GB = "V100_16GB"
    V100_32GB = "V100_32GB"
    P100_16GB = "P100_16GB"
    T4_16GB = "T4_16GB"
    P4_8GB = "P4_8GB"
    P40_24GB = "P40_24GB"
    RTX_PRO_6000B_96GB = "RTX_PRO_6000B_96GB"


class GpuSocket(StrEnum):
    """GPU sockets (``GPUSocket``)."""

    PCIE = "PCIe"
    SXM2 = "SXM2"
    SXM3 = "SXM3"
    SXM4 = "SXM4"
    SXM5 = "SXM5"
    SXM6 = "SXM6"


class ProviderType(StrEnum):
    """Cloud providers (``ProviderTypeEnum``): an offer's ``provider``, ``provider.type``."""

    RUNPOD = "runpod"
    FLUIDSTACK = "fluidstack"
    LAMBDALABS = "lambdalabs"
    HYPERSTACK = "hyperstack"
    OBLIVUS = "oblivus"
    CUDOCOMPUTE = "cudocompute"
    SCALEWAY = "scaleway"
    TENSORDOCK = "tensordock"
    DATACRUNCH = "datacrunch"
    LATITUDE = "latitude"
    CRUSOECLOUD = "crusoecloud"
    MASSEDCOMPUTE = "massedcompute"
    AKASH = "akash"
    PRIMEINTELLECT = "primeintellect"
    PRIMECOMPUTE = "primecompute"
    DC_IMPALA = "dc_impala"
    DC_KUDU = "dc_kudu"
    DC_ROAN = "dc_roan"
    NEBIUS = "nebius"
    DC_ELAND = "dc_eland"
    DC_WILDEBEEST = "dc_wildebeest"
    VULTR = "vultr"
    DC_GNU = "dc_gnu"
    DENVR = "denvr"


class Region(StrEnum):
    """Regions (``Regions``): an offer's ``region``, the availability ``regions`` filter."""

    AFRICA = "africa"
    ASIA_SOUTH = "asia_south"
    ASIA_NORTHEAST = "asia_northeast"
    AUSTRALIA = "australia"
    CANADA = "canada"
    EU_EAST = "eu_east"
    EU_NORTH = "eu_north"
    EU_WEST = "eu_west"
    MIDDLE_EAST = "middle_east"
    SOUTH_AMERICA = "south_america"
    UNITED_STATES = "united_states"


class SecurityType(StrEnum):
    """Security tiers (``SecurityType``)."""

    SECURE_CLOUD = "secure_cloud"
    COMMUNITY_CLOUD = "community_cloud"


class Image(StrEnum):
    """Images (``EnvironmentTypeEnum``): a pod's ``image``, an offer's ``images``."""

    UBUNTU_22_CUDA_12 = "ubuntu_22_cuda_12"
    CUDA_12_1_PYTORCH_2_2 = "cuda_12_1_pytorch_2_2"
    CUDA_11_8_PYTORCH_2_1 = "cuda_11_8_pytorch_2_1"
    CUDA_12_1_PYTORCH_2_3 = "cuda_12_1_pytorch_2_3"
    CUDA_12_1_PYTORCH_2_4 = "cuda_12_1_pytorch_2_4"
    CUDA_12_4_PYTORCH_2_4 = "cuda_12_4_pytorch_2_4"
    CUDA_12_4_PYTORCH_2_5 = "cuda_12_4_pytorch_2_5"
    CUDA_12_4_PYTORCH_2_6 = "cuda_12_4_pytorch_2_6"
    CUDA_12_6_PYTORCH_2_7 = "cuda_12_6_pytorch_2_7"
    STABLE_DIFFUSION = "stable_diffusion"
    AXOLOTL = "axolotl"
    BITTENSOR = "bittensor"
    HIVEMIND = "hivemind"
    PETALS_LLAMA = "petals_llama"
    VLLM_LLAMA_8B = "vllm_llama_8b"
    VLLM_LLAMA_70B = "vllm_llama_70b"
    VLLM_LLAMA_405B = "vllm_llama_405b"
    CUSTOM_TEMPLATE = "custom_template"
    FLUX = "flux"
    PRIME_RL = "prime_rl"


class StockStatus(StrEnum):
    """How much of an offer is left (the ``stockStatus`` of GPU and disk offers)."""

    AVAILABLE = "Available"
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"
    UNAVAILABLE = "Unavailable"


class Currency(StrEnum):
    """Currencies of prices (``Currency``)."""

    USD = "USD"
    EUR = "EUR"


class PodState(StrEnum):
    """Values of a pod's ``status`` (``PodStatusEnum``); a disk's take the same
    (``DiskStatusEnum``)."""

    PROVISIONING = "PROVISIONING"
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    STOPPED = "STOPPED"
    ERROR = "ERROR"
    DELETING = "DELETING"
    UNKNOWN = "UNKNOWN"
    TERMINATED = "TERMINATED"


class InstallationState(StrEnum):
    """Values of a pod's ``installationStatus`` (``InstallationStatusEnum``)."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    FINISHED = "FINISHED"
    ERROR = "ERROR"
    TERMINATED = "TERMINATED"


class PodType(StrEnum):
    """Whether a pod is hosted by Prime Intellect (``PodTypeEnum``)."""

    HOSTED = "HOSTED"
    EXTERNAL = "EXTERNAL"


class AttachmentState(StrEnum):
    """Values of an attached resource's ``status``, a disk on a pod
    (``AttachableResourceStatus``)."""

    UNATTACHED = "UNATTACHED"
    ATTACHED = "ATTACHED"
    MOUNTED = "MOUNTED"


class AttachableType(StrEnum):
    """What may be attached to a pod (``AttachableResourceType``)."""

    DISK = "DISK"


class PortUser(StrEnum):
    """What a pod's port serves (``UsedByEnum``)."""

    SSH = "SSH"
    JUPYTER_NOTEBOOK = "JUPYTER_NOTEBOOK"
    WEB_SERVER = "WEB_SERVER"


class PortProtocol(StrEnum):
    """A pod's port protocol (``ProtocolEnum``)."""

    TCP = "TCP"
    UDP = "UDP"


class ResourceType(StrEnum):
    """What a billing history entry is about (``ResourceType``)."""

    INSTANCE = "Instance"
    CLUSTER = "Cluster"
    DISK = "Disk"
    SANDBOX = "Sandbox"
    INFERENCE = "Inference"
    IMAGE = "Image"
    TRAINING = "Training"


class HistorySortBy(StrEnum):
    """The ``sort_by`` of ``GET /api/v1/pods/history``."""

    TERMINATED_AT = "terminatedAt"
    CREATED_AT = "createdAt"


class SortOrder(StrEnum):
    """The ``sort_order`` of ``GET /api/v1/pods/history``."""

    ASC = "asc"
    DESC = "desc"


def is_known(value: str, known: type[StrEnum]) -> bool:
    """Whether ``value`` is one of ``known``'s values, exactly as the API spells it."""
    return value in known._value2member_map_


def _plain(text: str) -> str:
    """``text`` without case or punctuation: ``H100-80gb`` and ``H100_80GB`` are one."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known value a user most likely meant by ``value``, as a plain string; ``None``
    when none is known.

    Spelled alike but for case and punctuation comes first, then one that starts
    with the other (``H100`` is ``H100_80GB``), then one that contains it, then the
    most similar; a tie goes to the first in the document's order.
    """
    plain = _plain(value)

    def rank(candidate: str) -> tuple[int, float]:
        other = _plain(candidate)
        if other == plain:
            tier = 3
        elif plain and (other.startswith(plain) or plain.startswith(other)):
            tier = 2
        elif plain and plain in other:
            tier = 1
        else:
            tier = 0
        return tier, SequenceMatcher(None, plain, other).ratio()

    best: str | None = None
    best_rank = (-1, -1.0)
    for candidate in map(str, known):  # a member's plain value, never its repr in a message
        candidate_rank = rank(candidate)
        if candidate_rank > best_rank:  # strictly better: ties keep the earlier
            best, best_rank = candidate, candidate_rank
    return best
