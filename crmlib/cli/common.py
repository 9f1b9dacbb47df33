"""What the command modules share: terminal-safe output and the common options."""

from __future__ import annotations

import click

from crmlib.cli.progress import terminal_safe
from crmlib.publish.lock import DEFAULT_WAIT


def _echo(text: str, err: bool = False) -> None:
    click.echo(terminal_safe(text), err=err)


def _echo_err(text: str) -> None:
    _echo(text, err=True)


_RENDERER = click.option(
    "--renderer",
    type=click.Choice(["auto", "quarto", "embedded"]),
    default="auto",
    show_default=True,
    help="auto = Quarto bila terpasang, selain itu renderer bawaan.",
)

_TUNGGU = click.option(
    "--tunggu",
    metavar="DETIK",
    type=click.FloatRange(min=0),
    default=DEFAULT_WAIT,
    show_default=True,
    help="Bila output/ sedang dipakai proses crm-report lain: tunggu paling lama sekian detik, "
    "lalu berhenti dengan kode 75.",
)


__all__ = ["_RENDERER", "_TUNGGU", "_echo", "_echo_err"]
