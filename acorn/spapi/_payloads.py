"""Strict checks of what we send: Amazon's model, plus no field the model does not declare.

Amazon's definitions do not say ``additionalProperties: false``, so JSON Schema alone lets a
misspelt optional field (``postalCode`` in an invoice address) through, and Amazon then
drops or rejects it far from here. We refuse it before anything is sent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from acorn import contract

from ._exceptions import InvalidSubmission


def _undeclared(definitions: dict[str, Any], schema: dict[str, Any], value: Any, path: str) -> list[str]:
    while "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    found: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        declared = schema["properties"]
        for key, item in value.items():
            where = f"{path}/{key}" if path else key
            if key not in declared:
                found.append(f"{where}: not a field of this model")
            else:
                found.extend(_undeclared(definitions, declared[key], item, where))
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found.extend(_undeclared(definitions, schema["items"], item, f"{path}/{i}" if path else str(i)))
    return found


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"naive datetime {value.isoformat()} in a payload: give it a time zone")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True, mode="json")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def outgoing_payload(request: BaseModel | dict[str, Any], *, api: str, definition: str,
                     operation: str) -> dict[str, Any]:
    """The JSON object to send for ``request`` (a wire model or a plain dict), checked strictly.

    Raises :class:`InvalidSubmission` naming every bad field; nothing is sent then.
    """
    if isinstance(request, BaseModel):
        payload = request.model_dump(by_alias=True, exclude_none=True, mode="json")
    elif isinstance(request, dict):
        try:  # plain JSON types only: Decimal -> string, aware datetime -> ...Z
            payload = json.loads(json.dumps(request, default=_json_default))
        except TypeError as exc:
            raise InvalidSubmission(definition, [f"(root): {exc}"], operation=operation) from None
    else:
        raise TypeError(f"{operation} takes a {definition} model or a dict, not {type(request).__name__}")
    problems = contract.problems(api, definition, payload)
    definitions = contract.model(api)["definitions"]
    problems += _undeclared(definitions, definitions[definition], payload, "")
    if problems:
        raise InvalidSubmission(definition, problems, operation=operation)
    return payload
