"""The canonical folder: written from a month, read back as the same month, written again as the same bytes."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import ROOT

from crmlib.data.canonical import RECORD, write_canonical
from crmlib.data.reader import read_month
from crmlib.errors import InputDataError


def _round_trip(data, periode, tmp_path):
    """(month read from the export, month read back from its canonical folder, the two hash sets)."""
    export = read_month(data, periode)
    first = write_canonical(export, tmp_path / "masukan")
    back = read_month(tmp_path / "masukan", periode)
    second = write_canonical(back, tmp_path / "lagi")
    return export, back, first, second


def _assert_same_month(a, b):
    for table in ("laporan", "koordinasi"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)
    assert [(s["name"], s["sha256"]) for s in a.sources] == [
        (s["name"], s["sha256"]) for s in b.sources
    ]
    assert (a.counts, a.dropped_columns, a.notices) == (b.counts, b.dropped_columns, b.notices)


@pytest.mark.parametrize("periode", ["2022-01", "2022-04"])
def test_sample_month_reads_back_identical_and_rewrites_the_same_bytes(periode, tmp_path):
    """An xlsx month and a CSV month (with the generator's boundary rows)."""
    path = ROOT / "data" / "sample" / periode
    data = path if path.is_dir() else path.with_suffix(".xlsx")
    export, back, first, second = _round_trip(data, periode, tmp_path)
    _assert_same_month(export, back)
    assert first == second
    # The provenance is the export's (file names and hashes), not the folder's.
    assert {s["name"] for s in back.sources} == {s["name"] for s in export.sources}


def test_awkward_values_survive_the_round_trip(tmp_path):
    """Text with commas, quotes, line breaks, "NA" and a formula-like start; fractions of a
    second; floats that need all their digits; a phone number that is masked first."""
    src = tmp_path / "ekspor"
    shutil.copytree(ROOT / "data" / "sample" / "2022-06", src)
    laporan = pd.read_csv(src / "laporan.csv", dtype=str, keep_default_na=False)
    laporan.loc[0, "kategori"] = 'Jalan, "rusak"\nberat'
    laporan.loc[1, "kategori"] = "NA"
    laporan.loc[2, "rincian_masalah"] = "=HYPERLINK(1) hubungi 0812-3456-7890"
    laporan.loc[3, "rincian_masalah"] = ""
    laporan.loc[4, "max_waktu_tl_jam"] = "0.1"
    laporan.loc[5, "nilai_tl"] = "33.333333333333336"
    laporan.loc[6, "waktu_selesai"] = "2022-06-02 10:11:12.345678"
    laporan.to_csv(src / "laporan.csv", index=False)
    export, back, first, second = _round_trip(src, "2022-06", tmp_path)
    _assert_same_month(export, back)
    assert first == second
    assert "0812" not in (tmp_path / "masukan" / "laporan.csv").read_text()
    assert back.laporan.loc[5, "nilai_tl"] == 33.333333333333336
    assert any("disamarkan" in n for n in back.notices)  # the export's notice, kept


def test_a_record_for_another_month_or_of_unknown_form_is_refused(tmp_path):
    month = read_month(ROOT / "data" / "sample" / "2022-06", "2022-06")
    folder = tmp_path / "masukan"
    write_canonical(month, folder)
    record = json.loads((folder / RECORD).read_text())
    (folder / RECORD).write_text(json.dumps({**record, "periode": "2022-05"}))
    with pytest.raises(InputDataError, match="milik periode 2022-05"):
        read_month(folder, "2022-06")
    (folder / RECORD).write_text(json.dumps({**record, "format": "lain"}))
    with pytest.raises(InputDataError, match="sumber.json"):
        read_month(folder, "2022-06")
