"""What can go wrong when reading the vendor's ERP exports.

::

    ErpInputError          the file as a whole cannot be read (missing, no header,
                           missing column, not UTF-8): nothing is loaded
    RowError (a record)    one row is wrong: it is quarantined, the rest loads

A whole-file problem raises because loading half a file with a missing column would be
worse than loading nothing; a row problem is data, reported and kept for the operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ErpInputError(Exception):
    """An ERP export that cannot be read at all; names the file and, when known, the column."""

    def __init__(self, *, file: Path | str, message: str, column: str | None = None) -> None:
        self.file = str(file)
        self.column = column
        self.message = message
        where = f"{self.file}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class RowError:
    """One rejected row: where it is, the first field at fault, and every problem found.

    ``field`` and ``value`` point at the first problem so a list of errors sorts and
    groups well; ``message`` lists all of them (``field: problem; field: problem``) so
    the operator fixes the row in one pass. One ``RowError`` per rejected row, which is
    what makes ``rows read = rows loaded + errors`` hold.
    """

    file: str
    line: int
    field: str
    value: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}={self.value!r}: {self.message}"
