"""Indonesian for click's own words ("Usage:", "Options", "[required]", "No such option", …).

click marks its strings for gettext (``_()``/``ngettext()``, bound at import in
each of its modules) but ships no translations, and gettext's own catalogs are
chosen by the process's locale variables, which the analyst's machine does not
set to Indonesian. So :func:`install` binds those two names in click's modules
to a lookup in the small catalog below; a string missing from it stays English.
Only ``crmlib.cli.main`` calls it, before it defines its commands.
"""

from __future__ import annotations

import click

# click's message ids (8.1 to 8.3; some changed wording between versions) → Indonesian.
CATALOG = {
    "Usage:": "Penggunaan:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "required": "wajib",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "deprecated": "usang",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "Aborted!": "Dibatalkan.",
    "Error: {message}": "Kesalahan: {message}",
    "Try '{command} {option}' for help.": "Lihat '{command} {option}' untuk bantuan.",
    "Invalid value: {message}": "Nilai tidak valid: {message}",
    "Invalid value for {param_hint}: {message}": "Nilai tidak valid untuk {param_hint}: {message}",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing {param_type}": "{param_type} belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Missing command.": "Perintah belum disebutkan.",
    "No such option: {name}": "Opsi tidak dikenal: {name}",
    "No such option {name!r}.": "Opsi tidak dikenal: {name!r}.",
    "No such command {name!r}.": "Perintah tidak dikenal: {name!r}.",
    "No such command '{name}'.": "Perintah tidak dikenal: '{name}'.",
    "Did you mean {possibility}?": "Maksud Anda {possibility}?",
    "(Possible options: {possibilities})": "(Opsi yang mungkin: {possibilities})",
    "(Did you mean one of: {possibilities}?)": "(Maksud Anda salah satu dari: {possibilities}?)",
    "Got unexpected extra argument ({args})": "Argumen berlebih yang tidak dikenal: {args}",
    "Got unexpected extra arguments ({args})": "Argumen berlebih yang tidak dikenal: {args}",
    "Option {name!r} requires an argument.": "Opsi {name!r} memerlukan nilai.",
    "Option {name!r} requires {nargs} arguments.": "Opsi {name!r} memerlukan {nargs} nilai.",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Takes {nargs} values but 1 was given.": "Memerlukan {nargs} nilai, tetapi diberi 1.",
    "Takes {nargs} values but {len} were given.": "Memerlukan {nargs} nilai, tetapi diberi {len}.",
    "{value!r} is not {choice}.": "{value!r} bukan {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} bukan salah satu dari {choices}.",
    "Choose from:\n\t{choices}": "Pilih dari:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan bilangan yang valid ({number_type}).",
    "{value} is not in the range {range}.": "{value} di luar rentang yang diizinkan ({range}).",
    "{value!r} does not match the format {format}.": "{value!r} tidak sesuai format {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} tidak sesuai format {formats}.",
    "file": "berkas",
    "directory": "folder",
    "path": "path",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulis.",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "unknown error": "kesalahan tidak dikenal",
}

# click's metavars are plain strings, not gettext ids.
OPTIONS_METAVAR = "[OPSI]"
SUBCOMMAND_METAVAR = "PERINTAH [ARGUMEN]..."


class _Rentang:
    """A number range whose help and errors say the bounds in Indonesian.

    click describes a range as ``x>=0`` in the help (``[bawaan: 10; x>=0]``) and names
    the type ``integer``/``float`` in its errors; both come from here instead.
    """

    def _describe_range(self) -> str:
        lo, hi = self.min, self.max
        if lo is not None and hi is not None:
            return f"{lo} sampai {hi}"
        if lo is not None:
            return f"{'lebih dari' if self.min_open else 'paling sedikit'} {lo}"
        return f"{'kurang dari' if self.max_open else 'paling banyak'} {hi}"


class BilanganBulat(_Rentang, click.IntRange):
    """A whole number within bounds (``click.IntRange`` in Indonesian)."""

    name = "bilangan bulat"


class Angka(_Rentang, click.FloatRange):
    """A number within bounds (``click.FloatRange`` in Indonesian)."""

    name = "angka"


def gettext(message: str) -> str:
    """``message`` in Indonesian when the catalog has it."""
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Like :func:`gettext.ngettext` (Indonesian has one form; the catalog may still differ)."""
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Bind click's ``_`` and ``ngettext`` to this catalog (idempotent)."""
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
