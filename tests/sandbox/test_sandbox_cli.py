"""``acorn sandbox serve`` as ops start it: a subprocess that is ready within seconds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_cli_serves_within_five_seconds_and_stops_on_sigterm() -> None:
    port = _free_port()
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "acorn.sandbox.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--seed", "3", "--rate-scale", "2", "--client-id", "cli-app", "--client-secret", "cli-secret",
         "--refresh-token", "Atzr|cli-refresh", "--pos-per-day", "2", "--shortage-rate", "0", "--damage-rate", "0"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        ready = time.monotonic() - began
        assert f"listening on http://127.0.0.1:{port}" in line, line
        assert ready < 5, f"took {ready:.2f} s"
        assert "cli-secret" not in line and "cli-refresh" not in line
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            assert http.get("/_sandbox/clock").json() == {"now": "2026-03-05T14:00:00Z", "mode": "manual"}
            wrong = http.post("/auth/o2/token", data={"grant_type": "refresh_token",
                                                      "client_id": "acorn-sandbox-client",
                                                      "client_secret": "acorn-sandbox-secret",
                                                      "refresh_token": "Atzr|cli-refresh"})
            assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
            grant = http.post("/auth/o2/token", data={"grant_type": "refresh_token", "client_id": "cli-app",
                                                      "client_secret": "cli-secret",
                                                      "refresh_token": "Atzr|cli-refresh"})
            r = http.get("/vendor/orders/v1/purchaseOrders",
                         headers={"x-amz-access-token": grant.json()["access_token"]})
            assert r.status_code == 200 and r.headers["x-amzn-RateLimit-Limit"] == "20"
            assert len({o["orderDetails"]["purchaseOrderDate"][:10] for o in r.json()["payload"]["orders"]}) >= 3
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "stopped" in out
    assert "cli-secret" not in out + err


def test_the_cli_explains_itself_and_refuses_a_busy_port() -> None:
    helped = subprocess.run([sys.executable, "-m", "acorn.sandbox.cli", "serve", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0
    for option in ("--seed", "--rate-scale", "--client-id", "--shortage-rate", "--damage-rate", "--pos-per-day"):
        assert option in helped.stdout
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = subprocess.run([sys.executable, "-m", "acorn.sandbox.cli", "serve", "--port", str(port)], cwd=REPO,
                                 capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "cannot listen" in refused.stderr


def test_the_cli_runs_a_realtime_clock_from_now_with_the_settlement_flags() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "acorn.sandbox.cli", "serve", "--port", str(port), "--clock", "realtime",
         "--start", "now", "--payment-basis", "receipt", "--shortage-reversal-rate", "0.5", "--reversal-days", "30"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert f"listening on http://127.0.0.1:{port}" in line and "realtime" in line, line
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            clock = http.get("/_sandbox/clock").json()
        now = datetime.fromisoformat(clock["now"].replace("Z", "+00:00"))
        assert clock["mode"] == "realtime"
        assert abs(now - datetime.now(UTC)) < timedelta(seconds=10)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    assert proc.returncode == 0


@pytest.mark.parametrize(("args", "says"), [
    pytest.param(["--clock", "fast"], "manual, realtime, speed=N", id="unknown-clock"),
    pytest.param(["--clock", "speed=0"], "0 < N", id="speed-zero"),
    pytest.param(["--start", "yesterday"], "ISO-8601", id="start-not-a-date"),
    pytest.param(["--payment-basis", "weekly"], "--payment-basis", id="payment-basis"),
    pytest.param(["--reversal-days", "0"], "--reversal-days", id="reversal-days"),
    pytest.param(["--shortage-reversal-rate", "1.5"], "--shortage-reversal-rate", id="reversal-rate"),
])
def test_the_cli_refuses_a_bad_clock_start_or_settlement_flag_before_serving(args: list[str], says: str) -> None:
    refused = subprocess.run([sys.executable, "-m", "acorn.sandbox.cli", "serve", "--port", "0", *args], cwd=REPO,
                             capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
    assert refused.returncode == 2, refused.stdout
    assert says in refused.stderr and "listening" not in refused.stdout


def test_the_default_seed_orders_only_items_of_the_demo_erp_files() -> None:
    """Following the README (`acorn sandbox serve`, demo ERP files) no line is InvalidProductIdentifier."""
    import csv

    known = {row["asin"] for row in csv.DictReader((REPO / "acorn" / "demo_data" / "skus.csv").open())}
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "acorn.sandbox.cli", "serve", "--port", str(port)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "(seed 0," in line, line
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            grant = http.post("/auth/o2/token", data={"grant_type": "refresh_token",
                                                      "client_id": "acorn-sandbox-client",
                                                      "client_secret": "acorn-sandbox-secret",
                                                      "refresh_token": "Atzr|acorn-sandbox-refresh"})
            orders = http.get("/vendor/orders/v1/purchaseOrders", params={"limit": 100},
                              headers={"x-amz-access-token": grant.json()["access_token"]}).json()["payload"]["orders"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=15)
    ordered = {item["amazonProductIdentifier"] for o in orders for item in o["orderDetails"]["items"]}
    assert ordered and ordered <= known, sorted(ordered - known)
