"""The annual report's content: every figure from the year's months' ``metrics.json``.

Used by ``notebooks/laporan_tahunan.ipynb`` (the wording lives there). Nothing here
reads a raw export: the months' published ``metrics.json`` (their ``per_ukpd`` entries
and headline figures) are the only source, read through :mod:`crmlib.publish.archive`.
Every function returns Markdown (an IPython ``Markdown`` object, or text with
``as_text=True``); values from the data are literal text (:mod:`crmlib.report.escape`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib.metrics import persen
from crmlib.report import fmt
from crmlib.report.archive_data import read_month_summary, rollup, unit_series
from crmlib.report.escape import teks_data
from crmlib.report.laporan import _md
from crmlib.report.tables import _tebal, pipe_table
from crmlib.report.workbook import Sheet, write_workbook

#: A unit needs at least this many reports in the year to be named best/worst responder.
MIN_LAPORAN_RESPON = 12


@dataclass
class LaporanTahunan:
    """The months of one year (and of the year before) as read from the archive."""

    tahun: int
    bulan: list[dict[str, Any]]
    hilang: list[str]
    sebelumnya: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unit(self) -> list[dict[str, Any]]:
        """Per-unit series of the year (see :func:`crmlib.report.archive_data.unit_series`)."""
        return unit_series(self.bulan)


def _months(arsip_dir: Path, tahun: int) -> tuple[list[dict[str, Any]], list[str]]:
    found, missing = [], []
    for m in range(1, 13):
        folder = f"{tahun:04d}-{m:02d}"
        summary = read_month_summary(arsip_dir / folder)
        if summary is None:
            missing.append(folder)
        else:
            summary["folder"] = folder
            found.append(summary)
    return found, missing


def siapkan_tahunan(tahun: int | str, arsip_dir: Path | str) -> LaporanTahunan:
    """Read the year's months (and the previous year's) from ``arsip_dir`` (``output/``)."""
    tahun = int(tahun)
    arsip_dir = Path(arsip_dir)
    bulan, hilang = _months(arsip_dir, tahun)
    sebelumnya, _ = _months(arsip_dir, tahun - 1)
    return LaporanTahunan(tahun, bulan, hilang, sebelumnya)


def daftar_bulan_hilang(lt: LaporanTahunan) -> str:
    """Missing months as words: "Maret dan April 2022" (empty when none is missing)."""
    names = [fmt.nama_bulan(int(p[5:])) for p in lt.hilang]
    if not names:
        return ""
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " dan " + names[-1]
    return f"{text} {lt.tahun}"


def cakupan(lt: LaporanTahunan, as_text: bool = False):
    """Which months the report covers, naming the missing ones."""
    if not lt.hilang:
        text = f"Laporan ini mencakup kedua belas bulan tahun {lt.tahun}."
    elif not lt.bulan:
        text = f"Belum ada laporan bulanan tahun {lt.tahun} di arsip."
    else:
        text = (
            f"Laporan ini mencakup {fmt.format_jumlah_terbilang(len(lt.bulan))} bulan. "
            f"Data bulan {daftar_bulan_hilang(lt)} belum tersedia di arsip, sehingga angka "
            "tahunan di bawah belum lengkap untuk bulan-bulan tersebut."
        )
    return _md(text + "\n", as_text)


def _persen_tepat(m: dict[str, Any]) -> float | None:
    return m["tepat_waktu_persen"]


def tabel_bulanan(lt: LaporanTahunan, as_text: bool = False):
    """Reports, capaian and response within the limit for each month of the year."""
    by_folder = {m["folder"]: m for m in lt.bulan}
    rows = []
    for i in range(1, 13):
        folder = f"{lt.tahun:04d}-{i:02d}"
        nama = fmt.nama_bulan(i)
        m = by_folder.get(folder)
        if m is None:
            rows.append([nama, "tidak ada data", "–", "–"])
            continue
        rows.append(
            [
                nama,
                fmt.format_angka(m["total"] or 0),
                fmt.format_persen(m["capaian"], 2) if m["capaian"] is not None else "–",
                fmt.format_persen(_persen_tepat(m), 2) if _persen_tepat(m) is not None else "–",
            ]
        )
    total = sum(m["total"] or 0 for m in lt.bulan)
    caption = f"Jumlah laporan, capaian dan respon tepat waktu per bulan, tahun {lt.tahun}"
    head = ["Bulan", "Jumlah Laporan", "Capaian", "Direspon tepat waktu"]
    text = pipe_table(head, rows, "lrrr", caption, "tbl-bulanan")
    return _md(f"Jumlah laporan sepanjang tahun: {fmt.format_angka(total)}.\n\n{text}", as_text)


def tabel_rekap_tahunan(lt: LaporanTahunan, as_text: bool = False):
    """The 76 × 12 recap: reports of every unit in every month, with the year's total."""
    present = {m["folder"] for m in lt.bulan}
    folders = [f"{lt.tahun:04d}-{i:02d}" for i in range(1, 13)]
    rows = []
    for u in lt.unit:
        by = {r["folder"]: r["total"] for r in u["baris"]}
        cells = [fmt.format_angka(by[f]) if f in by else "–" for f in folders]
        rows.append([u["label"], *cells, fmt.format_angka(sum(by.values()))])
    sums = [
        fmt.format_angka(sum(r["total"] for u in lt.unit for r in u["baris"] if r["folder"] == f))
        if f in present
        else "–"
        for f in folders
    ]
    grand = sum(r["total"] for u in lt.unit for r in u["baris"])
    rows.append([_tebal("Jumlah"), *map(_tebal, sums), _tebal(fmt.format_angka(grand))])
    head = ["UKPD", *(fmt.nama_bulan_singkat(i) for i in range(1, 13)), "Total"]
    caption = f"Rekap jumlah laporan per UKPD dan bulan, tahun {lt.tahun}"
    text = pipe_table(head, rows, "l" + "r" * 13, caption, "tbl-rekap-tahunan", "tabel-tahunan")
    return _md(text, as_text)


