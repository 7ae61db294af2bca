"""A data function, as every face serves it: filters in, a list of records out.

Each kind that has one describes it here (``GPU_OFFERS``, ``DISK_OFFERS``): its
name, the model of its filters (the fields it takes, each described), the model
of each record it answers, and how to run it with a client. A function answers
a list of records under one name (``offers``), or one record whose fields are
its outputs (``getCluster``). The Python face wraps the same search in
``get_gpu_offers``; the native face serves it as ``prime:index:getGpuOffers``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from prime_pulumi.client import PrimeClient


@dataclass(frozen=True)
class DataFunction:
    """One data function of the provider."""

    #: Its name in the schema: ``getGpuOffers``.
    name: str
    #: What it answers, in words.
    description: str
    #: Its filters: each field a function argument.
    query: type[BaseModel]
    #: The fields of ``query`` a caller may give (the others are internal).
    arguments: tuple[str, ...]
    #: One record of what it answers.
    record: type[BaseModel]
    #: The search itself, with a client: a list of records, or the one record.
    run: Callable[[PrimeClient, Any], Sequence[BaseModel] | BaseModel]
    #: The output that holds the list of records; ``None``: the one record's fields are.
    listed_under: str | None = None
