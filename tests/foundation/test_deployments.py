"""prefect.yaml: what Prefect will accept, and schedules that never collide for no reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from cronsim import CronSim

REPO = Path(__file__).resolve().parents[2]
SUBMITTING_FLOWS = ("daily_lifecycle", "submit_asns", "submit_invoices", "acknowledge_orders", "arrange_freight")


def _deployments() -> list[dict]:
    return yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]


def test_every_deployment_is_valid_for_prefect_deploy() -> None:
    from prefect.cli.deploy._models import DeploymentConfig

    for d in _deployments():
        DeploymentConfig.model_validate(d)  # raises naming the field Prefect would refuse


def test_deployments_that_submit_never_run_twice_at_once() -> None:
    submitting = {p.stem for p in (REPO / "flows").glob("*.py") if "submission_slot(" in p.read_text()}
    assert submitting - {"_common"} <= set(SUBMITTING_FLOWS), "a flow that submits is missing from SUBMITTING_FLOWS"
    checked = 0
    for d in _deployments():
        if d["entrypoint"].rsplit(":", 1)[1] in SUBMITTING_FLOWS:
            assert d.get("concurrency_limit", {}).get("limit") == 1, d["name"]
            checked += 1
    assert checked >= 5


def test_every_deployment_serves_every_configured_account() -> None:
    """No deployment pins an account: a stage flow given none runs each one configured (ACORN_ACCOUNTS)."""
    import importlib
    import inspect

    from acorn.config import DEFAULT_ACCOUNTS

    assert len(DEFAULT_ACCOUNTS) >= 2
    for d in _deployments():
        assert "account" not in (d.get("parameters") or {}), f"{d['name']} serves only {d['parameters']['account']}"
        path, name = d["entrypoint"].split(":")
        flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)
        account = inspect.signature(flow.fn).parameters.get("account")
        if account is not None:
            assert account.default is None, f"{d['name']}: the flow's account must default to every account"
        else:  # a flow without the parameter must loop over every account itself
            assert "account_codes(None)" in inspect.getsource(flow.fn), d["name"]


def _starts(cron: str, tz: str, week: datetime) -> set[datetime]:
    start = week.replace(tzinfo=ZoneInfo(tz))
    out = set()
    for when in CronSim(cron, start):
        if when >= start + timedelta(days=7):
            break
        out.add(when.astimezone(ZoneInfo("UTC")).replace(second=0, microsecond=0))
    return out


def test_no_two_schedules_start_in_the_same_minute() -> None:
    week = datetime(2026, 3, 2)
    starts = {d["name"]: set().union(*(_starts(s["cron"], s["timezone"], week) for s in d["schedules"]))
              for d in _deployments() if d.get("schedules")}
    assert len(starts) >= 3
    for (a, when_a), (b, when_b) in combinations(starts.items(), 2):
        assert not when_a & when_b, f"{a} and {b} both start at {sorted(when_a & when_b)[0]:%a %H:%M} UTC"


def test_every_deployed_flow_validates_its_parameters_when_served_from_memory() -> None:
    """``flow.serve()`` ships the flow pickled by value; its parameter types must resolve there too."""
    import importlib

    import cloudpickle

    for d in _deployments():
        path, name = d["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        cloudpickle.register_pickle_by_value(module)
        try:
            served = cloudpickle.loads(cloudpickle.dumps(getattr(module, name)))
        finally:
            cloudpickle.unregister_pickle_by_value(module)
        parameters = {"as_of": "2026-03-02T14:00:00Z"} if "as_of" in served.parameters.properties else {}
        if "account" in served.parameters.properties:
            parameters["account"] = "ACRNUS"
        validated = served.validate_parameters(parameters)
        assert validated.get("as_of", datetime(2026, 3, 2, 14, tzinfo=ZoneInfo("UTC"))) == datetime(
            2026, 3, 2, 14, tzinfo=ZoneInfo("UTC")), d["name"]
