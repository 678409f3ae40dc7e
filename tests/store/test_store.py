"""The store on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import schemas.tables as t
from acorn.store import UnitOfWork, current_revision, engine_for, upgrade

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def _po(number: str = "4Z32PABC", account: str = "ACRNUS") -> t.PurchaseOrder:
    return t.PurchaseOrder(account_code=account, po_number=number, state="New", selling_party="ACRNUS",
                           ship_to="ABE8", marketplace="US", currency="USD", order_date=T0)


def _shipment(identifier: str) -> t.Shipment:
    return t.Shipment(account_code="ACRNUS", shipment_identifier=identifier, ship_to="ABE8",
                      structure="LooseAssortmentCase", transport_mode="SmallParcel", departure=T0,
                      estimated_delivery=T0 + timedelta(days=2), asn_deadline=T0 + timedelta(minutes=30))


def test_migrations_create_every_table(migrated_url: str) -> None:
    tables = set(sa.inspect(engine_for(migrated_url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert current_revision(migrated_url) is not None


def test_upgrading_twice_changes_nothing(migrated_url: str) -> None:
    before = current_revision(migrated_url)
    upgrade(migrated_url)
    assert current_revision(migrated_url) == before


def test_timestamps_come_back_aware_utc_and_money_as_exact_decimal(migrated_url: str) -> None:
    local = T0.astimezone(timezone(timedelta(hours=-5)))
    with UnitOfWork(migrated_url) as uow:
        po = uow.purchase_orders.add(_po())
        po.order_date = local
        uow.flush()
        uow.purchase_orders.add(t.PurchaseOrderItem(purchase_order_id=po.id, item_sequence="1", ordered_qty=12,
                                                    net_cost=Decimal("10.15"), currency="USD"))
        uow.commit()
    with UnitOfWork(migrated_url) as uow:
        po = uow.purchase_orders.get("ACRNUS", "4Z32PABC")
        assert po.order_date == T0 and po.order_date.tzinfo is not None
        assert po.order_date.utcoffset() == timedelta(0)
        [item] = uow.purchase_orders.items(po)
        assert item.net_cost == Decimal("10.15") and isinstance(item.net_cost, Decimal)


def test_a_naive_datetime_is_refused_rather_than_guessed(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        po = _po()
        po.order_date = datetime(2026, 3, 2, 14, 0)
        uow.purchase_orders.add(po)
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            uow.flush()


def test_leaving_a_unit_of_work_without_commit_rolls_back(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        uow.purchase_orders.add(_po())
    with UnitOfWork(migrated_url) as uow:
        assert uow.purchase_orders.count() == 0


def test_an_sscc_can_never_be_used_by_two_cartons(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        a, b = uow.shipments.add(_shipment("S1")), uow.shipments.add(_shipment("S2"))
        uow.flush()
        uow.shipments.add(t.Carton(shipment_id=a.id, sscc="006141410000000012", weight_kg=Decimal("5")))
        uow.shipments.add(t.Carton(shipment_id=b.id, sscc="006141410000000012", weight_kg=Decimal("5")))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_an_idempotency_key_admits_one_outbox_row(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        for _ in range(2):
            uow.outbox.add(t.OutboxEntry(kind="invoice", idempotency_key="invoice:ACRNUS:US0001",
                                         account_code="ACRNUS", business_id="US0001", payload={}))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_an_invoice_number_is_unique_per_vendor_but_not_across_vendors(migrated_url: str) -> None:
    def invoice(account: str) -> t.Invoice:
        return t.Invoice(account_code=account, invoice_number="INV-1", invoice_date=T0, currency="USD",
                         subtotal=Decimal("1.00"), total=Decimal("1.00"))

    with UnitOfWork(migrated_url) as uow:
        uow.invoices.add(invoice("ACRNUS"))
        uow.invoices.add(invoice("ACRNCA"))
        uow.commit()
    with UnitOfWork(migrated_url) as uow:
        uow.invoices.add(invoice("ACRNUS"))
        with pytest.raises(IntegrityError):
            uow.commit()


def test_sscc_serials_are_handed_out_once(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        first = uow.serials.allocate("0614141", 3)
        uow.commit()
    with UnitOfWork(migrated_url) as uow:
        second = uow.serials.allocate("0614141", 2)
        uow.commit()
    assert list(first) == [1, 2, 3] and list(second) == [4, 5]


def test_the_audit_log_is_append_only(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        uow.audit.append(action="asn.submitted", entity="shipment", entity_id="S1", detail={"tx": "abc"})
        uow.commit()
    with UnitOfWork(migrated_url) as uow:
        [event] = uow.audit.list(entity="shipment")
        event.action = "rewritten"
        with pytest.raises(PermissionError):
            uow.flush()
    with UnitOfWork(migrated_url) as uow:
        [event] = uow.audit.list(entity="shipment")
        uow._session.delete(event)  # proving the ORM guard, not an API
        with pytest.raises(PermissionError):
            uow.flush()


def test_an_alert_is_raised_once_per_problem_and_can_be_resolved(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        _, created = uow.alerts.raise_alert(dedupe_key="asn-failed:S1", account_code="ACRNUS", kind="asn_failed",
                                            subject="ASN S1 failed", message="DuplicateSSCC")
        _, again = uow.alerts.raise_alert(dedupe_key="asn-failed:S1", account_code="ACRNUS", kind="asn_failed",
                                          subject="ASN S1 failed", message="DuplicateSSCC")
        uow.commit()
    assert created and not again
    with UnitOfWork(migrated_url) as uow:
        assert uow.alerts.resolve("asn-failed:S1", at=T0)
        uow.commit()
        assert uow.alerts.list() == []


def test_alerts_raised_together_are_raised_once_per_problem_and_a_resolved_one_reopens(migrated_url: str) -> None:
    def problem(key: str) -> dict:
        return {"dedupe_key": key, "account_code": "ACRNUS", "kind": "low_fill_rate", "subject": key,
                "message": f"about {key}", "po_number": "4Z32PABC"}

    with UnitOfWork(migrated_url) as uow:
        uow.alerts.raise_alert(**problem("open"))
        uow.alerts.raise_alert(**problem("resolved"))
        uow.alerts.resolve("resolved", at=T0)
        uow.commit()
    with UnitOfWork(migrated_url) as uow:
        opened = uow.alerts.raise_alerts([problem("open"), problem("resolved"), problem("new"), problem("new")])
        uow.commit()
    assert opened == ["resolved", "new"]
    with UnitOfWork(migrated_url) as uow:
        alerts = uow.alerts.list()
    assert [(a.dedupe_key, a.status, a.po_number, a.message) for a in alerts] == [
        ("open", "open", "4Z32PABC", "about open"), ("resolved", "open", "4Z32PABC", "about resolved"),
        ("new", "open", "4Z32PABC", "about new")]
    assert all(a.announced_at is None and a.created_at.tzinfo is not None for a in alerts)


def test_watermarks_remember_where_intake_stopped(migrated_url: str) -> None:
    with UnitOfWork(migrated_url) as uow:
        assert uow.watermarks.get("po-intake:ACRNUS") is None
        uow.watermarks.set("po-intake:ACRNUS", T0)
        uow.commit()
    with UnitOfWork(migrated_url) as uow:
        assert uow.watermarks.get("po-intake:ACRNUS") == T0


def test_workers_starting_together_migrate_the_store_once_and_all_start(database_url: str) -> None:
    """Three processes upgrade one fresh store at once (as workers do after a new release): the
    first migrates under the migration lock, the others find it done; none fails on what it created."""
    import subprocess
    import sys
    import time

    from alembic.script import ScriptDirectory

    from acorn.store.db import alembic_config

    # each imports Acorn first, then all start migrating at the same moment
    start = ("import sys, time; from acorn.store import upgrade; "
             "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); upgrade(sys.argv[1])")
    go = str(time.time() + 8)
    starters = [subprocess.Popen([sys.executable, "-c", start, database_url, go], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [(p.wait(timeout=180), p.stderr.read()) for p in starters]
    assert [code for code, _ in outcomes] == [0, 0, 0], [err[-1500:] for _, err in outcomes]
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert current_revision(database_url) == head
