"""metrics.json (data contract §2), provenance and the tables workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fixtures_metrics import (
    KANAL_REF,
    UKPD_REF,
    empty_koordinasi,
    empty_laporan,
    koordinasi_frame,
    laporan_frame,
)

import crmlib
from crmlib.metrics import NILAI_COLUMNS, TL_DITOLAK_COLUMNS, MetricParams, compute_all
from crmlib.report import outputs
from crmlib.report.outputs import (
    CONTRACT_KEYS,
    build_provenance,
    metrics_to_dict,
    write_metrics_json,
)
from crmlib.report.tiket import DAFTAR
from crmlib.report.workbook import Sheet, write_tables_xlsx, write_workbook

# The JSON example of the data contract (§2), copied so the suite stands alone.
CONTRACT_EXAMPLE = Path(__file__).parent / "fixtures" / "data-contract-example.json"

# Entry keys of every array of the contract (§2), as the example shows them in full.
ENTRY_KEYS = {
    "rekap_status": ["ukpd", "kecamatan", "status", "total"],
    "top_ukpd": ["peringkat", "ukpd", "jumlah"],
    "top_kategori": ["peringkat", "kategori", "jumlah"],
    "koordinasi_tercepat": ["peringkat", "ukpd", "jumlah", "rerata_menit"],
    "koordinasi_terlama": ["peringkat", "ukpd", "jumlah", "rerata_jam"],
    "penyelesaian_tercepat": ["peringkat", "ukpd", "jumlah", "rerata_menit"],
    "penyelesaian_terlama": ["peringkat", "ukpd", "jumlah", "rerata_jam"],
    # The metrics' own column lists, checked against the contract's example below.
    "tl_ditolak": TL_DITOLAK_COLUMNS,
    "nilai_tl_dibawah_100": NILAI_COLUMNS,
}
STATUS_KEYS = ["Complete", "Disposisi", "In Progres", "Wait"]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


@pytest.fixture
def month_metrics():
    return _small_month()


def _small_month(tiket: bool = False):
    """A small month touching every table: a late follow-up, a rejection, a tie."""
    laporan = laporan_frame(
        [
            {
                "nomor_laporan": "JK2206030245",
                "ukpd": "KELURAHAN KEBON MANGGIS",
                "waktu_masuk": "2022-06-03 16:15:00",
                "waktu_selesai": "2022-06-06 11:15:00",
            },
            {
                "nomor_laporan": "JK2206130046",
                "ukpd": "KELURAHAN SETU",
                "jumlah_tl_ditolak": 4,
                "kategori": "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan",
            },
            {
                "nomor_laporan": "JK2206130047",
                "ukpd": "KELURAHAN SETU",
                "respon_jam": 7.0,
                "selesai_jam": 0.5,
            },
            {
                "nomor_laporan": "JK2206130048",
                "ukpd": "WALIKOTA JAKARTA TIMUR",
                "status": "Wait",
                "selesai_jam": None,
                "respon_jam": None,
                "rincian_masalah": None,
            },
        ]
    )
    koordinasi = koordinasi_frame(
        [
            {"ukpd": "KELURAHAN CIPAYUNG", "proses_menit": 10.0},
            {"ukpd": "KELURAHAN CIPAYUNG", "proses_menit": 11.25},
            {"ukpd": "KELURAHAN MUNJUL", "proses_menit": 600.0},
        ]
    )
    return compute_all(
        laporan,
        koordinasi,
        UKPD_REF,
        KANAL_REF,
        periode="2022-06",
        kota="JAKARTA TIMUR",
        per_tanggal="2022-07-11 08:34",
        tiket=tiket,
    )


@pytest.fixture
def empty_month_metrics():
    return compute_all(
        empty_laporan(),
        empty_koordinasi(),
        UKPD_REF,
        KANAL_REF,
        periode="2022-06",
        kota="JAKARTA TIMUR",
        per_tanggal="2022-07-11 08:34",
    )


def _walk(value):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


# --------------------------------------------------------------------------- shape


def test_contract_keys_match_the_contract_document():
    example = json.loads(CONTRACT_EXAMPLE.read_text(encoding="utf-8"))
    assert tuple(example) == CONTRACT_KEYS
    for key, keys in ENTRY_KEYS.items():
        assert list(example[key][0]) == keys, key
    assert list(example["respon"]) == ["batas_jam", "tepat_waktu", "terlambat"]
    assert list(example["rekap_status"][0]["status"]) == STATUS_KEYS


def test_metrics_dict_has_exactly_the_contract_shape(month_metrics):
    d = metrics_to_dict(month_metrics, None)
    assert list(d)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
    extra = set(d) - set(CONTRACT_KEYS)
    assert extra <= {
        "total_koordinasi",
        "jumlah_selesai",
        "rekap_kecamatan",
        "per_kanal",
        "harian",
        "parameter",
        "provenance",
        "per_ukpd",
    }
    assert "provenance" not in d
    assert list(d["respon"]) == ["batas_jam", "tepat_waktu", "terlambat"]
    for key, keys in ENTRY_KEYS.items():
        assert all(list(e) == keys for e in d[key]), key
    assert all(list(e["status"]) == STATUS_KEYS for e in d["rekap_status"])
    assert len(d["rekap_status"]) == len(UKPD_REF)


def test_metrics_dict_values(month_metrics):
    d = metrics_to_dict(month_metrics)
    assert d["periode"] == "2022-06" and d["kota"] == "JAKARTA TIMUR"
    assert d["per_tanggal"] == "2022-07-11T08:34:00"
    assert d["total_laporan"] == 4
    assert d["capaian_persen"] == pytest.approx((80 + 100 + 100) / 3)
    assert d["respon"] == {"batas_jam": 6, "tepat_waktu": 2, "terlambat": 2}
    setu = next(e for e in d["rekap_status"] if e["ukpd"] == "KELURAHAN SETU")
    assert setu == {
        "ukpd": "KELURAHAN SETU",
        "kecamatan": "CIPAYUNG",
        "status": {"Complete": 2, "Disposisi": 0, "In Progres": 0, "Wait": 0},
        "total": 2,
    }
    assert d["rekap_status"][-1]["ukpd"] == "WALIKOTA JAKARTA TIMUR"
    assert d["rekap_status"][-1]["kecamatan"] == ""
    assert d["top_ukpd"][0] == {"peringkat": 1, "ukpd": "KELURAHAN SETU", "jumlah": 2}
    assert d["koordinasi_tercepat"][0] == {
        "peringkat": 1,
        "ukpd": "KELURAHAN CIPAYUNG",
        "jumlah": 2,
        "rerata_menit": 10.625,
    }
    assert d["koordinasi_terlama"][0] == {
        "peringkat": 1,
        "ukpd": "KELURAHAN MUNJUL",
        "jumlah": 1,
        "rerata_jam": 10.0,
    }
    assert d["tl_ditolak"] == [
        {
            "nomor_laporan": "JK2206130046",
            "ukpd": "KELURAHAN SETU",
            "kanal": "JAKI",
            "kategori": "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan",
            "status": "Complete",
            "jumlah_ditolak": 4,
        }
    ]
    assert d["nilai_tl_dibawah_100"] == [
        {
            "nomor_laporan": "JK2206030245",
            "ukpd": "KELURAHAN KEBON MANGGIS",
            "kategori": "Sampah",
            "rincian_masalah": "Sampah Lingkungan",
            "waktu_masuk": "2022-06-03T16:15:00",
            "waktu_selesai": "2022-06-06T11:15:00",
            "max_waktu_tl_jam": 48,
            "waktu_tl_jam": 67.0,
            "nilai_tl": 80,
        }
    ]


def test_numbers_are_plain_python_and_integral_counts_are_int(month_metrics):
    d = metrics_to_dict(month_metrics)
    for v in _walk(d):
        assert v is None or type(v) in (dict, list, str, int, float, bool), type(v)
    assert type(d["nilai_tl_dibawah_100"][0]["nilai_tl"]) is int
    assert type(d["nilai_tl_dibawah_100"][0]["max_waktu_tl_jam"]) is int
    assert type(d["nilai_tl_dibawah_100"][0]["waktu_tl_jam"]) is float
    assert type(d["koordinasi_terlama"][0]["rerata_jam"]) is float
    for key in ("top_ukpd", "koordinasi_tercepat", "penyelesaian_terlama"):
        assert all(type(e["jumlah"]) is int and type(e["peringkat"]) is int for e in d[key])
    json.dumps(d, allow_nan=False)  # no NaN anywhere


def test_numbers_are_unrounded():
    koordinasi = koordinasi_frame(
        [{"ukpd": "KELURAHAN CIPAYUNG", "proses_menit": m} for m in (10, 10, 11)]
    )
    m = compute_all(
        laporan_frame([{}]),
        koordinasi,
        UKPD_REF,
        KANAL_REF,
        periode="2022-06",
        kota="JAKARTA TIMUR",
    )
    assert metrics_to_dict(m)["koordinasi_tercepat"][0]["rerata_menit"] == 31 / 3


def test_empty_month_has_null_capaian_and_empty_arrays(empty_month_metrics):
    d = metrics_to_dict(empty_month_metrics)
    assert d["capaian_persen"] is None
    assert d["total_laporan"] == 0
    assert d["respon"] == {"batas_jam": 6, "tepat_waktu": 0, "terlambat": 0}
    for key in ENTRY_KEYS:
        if key != "rekap_status":
            assert d[key] == [], key
    assert all(e["total"] == 0 for e in d["rekap_status"])
    assert len(d["harian"]) == 30 and d["harian"][0] == {"tanggal": "2022-06-01", "jumlah": 0}


def test_missing_rincian_is_null_and_iso_datetimes(month_metrics):
    m = month_metrics
    m.nilai_tl_dibawah_100.loc[0, "rincian_masalah"] = None
    d = metrics_to_dict(m)
    e = d["nilai_tl_dibawah_100"][0]
    assert e["rincian_masalah"] is None
    assert ISO.match(e["waktu_masuk"]) and ISO.match(e["waktu_selesai"])


def test_per_tanggal_none_is_null():
    m = compute_all(
        empty_laporan(),
        empty_koordinasi(),
        UKPD_REF,
        KANAL_REF,
        periode="2022-06",
        kota="JAKARTA TIMUR",
    )
    assert m.per_tanggal is None
    assert metrics_to_dict(m)["per_tanggal"] is None


# --------------------------------------------------------------------------- writing


def test_write_metrics_json_is_deterministic_utf8_and_ends_with_newline(month_metrics, tmp_path):
    prov = build_provenance([{"name": "laporan.csv", "sha256": "a" * 64}], None, MetricParams())
    month_metrics.rekap_status.loc[0, "kecamatan"] = "MATRAMAN É"  # non-ASCII stays literal
    a = write_metrics_json(month_metrics, tmp_path / "a" / "metrics.json", prov)
    b = write_metrics_json(month_metrics, tmp_path / "b" / "metrics.json", prov)
    raw = a.read_bytes()
    assert raw == b.read_bytes()
    assert raw.endswith(b"}\n") and not raw.endswith(b"\n\n")
    text = raw.decode("utf-8")
    assert "MATRAMAN É" in text and "\\u" not in text
    assert text.startswith('{\n  "periode": "2022-06",')
    data = json.loads(text)
    assert data["provenance"] == prov
    assert list(data)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)


def test_write_metrics_json_replaces_atomically(month_metrics, tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text("old", encoding="utf-8")
    write_metrics_json(month_metrics, path)
    assert json.loads(path.read_text(encoding="utf-8"))["total_laporan"] == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]


def test_failed_write_leaves_the_published_file_untouched(month_metrics, tmp_path, monkeypatch):
    path = tmp_path / "metrics.json"
    path.write_text("published", encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(outputs.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_metrics_json(month_metrics, path)
    assert path.read_text(encoding="utf-8") == "published"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]


# --------------------------------------------------------------------------- provenance


def test_build_provenance(tmp_path):
    f = tmp_path / "laporan.csv"
    f.write_bytes(b"nomor_laporan\n")
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    sources = [
        {"file": str(tmp_path / "koordinasi.csv"), "sha256": "b" * 64},
        {"path": f, "sha256": sha},
    ]
    counts = {
        "laporan": {"read": 510, "kept": 508, "left_out": 2},
        "koordinasi": {"read": 1549, "kept": 1549, "left_out": 0},
    }
    params = MetricParams(batas_respon_jam=5.5)
    prov = build_provenance(
        sources,
        counts,
        params,
        dropped_columns={"laporan": {"pelapor": 3, "lainnya": []}},
        notices=["1 kategori baru"],
    )
    assert prov["crmlib_version"] == crmlib.__version__
    assert prov["input"] == [
        {"name": "koordinasi.csv", "sha256": "b" * 64},
        {"name": "laporan.csv", "sha256": sha},
    ]
    assert str(tmp_path) not in json.dumps(prov)  # base names only
    assert prov["parameter"]["batas_respon_jam"] == 5.5
    assert prov["parameter"]["top_n"] == 5
    assert prov["baris"]["laporan"] == {"read": 510, "kept": 508, "left_out": 2}
    assert prov["kolom_dibuang"]["laporan"]["pelapor"] == 3
    assert prov["catatan"] == ["1 kategori baru"]


def test_build_provenance_refuses_a_source_without_hash():
    with pytest.raises(ValueError, match="sha256"):
        build_provenance([{"name": "laporan.csv"}], {}, MetricParams())


# --------------------------------------------------------------------------- workbook


SHEETS = [
    "Ringkasan",
    "Rekap Status",
    "Rekap Kecamatan",
    "Top UKPD",
    "Top Kategori",
    "Koordinasi Tercepat",
    "Koordinasi Terlama",
    "Penyelesaian Tercepat",
    "Penyelesaian Terlama",
    "TL Ditolak",
    "Nilai TL < 100",
    "Per Kanal",
    "Harian",
]


def test_tables_workbook_sheets_headers_and_numbers(month_metrics, tmp_path):
    path = write_tables_xlsx(month_metrics, tmp_path / "tabel.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
        assert ws.column_dimensions["A"].width >= 6
    header = [c.value for c in wb["Koordinasi Tercepat"][1]]
    assert header == [
        "Peringkat",
        "Nama Kelurahan",
        "Jumlah Laporan Koordinasi",
        "Rerata Waktu Koordinasi (Menit)",
    ]
    header = [c.value for c in wb["Penyelesaian Terlama"][1]]
    assert header == [
        "Peringkat",
        "Nama Kelurahan",
        "Jumlah Laporan Selesai",
        "Rerata Waktu Penyelesaian (Jam)",
    ]
    row = [c.value for c in wb["Koordinasi Tercepat"][2]]
    assert row == [1, "KELURAHAN CIPAYUNG", 2, 10.625]  # numbers, unrounded
    assert wb["Koordinasi Tercepat"].cell(2, 4).number_format == "#,##0.00"
    top = [[c.value for c in r] for r in wb["Top UKPD"].iter_rows(min_row=1)]
    assert top[0] == ["Peringkat", "Nama UKPD", "Jumlah Laporan"]
    assert top[1] == [1, "KELURAHAN SETU", 2]
    rekap = wb["Rekap Status"]
    assert [c.value for c in rekap[1]] == [
        "No",
        "Nama UKPD",
        "Tingkat",
        "Kecamatan",
        "Complete",
        "Disposisi",
        "In Progres",
        "Wait",
        "Total",
    ]
    assert rekap.max_row == 1 + len(UKPD_REF) + 1
    assert [c.value for c in rekap[rekap.max_row]][1:] == ["Grand Total", None, None, 3, 0, 0, 1, 4]
    nilai = [c.value for c in wb["Nilai TL < 100"][2]]
    assert nilai[1] == "JK2206030245"
    assert nilai[5] == dt.datetime(2022, 6, 3, 16, 15)
    assert nilai[7:] == [48, 67, 80]
    ring = {r[0].value: r[1].value for r in wb["Ringkasan"].iter_rows(min_row=2)}
    assert ring["Jumlah Laporan"] == 4
    assert ring["Capaian (%)"] == pytest.approx((80 + 100 + 100) / 3)
    assert ring["Per Tanggal"] == dt.datetime(2022, 7, 11, 8, 34)
    harian = wb["Harian"]
    assert harian.max_row == 31 and isinstance(harian.cell(2, 1).value, dt.datetime)
    kanal = wb["Per Kanal"]
    assert kanal.max_row == 15
    for ws in wb.worksheets:  # nothing numeric was written as text
        for r in ws.iter_rows(min_row=2, values_only=True):
            for v in r:
                assert not (isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v)), (ws.title, v)


def test_tables_workbook_of_an_empty_month(empty_month_metrics, tmp_path):
    path = write_tables_xlsx(empty_month_metrics, tmp_path / "out" / "tabel.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb["Top UKPD"].max_row == 1
    ring = {r[0].value: r[1].value for r in wb["Ringkasan"].iter_rows(min_row=2)}
    assert ring["Capaian (%)"] is None and ring["Jumlah Laporan"] == 0


def test_tables_workbook_is_written_atomically(month_metrics, tmp_path, monkeypatch):
    path = tmp_path / "tabel.xlsx"
    path.write_bytes(b"published")
    real_replace = os.replace
    calls = []

    def spy(src, dst):
        calls.append((Path(src).parent, Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", spy)
    write_tables_xlsx(month_metrics, path)
    assert calls == [(tmp_path, path)]
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tabel.xlsx"]


def _rels(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))


def test_tables_workbook_ticket_sheets_are_linked_filtered_and_formatted(tmp_path):
    path = write_tables_xlsx(_small_month(tiket=True), tmp_path / "tabel.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS + [d.sheet for d in DAFTAR]
    links = [c for r in wb["Ringkasan"].iter_rows() for c in r if c.hyperlink]
    assert {c.value for c in links} == {d.sheet for d in DAFTAR}
    for c in links:  # a link inside the workbook, in Excel's link font
        assert c.hyperlink.location == f"'{c.value}'!A1" and c.hyperlink.target is None
        assert (c.font.color.rgb, c.font.u) == ("000563C1", "single")
    assert "/hyperlink" not in _rels(path) and "External" not in _rels(path)
    ring = {r[0].value: r[1] for r in wb["Ringkasan"].iter_rows(min_row=2)}
    assert ring["Per Tanggal"].number_format == "dd/mm/yyyy hh:mm"
    assert ring["Capaian (%)"].number_format == "#,##0.000"
    fmt = {"waktu": "dd/mm/yyyy hh:mm", "jam": "#,##0.00", "menit": "#,##0.00"}
    checked = 0
    for d in DAFTAR:
        ws = wb[d.sheet]
        assert ws.freeze_panes == "A2" and all(c.font.b for c in ws[1]), d.sheet
        last = openpyxl.utils.get_column_letter(len(d.kolom) + 2)
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", d.sheet
        for row in ws.iter_rows(min_row=2):
            assert row[0].number_format == "0" and isinstance(row[0].value, int)
            for k, cell in zip(d.kolom, row[2:], strict=True):
                if k.jenis in fmt and cell.value is not None:
                    assert cell.number_format == fmt[k.jenis], (d.sheet, k.kunci)
                    checked += 1
    assert checked


def test_workbook_text_stays_text_numbers_keep_their_formats(tmp_path):
    hostile = ['=HYPERLINK("http://x")', "+62 812", "-", "@SUM(A1)", "\tTAB", "x" * 40_000]
    rows = [[t, None, None] for t in hostile] + [["", 1234.5, dt.datetime(2022, 6, 3, 16, 15)]]
    rows += [[" spasi ", True, dt.date(2022, 6, 3)], ["a&b<c>", -3, None]]
    sheet = Sheet(
        "Data",
        ["Kategori", "=Angka", "Waktu"],
        rows,
        {1: "#,##0.00", 2: "dd/mm/yyyy hh:mm"},
        autofilter=True,
        links={(7, 0): "Lain"},
    )
    path = tmp_path / "t.xlsx"
    write_workbook([sheet, Sheet("Lain", ["x"], [], {})], path, "Judul")
    wb = openpyxl.load_workbook(path)
    ws = wb["Data"]
    assert wb.sheetnames == ["Data", "Lain"] and ws.auto_filter.ref == "A1:C10"
    cells = [c for r in ws.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for c in [ws["B1"], *(ws.cell(i, 1) for i in range(2, 7))]:  # formula-like: text, quoted
        assert c.data_type == "s" and c.quotePrefix, c.coordinate
    assert [ws.cell(i, 1).value for i in range(2, 7)] == hostile[:5]
    assert ws["A7"].value == "x" * 32767 and not ws["A7"].quotePrefix  # a cell's longest
    assert ws["A8"].value is None and ws["A9"].value == " spasi " and ws["A10"].value == "a&b<c>"
    assert [(c.value, c.number_format) for c in ws[8][1:]] == [
        (1234.5, "#,##0.00"),
        (dt.datetime(2022, 6, 3, 16, 15), "dd/mm/yyyy hh:mm"),
    ]
    assert (ws["B9"].value, ws["B9"].data_type, ws["B9"].number_format) == (True, "b", "#,##0.00")
    assert (ws["C9"].value, ws["C9"].number_format) == (dt.datetime(2022, 6, 3), "dd/mm/yyyy hh:mm")
    assert ws["B10"].value == -3 and ws["C10"].value is None
    assert ws["A9"].hyperlink.location == "'Lain'!A1" and ws["A9"].font.u == "single"
    assert 'Target="http' not in _rels(path) and "/hyperlink" not in _rels(path)
    with zipfile.ZipFile(path) as z:  # or Excel may trim the spaces
        assert '<t xml:space="preserve"> spasi </t>' in z.read("xl/worksheets/sheet1.xml").decode()
    # Widths: the longest value (at most 60) + 2; a date and time counts 16, 1234.5 "1,234.500".
    assert {k: d.width for k, d in ws.column_dimensions.items()} == {"A": 60, "B": 11, "C": 18}
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"


def test_workbook_bytes_depend_on_the_data_only(tmp_path, monkeypatch):
    sheets = [Sheet("A", ["x", "t"], [[1, dt.datetime(2022, 6, 1)], ["=1", None]], {0: "0"})]
    when = dt.datetime(2022, 7, 11, 8, 34)
    first = write_workbook(sheets, tmp_path / "a.xlsx", "Judul", when).read_bytes()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # another day on the clock
    path = write_workbook(sheets, tmp_path / "b.xlsx", "Judul", when)
    assert path.read_bytes() == first
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED, info.filename
            assert info.date_time == (2022, 7, 11, 8, 34, 0), info.filename
            assert (info.create_system, info.external_attr) == (3, 0o644 << 16), info.filename
    props = openpyxl.load_workbook(path).properties
    assert props.created == props.modified == dt.datetime(2022, 7, 11, 1, 34)  # UTC
    assert (props.creator, props.title) == (f"crmlib {crmlib.__version__}", "Judul")
    default = write_workbook(sheets, tmp_path / "c.xlsx", "Judul")  # no date: 1 January 2000
    assert openpyxl.load_workbook(default).properties.created == dt.datetime(1999, 12, 31, 17)
