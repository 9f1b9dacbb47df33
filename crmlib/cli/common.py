"""What the command modules share: terminal-safe output, the month arguments and the common options."""

from __future__ import annotations

import re

import click

from crmlib.cli import click_id as cli_id
from crmlib.cli.progress import terminal_safe
from crmlib.data.periode import TAHUN_MAX, TAHUN_MIN, parse_periode
from crmlib.errors import ParamsError
from crmlib.publish.lock import DEFAULT_WAIT


def _echo(text: str, err: bool = False) -> None:
    click.echo(terminal_safe(text), err=err)


def _echo_err(text: str) -> None:
    _echo(text, err=True)


class _Periode(click.ParamType):
    """A report month, checked by the one parser (:func:`parse_periode`) before any use."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        try:
            return parse_periode(value, "bulan")
        except ParamsError as exc:
            self.fail(str(exc), param, ctx)


PERIODE = _Periode()


class _PeriodeAtauTahun(click.ParamType):
    """A report month (``YYYY-MM``) or a year (``YYYY``), both checked strictly before any use."""

    name = "YYYY-MM|YYYY"

    def convert(self, value, param, ctx):
        if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
            if TAHUN_MIN <= int(value) <= TAHUN_MAX:
                return value
            self.fail(
                f"tahun {value!r} tidak valid: tulis tepat YYYY (tahun {TAHUN_MIN}–{TAHUN_MAX}).",
                param,
                ctx,
            )
        return PERIODE.convert(value, param, ctx)


PERIODE_ATAU_TAHUN = _PeriodeAtauTahun()


def _months_or_years(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """``build``'s arguments: each a year (``YYYY``) or a month (``YYYY-MM``), checked strictly."""
    return tuple(v if re.fullmatch(r"\d{4}", v) else PERIODE.convert(v, param, ctx) for v in values)


_RENDERER = click.option(
    "--renderer",
    type=click.Choice(["auto", "quarto", "embedded"]),
    default="auto",
    show_default=True,
    help="auto = Quarto bila terpasang, selain itu renderer bawaan.",
)

_KOTA = click.option(
    "--kota",
    metavar="KODE",
    default="jakarta-timur",
    show_default=True,
    help="Kode kota: folder data referensi di crmlib/data/reference/kota/.",
)

_TUNGGU = click.option(
    "--tunggu",
    metavar="DETIK",
    type=cli_id.Angka(min=0),
    default=DEFAULT_WAIT,
    show_default=True,
    help="Bila output/ sedang dipakai proses crm-report lain: tunggu paling lama sekian detik, "
    "lalu berhenti dengan kode 75.",
)


__all__ = [
    "PERIODE",
    "PERIODE_ATAU_TAHUN",
    "_KOTA",
    "_RENDERER",
    "_TUNGGU",
    "_echo",
    "_echo_err",
    "_months_or_years",
]
