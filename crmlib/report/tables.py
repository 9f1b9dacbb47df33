"""The report's tables as Markdown pipe tables, built from the month's metrics.

Every cell comes from the contract dictionary of the month (``Laporan.m``, what
``metrics.json`` holds), formatted by :mod:`crmlib.report.fmt` and written as literal
text (:func:`crmlib.report.escape.teks_data`) unless it is the template's own Markdown.
Functions return :class:`IPython.display.Markdown` objects (or plain strings with
``as_text=True`` for tests).
"""

from __future__ import annotations

import pandas as pd

from crmlib.report import fmt
from crmlib.report.escape import Markup, teks_data
from crmlib.report.istilah import keterangan_status, potong_teks
from crmlib.report.laporan import Laporan, _md


def _cell(value: object) -> str:
    # Every cell is literal text, except the templates' own Markdown (bold names, totals).
    return teks_data(value)


def _tebal(value: object) -> Markup:
    """``value`` as literal text in bold."""
    return Markup(f"**{teks_data(value)}**")


def pipe_table(
    header: list[str],
    rows: list[list[object]],
    align: str,
    caption: str,
    label: str,
    classes: str = "",
) -> str:
    """A Markdown pipe table with a Quarto/pandoc caption line and optional div classes.

    ``align`` has one letter per column: ``l``, ``r`` or ``c``. Cells are
    literal text (:func:`crmlib.report.escape.teks_data`) unless they are
    :class:`crmlib.report.escape.Markup`.
    """
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "|".join(marks[a] for a in align) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    table = "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"
    return f"::: {{.{classes}}}\n\n{table}\n:::\n" if classes else table


def daftar_kanal(lap: Laporan, as_text: bool = False):
    """The 14 channels as a numbered list (from reference data)."""
    items = [
        f"{i}. {teks_data(k)}" for i, k in enumerate(lap.reference.kanal["keterangan"], start=1)
    ]
    return _md("\n".join(items) + "\n", as_text)


def tabel_rekap_status(lap: Laporan, as_text: bool = False):
    """The status recap of every unit (Tabel 2.1), kecamatan rows set apart, total row last."""
    statuses = ["Complete", "Disposisi", "In Progres", "Wait"]
    rows, no = [], 0
    totals = dict.fromkeys(statuses, 0)
    for r in lap.m["rekap_status"]:
        level = r["ukpd"].split(" ", 1)[0]
        if level == "KELURAHAN":
            no += 1
            nomor = str(no)
        else:
            no = 0
            nomor = ""
        name = _tebal(r["ukpd"]) if level != "KELURAHAN" else r["ukpd"]
        counts = [fmt.format_angka(r["status"][s]) for s in statuses]
        rows.append([nomor, name, *counts, fmt.format_angka(r["total"])])
        for s in statuses:
            totals[s] += r["status"][s]
    rows.append(
        [
            "",
            _tebal("Jumlah"),
            *(_tebal(fmt.format_angka(totals[s])) for s in statuses),
            _tebal(fmt.format_angka(lap.total)),
        ]
    )
    per = lap.m.get("per_tanggal")
    sub = f" (per tanggal {fmt.format_tanggal_waktu(pd.Timestamp(per))})" if per else ""
    caption = f"Rekap pengaduan bulan {lap.bulan}: kondisi laporan Walikota Jakarta Timur{sub}"
    head = ["No.", "UKPD", *statuses, "Total"]
    text = pipe_table(head, rows, "llrrrrr", caption, "tbl-rekap", classes="tabel-rekap")
    # The official codes stay in the table; their meaning is given once, right under it.
    legend = teks_data(keterangan_status(lap.reference.status_labels))
    return _md(f"{text}\n::: {{.keterangan-status}}\n{legend}\n:::\n", as_text)


def tabel_top_ukpd(lap: Laporan, as_text: bool = False):
    """Top-N units by number of reports (ties at the cut-off kept)."""
    n = lap.metrics.params.top_n
    entries = lap.m["top_ukpd"]
    if not entries:
        return _md("", as_text)
    rows = [
        [e["peringkat"], fmt.format_ukpd(e["ukpd"]), fmt.format_angka(e["jumlah"])] for e in entries
    ]
    table = pipe_table(
        ["No", "Nama UKPD", "Jumlah Laporan"],
        rows,
        "rlr",
        f"{n} UKPD dengan pengaduan terbanyak, {lap.bulan}",
        "tbl-top-ukpd",
    )
    return _md(table, as_text)


