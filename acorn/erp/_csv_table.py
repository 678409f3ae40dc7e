"""Read one CSV export into validated rows, quarantining the rows that fail.

The mechanics shared by every ERP file: header checks, physical line numbers, one
:class:`RowError` per bad row, duplicate keys, and the ``<stem>.rejected.csv`` file that
gives the operator the bad rows back in their own columns with the reason beside them.

A NUL byte anywhere in a row rejects the row (a damaged export; no database column takes
it); in the quarantine file it is written as the visible U+2400 ``␀``, because a raw NUL
cuts the line short in the spreadsheets operators open it with.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from acorn.erp._errors import ErpInputError, RowError
from acorn.erp.source import LoadResult

ModelT = TypeVar("ModelT", bound=BaseModel)

_ROW = "(row)"
_NUL = "\x00"
_VISIBLE_NUL = "\u2400"

#: A check across the file's boundary (e.g. "is this SKU known?") on a row that validated:
#: ``(field, message)`` when the row must be rejected, ``None`` when it may load.
RowCheck = Callable[[ModelT], tuple[str, str] | None]


@dataclass(frozen=True)
class TableSpec(Generic[ModelT]):
    """How one export is laid out and what identifies a row in it."""

    model: type[ModelT]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass(frozen=True)
class _Rejected:
    record: list[str]
    error: RowError


def load_table(path: Path, spec: TableSpec[ModelT], *, quarantine_dir: Path | None = None,
               check_row: RowCheck[ModelT] | None = None) -> LoadResult[ModelT]:
    """Every data row of ``path`` either validated into ``spec.model`` or reported as a RowError.

    ``check_row`` rejects rows that are valid on their own but not in the wider load.
    """
    file = str(path)
    header, records = _read(path, spec)
    rows: list[ModelT] = []
    rejected: list[_Rejected] = []
    seen: dict[tuple[str, ...], int] = {}

    for line, record in records:
        values = {col: _cell(record, header, col) for col in spec.columns if col in header}
        row = _validated_row(file, line, header, record, values, spec.model, check_row)
        if isinstance(row, RowError):
            rejected.append(_Rejected(record=record, error=row))
        elif (duplicate := _first_of_key(file, line, row, values, spec.key, seen)) is not None:
            rejected.append(_Rejected(record=record, error=duplicate))
        else:
            rows.append(row)

    if quarantine_dir is not None:
        _write_quarantine(quarantine_dir / f"{path.stem}.rejected.csv", header, rejected)
    return LoadResult(rows=rows, errors=[r.error for r in rejected])


def _validated_row(file: str, line: int, header: list[str], record: list[str], values: dict[str, str | None],
                   model: type[ModelT], check_row: RowCheck[ModelT] | None) -> ModelT | RowError:
    """The record as a model row, or why it is rejected: a damaged cell, shifted values, a field, or ``check_row``."""
    error = _nul_byte(file, line, header, record) or _extra_values(file, line, header, record)
    if error is not None:
        return error
    try:
        row = model.model_validate(values)
    except ValidationError as exc:
        return _row_error(file, line, exc, values)
    rejected = _checked(file, line, row, values, check_row)
    return row if rejected is None else rejected


def _first_of_key(file: str, line: int, row: ModelT, values: dict[str, str | None], key_fields: tuple[str, ...],
                  seen: dict[tuple[str, ...], int]) -> RowError | None:
    """``None`` (and the key noted in ``seen``) for the first row of its key; a later one is rejected."""
    key = tuple(str(getattr(row, k)) for k in key_fields)
    if key not in seen:
        seen[key] = line
        return None
    return RowError(
        file=file,
        line=line,
        field=key_fields[0],
        value=values.get(key_fields[0]),
        message=f"duplicate {' + '.join(key_fields)} {'/'.join(key)!r}: first seen on line {seen[key]}, which is kept",
    )


def _read(path: Path, spec: TableSpec[ModelT]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The normalised header and (physical line where the record starts, raw record) per data row.

    ERP exports are thousands of rows, not millions: reading the file whole keeps the
    header check ahead of any row work and the file closed while rows are validated.
    """
    if not path.is_file():
        raise ErpInputError(file=path, message="file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ErpInputError(file=path, message=f"not UTF-8 text (byte {exc.start}): export as CSV UTF-8") from None
    except OSError as exc:
        raise ErpInputError(file=path, message=f"cannot be read: {exc.strerror or exc}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    raw_header = _next(reader, path)
    if raw_header is None:
        raise ErpInputError(file=path, message="file is empty: expected a header row")
    header = [name.strip().lower() for name in raw_header]
    _check_header(path, header, spec)
    records: list[tuple[int, list[str]]] = []
    while True:
        line = reader.line_num + 1
        record = _next(reader, path)
        if record is None:
            return header, records
        if any(cell.strip() for cell in record):  # a blank line is not a row
            records.append((line, record))


def _next(reader: Iterator[list[str]], path: Path) -> list[str] | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise ErpInputError(file=path, message=f"malformed CSV: {exc}") from None


def _check_header(path: Path, header: list[str], spec: TableSpec[ModelT]) -> None:
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise ErpInputError(file=path, column=doubled[0], message="column appears more than once in the header")
    missing = [col for col in spec.required if col not in header]
    if missing:
        raise ErpInputError(
            file=path,
            column=missing[0],
            message=f"required column missing (missing: {', '.join(missing)}; expected: {', '.join(spec.columns)})",
        )


def _cell(record: list[str], header: list[str], column: str) -> str | None:
    index = header.index(column)
    value = record[index].strip() if index < len(record) else ""
    return value or None


def _nul_byte(file: str, line: int, header: list[str], record: list[str]) -> RowError | None:
    for index, cell in enumerate(record):
        if _NUL in cell:
            return RowError(
                file=file,
                line=line,
                field=header[index] if index < len(header) and header[index] else _ROW,
                value=cell,
                message="contains a NUL byte (a damaged export?): re-export the row",
            )
    return None


def _checked(
    file: str, line: int, row: ModelT, values: dict[str, str | None], check_row: RowCheck[ModelT] | None
) -> RowError | None:
    problem = check_row(row) if check_row is not None else None
    if problem is None:
        return None
    field, message = problem
    return RowError(file=file, line=line, field=field, value=values.get(field), message=message)


def _extra_values(file: str, line: int, header: list[str], record: list[str]) -> RowError | None:
    # More cells than columns usually means an unquoted comma inside a title: every
    # value after it has shifted, so no field of the row can be trusted.
    extra = record[len(header) :]
    if any(cell.strip() for cell in extra):
        return RowError(
            file=file,
            line=line,
            field=_ROW,
            value=",".join(record),
            message=f"row has {len(record)} values but the header has {len(header)} columns "
            "(an unquoted comma?)",
        )
    return None


def _row_error(file: str, line: int, exc: ValidationError, values: dict[str, str | None]) -> RowError:
    problems: list[tuple[str, str | None, str]] = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else _ROW
        raw = values.get(field)
        if field != _ROW and raw is None:
            message = "a value is required"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
        problems.append((field, raw, message))
    field, value, _ = problems[0]
    message = "; ".join(f"{f}: {m}" for f, _, m in problems)
    return RowError(file=file, line=line, field=field, value=value, message=message)


def _write_quarantine(target: Path, header: list[str], rejected: list[_Rejected]) -> None:
    """Write the rejected rows, as read, plus the reason; written even when empty so a
    stale file from an earlier run never claims rows are still bad."""
    target.parent.mkdir(parents=True, exist_ok=True)
    error_column = "error" if "error" not in header else "acorn_error"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, error_column])
        for item in rejected:
            cells = [cell.replace(_NUL, _VISIBLE_NUL) for cell in (item.record + [""] * len(header))[: len(header)]]
            writer.writerow([*cells, f"line {item.error.line}: {item.error.message}"])

