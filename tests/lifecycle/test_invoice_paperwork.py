"""A Canadian invoice with HST and a Cases line, end to end: the sandbox accepts it once,
and its archived HTML and PDF show what was billed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from acorn import runtime
from acorn.domain.money import round_money
from acorn.store import UnitOfWork
from lifecycle_world import World, services_day

CA = "ACRNCA"


@pytest.mark.parametrize("world", [pytest.param({"cases_rate": 1.0}, id="all-cases")], indirect=True)
def test_a_canadian_invoice_with_hst_and_cases_lines_is_accepted_once_and_archived(world: World) -> None:
    client = runtime.current().client(world.settings.account(CA))
    for as_of in world.run_times(4):
        world.set_clock(as_of)
        services_day(world.settings, client, as_of, CA)
    with UnitOfWork(world.db) as uow:
        invoices = uow.invoices.list(CA)
        stored = {i.invoice_number: (i.subtotal, i.tax_amount, i.total, i.status) for i in invoices}
    assert invoices, "no Canadian invoice was issued"
    ledger = {e["id"]: e for e in world.ledger()["invoices"]}
    docs = world.settings.resolved_documents_dir / CA / "invoices"
    cases_seen = False
    for number, (subtotal, tax, total, status) in stored.items():
        assert ledger[number]["submissions"] == 1 and ledger[number]["accepted"] == 1, ledger[number]
        assert status == "accepted"
        invoice = json.loads((docs / number / "invoice.json").read_text())["invoices"][0]
        # YYZ4 is in Ontario: HST 13 % of each line, rounded to the cent; the lines add up to the invoice
        line_taxes = []
        for item in invoice["items"]:
            qty = item["invoicedQuantity"]
            eaches = qty["amount"] * qty.get("unitSize", 1)
            net = round_money(eaches * Decimal(item["netCost"]["amount"]), "CAD")
            line_taxes.append(Decimal(item["taxDetails"][0]["taxAmount"]["amount"]))
            assert line_taxes[-1] == round_money(net * Decimal("0.13"), "CAD")
        assert tax > 0 and tax == sum(line_taxes) and total == subtotal + tax
        assert invoice["billToParty"]["partyId"] == "AMZNCA"
        assert invoice["taxDetails"][0]["taxAmount"]["amount"] == f"{tax:.2f}"
        units = [i["invoicedQuantity"] for i in invoice["items"]]
        cases_seen |= any(u["unitOfMeasure"] == "Cases" and u["unitSize"] > 1 for u in units)
        pdf = "\n".join(p.extract_text() for p in PdfReader(docs / number / "invoice.pdf").pages)
        html = (docs / number / "invoice.html").read_text()
        for text in (pdf, html):
            assert "Amazon.com.ca ULC" in text and "8050 Heritage Road" in text
            assert "GST/HST 13%" in text and f"{tax:,.2f}" in text and f"{total:,.2f}" in text
    assert cases_seen, "no invoice line went out in Cases"


@pytest.mark.parametrize("world", [pytest.param({"cases_rate": 1.0}, id="all-cases")], indirect=True)
def test_hst_paid_with_a_canadian_invoice_is_no_price_variance_in_reconciliation(world: World, tmp_path) -> None:
    from datetime import timedelta

    from acorn.services import receipts
    from acorn.services.reconcile import load_run, reconcile_month
    from acorn.services.remittances import import_remittance

    account = world.settings.account(CA)
    client = runtime.current().client(account)
    times = world.run_times(3)
    for as_of in times:
        world.set_clock(as_of)
        services_day(world.settings, client, as_of, CA)
    paid_by = times[-1] + timedelta(days=account.payment_terms.net_days + 10)
    world.set_clock(paid_by)
    receipts.poll_receipts(world.units, client, account, as_of=paid_by, alert_after_days=2)
    months = sorted({f"{times[0] + timedelta(days=d):%Y-%m}" for d in range(0, (paid_by - times[0]).days + 1)})
    for month in months:
        csv = world.operator.get("/_sandbox/remittances", params={"month": month})
        csv.raise_for_status()
        path = tmp_path / f"remittance-{month}.csv"
        path.write_bytes(csv.content)
        assert not import_remittance(world.units, path, world.settings.accounts, account_code=CA).errors
    with UnitOfWork(world.db) as uow:
        taxed = {line.po_number for i in uow.invoices.list(CA) if i.tax_amount > 0 for line in uow.invoices.lines(i)}
        order_months = {f"{po.order_date:%Y-%m}" for po in uow.purchase_orders.list(CA) if po.po_number in taxed}
    assert taxed
    lines, matched = [], 0
    for month in sorted(order_months):
        run = reconcile_month(world.units, account, month, as_of=paid_by)
        matched += run.totals["categories"]["matched"]["lines"]
        assert run.totals["categories"]["price_variance"]["lines"] == 0
        assert run.totals["paid"] == run.totals["invoiced"]  # net of the tax paid beside the lines
        lines += load_run(world.units, CA, month)[1]
    # the HST paid with each invoice is on no line: it must not read as a price difference or anything else
    exceptions = [(ln.po_number, ln.category, ln.amount) for ln in lines
                  if ln.po_number in taxed and ln.category != "open"]
    assert exceptions == []
    assert matched > 0  # lines of taxed invoices, paid with their tax, reconcile as matched
