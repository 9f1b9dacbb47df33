"""The report layer: numbers turned into the report's words, tables, charts and files.

``fmt`` (Indonesian formatting), ``escape`` (data never becomes markup), ``charts``,
``narasi`` (the notebook's Markdown templates), ``frontmatter`` (cover, foreword,
signature), ``outputs`` (``metrics.json`` and the workbook), ``laporan`` (the monthly
report's blocks), ``tahunan`` (the annual report's blocks), ``archive_data`` (series per
unit across months). Imports only :mod:`crmlib.data`, :mod:`crmlib.metrics` and the base.

The report notebook says ``from crmlib import report as r`` and calls ``r.siapkan_laporan``,
``r.tabel_rekap_status`` and so on: those names are those of :mod:`crmlib.report.laporan`,
loaded on first use so that importing a light module of this layer (``fmt``) stays light.
"""

from __future__ import annotations

import importlib

# The public names of crmlib.report.laporan that notebooks use as ``r.<name>``.
NOTEBOOK_API = frozenset(
    {
        "Laporan",
        "catatan",
        "compute_month",
        "daftar_kanal",
        "gambar_lebih_dulu",
        "grafik_harian",
        "grafik_kanal",
        "grafik_kategori",
        "grafik_kecamatan",
        "grafik_respon",
        "grafik_tren",
        "laporan_dari",
        "metric_params",
        "parameter_bulan",
        "pipe_table",
        "previous_month_headline",
        "read_riwayat",
        "siapkan_laporan",
        "tabel_nilai_dibawah_100",
        "tabel_peringkat",
        "tabel_rekap_status",
        "tabel_tl_ditolak",
        "tabel_top_kategori",
        "tabel_top_ukpd",
        "tentang_laporan",
    }
)


def __getattr__(name: str):
    if name in NOTEBOOK_API:
        return getattr(importlib.import_module("crmlib.report.laporan"), name)
    raise AttributeError(f"module 'crmlib.report' has no attribute {name!r}")
