"""Words shared by the report's tables, charts and the archive: status names, cut text.

Status names. The CRM's own codes (``Complete``, ``Disposisi``, ``In Progres``,
``Wait``) stay in the official tables (Tabel 2.1 is the official layout); their
Indonesian meaning comes from ``reference/status.csv`` (``label``). Wherever the
codes appear, one legend says what they mean (:func:`keterangan_status`), and a chart
names both (:func:`status_dengan_arti`: "Complete (Selesai)"), so the reader meets one
set of names with its meaning, not two sets.

Free text in printed tables. Values typed into the CRM (report number, category,
description) have no length limit; in the report's tables (HTML and PDF) a value
longer than :data:`BATAS_TEKS_TABEL` characters is cut there with an ellipsis
(:func:`potong_teks`). ``tabel.xlsx`` and ``metrics.json`` keep the full value.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Characters of a free-text value (report number, category, description) that a
#: table of the report prints; a longer value ends in "…" (docs/metrik.md).
BATAS_TEKS_TABEL = 120
ELIPSIS = "…"

#: The CRM's status codes in the official column order.
URUTAN_STATUS = ("Complete", "Disposisi", "In Progres", "Wait")


def potong_teks(nilai: object, batas: int = BATAS_TEKS_TABEL) -> str:
    """``nilai`` as text, cut to at most ``batas`` characters with an ellipsis.

    >>> potong_teks("Sampah Lingkungan")
    'Sampah Lingkungan'
    >>> potong_teks("x" * 200, 10)
    'xxxxxxxxx…'
    """
    teks = str(nilai)
    if len(teks) <= batas:
        return teks
    return teks[: batas - 1].rstrip() + ELIPSIS


def status_dengan_arti(status: str, labels: Mapping[str, str]) -> str:
    """The code with its meaning, "Complete (Selesai)"; the code alone where they are equal."""
    arti = labels.get(status, status)
    return status if arti.casefold() == status.casefold() else f"{status} ({arti})"


def keterangan_status(labels: Mapping[str, str]) -> str:
    """The one legend of the status codes, as plain text (codes that are Indonesian already are left out).

    >>> keterangan_status({"Complete": "Selesai", "Disposisi": "Disposisi",
    ...                    "In Progres": "Dalam Proses", "Wait": "Menunggu"})
    'Keterangan status (kode CRM): Complete = Selesai; In Progres = Dalam Proses; Wait = Menunggu.'
    """
    bagian = [
        f"{status} = {labels[status]}"
        for status in URUTAN_STATUS
        if labels.get(status, status).casefold() != status.casefold()
    ]
    return "Keterangan status (kode CRM): " + "; ".join(bagian) + "."
