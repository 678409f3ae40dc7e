"""The intake benchmark command runs end to end (small volume; the figures are the benchmark's job)."""

from __future__ import annotations

from typer.testing import CliRunner

from acorn.spapi.bench import app


def test_the_intake_benchmark_prints_its_figures_and_fetches_every_order() -> None:
    result = CliRunner().invoke(app, ["intake", "--pos-per-day", "15"])
    assert result.exit_code == 0, result.output
    # progress goes to stderr
    lines = {line.split(":")[0].strip(): line.split(":", 1)[1].strip() for line in result.stdout.splitlines()[1:]}
    fetched, _, _, expected, *_ = lines["purchase orders"].split()
    assert int(fetched) == int(expected) > 150 and lines["purchase orders"].endswith("(0 missing)")
    assert lines["failures"] == "0"
    assert set(lines) >= {"requests", "seconds", "achieved rate", "allowed rate", "ratio", "429s seen"}
    assert "fetch purchase orders" in result.stderr and "fetch purchase orders" not in result.stdout
