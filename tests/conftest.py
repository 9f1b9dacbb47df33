"""Shared fixtures: small CRM months written as CSV folders or .xlsx workbooks."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from crmlib.metrics import KOORDINASI_COLUMNS, LAPORAN_COLUMNS

ROOT = Path(__file__).resolve().parents[1]

# Property tests draw 100 examples; `make mutate` runs each surviving mutant against
# every covering test, so it selects a lighter profile (docs/mutasi.md).
settings.register_profile("crm", max_examples=100)
settings.register_profile("mutmut", max_examples=15)
settings.load_profile(os.environ.get("CRM_HYPOTHESIS_PROFILE", "crm"))

LAPORAN_HEADER = list(LAPORAN_COLUMNS)
KOORDINASI_HEADER = list(KOORDINASI_COLUMNS)


def laporan_row(**overrides) -> dict:
    """A valid June 2022 report row; override any column."""
    row = {
        "nomor_laporan": "JK2206030001",
        "kanal": "JAKI",
        "kategori": "Sampah",
        "rincian_masalah": "Sampah Lingkungan",
        "ukpd": "KELURAHAN KAYU MANIS",
        "status": "Complete",
        "waktu_masuk": "2022-06-03 08:00:00",
        "waktu_respon": "2022-06-03 09:00:00",
        "waktu_selesai": "2022-06-03 20:00:00",
        "max_waktu_tl_jam": "",
        "jumlah_tl_ditolak": "",
        "nilai_tl": "",
    }
    row.update(overrides)
    return row


def koordinasi_row(**overrides) -> dict:
    """A valid June 2022 coordination row; override any column."""
    row = {
        "nomor_laporan": "JK2206030001",
        "ukpd": "KELURAHAN KAYU MANIS",
        "waktu_koordinasi": "2022-06-03 08:30:00",
        "waktu_proses": "2022-06-03 08:45:00",
    }
    row.update(overrides)
    return row


def write_month(
    dest: Path,
    laporan: list[dict],
    koordinasi: list[dict],
    form: str = "csv",
    laporan_columns: list[str] | None = None,
) -> Path:
    """Write a month as a CSV folder (``form='csv'``) or an .xlsx workbook; return its path."""
    lap = pd.DataFrame(laporan, columns=laporan_columns or None)
    koo = pd.DataFrame(koordinasi, columns=KOORDINASI_HEADER if not koordinasi else None)
    if form == "csv":
        dest.mkdir(parents=True, exist_ok=True)
        lap.to_csv(dest / "laporan.csv", index=False)
        koo.to_csv(dest / "koordinasi.csv", index=False)
        return dest
    path = dest.with_suffix(".xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        lap.to_excel(xw, sheet_name="laporan", index=False)
        koo.to_excel(xw, sheet_name="koordinasi", index=False)
    return path


@pytest.fixture
def month_factory(tmp_path):
    """Write a month in either form: ``month_factory(laporan_rows, koordinasi_rows, form)``."""
    counter = {"n": 0}

    def make(laporan, koordinasi=None, form="csv", **kwargs):
        counter["n"] += 1
        return write_month(
            tmp_path / f"month{counter['n']}",
            laporan,
            koordinasi if koordinasi is not None else [koordinasi_row()],
            form,
            **kwargs,
        )

    return make


@pytest.fixture
def valid_month(month_factory):
    """Three valid June reports, one coordination row."""
    return month_factory(
        [
            laporan_row(),
            laporan_row(nomor_laporan="JK2206030002", ukpd="KELURAHAN SETU", kanal="Twitter"),
            laporan_row(
                nomor_laporan="JK2206030003",
                ukpd="WALIKOTA JAKARTA TIMUR",
                status="Wait",
                waktu_selesai="",
            ),
        ]
    )


@pytest.fixture
def quarto_standin(tmp_path_factory, monkeypatch):
    """A stand-in of the Quarto 1.10 CLI first on PATH (tests/quarto_standin.py)."""
    from quarto_standin import install

    bin_dir = tmp_path_factory.mktemp("quarto-bin")
    script = install(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return script


# The slowest modules, slowest first (CPU and wall per file: bench/RESULTS.md, "Test-suite
# time"). `make test` hands whole files to its workers in collection order
# (`--dist loadfile --no-loadscope-reorder`), so the long ones start early and the run
# ends on short ones instead of one worker finishing a long file alone.
SLOW_FIRST = (
    "test_bangun_ulang.py",
    "test_finalize_kill.py",
    "test_finalize_stop.py",
    "test_edisi.py",
    "test_edisi_serangan.py",
    "test_first_hour.py",
    "test_notebook_exec.py",
    "test_build.py",
    "test_build_stop.py",
    "test_metrics_properties.py",
    "test_accessibility.py",
    "test_papermill_route.py",
    "test_lab_loop.py",
    "test_gambar_lebih_dulu.py",
    "test_tahunan.py",
    "test_payloads.py",
    "test_samplegen.py",
    "test_charts.py",
    "test_preview.py",
    "test_archive_pages.py",
    "test_render_safety.py",
    "test_browser.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: keeps the rest
