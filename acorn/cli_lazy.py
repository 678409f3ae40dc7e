"""Commands imported only when they run, so `acorn --help` stays instant.

A :class:`LazyGroup` holds, besides its own commands, a table of :class:`Lazy` ones: where
each lives (``module:attribute``) and its one-line help. Listing the group (``acorn --help``)
prints the table; running a command, or asking for its own help, imports its module.
tests/foundation/test_cli_startup.py keeps the table equal to the commands it names.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Lazy:
    """A command defined elsewhere: a command function, or a Typer app when ``group``.

    ``help`` is what the group's listing shows: the first paragraph of the command's docstring;
    for a group, also its help (as ``add_typer(help=...)`` would give it).
    """

    target: str
    help: str
    group: bool = False

    def load(self, name: str) -> TyperCommand | TyperGroup:
        module, attribute = self.target.split(":")
        obj = getattr(importlib.import_module(module), attribute)
        parent = typer.Typer()
        if self.group:
            parent.add_typer(obj, name=name, help=self.help)
        else:
            parent.command(name)(obj)
        return typer.main.get_group(parent).commands[name]


class _Listed(TyperCommand):
    """A lazy command as its group's listing shows it, without importing it."""

    def __init__(self, name: str, lazy: Lazy) -> None:
        super().__init__(name=name, short_help=lazy.help)
        self.lazy = lazy


class LazyGroup(TyperGroup):
    """A Typer group whose commands in :attr:`lazy` are imported on first use (subclass and set it)."""

    lazy: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False
        for name, lazy in self.lazy.items():
            self.commands.setdefault(name, _Listed(name, lazy))

    def list_commands(self, ctx: typer.Context) -> list[str]:
        """Commands before groups, each kind in order of declaration (as Typer lists its own)."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: _is_group(self.commands[n]))

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        cmd = self.commands.get(cmd_name)
        if isinstance(cmd, _Listed) and not self._listing:
            cmd = self.commands[cmd_name] = cmd.lazy.load(cmd_name)
        return cmd

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self._listing = True  # the listing needs names and one-line helps only
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _is_group(cmd: Any) -> bool:
    return cmd.lazy.group if isinstance(cmd, _Listed) else isinstance(cmd, TyperGroup)
