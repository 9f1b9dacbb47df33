"""The report layer: numbers turned into the report's words, tables, charts and files.

``fmt`` (Indonesian formatting), ``escape`` (data never becomes markup), ``chart_base``
(the charts' style and PNG output) and ``charts`` (the charts), ``narasi`` (the
notebook's Markdown templates), ``frontmatter`` (cover, foreword, signature),
``outputs`` (``metrics.json`` and provenance) and ``workbook`` (the tables workbook),
``laporan`` (the month's report: setup and text blocks), ``tables`` and ``figures`` (its
tables and captioned charts), ``tahunan`` (the annual report's blocks),
``archive_data`` (series per unit across months). Imports only :mod:`crmlib.data`,
:mod:`crmlib.metrics` and the base.

The report notebook says ``from crmlib import report as r`` and calls ``r.siapkan_laporan``,
``r.tabel_rekap_status`` and so on: those names are those of :mod:`crmlib.report.laporan`,
:mod:`crmlib.report.tables` and :mod:`crmlib.report.figures`, loaded on first use so that
importing a light module of this layer (``fmt``) stays light.
"""

from __future__ import annotations

import importlib

_LAPORAN = "crmlib.report.laporan"
_TABLES = "crmlib.report.tables"
_FIGURES = "crmlib.report.figures"

# The public names notebooks use as ``r.<name>``, each with the module that defines it.
NOTEBOOK_API = {
    "Laporan": _LAPORAN,
    "catatan": _LAPORAN,
    "compute_month": _LAPORAN,
    "daftar_kanal": _TABLES,
    "gambar_lebih_dulu": _FIGURES,
    "grafik_harian": _FIGURES,
    "grafik_kanal": _FIGURES,
    "grafik_kategori": _FIGURES,
    "grafik_kecamatan": _FIGURES,
    "grafik_respon": _FIGURES,
    "grafik_tren": _FIGURES,
    "laporan_dari": _LAPORAN,
    "metric_params": _LAPORAN,
    "parameter_bulan": _LAPORAN,
    "pipe_table": _TABLES,
    "previous_month_headline": _LAPORAN,
    "read_riwayat": _LAPORAN,
    "siapkan_laporan": _LAPORAN,
    "tabel_nilai_dibawah_100": _TABLES,
    "tabel_peringkat": _TABLES,
    "tabel_rekap_status": _TABLES,
    "tabel_tl_ditolak": _TABLES,
    "tabel_top_kategori": _TABLES,
    "tabel_top_ukpd": _TABLES,
    "tentang_laporan": _LAPORAN,
}


def __getattr__(name: str):
    if name in NOTEBOOK_API:
        return getattr(importlib.import_module(NOTEBOOK_API[name]), name)
    raise AttributeError(f"module 'crmlib.report' has no attribute {name!r}")
