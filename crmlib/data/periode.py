"""The report month, ``YYYY-MM``: parsing and neighbours (kept free of heavy imports)."""

from __future__ import annotations

import re

PERIODE_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def is_periode(text: object) -> bool:
    """True for a well-formed ``YYYY-MM``."""
    return isinstance(text, str) and bool(PERIODE_RE.match(text))


def previous_periode(periode: str) -> str:
    """The month before ``periode``."""
    y, m = int(periode[:4]), int(periode[5:])
    return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"


def next_periode(periode: str) -> str:
    """The month after ``periode``."""
    y, m = int(periode[:4]), int(periode[5:])
    return f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"
