"""What the service layer needs from the outside world, and nothing more.

Services receive these instead of building them, in the style of Cosmic Python's
``allocate(..., uow)``: the Prefect tasks hand them the real store and the real SP-API
client (``acorn.runtime``); the fast tests hand them an in-memory store
(``acorn.store.uow.in_memory_units``) and the fake Amazon (``acorn.testing.fake_amazon``),
which answers with the sandbox's own rules without HTTP.

- :data:`Units`: opens a fresh unit of work per business step (``with units() as uow:``).
  A factory, not an open session, so a service that commits in steps opens one per step.
- :class:`AmazonApi`: the SP-API operations the services call, as ``acorn.spapi.SpApiClient``
  offers them (same names, same keyword arguments, same typed answers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from acorn.spapi import ResponseFormatError
    from acorn.store.uow import UnitOfWork
    from schemas import spapi as wire

#: a fresh unit of work per call; ``acorn.store.uow.units(url)`` for a database, ``in_memory_units()`` in tests
Units = Callable[[], "UnitOfWork"]
OnInvalid = Callable[["ResponseFormatError"], None]


class AmazonApi(Protocol):
    """The Retail Procurement operations the services use; ``SpApiClient`` is the real one."""

    def list_purchase_orders(self, *, created_after: datetime | None = None,
                             created_before: datetime | None = None, changed_after: datetime | None = None,
                             changed_before: datetime | None = None, limit: int = 100,
                             on_invalid: OnInvalid | None = None, **other_filters: Any) -> Iterator[wire.Order]: ...

    def get_purchase_order(self, po_number: str) -> wire.Order: ...

    def get_purchase_orders_status(self, *, updated_after: datetime | None = None,
                                   updated_before: datetime | None = None, purchase_order_number: str | None = None,
                                   created_after: datetime | None = None, created_before: datetime | None = None,
                                   purchase_order_status: str | None = None,
                                   item_confirmation_status: str | None = None,
                                   ordering_vendor_code: str | None = None, limit: int = 100,
                                   on_invalid: OnInvalid | None = None) -> Iterator[wire.OrderStatus]: ...

    def get_shipment_details(self, *, vendor_shipment_identifier: str | None = None,
                             created_after: datetime | None = None, created_before: datetime | None = None,
                             shipment_confirmed_after: datetime | None = None,
                             shipment_confirmed_before: datetime | None = None, sort_order: str | None = None,
                             limit: int = 50, on_invalid: OnInvalid | None = None) -> list[Any]: ...

    def get_shipment_labels(self, *, vendor_shipment_identifier: str | None = None,
                            buyer_reference_number: str | None = None, label_created_after: datetime | None = None,
                            label_created_before: datetime | None = None, seller_warehouse_code: str | None = None,
                            sort_order: str | None = None, limit: int = 50,
                            on_invalid: OnInvalid | None = None) -> list[wire.TransportLabel]: ...

    def submit_acknowledgement(self, request: Any) -> str: ...

    def submit_shipment_confirmations(self, request: Any) -> str: ...

    def submit_invoices(self, request: Any) -> str: ...

    def submit_shipments(self, request: dict[str, Any]) -> str: ...

    def get_transaction(self, transaction_id: str) -> wire.TransactionStatus: ...

    def create_report(self, specification: Any) -> str: ...

    def get_report(self, report_id: str) -> wire.Report: ...

    def get_report_document(self, report_document_id: str) -> wire.ReportDocument: ...

    def download_report_document(self, document: wire.ReportDocument) -> bytes: ...
