"""The wiring of ``Pod``, ``Disk`` and the data functions in a program, under Pulumi's mocks.

Mocks never call the provider (the mocks answer each registration themselves);
they show what a program sends to the engine: the inputs, the pickled provider,
which outputs are secret.
"""

from __future__ import annotations

import asyncio
import base64
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dill
import pulumi
import pytest

from prime_pulumi import (
    Disk,
    DiskArgs,
    DiskOffer,
    GetClusterResult,
    GpuOffer,
    Pod,
    PodArgs,
    SshKey,
    SshKeyArgs,
    get_cluster_output,
    get_disk_offers_output,
    get_gpu_offers_output,
)
from prime_pulumi.core.properties import URN_KEY
from prime_pulumi.disk_provider import DiskProvider
from prime_pulumi.emulator import DEFAULT_ADMIN_KEY, DEFAULT_API_KEY
from prime_pulumi.provider import PodProvider
from prime_pulumi.ssh_key.resource import SshKeyProvider
from tests.kit.samples import public_key


class Mocks(pulumi.runtime.Mocks):
    """Records what each resource is created with, and answers like a ready pod."""

    def __init__(self) -> None:
        self.created: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.created.append(args)
        if args.typ.endswith(":Disk"):
            return "disk-456", {**args.inputs, "disk_id": "disk-456", "status": "ACTIVE"}
        if args.typ.endswith(":SshKey"):
            return "key-789", {**args.inputs, "ssh_key_id": "key-789", "is_primary": False}
        outputs = {
            **args.inputs,
            "pod_id": "pod-123",
            "status": "ACTIVE",
            "ssh_connection": "root@10.0.0.1 -p 22",
            "price_hr": 2.5,
        }
        return "pod-123", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pytest.fixture
def mocks() -> Iterator[Mocks]:
    # Pulumi's runtime wants a current event loop; asyncio.run elsewhere leaves none.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="quickstart", stack="dev", preview=False)
    yield mocks
    asyncio.set_event_loop(None)
    loop.close()


STACK = "urn:pulumi:dev::quickstart::"
POD_TYPE = "pulumi-python:dynamic/prime:Pod"


def _declare_args() -> PodArgs:
    return PodArgs(
        cloud_id="runpod-h100-sxm5-8",
        gpu_type="H100_80GB",
        gpu_count=8,
        socket="SXM5",
        provider_type="runpod",
        jupyter_password="hunter2",
        env_vars={"WANDB_API_KEY": "wandb-secret"},
        ready_timeout=600,
    )


def _declare() -> Pod:
    return Pod("trainer", _declare_args())


@pulumi.runtime.test
def test_pod_inputs_reach_the_resource(mocks: Mocks) -> Any:
    pod = _declare()

    def check(values: list[Any]) -> None:
        pod_id, ssh, price = values
        (args,) = mocks.created
        assert args.typ == "pulumi-python:dynamic/prime:Pod"
        assert args.name == "trainer"
        assert args.inputs["cloud_id"] == "runpod-h100-sxm5-8"
        assert args.inputs["gpu_count"] == 8
        assert args.inputs["ready_timeout"] == 600
        assert args.inputs["auto_name_seed"] == "organization/quickstart/dev/trainer"
        assert "disk_size" not in args.inputs or args.inputs["disk_size"] is None
        provider = dill.loads(base64.b64decode(args.inputs["__provider"]))
        assert isinstance(provider, PodProvider)
        assert vars(provider) == {}, "the pickled provider must hold nothing"
        assert (pod_id, ssh, price) == ("pod-123", "root@10.0.0.1 -p 22", 2.5)

    return pulumi.Output.all(pod.pod_id, pod.ssh_connection, pod.price_hr).apply(check)


class Trainers(pulumi.ComponentResource):
    """A user's component that holds pods."""

    def __init__(self, name: str) -> None:
        super().__init__("acme:fleet:Trainers", name)


@pulumi.runtime.test
def test_each_pod_carries_its_urn_in_a_hidden_input(mocks: Mocks) -> Any:
    """The provider is never told its resource's URN: the program hands it over.

    At the top level it is the engine's form (no stack type in it). Under a parent,
    it is the parent's URN with the Pod's type appended, `$`-joined. (Mocks give
    top-level resources a `pulumi:pulumi:Stack$` prefix the engine does not; the
    end-to-end test checks the URNs a real engine gives.)
    """
    trainer = _declare()
    fleet = Trainers("fleet")
    child = Pod("w0", _declare_args(), pulumi.ResourceOptions(parent=fleet))

    def check(urns: list[str]) -> None:
        (fleet_urn,) = urns
        sent = {args.name: args.inputs for args in mocks.created}
        assert sent["trainer"][URN_KEY] == f"{STACK}{POD_TYPE}::trainer"
        fleet_type = fleet_urn.split("::")[2]
        assert fleet_type.endswith("acme:fleet:Trainers")
        assert sent["w0"][URN_KEY] == f"{STACK}{fleet_type}${POD_TYPE}::w0"

    # Both pods' ids: the check reads what each sent, so both must be registered by then.
    return pulumi.Output.all(fleet.urn, child.id, trainer.id).apply(
        lambda values: check(values[:1])
    )


