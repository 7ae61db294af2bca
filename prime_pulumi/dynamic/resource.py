"""What ``Pod`` and ``Disk`` share as ``pulumi.dynamic`` resources: what a declaration sends.

A resource sends what its args declare, its secret inputs wrapped as secrets,
and the hidden properties its provider needs: the seed of a generated name and
the resource's own URN (:func:`declared`). Every input and output name becomes
an attribute (:func:`with_outputs`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import fields
from typing import Any, cast

import pulumi
from pulumi import Output, ResourceOptions

from prime_pulumi.core.properties import URN_KEY, InputRules


def declared(
    args: Any,
    rules: InputRules,
    resource_name: str,
    type_: str,
    opts: ResourceOptions | None,
) -> dict[str, Any]:
    """What a resource sends: what ``args`` declares, secrets wrapped, and the hidden
    properties the provider needs (the seed of a generated name, the URN)."""
    # Not dataclasses.asdict: it would deep-copy the Outputs.
    values = {f.name: getattr(args, f.name) for f in fields(args)}
    props: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
    for key in rules.secret:
        if key in props:
            props[key] = Output.secret(props[key])
    # The organization is unset under some runtimes (mocks, older engines).
    org = pulumi.get_organization() or "organization"
    seed = "/".join((org, pulumi.get_project(), pulumi.get_stack(), resource_name))
    props["auto_name_seed"] = seed
    # The provider is never told its resource's URN; it needs it to show progress in
    # this resource's row. Hidden (`__`) and never compared by diff.
    props[URN_KEY] = urn_of(resource_name, type_, opts.parent if opts is not None else None)
    return props


def urn_of(resource_name: str, type_: str, parent: pulumi.Resource | None) -> Output[str]:
    """The URN the engine gives this resource, without a dependency on its parent.

    A dependency on a component parent would be a cycle: a component stands for its
    children, this resource among them.
    """
    if parent is None:
        return pulumi.create_urn(resource_name, type_)
    urn = parent.urn
    value = cast("Awaitable[str]", urn.future())
    detached: Output[str] = Output(set(), value, urn.is_known(), urn.is_secret())
    return pulumi.create_urn(resource_name, type_, parent=detached)


def with_outputs(props: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Adds every input and output name, so that each becomes an attribute of the resource.

    A property left ``None`` is not sent to the engine: only the attribute is made.
    """
    return {**dict.fromkeys(names), **props}


def secret_outputs(opts: ResourceOptions | None, rules: InputRules) -> ResourceOptions | None:
    """``opts``, with the secret inputs of ``rules`` kept secret in the outputs too."""
    if not rules.secret:
        return opts
    return ResourceOptions.merge(
        opts, ResourceOptions(additional_secret_outputs=list(rules.secret))
    )
