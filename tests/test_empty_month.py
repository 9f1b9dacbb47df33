"""A month declared empty (``izinkan_kosong: true``) says so, in its report and on its archive card.

Its zeros are a fact the analyst declared, not data that went missing: the report's
note says it, ``metrics.json`` records it and the archive card shows it.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from conftest import LAPORAN_HEADER, koordinasi_row, laporan_row, write_month

from crmlib.data.reader import read_month
from crmlib.data.refdata import load_reference
from crmlib.publish.archive import build_archive_index
from crmlib.report.laporan import KOSONG_DINYATAKAN, catatan, compute_month, laporan_dari
from crmlib.report.outputs import month_provenance, write_metrics_json


def _publish(output, data, periode, izinkan_kosong):
    """What the build writes for the archive: the month's metrics.json and its report."""
    ref = load_reference()
    month = read_month(data, periode, reference=ref, izinkan_kosong=izinkan_kosong)
    m = compute_month(month, ref)
    write_metrics_json(m, output / periode / "metrics.json", month_provenance(month, m))
    (output / periode / "laporan.html").write_text("x", encoding="utf-8")
    return laporan_dari(month, ref, m, output_dir=None)


@pytest.fixture
def archive(tmp_path):
    output = tmp_path / "output"
    empty = write_month(tmp_path / "kosong", [], [], laporan_columns=LAPORAN_HEADER)
    may = {"waktu_masuk": "2022-05-03 08:00", "waktu_respon": "2022-05-03 09:00"}
    full = write_month(
        tmp_path / "isi",
        [laporan_row(**may, waktu_selesai="2022-05-03 20:00")],
        [koordinasi_row(waktu_koordinasi="2022-05-03 08:30", waktu_proses="2022-05-03 08:45")],
    )
    laporan = {
        "2022-06": _publish(output, empty, "2022-06", izinkan_kosong=True),
        "2022-05": _publish(output, full, "2022-05", izinkan_kosong=False),
    }
    return output, laporan


def test_the_report_of_a_month_declared_empty_says_so(archive):
    _, laporan = archive
    note = catatan(laporan["2022-06"], as_text=True)
    assert KOSONG_DINYATAKAN in note and note.startswith("::: {.catatan-bulan}")
    assert catatan(laporan["2022-05"], as_text=True) == ""  # a month with reports: no note


def test_its_metrics_and_archive_card_say_so(archive):
    output, _ = archive
    data = json.loads((output / "2022-06" / "metrics.json").read_text(encoding="utf-8"))
    assert data["total_laporan"] == 0 and data["provenance"]["dinyatakan_kosong"] is True
    page = build_archive_index(output, "Kota Administrasi Jakarta Timur").read_text("utf-8")
    soup = BeautifulSoup(page, "lxml")
    card = soup.select_one("#bulan-2022-06 .dinyatakan-kosong")
    assert card is not None and "Dinyatakan tanpa laporan" in card.get_text()
    assert soup.select_one("#bulan-2022-05") is not None
    assert soup.select_one("#bulan-2022-05 .dinyatakan-kosong") is None
