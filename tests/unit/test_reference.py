"""Each input is stated once, in its kind's model: the args, the docs and the create body follow.

The model's attribute docstrings are the descriptions: ``PodArgs`` and
``DiskArgs`` repeat them word for word (for editors, which read the source), and
the tables of docs/ are made from them (``make docs``).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect

import pytest
from pydantic import BaseModel

from prime_pulumi.client import DiskSpec, PodSpec, UploadSshKeyRequest
from prime_pulumi.core.properties import InputRules
from prime_pulumi.disk.inputs import DISK_RULES, DiskInputs
from prime_pulumi.disk.resource import DiskArgs
from prime_pulumi.pod.inputs import POD_RULES, PodInputs
from prime_pulumi.pod.resource import PodArgs
from prime_pulumi.ssh_key.inputs import SSH_KEY_RULES, SshKeyInputs
from prime_pulumi.ssh_key.resource import SshKeyArgs
from tests.kit.reference import DOCS, TABLES, tables_in


def _docstrings(cls: type) -> dict[str, str]:
    """Each field of a class and the docstring under it, as written in its source."""
    (node,) = ast.parse(inspect.getsource(cls)).body
    assert isinstance(node, ast.ClassDef)
    found: dict[str, str] = {}
    for field, doc in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(doc, ast.Expr)
            and isinstance(doc.value, ast.Constant)
        ):
            found[field.target.id] = " ".join(str(doc.value.value).split())
    return found


@pytest.mark.parametrize(
    ("args", "rules"),
    [(PodArgs, POD_RULES), (DiskArgs, DISK_RULES), (SshKeyArgs, SSH_KEY_RULES)],
    ids=["pod", "disk", "ssh_key"],
)
def test_the_args_say_what_the_model_says(args: type, rules: InputRules) -> None:
    assert tuple(f.name for f in dataclasses.fields(args)) == rules.user
    model: type[BaseModel] = rules.model
    said = {k: " ".join((v.description or "").split()) for k, v in model.model_fields.items()}
    assert _docstrings(args) == {k: said[k] for k in rules.user}
    assert all(said[k] for k in rules.names), "every input of the model is described"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_the_docs_tables_are_made_from_the_models(name: str) -> None:
    pages = {page.name: tables_in(page.read_text()) for page in DOCS.glob("*.md")}
    (found,) = [tables[name] for tables in pages.values() if name in tables]
    assert found == TABLES[name](), "run `make docs` to write the tables anew"


@pytest.mark.parametrize(
    "model", [PodInputs, DiskInputs, SshKeyInputs], ids=["pod", "disk", "ssh_key"]
)
def test_the_required_inputs_say_so(model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        assert field.is_required() == (field.description or "").startswith("Required."), name


@pytest.mark.parametrize(
    ("inputs", "spec"),
    [(PodInputs, PodSpec), (DiskInputs, DiskSpec), (SshKeyInputs, UploadSshKeyRequest)],
    ids=["pod", "disk", "ssh_key"],
)
def test_what_the_api_takes_of_a_resource_is_an_input_of_the_same_name(
    inputs: type[BaseModel], spec: type[BaseModel]
) -> None:
    # The create body takes each by name (core.properties.same_named): nothing to map by hand.
    assert set(spec.model_fields) <= set(inputs.model_fields)