@pulumi.runtime.test
def test_the_hidden_urn_never_shows_in_a_diff(mocks: Mocks, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PRIME_API_KEY", "pk-program-test")
    pod = _declare()

    def check(_: str) -> None:
        sent = next(args.inputs for args in mocks.created if args.name == "trainer")
        provider = PodProvider()
        news = provider.check({}, sent).inputs
        assert news[URN_KEY] == sent[URN_KEY]
        made_before = {k: v for k, v in news.items() if k != URN_KEY}
        for olds in (made_before, {**news, URN_KEY: f"{STACK}{POD_TYPE}::x"}):
            diff = provider.diff("pod-123", olds, news)
            assert diff.changes is False and diff.replaces == []
        diff = provider.diff("pod-123", made_before, {**news, "image": "ubuntu_24_cuda_12"})
        assert diff.replaces == ["image"]
        assert URN_KEY not in (diff.stables or [])

    return pod.urn.apply(check)


@pulumi.runtime.test
def test_secret_inputs_are_secret_outputs(mocks: Mocks) -> Any:
    pod = _declare()

    async def secrecy() -> tuple[bool, bool, bool]:
        return (
            await pod.jupyter_password.is_secret(),
            await pod.env_vars.is_secret(),
            await pod.ssh_connection.is_secret(),
        )

    def check(flags: tuple[bool, bool, bool]) -> None:
        assert flags == (True, True, False)

    flags: Any = asyncio.ensure_future(secrecy())  # an awaitable is an Input
    return pulumi.Output.from_input(flags).apply(check)


@pulumi.runtime.test
def test_pod_get_reads_an_existing_pod_by_id(mocks: Mocks) -> Any:
    pod = Pod.get("existing", "pod-123")

    def check(pod_id: str) -> None:
        assert pod_id == "pod-123"

    return pod.id.apply(check)


def test_get_cluster_output_is_typed(
    mocks: Mocks, prime_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = prime_emulator.backend.add_cluster(_cluster())
    monkeypatch.setenv("PRIME_BASE_URL", prime_emulator.base_url)
    monkeypatch.setenv("PRIME_API_KEY", DEFAULT_ADMIN_KEY)
    seen: list[GetClusterResult] = []

    @pulumi.runtime.test
    def program() -> Any:
        return get_cluster_output(pulumi.Output.from_input(cluster.id)).apply(seen.append)

    program()
    (result,) = seen
    assert isinstance(result, GetClusterResult)
    assert result.id == cluster.id
    assert result.nodes[0].connections[0].port == 22
    assert result.ssh_keys[0].public_key == "ssh-ed25519 AAAA test"


def test_get_gpu_offers_output_is_typed_and_indexes_into_an_offer(
    mocks: Mocks, prime_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIME_BASE_URL", prime_emulator.base_url)
    monkeypatch.setenv("PRIME_API_KEY", DEFAULT_API_KEY)
    seen: list[Any] = []

    @pulumi.runtime.test
    def program() -> Any:
        offers = get_gpu_offers_output(
            gpu_type=pulumi.Output.from_input("H100_80GB"), gpu_count=1, max_price=2.0
        )
        # docs/pod.md's way to pin today's cheapest offer ("Choosing an offer").
        return pulumi.Output.all(offers, offers[0].cloud_id).apply(seen.append)

    program()
    ((offers, cheapest),) = seen
    assert all(isinstance(offer, GpuOffer) for offer in offers)
    assert [o.price_hr for o in offers] == [1.89, 1.99]
    assert cheapest == offers[0].cloud_id == "tensordock-h100-pcie-1x-nl-ams-1"


def test_get_disk_offers_output_takes_inputs_and_indexes_into_an_offer(
    mocks: Mocks, prime_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIME_BASE_URL", prime_emulator.base_url)
    monkeypatch.setenv("PRIME_API_KEY", DEFAULT_API_KEY)
    seen: list[Any] = []

    @pulumi.runtime.test
    def program() -> Any:
        offers = get_disk_offers_output(
            regions=[pulumi.Output.from_input("eu_north"), "united_states"],
            min_size=pulumi.Output.from_input(5000),
        )
        return pulumi.Output.all(offers, offers[0].data_center_id).apply(seen.append)

    program()
    ((found, cheapest),) = seen
    assert all(isinstance(offer, DiskOffer) for offer in found)
    assert [o.data_center_id for o in found] == [
        "FIN-01",
        "FIN-02",
        "FIN-03",
        "NORWAY-1",
        "us-east-1",
        "us-west-2",
    ]
    assert cheapest == "FIN-01"


def test_get_cluster_with_a_plain_key_says_admin_is_needed(
    prime_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prime_pulumi import PermissionDeniedError, get_cluster

    cluster = prime_emulator.backend.add_cluster(_cluster())
    monkeypatch.setenv("PRIME_BASE_URL", prime_emulator.base_url)
    with pytest.raises(PermissionDeniedError, match="lacks the admin permission"):
        get_cluster(cluster.id, api_key=DEFAULT_API_KEY)


def _cluster() -> Any:
    from prime_pulumi.emulator import WireCluster

    return WireCluster.model_validate(
        {
            "name": "training-cluster",
            "nodes": [
                {
                    "id": "node-1",
                    "name": "node-1",
                    "connections": [
                        {
                            "podId": "p1",
                            "host": "10.0.0.2",
                            "user": "root",
                            "port": 22,
                            "role": "worker",
                            "isControlNode": False,
                        }
                    ],
                }
            ],
            "sshKeys": [{"id": "k1", "role": "owner", "publicKey": "ssh-ed25519 AAAA test"}],
        }
    )


@pulumi.runtime.test
def test_a_pod_mounts_a_disk_by_its_output_id(mocks: Mocks) -> Any:
    disk = Disk("data", DiskArgs(size=500, regions=["united_states"], ready_timeout=120))
    pod = Pod("trainer", PodArgs(gpu_type="H100_80GB", gpu_count=1, disks=[disk.disk_id]))

    def check(values: list[Any]) -> None:
        disk_id, pod_id = values
        sent = {args.name: args for args in mocks.created}
        data, trainer = sent["data"], sent["trainer"]
        assert data.typ == "pulumi-python:dynamic/prime:Disk"
        assert data.inputs["size"] == 500
        assert data.inputs["regions"] == ["united_states"]
        assert data.inputs["auto_name_seed"] == "organization/quickstart/dev/data"
        assert data.inputs[URN_KEY] == f"{STACK}pulumi-python:dynamic/prime:Disk::data"
        provider = dill.loads(base64.b64decode(data.inputs["__provider"]))
        assert isinstance(provider, DiskProvider)
        assert vars(provider) == {}, "the pickled provider must hold nothing"
        # The disk's id flows into the pod: the engine makes the disk first.
        assert trainer.inputs["disks"] == [disk_id] == ["disk-456"]
        assert pod_id == "pod-123"

    return pulumi.Output.all(disk.disk_id, pod.pod_id).apply(check)


@pulumi.runtime.test
def test_a_pod_takes_the_id_of_the_key_the_program_registers(mocks: Mocks) -> Any:
    key = SshKey("deploy", SshKeyArgs(public_key=public_key(1), primary=True))
    pod = Pod("trainer", PodArgs(gpu_type="H100_80GB", gpu_count=1, ssh_key_id=key.ssh_key_id))

    def check(values: list[Any]) -> None:
        key_id, pod_id = values
        sent = {args.name: args for args in mocks.created}
        deploy, trainer = sent["deploy"], sent["trainer"]
        assert deploy.typ == "pulumi-python:dynamic/prime:SshKey"
        assert (deploy.inputs["public_key"], deploy.inputs["primary"]) == (public_key(1), True)
        assert deploy.inputs["auto_name_seed"] == "organization/quickstart/dev/deploy"
        assert deploy.inputs[URN_KEY] == f"{STACK}pulumi-python:dynamic/prime:SshKey::deploy"
        provider = dill.loads(base64.b64decode(deploy.inputs["__provider"]))
        assert isinstance(provider, SshKeyProvider) and vars(provider) == {}
        # The key's id flows into the pod: the engine uploads the key first.
        assert trainer.inputs["ssh_key_id"] == key_id == "key-789"
        assert pod_id == "pod-123"

    return pulumi.Output.all(key.ssh_key_id, pod.pod_id).apply(check)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_training_with_disk_example_mounts_its_disk(mocks: Mocks) -> None:
    @pulumi.runtime.test
    def program() -> None:
        runpy.run_path(str(EXAMPLES / "training-with-disk" / "__main__.py"))

    program()  # returns once every registration is done
    sent = {args.name: args for args in mocks.created}
    assert sent["data"].typ.endswith(":Disk") and sent["trainer"].typ.endswith(":Pod")
    assert sent["data"].inputs["size"] == 200
    assert sent["data"].inputs["regions"] == ["united_states"]
    assert sent["trainer"].inputs["disks"] == ["disk-456"]
    assert "cloud_id" not in sent["trainer"].inputs, "the pod goes where its disk is"