def _leaders(units: list[dict], key: str, highest: bool) -> tuple[list[str], Any]:
    values = [u[key] for u in units if u[key] is not None]
    if not values:
        return [], None
    best = max(values) if highest else min(values)
    return [u["label"] for u in units if u[key] == best], best


def unit_tahun(lt: LaporanTahunan, as_text: bool = False):
    """The units of the year: most reports, best/worst response, most rejected follow-ups."""
    units = [{**u, **rollup(u["baris"])} for u in lt.unit]
    if not units:
        return _md(f"Belum ada data UKPD untuk tahun {lt.tahun}.\n", as_text)
    responders = [u for u in units if u["total"] >= MIN_LAPORAN_RESPON]
    rows = []
    for judul, pool, key, highest, show in (
        ("Laporan terbanyak", units, "total", True, lambda v: f"{fmt.format_angka(v)} laporan"),
        (
            "Respon tepat waktu tertinggi",
            responders,
            "tepat_waktu_persen",
            True,
            lambda v: fmt.format_persen(v, 2),
        ),
        (
            "Respon tepat waktu terendah",
            responders,
            "tepat_waktu_persen",
            False,
            lambda v: fmt.format_persen(v, 2),
        ),
        (
            "TL ditolak terbanyak",
            units,
            "tl_ditolak",
            True,
            lambda v: f"{fmt.format_angka(v)} laporan",
        ),
    ):
        names, value = _leaders(pool, key, highest)
        if names and not (key == "tl_ditolak" and value == 0):
            rows.append([judul, ", ".join(names), show(value)])
        else:
            rows.append([judul, "–", "–"])
    caption = f"UKPD tahun {lt.tahun}"
    text = pipe_table(["Kategori", "UKPD", "Nilai"], rows, "llr", caption, "tbl-ukpd-tahun")
    note = (
        f"Respon tepat waktu dibandingkan di antara UKPD dengan sedikitnya "
        f"{MIN_LAPORAN_RESPON} laporan dalam setahun; nilai yang sama ditampilkan bersama."
    )
    return _md(f"{text}\n{note}\n", as_text)


def _headline(months: list[dict[str, Any]]) -> dict[str, Any]:
    total = sum(m["total"] or 0 for m in months)
    tepat = sum((m["tepat_waktu_persen"] or 0) * (m["total"] or 0) / 100 for m in months)
    return {"total": total, "tepat": persen(tepat, total)}


