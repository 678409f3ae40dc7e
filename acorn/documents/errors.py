"""The one error documents raise: the data given cannot make a correct document.

A carton label with a wrong SSCC or "carton 5 of 4" is worse than no label: it is
printed, stuck on a box and costs a chargeback at the fulfilment centre. So rendering
refuses such input, naming the record and the field.
"""

from __future__ import annotations

from acorn.domain.errors import DomainError


class DocumentError(DomainError):
    """``record``'s ``field`` cannot go on the document; ``reason`` says why."""
