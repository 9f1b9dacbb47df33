"""The report month, ``YYYY-MM``: the one parser every command uses, and neighbours.

Kept free of heavy imports: the CLI checks a month argument with :func:`parse_periode`
before it loads anything or builds any path from it.
"""

from __future__ import annotations

import re

from crmlib.errors import ParamsError

# ``\Z``, not ``$``: ``$`` also matches before a trailing newline, and "2022-06\n" is not a month.
PERIODE_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])\Z")
#: The years a report month may fall in: a typo such as 2202-06 is refused, not built.
TAHUN_MIN, TAHUN_MAX = 2000, 2099


def is_periode(text: object) -> bool:
    """True for a real report month written ``YYYY-MM`` (nothing before or after it)."""
    if not isinstance(text, str):
        return False
    m = PERIODE_RE.match(text)
    return bool(m) and TAHUN_MIN <= int(m.group(1)) <= TAHUN_MAX


def parse_periode(text: object, what: str = "bulan") -> str:
    """``text`` when it is a real report month, else a :class:`ParamsError` (exit code 2).

    The one check every command applies to a month argument before the month is
    used in any path (``params/``, ``output/``, ``terbitan/``, logs).

    Parameters
    ----------
    text : object
        What the user typed.
    what : str
        How the message names the argument (e.g. ``--periode``).
    """
    if is_periode(text):
        return str(text)
    raise ParamsError(
        f"{what} {text!r} tidak valid: tulis tepat YYYY-MM (tahun {TAHUN_MIN}–{TAHUN_MAX}, "
        "bulan 01–12), misalnya 2022-06, tanpa spasi atau karakter lain."
    )


def previous_periode(periode: str) -> str:
    """The month before ``periode``."""
    y, m = int(periode[:4]), int(periode[5:])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def next_periode(periode: str) -> str:
    """The month after ``periode``."""
    y, m = int(periode[:4]), int(periode[5:])
    return f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"
