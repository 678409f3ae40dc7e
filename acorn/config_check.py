"""What ``acorn config check`` checks, one :class:`Finding` per item, each saying what to do.

The order is the order a newcomer fixes things in: the file, the settings, where each
account's credentials go, the credentials themselves, the Prefect Secret blocks they name,
the database. Nothing printed here carries a secret: credentials are described by where
they come from, and a database URL is shown with its password masked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from acorn.config import AcornSettings, masked_url

Status = Literal["OK", "WARNING", "PROBLEM"]
CONNECT_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Finding:
    item: str
    status: Status
    detail: str
    action: str = ""


def config_file() -> Finding:
    """The file ACORN_CONFIG_FILE names exists and is valid TOML (unset: environment and defaults only)."""
    import tomllib

    name = os.environ.get("ACORN_CONFIG_FILE")
    if not name:
        return Finding("config file", "OK", "none (ACORN_CONFIG_FILE unset): environment variables and the "
                                            "embedded defaults, which talk to the built-in sandbox")
    path = Path(name)
    if not path.is_file():
        return Finding("config file", "PROBLEM", f"ACORN_CONFIG_FILE names {path}, which does not exist",
                       f"write one with `acorn init --path {path}`, or unset ACORN_CONFIG_FILE")
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Finding("config file", "PROBLEM", f"{path} is not valid TOML: {exc}", "fix the line named above")
    return Finding("config file", "OK", f"{path} (parsed)")


def routes(settings: AcornSettings) -> list[Finding]:
    """Per account: the SP-API host, who receives the LWA secrets, and where each credential comes from."""
    from urllib.parse import urlsplit

    found = []
    for r in settings.routes():
        kind = "the built-in sandbox" if r.is_sandbox else "a real host"
        found.append(Finding(f"account {r.account}", "OK",
                             f"SP-API host {r.base_url} ({kind}, set by {r.endpoint_setting}); LWA credentials go to "
                             f"{urlsplit(r.token_url).hostname}; client id from {r.client_id_setting}, client secret "
                             f"from {_source(r.client_secret)}, refresh token from {_source(r.refresh_token)}"
                             + ("" if r.is_sandbox else "; present and not the sandbox's"
                                + (" (Secret blocks: below)" if r.blocks() else ""))))
    found += [Finding("credential route", "WARNING", w) for w in settings.credential_route_warnings()]
    return found


def _source(source: object) -> str:
    from acorn.sandbox_defaults import DEFAULT_CREDENTIALS

    default = source.known_value() in DEFAULT_CREDENTIALS.values()
    return source.describe() + (" (the sandbox's default)" if default else "")


def secret_blocks(settings: AcornSettings) -> list[Finding]:
    """Every named Secret block exists on the configured Prefect API, and holds usable credentials."""
    named = {(s.ref, s.setting) for r in settings.routes() for s in r.blocks()}
    if not named:
        return []
    from prefect.settings import get_current_settings

    api = get_current_settings().api.url
    names = ", ".join(sorted(f"{ref!r}" for ref, _ in named))
    if not api:
        return [Finding("Secret blocks", "WARNING", f"{names} not checked: no Prefect API configured "
                                                    "(PREFECT_API_URL unset)",
                        "set PREFECT_API_URL to the server that holds the blocks and check again")]
    down = _api_down(api)
    if down:
        return [Finding("Secret blocks", "PROBLEM", f"{names} not checked: the Prefect API at {api} does not "
                                                    f"answer ({down})",
                        "start the Prefect server or fix PREFECT_API_URL")]
    return [_block(ref, setting, api) for ref, setting in sorted(named)] + _block_values(settings)


def _api_down(api: str) -> str | None:
    import httpx

    try:
        httpx.get(f"{api.rstrip('/')}/health", timeout=CONNECT_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return None


def _block(ref: str, setting: str, api: str) -> Finding:
    from prefect.blocks.system import Secret

    try:
        Secret.load(ref)
    except ValueError:
        return Finding(f"Secret block {ref!r}", "PROBLEM", f"named by {setting}, not found on {api}",
                       f"create it: prefect block create secret (or in the UI), named {ref!r}")
    return Finding(f"Secret block {ref!r}", "OK", f"named by {setting}, found on {api}")


def _block_values(settings: AcornSettings) -> list[Finding]:
    found = []
    for r in settings.routes():
        if r.blocks():
            try:
                problems = r.problems(resolve_blocks=True)
            except ValueError:  # a missing block, reported above
                continue
            found += [Finding(f"credentials {r.account}", "PROBLEM", p, "store your SP-API app's credentials in "
                              "the block") for p in problems]
    return found


def database(settings: AcornSettings) -> Finding:
    """The store answers within a few seconds and its schema is at Alembic's head."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = settings.resolved_database_url
    shown = masked_url(url)
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and (not parsed.database or not Path(parsed.database).is_file()):  # connecting would create it
        return Finding("database", "PROBLEM", f"{shown}: no database file", "run `acorn db upgrade`")
    timeout = {"timeout": CONNECT_TIMEOUT_SECONDS} if sqlite else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    engine = None
    try:
        engine = sa.create_engine(url, connect_args=timeout)
        with engine.connect() as conn:
            has_table = sa.inspect(conn).has_table("alembic_version")
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() if has_table else None
    except (sa.exc.SQLAlchemyError, ImportError) as exc:  # ImportError: no driver for that database
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if parsed.password:
            reason = reason.replace(parsed.password, "***")
        return Finding("database", "PROBLEM", f"{shown} does not answer: {reason}",
                       "start the database or fix ACORN_DATABASE_URL")
    finally:
        if engine is not None:
            engine.dispose()
    head = _head_revision(url)
    if revision != head:
        state = "has no Acorn schema" if revision is None else f"is at revision {revision}, not {head}"
        return Finding("database", "PROBLEM", f"{shown} {state}", "run `acorn db upgrade`")
    return Finding("database", "OK", f"{shown} answers, schema at revision {head}")


def _head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    from acorn.store.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def check(settings: AcornSettings) -> list[Finding]:
    """Everything after the settings themselves (which :func:`acorn.config.load_settings` checked)."""
    return [*routes(settings), *secret_blocks(settings), database(settings)]
