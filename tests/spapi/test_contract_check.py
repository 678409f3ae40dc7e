"""The compiled contract check says exactly what jsonschema's Draft4Validator says.

``contract.problems`` trusts the compiled check to pass a conforming payload without
jsonschema's walk; these tests break Amazon's own examples in every way the models
constrain and compare both answers, so a gap in the compiler cannot let a bad payload out.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest

from acorn import contract, spapi

#: what a field may be turned into: a value of each JSON type, and strings of awkward lengths
REPLACEMENTS: list[Any] = [None, True, 0, 1, 1.0, 1.5, -3, "", "x", "x" * 400, "Accepted", [], [{}], {}, {"a": 1}]


#: operationId -> the definition its body must fit, for every registered submission
REQUEST_DEFINITIONS = {op.name: op.request_definition for op in spapi.operations() if op.request_definition}


def _documents() -> list[Any]:
    """(api, definition, body) for every request and response example Amazon ships in its models."""
    found = []
    for ex in contract.sandbox_examples():
        definition = contract.response_definition(ex.api, ex.operation_id, ex.status)
        if definition and ex.response is not None:
            found.append((ex.api, definition, ex.response))
        body = ex.request.get("parameters", {}).get("body", {}).get("value")
        request = REQUEST_DEFINITIONS.get(ex.operation_id)
        if body and request:
            found.append((ex.api, request, body))
    return found


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _mutants(body: Any, rng: random.Random) -> Iterator[Any]:
    """The body with one field replaced, removed, or given an unknown sibling, at every place in it."""
    for path in list(_paths(body))[1:]:
        parent_path, last = path[:-1], path[-1]
        for action in ("replace", "replace", "remove", "enum"):
            mutant = copy.deepcopy(body)
            parent = mutant
            for step in parent_path:
                parent = parent[step]
            if action == "remove":
                del parent[last]
            elif action == "enum" and isinstance(parent[last], str):
                parent[last] = parent[last] + "Z"
            else:
                parent[last] = copy.deepcopy(rng.choice(REPLACEMENTS))
            yield mutant


DOCUMENTS = _documents()


def test_amazons_examples_cover_requests_and_responses_of_every_api() -> None:
    assert {api for api, _, _ in DOCUMENTS} >= {"orders", "shipments", "invoices"}
    assert len(DOCUMENTS) >= 15


@pytest.mark.parametrize(("api", "definition", "body"), DOCUMENTS,
                         ids=[f"{d}-{i}" for i, (_, d, _) in enumerate(DOCUMENTS)])
def test_the_compiled_check_agrees_with_jsonschema_on_every_broken_copy_of_an_example(
        api: str, definition: str, body: Any) -> None:
    check, validator = contract._conforms(api, definition), contract._validator(api, definition)
    mutants = list(_mutants(body, random.Random(7)))
    verdicts = [(check(m), validator.is_valid(m)) for m in [body, *mutants]]
    assert [fast for fast, _ in verdicts] == [slow for _, slow in verdicts]
    assert any(not slow for _, slow in verdicts)  # the mutants do break the model


def test_a_payload_that_breaks_the_model_still_gets_every_problem_named() -> None:
    body = {"acknowledgements": [{"purchaseOrderNumber": 7, "sellingParty": {},
                                  "acknowledgementDate": "2026-01-01T00:00:00Z", "items": "none"}]}
    found = contract.problems("orders", "SubmitAcknowledgementRequest", body)
    assert any(p.startswith("acknowledgements/0/purchaseOrderNumber:") for p in found)
    assert any(p.startswith("acknowledgements/0/items:") for p in found)


def test_a_rule_the_vendor_models_do_not_use_is_checked_and_named_too(monkeypatch: pytest.MonkeyPatch) -> None:
    definitions = {"Box": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}}}
    monkeypatch.setattr(contract, "model", lambda api: {"definitions": definitions})
    contract._validator.cache_clear()
    contract._conforms.cache_clear()
    try:
        assert contract.problems("test", "Box", {"n": 5}) == []
        assert contract.problems("test", "Box", {"n": 2}) == ["n: 2 is less than the minimum of 3"]
    finally:
        contract._validator.cache_clear()
        contract._conforms.cache_clear()
