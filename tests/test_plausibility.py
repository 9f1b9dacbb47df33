"""Plausibility before publishing: empty or other months' exports, header-only files,
duplicate sheets, time-zone suffixes, semicolon CSVs, report-count warnings, suggestions."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, koordinasi_row, laporan_row, write_month

from crmlib.cli.main import main
from crmlib.data.parsing import parse_datetimes
from crmlib.data.plausibility import check_coverage, volume_warning
from crmlib.data.reader import read_month
from crmlib.errors import InputDataError
from crmlib.metrics import KOORDINASI_COLUMNS, LAPORAN_COLUMNS


def refusal(path, periode="2022-06", **kwargs):
    with pytest.raises(InputDataError) as info:
        read_month(path, periode, **kwargs)
    return info.value.problems


def may_row(n: int) -> dict:
    return laporan_row(
        nomor_laporan=f"JK22050{n:05d}",
        waktu_masuk=f"2022-05-{10 + n:02d} 08:00:00",
        waktu_respon="",
        waktu_selesai="",
    )


# ------------------------------------------------------------------ the period's coverage


@pytest.fixture
def june_only_month(month_factory):
    return month_factory([laporan_row(), laporan_row(nomor_laporan="JK2206150002")])


def test_zero_reports_in_period_refused_naming_the_range_the_file_covers(june_only_month):
    (p,) = refusal(june_only_month, "2022-03")
    assert "0 laporan dalam periode 2022-03" in p.message
    assert "2022-06-03 s.d. 2022-06-03" in p.message and "terbanyak bulan 2022-06" in p.message
    assert p.file.endswith("laporan.csv") and p.column == "waktu_masuk"
    assert "--izinkan-kosong" in p.expected and "izinkan_kosong: true" in p.expected


def test_zero_reports_in_period_accepted_when_allowed(june_only_month):
    month = read_month(june_only_month, "2022-03", izinkan_kosong=True)
    assert month.counts["laporan"] == {"read": 2, "kept": 0, "left_out": 2}
    assert any("tidak ada laporan dalam periode 2022-03" in n for n in month.notices)


@pytest.fixture
def mostly_may_export(month_factory):
    """Three reports of May and one of June: a May export used for June."""
    return month_factory([may_row(1), may_row(2), may_row(3), laporan_row()])


def test_export_of_another_month_refused_naming_that_month(mostly_may_export):
    (p,) = refusal(mostly_may_export, "2022-06")
    assert "kemungkinan ekspor bulan lain" in p.message
    assert "3 dari 4 baris di luar periode 2022-06" in p.message
    assert "terbanyak bulan 2022-05" in p.message and "tampaknya ekspor 2022-05" in p.expected
    # the allow-empty flag does not hide it: the month is not empty, it is the wrong one
    with pytest.raises(InputDataError, match="ekspor bulan lain"):
        read_month(mostly_may_export, "2022-06", izinkan_kosong=True)


def test_export_of_the_month_itself_still_reads(mostly_may_export):
    assert read_month(mostly_may_export, "2022-05").counts["laporan"]["kept"] == 3


def test_validate_december_sample_as_march_fails(capsys):
    assert (
        main(["validate", str(ROOT / "data" / "sample" / "2022-12"), "--periode", "2023-03"]) == 1
    )
    err = capsys.readouterr().err
    assert "0 laporan dalam periode 2023-03" in err and "terbanyak bulan 2022-12" in err
    assert "Data valid" not in err


def test_coverage_check_is_pure_and_half_in_period_is_plausible():
    when = pd.Series(pd.to_datetime(["2022-05-31 23:00", "2022-06-01 01:00"]))
    assert check_coverage(when, "2022-06") is None
    assert check_coverage(when.iloc[:1], "2022-06") is not None
    assert check_coverage(when.iloc[:0], "2022-06").message.startswith("tidak ada laporan")
    assert check_coverage(when.iloc[:0], "2022-06", izinkan_kosong=True) is None


# ------------------------------------------------------------------ header-only files and sheets


@pytest.fixture
def header_only_csv_month(tmp_path):
    return write_month(
        tmp_path / "kosong", [], [koordinasi_row()], laporan_columns=list(LAPORAN_COLUMNS)
    )


@pytest.fixture
def header_only_sheet_month(tmp_path):
    path = tmp_path / "kosong.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame(columns=list(LAPORAN_COLUMNS)).to_excel(xw, sheet_name="laporan", index=False)
        pd.DataFrame([koordinasi_row()]).to_excel(xw, sheet_name="koordinasi", index=False)
    return path


def test_header_only_csv_refused(header_only_csv_month):
    (p,) = refusal(header_only_csv_month)
    assert p.file.endswith("laporan.csv")
    assert p.message == "berkas hanya berisi baris judul, tanpa baris data"


def test_header_only_sheet_refused(header_only_sheet_month):
    (p,) = refusal(header_only_sheet_month)
    assert p.sheet == "laporan" and p.message == "sheet hanya berisi baris judul, tanpa baris data"


def test_header_only_koordinasi_csv_refused(tmp_path):
    path = write_month(tmp_path / "m", [laporan_row()], [])
    (p,) = refusal(path)
    assert p.file.endswith("koordinasi.csv") and "hanya berisi baris judul" in p.message


def test_header_only_month_accepted_when_allowed(header_only_sheet_month):
    month = read_month(header_only_sheet_month, "2022-06", izinkan_kosong=True)
    assert len(month.laporan) == 0 and month.counts["koordinasi"]["kept"] == 1


# ------------------------------------------------------------------ duplicate sheet names


@pytest.fixture
def workbook_with_laporan_twice(tmp_path):
    path = tmp_path / "ganda.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame([laporan_row()]).to_excel(xw, sheet_name="laporan", index=False)
        pd.DataFrame([may_row(1)]).to_excel(xw, sheet_name="LAPORAN ", index=False)
        pd.DataFrame([koordinasi_row()]).to_excel(xw, sheet_name="koordinasi", index=False)
    return path


def test_duplicate_sheet_names_after_trim_and_case_refused(workbook_with_laporan_twice):
    (p,) = refusal(workbook_with_laporan_twice)
    assert p.sheet == "laporan" and "nama sheet ganda" in p.message
    assert "'laporan' dan 'LAPORAN '" in p.message and "hapus atau ganti nama" in p.expected


# ------------------------------------------------------------------ time-zone suffixes


def test_offsets_converted_to_jakarta_wall_time():
    series = pd.Series(
        [
            "2022-06-03T09:15:00Z",
            "2022-06-03T16:15:00+07:00",
            "2022-06-03 16:15+0700",
            "2022-06-03T10:15:00+01:00",
            "2022-06-03 16:15:00",
        ]
    )
    parsed, invalid = parse_datetimes(series.astype(object))
    assert parsed.dt.tz is None and not invalid.any()
    assert list(parsed) == [pd.Timestamp("2022-06-03 16:15")] * 5


@pytest.fixture
def month_with_utc_times(month_factory):
    return month_factory(
        [
            laporan_row(
                waktu_masuk="2022-06-03T01:00:00Z",
                waktu_respon="2022-06-03T09:00:00+07:00",
                waktu_selesai="2022-06-03T20:00:00+0700",
            )
        ]
    )


def test_month_with_offsets_reads_as_naive_jakarta_times_with_a_notice(month_with_utc_times):
    month = read_month(month_with_utc_times, "2022-06")
    row = month.laporan.iloc[0]
    assert row["waktu_masuk"] == pd.Timestamp("2022-06-03 08:00")  # 01:00 UTC = 08:00 WIB
    assert row["waktu_respon"] == pd.Timestamp("2022-06-03 09:00")
    assert month.laporan["waktu_masuk"].dt.tz is None
    notes = [n for n in month.notices if "zona waktu" in n]
    assert len(notes) == 3 and all("1 waktu" in n and "WIB" in n for n in notes)


def test_utc_value_just_before_midnight_counts_for_the_next_jakarta_day(month_factory):
    path = month_factory(
        [laporan_row(waktu_masuk="2022-05-31T20:00:00Z", waktu_respon="", waktu_selesai="")]
    )
    month = read_month(path, "2022-06")
    assert month.laporan.loc[0, "waktu_masuk"] == pd.Timestamp("2022-06-01 03:00")


# ------------------------------------------------------------------ semicolon CSV


@pytest.fixture
def semicolon_csv_month(tmp_path):
    d = tmp_path / "titik-koma"
    d.mkdir()
    pd.DataFrame([laporan_row(nilai_tl="67,5", rincian_masalah="Sampah, Lingkungan")]).to_csv(
        d / "laporan.csv", sep=";", index=False
    )
    pd.DataFrame([koordinasi_row()], columns=list(KOORDINASI_COLUMNS)).to_csv(
        d / "koordinasi.csv", sep=";", index=False
    )
    return d


def test_semicolon_csv_accepted_with_a_notice(semicolon_csv_month):
    month = read_month(semicolon_csv_month, "2022-06")
    assert month.laporan.loc[0, "nilai_tl"] == 67.5
    assert month.laporan.loc[0, "rincian_masalah"] == "Sampah, Lingkungan"
    assert len(month.koordinasi) == 1
    assert sum("titik koma" in n for n in month.notices) == 2


# ------------------------------------------------------------------ suggestions


def test_misspelt_header_suggests_the_contract_column(month_factory):
    row = laporan_row()
    row["ukdp"] = row.pop("ukpd")
    p = next(p for p in refusal(month_factory([row])) if p.column == "ukpd")
    assert (
        p.message == "kolom wajib tidak ada"
        and "ada kolom 'ukdp', mungkin salah ketik" in p.expected
    )


def test_misspelt_optional_header_is_not_dropped_silently(month_factory):
    row = laporan_row()
    row["waktu_selesia"] = row.pop("waktu_selesai")
    (p,) = refusal(month_factory([row]))
    assert p.column == "waktu_selesia" and "mungkin maksudnya 'waktu_selesai'" in p.message


def test_unknown_channel_without_a_close_name_lists_every_channel(month_factory):
    (p,) = refusal(month_factory([laporan_row(kanal="Instagram")]))
    assert p.message == "kanal tidak dikenal"
    assert p.expected.startswith("salah satu kanal: QLUE, Twitter, Facebook")
    assert p.expected.endswith("JAKI") and "mungkin maksudnya" not in p.expected


# ------------------------------------------------------------------ report-count warning


def test_volume_warning_against_the_median_of_previous_months():
    history = {f"2022-{m:02d}": 600 for m in range(1, 7)}
    assert volume_warning("2022-07", 600, history) is None
    assert volume_warning("2022-07", 201, history) is None
    low = volume_warning("2022-07", 150, history)
    assert "jauh lebih sedikit dari median 600" in low and "6 bulan sebelumnya" in low
    assert "jauh lebih banyak" in volume_warning("2022-07", 1801, history)
    assert volume_warning("2022-01", 5, history) is None  # no earlier month
    # only the 12 latest earlier months count; later months never do
    old = {f"2020-{m:02d}": 10 for m in range(1, 13)}
    assert volume_warning("2022-07", 600, {**old, **history, "2022-08": 5}) is None