def perubahan_tahunan(lt: LaporanTahunan, as_text: bool = False):
    """Change against the previous year, over the months both years have."""
    lalu = {m["folder"][5:]: m for m in lt.sebelumnya}
    ini = {m["folder"][5:]: m for m in lt.bulan}
    both = sorted(set(lalu) & set(ini))
    if not both:
        text = (
            f"Data tahun {lt.tahun - 1} tidak tersedia di arsip, sehingga perubahan dari tahun "
            "ke tahun belum dapat dihitung."
        )
        return _md(text + "\n", as_text)
    a, b = _headline([lalu[k] for k in both]), _headline([ini[k] for k in both])
    bulan = (
        ", ".join(fmt.nama_bulan(int(k)) for k in both) if len(both) < 12 else "Januari–Desember"
    )
    rows = [
        ["Jumlah laporan", fmt.format_angka(a["total"]), fmt.format_angka(b["total"])],
        [
            "Direspon tepat waktu",
            fmt.format_persen(a["tepat"], 2) if a["tepat"] is not None else "–",
            fmt.format_persen(b["tepat"], 2) if b["tepat"] is not None else "–",
        ],
    ]
    caption = f"Perbandingan {lt.tahun - 1} dan {lt.tahun} ({teks_data(bulan)})"
    head = ["Ukuran", str(lt.tahun - 1), str(lt.tahun)]
    return _md(pipe_table(head, rows, "lrr", caption, "tbl-perubahan"), as_text)


# --------------------------------------------------------------------------- workbook

_FMT_INT, _FMT_2 = "#,##0", "#,##0.00"


def lembar_tahunan(lt: LaporanTahunan) -> list[Sheet]:
    """The annual workbook's sheets: the unit × month recap, the months, units by month.

    Numbers stay numbers (a month without data is an empty cell, not a dash) and
    unit names stay canonical, so the workbook joins with ``metrics.json`` and
    ``data/ukpd_bulanan.csv``.
    """
    folders = [f"{lt.tahun:04d}-{i:02d}" for i in range(1, 13)]
    present = {m["folder"] for m in lt.bulan}
    rekap = []
    for u in lt.unit:
        by = {r["folder"]: r["total"] for r in u["baris"]}
        rekap.append([u["ukpd"], *(by.get(f) for f in folders), sum(by.values())])
    bulan = [
        [m["folder"], m["total"], m["capaian"], _persen_tepat(m)]
        for m in sorted(lt.bulan, key=lambda m: m["folder"])
    ]
    per_unit = [
        [r["folder"], u["ukpd"], r["total"], r["tepat_waktu"], r["capaian_persen"]]
        + [r["tl_ditolak"], r["nilai_dibawah_100"]]
        for u in lt.unit
        for r in u["baris"]
        if r["folder"] in present
    ]
    nama_bulan = [fmt.nama_bulan_singkat(i) for i in range(1, 13)]
    return [
        Sheet(
            "Rekap UKPD",
            ["UKPD", *nama_bulan, "Total"],
            rekap,
            dict.fromkeys(range(1, 14), _FMT_INT),
        ),
        Sheet(
            "Per Bulan",
            ["Bulan", "Jumlah Laporan", "Capaian (%)", "Direspon Tepat Waktu (%)"],
            bulan,
            {1: _FMT_INT, 2: _FMT_2, 3: _FMT_2},
        ),
        Sheet(
            "UKPD per Bulan",
            ["Bulan", "UKPD", "Jumlah Laporan", "Direspon Tepat Waktu", "Capaian (%)"]
            + ["TL Ditolak", "Nilai TL < 100"],
            per_unit,
            {2: _FMT_INT, 3: _FMT_INT, 4: _FMT_2, 5: _FMT_INT, 6: _FMT_INT},
        ),
    ]


def write_tabel_tahunan(lt: LaporanTahunan, path: Path | str) -> Path:
    """``output/<YYYY>/tabel.xlsx``: the annual report's tables for Excel (see :func:`lembar_tahunan`)."""
    # Dated by its year's end (the first moment after it), never by the clock.
    akhir = dt.datetime(int(lt.tahun) + 1, 1, 1)
    return write_workbook(
        lembar_tahunan(lt), path, f"Tabel Laporan Tahunan CRM {lt.tahun}", created=akhir
    )