def tabel_top_kategori(lap: Laporan, as_text: bool = False):
    """Top-N complaint categories."""
    n = lap.metrics.params.top_n
    entries = lap.m["top_kategori"]
    if not entries:
        return _md("", as_text)
    rows = [
        [e["peringkat"], potong_teks(e["kategori"]), fmt.format_angka(e["jumlah"])] for e in entries
    ]
    table = pipe_table(
        ["No", "Kategori Aduan", "Jumlah Aduan"],
        rows,
        "rlr",
        f"{n} kategori aduan terbanyak, {lap.bulan}",
        "tbl-top-kategori",
    )
    return _md(table, as_text)


_RANKINGS = {
    "koordinasi_tercepat": ("Koordinasi Tercepat", "Koordinasi", "rerata_menit", "Menit", 2),
    "koordinasi_terlama": ("Koordinasi Terlama", "Koordinasi", "rerata_jam", "Jam", 3),
    "penyelesaian_tercepat": ("Penyelesaian Tercepat", "Penyelesaian", "rerata_menit", "Menit", 2),
    "penyelesaian_terlama": ("Penyelesaian Terlama", "Penyelesaian", "rerata_jam", "Jam", 2),
}


def tabel_peringkat(lap: Laporan, key: str, as_text: bool = False):
    """One of the four fastest/slowest-N kelurahan tables.

    Completion tables carry completion headers (the seed printed coordination
    headers there by mistake; data contract §4).
    """
    title, kind, col, unit, decimals = _RANKINGS[key]
    n = lap.metrics.params.peringkat_n
    entries = lap.m[key]
    if not entries:
        return _md("", as_text)
    rows = [
        [
            e["peringkat"],
            fmt.format_nama_kelurahan(e["ukpd"]),
            fmt.format_angka(e["jumlah"]),
            fmt.format_angka(e[col], decimals),
        ]
        for e in entries
    ]
    header = ["No", "Nama Kelurahan", f"Jumlah Laporan {kind}", f"Rerata Waktu {kind} ({unit})"]
    caption = f"{n} kelurahan dengan rata-rata waktu {kind.lower()} {title.split()[-1].lower()}, {lap.bulan}"
    table = pipe_table(header, rows, "rlrr", caption, f"tbl-{key.replace('_', '-')}")
    return _md(table, as_text)


def tabel_tl_ditolak(lap: Laporan, as_text: bool = False):
    """Reports whose follow-up was rejected at least ``ambang_ditolak`` times."""
    ambang = lap.metrics.params.ambang_ditolak
    entries = lap.m["tl_ditolak"]
    if not entries:
        return _md("", as_text)
    labels = lap.reference.status_labels
    rows = [
        [
            i,
            fmt.format_ukpd(e["ukpd"]),
            potong_teks(e["nomor_laporan"]),
            e["kanal"],
            potong_teks(e["kategori"]),
            labels.get(e["status"], e["status"]),
            fmt.format_angka(e["jumlah_ditolak"]),
        ]
        for i, e in enumerate(entries, start=1)
    ]
    header = ["No", "UKPD", "No. Laporan", "Kanal", "Kategori", "Status", "TL Ditolak"]
    caption = (
        f"Tindak lanjut pengaduan yang ditolak {fmt.format_jumlah_terbilang(ambang)} kali atau "
        f"lebih, {lap.bulan}"
    )
    return _md(pipe_table(header, rows, "rlllllr", caption, "tbl-tl-ditolak"), as_text)


def tabel_nilai_dibawah_100(lap: Laporan, as_text: bool = False):
    """Reports whose follow-up scored below 100."""
    entries = lap.m["nilai_tl_dibawah_100"]
    if not entries:
        return _md("", as_text)
    rows = [
        [
            i,
            potong_teks(e["nomor_laporan"]),
            fmt.format_ukpd(e["ukpd"]),
            potong_teks(e["kategori"]),
            potong_teks(e["rincian_masalah"]) if e["rincian_masalah"] else "–",
            fmt.format_tanggal_waktu(pd.Timestamp(e["waktu_masuk"])),
            fmt.format_tanggal_waktu(pd.Timestamp(e["waktu_selesai"])),
            fmt.format_angka(e["max_waktu_tl_jam"]),
            fmt.format_angka(e["waktu_tl_jam"], 2),
            fmt.format_angka(e["nilai_tl"]),
        ]
        for i, e in enumerate(entries, start=1)
    ]
    header = [
        "No",
        "No. Laporan",
        "UKPD",
        "Kategori",
        "Rincian Masalah",
        "Tgl Masuk",
        "Tgl TL",
        "Maks. Waktu TL (Jam)",
        "Waktu TL (Jam)",
        "Nilai TL",
    ]
    caption = f"Daftar UKPD dengan nilai tindak lanjut CRM di bawah 100, {lap.bulan}"
    table = pipe_table(header, rows, "rllllllrrr", caption, "tbl-nilai-tl", classes="tabel-lebar")
    return _md(table, as_text)
