"""What a quality gate answers: pass or fail, and for each failed rule the records at fault.

Plain dataclasses with Python values only (no numpy scalars, no Great Expectations
objects), so a result can go into a Prefect artifact, a log line or the store as JSON.

::

    GateFailed (Exception)   raised by GateResult.raise_for_failure(); carries .result
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: record keys kept per failed rule: enough to find the rows, bounded for artifacts
MAX_EXAMPLES = 20


@dataclass(frozen=True)
class GateFailure:
    """One rule the batch broke.

    ``expectation`` is Great Expectations' name for the check
    (``expect_column_values_to_be_unique``); ``rule`` says it in business words;
    ``column`` is the input column to look at (``None`` for table-level rules);
    ``examples`` are the keys (PO number, item sequence, SSCC ...) of offending records,
    at most :data:`MAX_EXAMPLES`, while ``unexpected_count`` counts them all.
    """

    expectation: str
    column: str | None
    unexpected_count: int
    examples: list[dict[str, Any]] = field(default_factory=list)
    rule: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "rule": self.rule,
            "unexpected_count": self.unexpected_count,
            "examples": [dict(example) for example in self.examples],
        }


@dataclass(frozen=True)
class GateResult:
    """The verdict of one suite on one batch of records."""

    passed: bool
    suite: str
    failures: list[GateFailure] = field(default_factory=list)
    row_count: int = 0
    #: the Great Expectations Data Docs page of a failed validation, when Data Docs are kept
    data_docs: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready: only str, int, bool, None, lists and dicts."""
        return {
            "passed": self.passed,
            "suite": self.suite,
            "row_count": self.row_count,
            "failures": [failure.to_json_dict() for failure in self.failures],
            "data_docs": self.data_docs,
        }

    def summary(self) -> str:
        """One line per failed rule, for logs and exception messages."""
        if self.passed:
            return f"{self.suite}: passed ({self.row_count} records)"
        lines = [f"{self.suite}: FAILED ({len(self.failures)} rule(s), {self.row_count} records)"]
        for failure in self.failures:
            keys = ", ".join("/".join(str(v) for v in example.values()) for example in failure.examples[:3])
            more = "" if failure.unexpected_count <= 3 else f" (+{failure.unexpected_count - 3} more)"
            if failure.column is None and not failure.examples:
                lines.append(f"  - {failure.rule or failure.expectation}")
                continue
            where = f"[{failure.column}] " if failure.column else ""
            lines.append(f"  - {where}{failure.rule or failure.expectation}: {failure.unexpected_count} record(s)"
                         + (f", e.g. {keys}{more}" if keys else ""))
        if self.data_docs:
            lines.append(f"  Data Docs (every failed row and rule): {self.data_docs}")
        return "\n".join(lines)

    def raise_for_failure(self) -> GateResult:
        """Raise :class:`GateFailed` unless the batch passed; returns ``self`` to chain."""
        if not self.passed:
            raise GateFailed(self)
        return self


class GateFailed(Exception):
    """A batch broke its quality gate; nothing from it should be sent to Amazon.

    ``result`` carries every failed rule and the keys of the offending records.
    """

    def __init__(self, result: GateResult) -> None:
        self.result = result
        super().__init__(result.summary())
