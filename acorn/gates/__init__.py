"""Data-quality gates (Great Expectations) in front of every submission to Amazon.

``gate_acknowledgements``, ``gate_shipment`` and ``gate_invoice`` take a list of dicts and
answer a :class:`GateResult`; the rules are in :mod:`acorn.gates.suites`. Importing this
package is cheap: Great Expectations is imported and its context built on the first gate.
"""

from __future__ import annotations

from acorn.gates.result import GateFailed, GateFailure, GateResult
from acorn.gates.run import gate_acknowledgements, gate_each, gate_invoice, gate_shipment, run_gate

__all__ = [
    "GateFailed",
    "GateFailure",
    "GateResult",
    "gate_acknowledgements",
    "gate_each",
    "gate_invoice",
    "gate_shipment",
    "run_gate",
]
