"""Characters a text cell may not carry further: control characters and bidi controls.

Every text cell of the contract's columns passes through :func:`clean_sheet` before it
is validated, so what ``validate`` accepts is what every output can hold
(``tabel.xlsx`` refuses control characters, and a right-to-left override turns
"gnp.exe" into "exe.png" on the page). Chosen rule (docs/format-data.md, "Control and
bidi characters"): nothing is refused, everything is counted in the validation summary
with its rows:

- control characters that separate text (:data:`SEPARATING`: vertical tab, form feed,
  the C0 separators U+001C–U+001F, NEL U+0085, line and paragraph separators
  U+2028/U+2029) become a space, so ``'Sampah\\x0bLingkungan'`` reads ``'Sampah Lingkungan'``;
- every other control character (:data:`REMOVED`: C0 but tab, line feed and carriage
  return; DEL; C1) and the two non-characters U+FFFE/U+FFFF (not allowed in XML) are
  removed;
- bidi controls (:data:`BIDI`: embeddings, overrides and isolates, U+202A–U+202E and
  U+2066–U+2069) are removed: they only change the order in which text is *shown*.

Tab and line breaks stay: the escaping layer (:mod:`crmlib.report.escape`) already
turns them into spaces where a line break has no meaning.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

SEPARATING = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
REMOVED = [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)] + [
    0xFFFE,
    0xFFFF,
]
BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TABLE = {ord(c): " " for c in SEPARATING} | dict.fromkeys(REMOVED + BIDI)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TABLE)) + "]")
#: How many row numbers a notice lists before "…".
ROWS_SHOWN = 10


def clean_text(text: str) -> tuple[str, Counter]:
    """``text`` without control and bidi characters (separators become spaces), and counts.

    Returns
    -------
    text : str
        The cleaned text.
    counts : collections.Counter
        ``kendali`` (control characters replaced or removed) and ``bidi``.
    """
    total = len(_ANY.findall(text))
    if not total:
        return text, Counter()
    bidi = len(_BIDI.findall(text))
    counts = Counter({k: n for k, n in (("kendali", total - bidi), ("bidi", bidi)) if n})
    return text.translate(_TABLE), counts


def clean_sheet(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[Counter, list[int]]]]:
    """Clean every text cell of a sheet's columns (see the module docstring).

    Parameters
    ----------
    raw : pandas.DataFrame
        A sheet's cells under the contract's column names, row ``i`` (0-based
        position) being row ``i + 2`` of the file (the header is row 1).

    Returns
    -------
    raw : pandas.DataFrame
        A cleaned copy (``raw`` itself when nothing was found).
    found : dict
        ``{column: (counts, rows)}`` for the columns where something was found:
        :func:`clean_text`'s counts summed and the file's row numbers.
    """
    found: dict[str, tuple[Counter, list[int]]] = {}
    out = raw
    # Almost every export has none: one search over all the text first.
    texts = [v for col in raw.columns for v in raw[col].tolist() if isinstance(v, str)]
    if not _ANY.search("".join(texts)):
        return raw, found
    for col in raw.columns:
        values = raw[col]
        hit = _hits(values)
        if not hit.any():
            continue
        positions = np.flatnonzero(hit)
        total: Counter = Counter()
        cleaned = []
        for value in values.iloc[positions]:
            text, counts = clean_text(value)
            cleaned.append(text)
            total += counts
        if out is raw:
            out = raw.copy()
        column = out[col].astype(object)
        column.iloc[positions] = cleaned
        out[col] = column
        found[col] = (total, [int(p) + 2 for p in positions])
    return out, found


def _hits(values: pd.Series) -> np.ndarray:
    """True where a cell is text holding a control or bidi character (vectorised)."""
    if values.dtype == object:
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_text.any():
            return is_text
        text = values.where(is_text, "").astype(str)
    else:
        text = values.astype("string").fillna("")
    return text.str.contains(_ANY.pattern, regex=True).to_numpy(dtype=bool)


def describe(found: dict, file: str, sheet: str | None, shown: dict[str, str]) -> list[str]:
    """One validation notice per column where characters were cleaned, with its rows."""
    where = f"{Path(file).name}{f', sheet {sheet}' if sheet else ''}"
    notices = []
    for col, (counts, rows) in found.items():
        parts = []
        if counts["kendali"]:
            parts.append(f"{counts['kendali']} karakter kendali diganti spasi atau dihapus")
        if counts["bidi"]:
            parts.append(f"{counts['bidi']} karakter pengatur arah teks (bidi) dihapus")
        listed = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
        more = f", … ({len(rows)} baris)" if len(rows) > ROWS_SHOWN else ""
        notices.append(
            f"{where}, kolom '{shown.get(col, col)}': {' dan '.join(parts)} (baris {listed}{more})"
        )
    return notices
