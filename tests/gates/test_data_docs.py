"""Great Expectations Data Docs of the validations a gate failed, kept on disk where the alert says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from acorn.gates import gate_shipment
from acorn.gates.data_docs import index_path, keep_data_docs
from tests.gates.test_gates import SSCC, asn


@pytest.fixture
def docs_dir(tmp_path: Path) -> Iterator[Path]:
    keep_data_docs(tmp_path / "data-docs")
    try:
        yield (tmp_path / "data-docs").resolve()
    finally:
        keep_data_docs(None)


def test_a_failed_gate_writes_its_page_and_the_index_and_its_summary_names_the_page(docs_dir: Path) -> None:
    result = gate_shipment(asn(row0={"sscc": SSCC[0][1:]}))
    assert not result.passed and result.data_docs
    page = Path(result.data_docs)
    assert page.is_file() and docs_dir in page.parents
    assert "shipment" in page.read_text(encoding="utf-8")
    index = index_path(docs_dir)
    assert index.is_file() and page.relative_to(docs_dir).as_posix() in index.read_text(encoding="utf-8")
    assert f"Data Docs (every failed row and rule): {page}" in result.summary()
    assert result.to_json_dict()["data_docs"] == str(page)


def test_a_passing_gate_writes_nothing_and_failures_of_earlier_runs_stay_in_the_index(docs_dir: Path) -> None:
    assert gate_shipment(asn()).data_docs is None
    assert not docs_dir.exists()
    first = gate_shipment(asn(row1={"shipped_qty": -1})).data_docs
    second = gate_shipment(asn(row0={"sscc": SSCC[0][1:]})).data_docs
    assert first and second and first != second
    index = index_path(docs_dir).read_text(encoding="utf-8")
    assert all(Path(p).relative_to(docs_dir).as_posix() in index for p in (first, second))


def test_without_a_home_folder_no_data_docs_are_written() -> None:
    keep_data_docs(None)
    result = gate_shipment(asn(row0={"sscc": SSCC[0][1:]}))
    assert not result.passed and result.data_docs is None and "Data Docs" not in result.summary()
