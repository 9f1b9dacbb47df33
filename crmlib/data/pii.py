"""Mask reporter-like values typed into the export's free-text columns.

The reader already drops every reporter column (name, phone, e-mail, complaint
text). This is the second line of defence: an officer may still type a phone
number or an e-mail address into ``rincian_masalah`` or even ``kategori``, and
those columns are published (tables, charts, ``metrics.json``, ``tabel.xlsx``).
Values that look like an Indonesian phone number, an e-mail address or a 16-digit
NIK are replaced by a placeholder naming what was there, e.g. ``[nomor telepon
disamarkan]``: nothing of the original (not even its last digits) is kept, and the
original is never logged. :func:`mask_frame` is applied once, by
:func:`crmlib.data.reader.read_month`, so every output sees the masked value.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

__all__ = ["PLACEHOLDERS", "describe", "mask_frame", "mask_text"]

#: What replaces each kind of value (shown in the report as written here).
PLACEHOLDERS = {
    "email": "[e-mail disamarkan]",
    "nik": "[NIK disamarkan]",
    "telepon": "[nomor telepon disamarkan]",
}
_NAMES = {"email": "e-mail", "nik": "NIK", "telepon": "nomor telepon"}

# Order matters: an e-mail may hold digits, and a NIK may start with 62 (a province
# code) like an international phone number.
_PATTERNS = (
    ("email", re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("nik", re.compile(r"(?<![\w+])\d{16}(?!\w)")),
    (
        "telepon",
        re.compile(
            r"(?<![\w+])(?:"
            # +62 812 3456 7890, 6281234567890 (mobile numbers start with 8 after 62)
            r"(?:\+62|62)[ -]?8\d{1,2}(?:[ -]?\d){6,9}"
            # +62 21 8765 4321 (landline; the plus sign makes it a phone number)
            r"|\+62[ -]?\(?\d{1,3}\)?(?:[ .-]?\d){6,9}"
            # 0812-3456-7890, 081234567890, (021) 8765 4321, 021-87654321
            r"|\(?0\d{2,3}\)?[ .-]?\d{3,4}[ .-]?\d{3,5}"
            r")(?!\w)"
        ),
    ),
)


def mask_text(text: str) -> tuple[str, Counter]:
    """Replace every phone number, e-mail address and NIK in ``text``.

    Returns
    -------
    masked : str
        ``text`` with each match replaced by its :data:`PLACEHOLDERS` entry.
    counts : collections.Counter
        Number of replacements per kind (``telepon``, ``email``, ``nik``).
    """
    counts: Counter = Counter()
    for kind, pattern in _PATTERNS:
        text, n = pattern.subn(PLACEHOLDERS[kind], text)
        if n:
            counts[kind] += n
    return text, counts


def mask_frame(df: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.DataFrame, dict]:
    """Mask the text values of ``columns`` (those present) in a copy of ``df``.

    Returns
    -------
    df : pandas.DataFrame
        The masked copy (``df`` itself when nothing matched).
    counts : dict
        ``{column: Counter}`` of replacements, only columns with at least one.
    """
    found: dict[str, Counter] = {}
    out = df
    for col in columns:
        if col not in df.columns:
            continue
        values = df[col]
        texts = pd.unique(values[values.map(lambda v: isinstance(v, str))])
        mapping, total = {}, Counter()
        for value in texts:
            masked, counts = mask_text(value)
            if counts:
                mapping[value] = masked
                rows = int((values == value).sum())
                total.update({kind: n * rows for kind, n in counts.items()})
        if mapping:
            if out is df:
                out = df.copy()
            out[col] = values.map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
            found[col] = total
    return out, found


def describe(found: dict) -> str:
    """The validation notice for :func:`mask_frame`'s counts (no original value in it)."""
    total: Counter = Counter()
    for counts in found.values():
        total += counts
    parts = ", ".join(f"{_NAMES[k]} {total[k]}" for k in ("telepon", "email", "nik") if total[k])
    return (
        f"{sum(total.values())} nilai mirip data pribadi disamarkan ({parts}) di kolom "
        f"{', '.join(found)}; kolom teks ekspor CRM seharusnya tidak memuat data pelapor."
    )
