"""The primary key of a row the database has seen.

The tables declare ``id: int | None``: ``None`` until the INSERT is flushed, which is how SQLModel
lets the database number new rows. Every row a repository reads, and every row after ``flush()``,
has its id; code that keys maps or foreign keys by it says so with :func:`stored_id`.
"""

from __future__ import annotations

from typing import Protocol


class _Numbered(Protocol):
    id: int | None


def stored_id(row: _Numbered) -> int:
    """``row.id``; a row not flushed yet has none, and using it as a key would be a bug, so it raises."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: it was never flushed to the database")
    return row.id
