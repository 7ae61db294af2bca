"""Every API route has the name faults and request counts use, and every name has a route.

The names come from the resources' route tables; these tests hold the app's routes to
them, so a route cannot be served without its name, nor a name listed without its route.
"""

from __future__ import annotations

import re
from typing import get_args

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

from prime_pulumi.emulator import ROUTE_NAMES, EmulatorBackend, Fault, create_app
from prime_pulumi.emulator import app as app_module
from prime_pulumi.emulator.http import API_TAG, CONTROL_TAG
from prime_pulumi.emulator.server import EmulatorServer


@pytest.fixture
def app(server: EmulatorServer) -> FastAPI:
    return server.app


def _routes(app: FastAPI, tag: str) -> list[APIRoute]:
    return [r for r in app.router.routes if isinstance(r, APIRoute) and tag in r.tags]


def test_every_api_route_of_the_app_has_a_fault_and_count_name(app: FastAPI) -> None:
    api_routes = _routes(app, API_TAG)
    assert {route.path for route in api_routes} == {
        route.path
        for route in app.router.routes
        if isinstance(route, Route) and route.path.startswith("/api/")
    }
    for route in api_routes:
        assert route.name in ROUTE_NAMES, f"{route.path} is served without a fault/count name"


def test_route_names_are_the_names_of_the_registered_routes(app: FastAPI) -> None:
    documented = [r.name for r in _routes(app, API_TAG) if r.include_in_schema]
    assert sorted(documented) == sorted(ROUTE_NAMES)
    assert len(set(ROUTE_NAMES)) == len(ROUTE_NAMES)


def test_control_routes_have_no_fault_or_count_name(app: FastAPI) -> None:
    control = _routes(app, CONTROL_TAG)
    assert control
    assert all(route.path.startswith("/_emulator/") for route in control)
    assert not {route.name for route in control} & set(ROUTE_NAMES)


def test_a_fault_takes_exactly_the_route_names_and_any() -> None:
    assert get_args(Fault.model_fields["route"].annotation) == (*ROUTE_NAMES, "*")


def test_a_request_to_each_api_route_is_counted_under_its_name(
    emulator: EmulatorServer, control: httpx.Client
) -> None:
    backend = emulator.backend
    for route in _routes(emulator.app, API_TAG):
        if not route.include_in_schema:
            continue  # the twin with or without the trailing slash
        path = re.sub(r"\{\w+\}", "some-id", route.path)
        [method] = route.methods or {"GET"}
        before = backend.request_counts().counts[route.name]
        control.request(method, path)  # no key: a 401, counted all the same
        assert backend.request_counts().counts[route.name] == before + 1, route.name
    assert backend.request_counts().total == len(ROUTE_NAMES)


def test_the_app_refuses_a_route_table_whose_routes_are_not_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "_RESOURCES", app_module._RESOURCES[:-1])
    with pytest.raises(RuntimeError, match="declared"):
        create_app(EmulatorBackend())
