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

# Every pattern runs in time linear in the text: a 1 MB cell is masked in well under a
# second (bench/RESULTS.md, "PII masking"). The old e-mail pattern ``[\w.%+-]+@...`` took
# 25 s on 40 000 characters: a match was tried from every character of a long word, and
# each try read the word to its end. Now:
# - NIK and phone numbers: bounded width (no unbounded repeat, so one try reads a few
#   dozen characters at most), and a lookbehind that fails a try inside a word at once;
# - e-mail addresses: a try starts only at an ``@`` and reads the domain characters after
#   it, which end before the next ``@`` (so no character is read by two tries); the local
#   part is the run of local-part characters that ends at that ``@``, all runs found in
#   one pass (:func:`_email_spans`). Same matches as the old pattern (tests/test_pii.py).
# Order matters: an e-mail may hold digits, and a NIK may start with 62 (a province
# code) like an international phone number.
_NIK = re.compile(r"(?<![\w+])\d{16}(?!\w)")
_TELEPON = re.compile(
    r"(?<![\w+])(?:"
    # +62 812 3456 7890, 6281234567890 (mobile numbers start with 8 after 62)
    r"(?:\+62|62)[ -]?8\d{1,2}(?:[ -]?\d){6,9}"
    # +62 21 8765 4321 (landline; the plus sign makes it a phone number)
    r"|\+62[ -]?\(?\d{1,3}\)?(?:[ .-]?\d){6,9}"
    # 0812-3456-7890, 081234567890, (021) 8765 4321, 021-87654321
    r"|\(?0\d{2,3}\)?[ .-]?\d{3,4}[ .-]?\d{3,5}"
    r")(?!\w)"
)
# An @ and the domain after it: labels joined by dots, ending in two or more letters.
_AT_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# What may stand before the @ (one character class, repeated: read once, left to right).
_LOCAL_RUN = re.compile(r"[\w.%+-]+")


def _email_spans(text: str) -> list[tuple[int, int]]:
    r"""Where the e-mail addresses of ``text`` are, left to right, not overlapping.

    The matches of ``[\w.%+-]+@`` followed by :data:`_AT_DOMAIN`'s domain, found in
    time linear in ``len(text)`` (see the comment above :data:`_NIK`).
    """
    if "@" not in text:
        return []
    run_start = {m.end(): m.start() for m in _LOCAL_RUN.finditer(text)}
    spans: list[tuple[int, int]] = []
    done = 0  # where the last address ended: the next one starts at or after it
    for m in _AT_DOMAIN.finditer(text):
        start = max(run_start.get(m.start(), m.start()), done)
        if start < m.start():  # an address needs something before its @
            spans.append((start, m.end()))
            done = m.end()
    return spans


def _mask_emails(text: str) -> tuple[str, int]:
    """``text`` with every e-mail address replaced, and how many there were."""
    spans = _email_spans(text)
    if not spans:
        return text, 0
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], PLACEHOLDERS["email"]]
        last = end
    parts.append(text[last:])
    return "".join(parts), len(spans)


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
    text, n = _mask_emails(text)
    if n:
        counts["email"] += n
    for kind, pattern in (("nik", _NIK), ("telepon", _TELEPON)):
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
