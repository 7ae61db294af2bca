"""Property names as Pulumi's schemas spell them: ``gpu_type`` is ``gpuType``.

Only the names of properties change: the keys of a map a user wrote (``envVars``'s
variable names) are values, and stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def camel(name: str) -> str:
    """``gpu_type`` as ``gpuType``; a name without ``_`` as it is."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(name: str) -> str:
    """``gpuType`` as ``gpu_type``: the inverse of :func:`camel` for our names."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def camel_in_text(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` (snake_case) written as a schema spells it.

    A message about ``gpu_count`` reads ``gpuCount: ...`` to a YAML or TypeScript user.
    """
    spelled = {name: camel(name) for name in names if "_" in name}
    if not spelled:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(spelled, key=len, reverse=True))) + r")\b"
    )
    return pattern.sub(lambda found: spelled[found.group(1)], text)
