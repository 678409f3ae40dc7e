"""`acorn init` and `acorn config check`: a commented configuration to start from, and a check
of everything a run needs, item by item, with what to do about each problem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.console import Console

console = Console()
EXAMPLE = "acorn.example.toml"  # in the acorn package; a copy in deployments/ (a test keeps them equal)

_STYLE = {"OK": "green", "WARNING": "yellow", "PROBLEM": "red"}


def example_configuration() -> str:
    return resources.files("acorn").joinpath(EXAMPLE).read_text(encoding="utf-8")


def init(path: Path = typer.Option(Path("acorn.toml"), "--path", help="Where to write the configuration."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Write a commented example configuration (accounts, endpoints, credentials, carriers, database, home)."""
    if path.exists() and not force:
        console.print(f"{path} already exists; not overwritten (use --force to replace it)", style="red",
                      markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_configuration(), encoding="utf-8")
    console.print(f"wrote {path}: edit it, then\n  export ACORN_CONFIG_FILE={path.resolve()}\n  acorn config check",
                  markup=False, highlight=False, soft_wrap=True)


def check() -> None:
    """Check the configuration file, settings, credentials, Secret blocks and database; exit 1 on a problem.

    Each item is OK, WARNING (exit 0) or PROBLEM with what to do. An invalid setting exits 2.
    Secrets are never printed: credentials are shown by where they come from, and a database
    URL with its password masked.
    """
    from acorn import config_check
    from acorn.config import ConfigError, load_settings

    findings = [config_check.config_file()]
    try:
        settings = load_settings()
    except ConfigError as exc:
        _show(findings)
        _show([config_check.Finding("settings", "PROBLEM", str(exc), "fix the setting named above")])
        raise typer.Exit(2) from None
    codes = ", ".join(a.code for a in settings.accounts)
    findings.append(config_check.Finding("settings", "OK", f"configuration OK: {len(settings.accounts)} vendor "
                                                           f"account(s): {codes}"))
    findings += config_check.check(settings)
    _show(findings)
    problems = sum(f.status == "PROBLEM" for f in findings)
    if problems:
        console.print(f"{problems} problem(s)", style="red", markup=False, highlight=False)
        raise typer.Exit(1)


def _show(findings: list) -> None:
    for f in findings:
        line = f"{f.status:<8} {f.item}: {f.detail}" + (f"\n         -> {f.action}" if f.action else "")
        console.print(line, style=_STYLE[f.status], markup=False, highlight=False, soft_wrap=True)


def require_reachable(settings, accounts) -> None:
    """Stop `acorn run` at once, in one paragraph per host, when an SP-API host does not answer."""
    from acorn.cli_errors import UNAVAILABLE_EXIT, ExpectedFailure, Failure
    from acorn.reachability import unreachable

    paragraphs = unreachable(settings, accounts)
    if paragraphs:
        raise ExpectedFailure(Failure("\n\n".join(paragraphs), UNAVAILABLE_EXIT))
