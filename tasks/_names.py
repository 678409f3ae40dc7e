"""Task-run names an operator can read in the Prefect UI: what the run does, for which account.

Prefect's default (``deliver to Amazon-2bc``) says neither the document kind nor the
account; ``task_run_name`` takes a callable evaluated with the run's parameters.
"""

from __future__ import annotations

from typing import TypedDict

from acorn.domain.documents import DocumentKind

#: outbox kinds in Vendor Central words, as a run name shows them
DOCUMENT_KINDS: dict[str, str] = {
    DocumentKind.ACKNOWLEDGEMENT: "acknowledgements", DocumentKind.SHIPMENT_CONFIRMATION: "ASNs",
    DocumentKind.INVOICE: "invoices", DocumentKind.ROUTING_REQUEST: "routing requests"}


def delivery_run_name(account_code: str, kind: str, round_no: int = 1) -> str:
    """``deliver ASNs · ACRNUS``; a stage's later rounds ``deliver ASNs · ACRNUS · round 2``."""
    name = f"deliver {DOCUMENT_KINDS.get(kind, kind.replace('_', ' '))} · {account_code}"
    return name if round_no <= 1 else f"{name} · round {round_no}"


def deliver_name() -> str:
    """``task_run_name`` for the outbox courier, from the running task's parameters."""
    from prefect.runtime import task_run

    params = task_run.parameters
    return delivery_run_name(str(params.get("account_code", "?")), str(params.get("kind", "documents")),
                             int(params.get("round_no", 1)))


class TaskNames(TypedDict):
    """``prefect.task``'s naming keywords, so mypy checks them in the decorator they are spread into."""

    name: str
    task_run_name: str


def per_account(action: str) -> TaskNames:
    """``@task(**per_account("plan shipments"))``: that task name, runs named ``plan shipments · ACRNUS``."""
    return {"name": action, "task_run_name": f"{action} · {{account_code}}"}

