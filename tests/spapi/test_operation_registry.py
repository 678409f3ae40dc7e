"""The registry of SP-API operations agrees with Amazon's models, the wire models, the client and the sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel
from pydantic.alias_generators import to_snake

from acorn import contract, spapi
from acorn.sandbox import SandboxConfig, build_app
from acorn.sandbox.state import SandboxState
from acorn.spapi import _operations
from schemas.spapi import SendModel

REPO = Path(__file__).resolve().parents[2]
OPERATIONS = [pytest.param(op, id=op.name) for op in spapi.operations()]
PAGED = [pytest.param(op, id=op.name) for op in spapi.operations() if op.items]


def test_each_operation_is_registered_once_and_found_in_its_apis_model() -> None:
    names = [d.name for d in _operations.DECLARED]
    assert len(names) == len(set(names))
    for op in spapi.operations():
        assert (contract.MODELS_DIR / op.model_file).exists()
        assert op.path in contract.model(op.api)["paths"]


@pytest.mark.parametrize("op", OPERATIONS)
def test_a_post_carries_the_models_body_and_is_answered_as_the_model_says(op: spapi.Operation) -> None:
    assert op.is_submission == (op.request_definition is not None)
    if op.is_submission:
        assert op.request_definition in contract.model(op.api)["definitions"]
        assert op.request_model is None or issubclass(op.request_model, SendModel)
    # a vendor POST's 202 carries ``payload.transactionId``, read by the one wire class every such answer shares
    assert op.answers_with_transaction == (op.is_submission and _payload_fields(op, "202") == {"transactionId"})


def _payload_fields(op: spapi.Operation, status: str) -> set[str]:
    definitions = contract.model(op.api)["definitions"]
    answer = definitions[contract.response_definition(op.api, op.name, status)]
    payload = answer.get("properties", {}).get("payload", {})
    return set(definitions[payload["$ref"].rsplit("/", 1)[-1]].get("properties", {})) if "$ref" in payload else set()


@pytest.mark.parametrize("op", PAGED)
def test_a_paged_read_names_its_records_and_its_answer_holds_them(op: spapi.Operation) -> None:
    assert {"limit", "nextToken"} <= set(op.query_parameters) and op.max_limit
    assert op.item_model is not None and op.record_key
    (payload,) = _classes(op.response_model.model_fields["payload"].annotation)
    assert op.item_model in _classes(payload.model_fields[to_snake(op.items)].annotation)


def _classes(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic classes in an annotation (``OrderList | None`` -> [OrderList], ``list[Order]`` -> [Order])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [cls for arg in get_args(annotation) for cls in _classes(arg)]


def test_only_paged_reads_name_records() -> None:
    for op in spapi.operations():
        assert bool(op.items) == bool(op.item_model) == bool(op.record_key) == ("nextToken" in op.query_parameters)


@pytest.mark.parametrize("op", OPERATIONS)
def test_every_operation_has_its_published_rate(op: spapi.Operation) -> None:
    assert op.rate_limit == spapi.published_rate_limits()[op.name]


def test_the_sandbox_serves_every_registered_operation_at_its_path_and_method() -> None:
    app = build_app(SandboxState(SandboxConfig(seed=7)))
    routes = {(method, route.path) for route in app.fastapi.routes  # type: ignore[attr-defined]
              for method in getattr(route, "methods", ())}
    assert {(op.method, op.path) for op in spapi.operations()} <= routes


def test_a_registered_operation_the_sandbox_cannot_answer_stops_it_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = _operations.Declared("getCustomerInvoice", "orders", "GetPurchaseOrderResponse")
    fake = spapi.Operation(name="getCustomerInvoice", api="orders", method="GET", path="/vendor/x/v1/y",
                           query_parameters=(), request_definition=None, max_limit=None, declared=extra)
    monkeypatch.setattr("acorn.sandbox.app.spapi.operations", lambda: (*_operations.operations(), fake))
    with pytest.raises(LookupError, match="no behaviour for getCustomerInvoice"):
        build_app(SandboxState(SandboxConfig(seed=7)))


def test_reading_the_registry_loads_neither_jsonschema_nor_the_wire_models() -> None:
    probe = ("import sys; from acorn.spapi import operations; operations(); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'jsonschema', 'schemas', 'httpx', 'fastapi'}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=REPO,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
