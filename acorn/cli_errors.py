"""Expected failures of any `acorn` command, as one paragraph an operator can act on.

```
explain(exc) -> Failure | None
├── configuration   ConfigError (bad setting, unknown account), a broken TOML file  exit 2
├── store           not migrated ("no such table", "relation ... does not exist")   exit 2
│                   unreachable (PostgreSQL refused, SQLite file not writable)      exit 3
├── SP-API          no answer from the host (network down, sandbox not running)     exit 3
└── files           a path that cannot be read or written                           exit 2
```

Anything else is a bug and keeps its traceback. `acorn --debug` (or ``ACORN_DEBUG=1``)
re-raises expected failures too. Messages name the database with its password masked and
never print tokens: SP-API errors are built from Amazon's fields only (acorn/spapi/_exceptions.py).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass

import httpx
import sqlalchemy.exc

from acorn.config import ConfigError

CONFIG_EXIT = 2
UNAVAILABLE_EXIT = 3

#: after `make demo` (and `acorn demo --out DIR`) the demo's store is DIR/acorn.db
DEMO_HINT = "after `make demo`, point the CLI at the demo's store with `export ACORN_HOME=out`"


@dataclass(frozen=True)
class Failure:
    """What failed, where, and what to do, with the exit code the command ends with."""

    paragraph: str
    exit_code: int


class ExpectedFailure(Exception):
    """A command's own check found the failure: raised, so the one handler says it like the others."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.paragraph)
        self.failure = failure


def explain(exc: BaseException) -> Failure | None:
    """The paragraph for an expected failure, or ``None`` for anything else (a bug: keep the traceback)."""
    if isinstance(exc, ExpectedFailure):
        return exc.failure
    for kinds, describe in _RULES:
        if isinstance(exc, kinds):
            failure = describe(exc)
            if failure is not None:
                return failure
    return None


def _config(exc: BaseException) -> Failure:
    return Failure(f"{exc}\nFix the setting (an ACORN_* environment variable, or the file named by "
                   "ACORN_CONFIG_FILE) and check it with `acorn config check`.", CONFIG_EXIT)


def _toml(exc: BaseException) -> Failure:
    path = os.environ.get("ACORN_CONFIG_FILE", "the configuration file")
    return Failure(f"configuration file {path} (ACORN_CONFIG_FILE) is not valid TOML: {exc}. Fix the file "
                   "there, or unset ACORN_CONFIG_FILE to run on the defaults.", CONFIG_EXIT)


def store_not_migrated(where: str, why: str) -> Failure:
    """A store without Acorn's tables: found by a command's check or by the database's own error."""
    return Failure(f"the store {where} has no Acorn tables yet ({why}). Run `acorn db upgrade` to create them, "
                   f"or point ACORN_HOME / ACORN_DATABASE_URL at the store you meant ({DEMO_HINT}).", CONFIG_EXIT)


def _database(exc: BaseException) -> Failure | None:
    text = str(getattr(exc, "orig", None) or exc)
    where = database_name()
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return store_not_migrated(where, _first_line(text))
    if "unable to open database file" in text or "readonly database" in text:
        return Failure(f"cannot open the SQLite store {where}: its folder is missing or not writable "
                       f"({_first_line(text)}). Set ACORN_HOME or ACORN_DATABASE_URL to a writable place, "
                       "then run `acorn db upgrade`.", UNAVAILABLE_EXIT)
    if isinstance(exc, sqlalchemy.exc.OperationalError):
        return Failure(f"the database {where} did not answer: {_first_line(text)}. Start the database server "
                       "or fix ACORN_DATABASE_URL, then check with `acorn config check`.", UNAVAILABLE_EXIT)
    return None


def _network(exc: BaseException) -> Failure:
    where = _failed_host(exc) or _spapi_hosts()
    return Failure(f"no answer from the SP-API host {where} ({type(exc).__name__}: {exc}). "
                   "Check the network connection; for "
                   "the sandbox, start it (`acorn sandbox serve`) and set ACORN_SPAPI_BASE_URL to the URL it "
                   "prints. Nothing was lost: the next run picks up where this one stopped.", UNAVAILABLE_EXIT)


def _file(exc: BaseException) -> Failure | None:
    assert isinstance(exc, OSError)
    if exc.filename is None:
        return None
    return Failure(f"cannot use {exc.filename}: {exc.strerror or exc}. Check that the path exists and that "
                   "this user may read and write it.", CONFIG_EXIT)


def _spapi_network_errors() -> tuple[type[BaseException], ...]:
    from acorn.spapi import NetworkError, SubmissionOutcomeUnknown

    return NetworkError, SubmissionOutcomeUnknown, httpx.TransportError


_RULES = (
    ((ConfigError,), _config),
    ((tomllib.TOMLDecodeError,), _toml),
    ((sqlalchemy.exc.DBAPIError,), _database),
    (_spapi_network_errors(), _network),
    ((OSError,), _file),
)


def _failed_host(exc: BaseException) -> str | None:
    """``scheme://host:port`` of the request an httpx error failed on (no path: it may carry ids)."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):  # httpx raises RuntimeError when no request is attached
        return None
    return f"{url.scheme}://{url.netloc.decode()}"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def database_name() -> str:
    """The configured store, password masked (the configuration may itself be what is broken)."""
    try:
        from acorn.config import load_settings

        url = sqlalchemy.engine.make_url(load_settings().resolved_database_url)
        return url.render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - naming the store is best effort; the failure is reported anyway
        return "(ACORN_DATABASE_URL)"


def _spapi_hosts() -> str:
    try:
        from acorn.config import load_settings

        return ", ".join(load_settings().spapi_base_urls()) or "(ACORN_SPAPI_BASE_URL)"
    except Exception:  # noqa: BLE001 - best effort, as above
        return "(ACORN_SPAPI_BASE_URL)"
