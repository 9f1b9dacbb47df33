"""The unit page's ticket lists: per month, the tickets behind each figure of its table.

Read from the month's ``metrics.json`` (``tiket``, grouped by unit in
:func:`crmlib.report.archive_data.read_month_summary`); nothing is recomputed from
data here. Each list becomes a ``<details>`` (collapsed) with a table that turns into
cards on a phone (the stylesheet's ``.tabel-gulir``). A figure of the monthly table
links to its list (:func:`tautan_tiket`), and each list links back to its month's row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from typing import Any

from markupsafe import Markup

from crmlib.report.fmt import KOSONG, format_angka, format_bulan_tahun, format_tanggal_waktu
from crmlib.report.tiket import DAFTAR, Daftar, Kolom

_DAFTAR = {d.kunci: d for d in DAFTAR}

# The page's lists in the order of the monthly table: (anchor, metrics list, which rows).
# The response list is shown as two: the late ones first, which is what a reader asks for.
_BAGIAN: tuple[tuple[str, str, Callable[[dict], bool]], ...] = (
    ("respon-terlambat", "respon", lambda r: r.get("aturan") != "tepat_waktu"),
    ("respon-tepat", "respon", lambda r: r.get("aturan") == "tepat_waktu"),
    ("tl-ditolak", "tl_ditolak", lambda r: True),
    ("nilai", "nilai_dibawah_100", lambda r: True),
    ("koordinasi", "koordinasi", lambda r: True),
    ("penyelesaian", "penyelesaian", lambda r: True),
)


_BAGIAN_POS = {anchor: i for i, (anchor, _, _) in enumerate(_BAGIAN)}


def _teks(value: Any) -> str:
    return KOSONG if value is None else str(value)


def _waktu(value: Any) -> str:
    try:
        return format_tanggal_waktu(value) if value is not None else KOSONG
    except (TypeError, ValueError):  # a hand-edited file: show what is there
        return _teks(value)


def _durasi(value: Any) -> str:
    return format_angka(value, 2) if isinstance(value, int | float) else KOSONG


@functools.lru_cache(maxsize=4096, typed=True)
def _angka_tersimpan(value: int | float) -> str:
    return format_angka(value)


def _angka(value: Any) -> str:
    # Counts, limits and scores repeat: Babel's free-decimals format is the slow one.
    return _angka_tersimpan(value) if isinstance(value, int | float) else KOSONG


# Numbers right-aligned on a wide screen (laporan.css: td.angka), as in every table.
_KELAS = dict.fromkeys(("jam", "menit", "angka"), ' class="angka"')

_CETAK: dict[str, Callable[[Any], str]] = {
    "teks": _teks,
    "waktu": _waktu,
    "jam": _durasi,
    "menit": _durasi,
    "angka": _angka,
}


def _sel(kolom: Kolom, row: dict, aturan: dict[str, str]) -> str:
    value = row.get(kolom.kunci)
    if kolom.jenis == "aturan":
        return aturan.get(value, _teks(value))
    return _CETAK[kolom.jenis](value)


def _isi_tabel(kolom: tuple[Kolom, ...], rows: list[dict], aturan: dict[str, str]) -> Markup:
    """The table's rows as HTML, every value escaped.

    Built here rather than in the template: a year of months holds tens of
    thousands of tickets, and a template loop per cell was most of the archive's time.
    ``html.escape`` (quotes included) escapes what the template would.
    """
    label = [f'<td{_KELAS.get(k.jenis, "")} data-label="{escape(k.judul)}">' for k in kolom]
    out = []
    for r in rows:
        cells = "".join(f"{label[j]}{escape(_sel(k, r, aturan))}</td>" for j, k in enumerate(kolom))
        nomor = escape(_teks(r.get("nomor_laporan")))
        out.append(f'<tr><th scope="row" class="judul-baris">{nomor}</th>{cells}</tr>\n')
    return Markup("".join(out))


def _judul(anchor: str, daftar: Daftar, rows: list[dict], b: dict) -> str:
    """The list's summary line: what it holds and how many (and the mean it explains)."""
    batas = _angka(b["batas_jam"])
    n = _angka(len(rows))
    teks = {
        "respon-terlambat": f"Direspon lebih dari {batas} jam atau belum direspon: {n} laporan",
        "respon-tepat": f"Direspon paling lama {batas} jam: {n} laporan",
        "tl-ditolak": f"{b['aturan'].get('tl_ditolak', daftar.judul)}: {n} laporan",
        "nilai": f"Nilai TL di bawah 100: {n} laporan",
    }
    if anchor in teks:
        return teks[anchor]
    key = "koordinasi_menit" if anchor == "koordinasi" else "waktu_tl_jam"
    values = [r[key] for r in rows if isinstance(r.get(key), int | float)]
    rerata = format_angka(sum(values) / len(values), 2) if values else KOSONG
    if anchor == "koordinasi":
        return f"Koordinasi sudah diproses: {n} baris, rerata {rerata} menit"
    return f"Sudah ditindaklanjuti: {n} laporan, rerata waktu TL {rerata} jam"


