"""The reference tables of docs/, made from the models that state each input and output once.

``python -m tests.kit.reference`` (``make docs``) writes each table between its
markers, ``<!-- table: NAME -->`` and ``<!-- end table -->``;
``tests/unit/test_reference.py`` fails while a page differs from what this makes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from prime_pulumi.core.properties import InputRules
from prime_pulumi.disk.inputs import DISK_RULES
from prime_pulumi.disk.outputs import DiskOutputs
from prime_pulumi.native.schema import type_spec
from prime_pulumi.pod.inputs import POD_RULES
from prime_pulumi.pod.outputs import PodOutputs
from prime_pulumi.ssh_key.inputs import SSH_KEY_RULES
from prime_pulumi.ssh_key.outputs import SshKeyOutputs

DOCS = Path(__file__).resolve().parents[2] / "docs"
_TABLE = re.compile(r"(<!-- table: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end table -->)", re.S)


def type_name(annotation: Any) -> str:
    """A field's type as the docs say it (``str``, ``list of str``, ``mapping str → str``),
    read off its type in the package schema, so both say the same."""
    return _spoken(type_spec(annotation))


_SPOKEN = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def _spoken(spec: dict[str, Any]) -> str:
    if spec.get("type") == "array":
        items = spec["items"]
        # Objects (a type of the schema too: a pod's nodes) are described in the notes.
        objects = items.get("type") == "object" or items.get("$ref", "").startswith("#/types/")
        return "list" if objects else f"list of {_spoken(items)}"
    if spec.get("type") == "object":
        return f"mapping str → {_spoken(spec['additionalProperties'])}"
    return _SPOKEN.get(spec.get("type", ""), "any")


def described(model: type[BaseModel], name: str) -> str:
    """A field's description in one line, in Markdown."""
    text = " ".join((model.model_fields[name].description or "").split())
    return text.replace("``", "`")


def _table(head: str, model: type[BaseModel], names: tuple[str, ...]) -> str:
    rows = [f"| {head} | type | notes |", "| --- | --- | --- |"]
    for name in names:
        annotation = model.model_fields[name].annotation
        rows.append(f"| `{name}` | {type_name(annotation)} | {described(model, name)} |")
    return "\n".join(rows) + "\n"


def inputs_table(rules: InputRules) -> str:
    """Every input a user declares: its name, type and description."""
    return _table("input", rules.model, rules.user)


def outputs_table(model: type[BaseModel]) -> str:
    """Every output besides the inputs: its name, type and description."""
    return _table("output", model, tuple(model.model_fields))


#: Each table of docs/ and what makes it.
TABLES = {
    "pod-inputs": lambda: inputs_table(POD_RULES),
    "pod-outputs": lambda: outputs_table(PodOutputs),
    "disk-inputs": lambda: inputs_table(DISK_RULES),
    "disk-outputs": lambda: outputs_table(DiskOutputs),
    "ssh-key-inputs": lambda: inputs_table(SSH_KEY_RULES),
    "ssh-key-outputs": lambda: outputs_table(SshKeyOutputs),
}


def written(text: str) -> str:
    """``text`` (a docs page) with each of its tables as the models make it now."""

    def table(match: re.Match[str]) -> str:
        return f"{match.group(1)}{TABLES[match.group('name')]()}{match.group(4)}"

    return _TABLE.sub(table, text)


def tables_in(text: str) -> dict[str, str]:
    """The tables of a docs page, by name, as the page has them."""
    return {m.group("name"): m.group("body") for m in _TABLE.finditer(text)}


def main() -> None:
    """Writes every table of docs/ anew."""
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text()
        if written(text) != text:
            page.write_text(written(text))
            print(f"wrote the tables of {page.name}")


if __name__ == "__main__":
    main()