def daftar_tiket(b: dict[str, Any], unit_label: str) -> list[dict[str, Any]]:
    """The lists of one unit's month row ``b`` (of :func:`crmlib.report.archive_data.unit_series`).

    Returns
    -------
    list of dict
        One per list, in table order: ``id`` (anchor), ``judul`` (summary line),
        ``caption``, ``kolom`` (``(heading, is a number)`` after the report
        number), ``jumlah`` (rows), ``isi`` (the rows as escaped HTML), ``kembali``
        (anchor of the month's row) and ``bulan`` (the month's name). Empty when
        the month has no lists.
    """
    tiket = b.get("tiket")
    if tiket is None:
        return []
    out = []
    bulan = format_bulan_tahun(b["periode"])
    for anchor, kunci, pilih in _BAGIAN:
        daftar = _DAFTAR[kunci]
        rows = [r for r in tiket.get(kunci, []) if pilih(r)]
        judul = _judul(anchor, daftar, rows, b)
        kolom = daftar.kolom[1:]  # the report number heads each row
        out.append(
            {
                "id": f"tiket-{b['folder']}-{anchor}",
                "judul": judul,
                "caption": f"{judul.split(':')[0]}, {unit_label}, {bulan}",
                "kolom": [(k.judul, k.jenis in _KELAS) for k in kolom],
                "jumlah": len(rows),
                "isi": _isi_tabel(kolom, rows, b["aturan"]),
                "kembali": f"bulan-{b['folder']}",
                "bulan": bulan,
            }
        )
    return out


# The monthly table's columns that link to a list: column heading → page anchor.
TAUTAN_KOLOM = {
    "Direspon ≤ batas": "respon-terlambat",
    "Capaian": "nilai",
    "Koordinasi (menit)": "koordinasi",
    "Penyelesaian (jam)": "penyelesaian",
    "TL ditolak": "tl-ditolak",
    "Nilai < 100": "nilai",
    "Peringkat penyelesaian": "penyelesaian",
}


def tautan_tiket(b: dict[str, Any], judul_kolom: str) -> str:
    """``#anchor`` of the list behind a figure of month row ``b``, or "" (no link).

    Only figures with tickets behind them link: a month without lists, a column
    without a list, or an empty list gives "". The response share links to the late
    responses, or to the ones on time when none is late.
    """
    anchor = TAUTAN_KOLOM.get(judul_kolom)
    tiket = b.get("tiket")
    if anchor is None or not tiket:
        return ""
    for bagian in (anchor, "respon-tepat") if anchor == "respon-terlambat" else (anchor,):
        _, kunci, pilih = _BAGIAN[_BAGIAN_POS[bagian]]
        if any(pilih(r) for r in tiket.get(kunci, [])):
            return f"#tiket-{b['folder']}-{bagian}"
    return ""
