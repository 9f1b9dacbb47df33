"""The reader's parsing and checking functions at their edges.

Each case here killed a hand-applied mutant that the rest of the suite let through
(docs/mutasi.md): the first second of a month, a maximum of 0 hours, a score of 0, a
fractional rejection count, the period of a month that starts with stray rows, the
decimal comma, cells of spaces, the Excel serial range and day-first dates with dashes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import koordinasi_row, laporan_row

from crmlib.errors import InputDataError
from crmlib.reader import (
    EXCEL_SERIAL_RANGE,
    _infer_periode,
    _is_blank,
    check_periode,
    parse_datetimes,
    parse_numbers,
    read_month,
)


def _problems(month_factory, rows, periode="2022-06"):
    with pytest.raises(InputDataError, match="Data tidak valid") as err:
        read_month(month_factory(rows), periode)
    return err.value.problems


# --------------------------------------------------------------------------- blanks


def test_cells_of_spaces_are_blank_and_text_is_not():
    series = pd.Series(["", "   ", "\t", None, np.nan, "x", " 0 ", 0, 0.0], dtype=object)
    assert _is_blank(series).tolist() == [True, True, True, True, True] + [False] * 4


def test_a_whitespace_only_required_cell_is_reported_as_empty(month_factory):
    problems = _problems(month_factory, [laporan_row(kanal="   ")])
    assert [(p.column, p.message) for p in problems] == [("kanal", "nilai wajib kosong")]


def test_a_whitespace_only_optional_cell_is_empty_not_invalid(month_factory):
    month = read_month(month_factory([laporan_row(waktu_selesai="  ", nilai_tl="  ")]))
    assert month.laporan["waktu_selesai"].isna().all()
    assert month.laporan["nilai_tl"].isna().all()


# --------------------------------------------------------------------------- numbers


def test_decimal_comma_and_dot_are_both_read():
    nums, invalid = parse_numbers(
        pd.Series(["67,5", "67.5", "-2,25", "48", " 12 ", "", "1,234.5", "1,2,3", "abc"])
    )
    assert nums.tolist()[:5] == [67.5, 67.5, -2.25, 48.0, 12.0]
    # A comma beside a dot is not a decimal comma: reported, never misread as 1.2345.
    assert np.isnan(nums.tolist()[5:]).all()
    assert invalid.tolist() == [False] * 6 + [True, True, True]


def test_a_score_of_0_is_kept(month_factory):
    month = read_month(month_factory([laporan_row(nilai_tl="0")]))
    assert month.laporan["nilai_tl"].tolist() == [0.0]


def test_scores_at_0_and_100_are_in_range_and_just_outside_are_not(month_factory):
    rows = [
        laporan_row(nomor_laporan=f"JK22060300{i}", nilai_tl=v)
        for i, v in enumerate(["100", "-0,5", "100,5"])
    ]
    problems = _problems(month_factory, rows)
    assert [(p.row, p.message) for p in problems] == [
        (3, "di luar rentang 0–100"),
        (4, "di luar rentang 0–100"),
    ]


def test_a_maximum_of_0_hours_is_refused(month_factory):
    problems = _problems(month_factory, [laporan_row(max_waktu_tl_jam="0")])
    assert [(p.column, p.message) for p in problems] == [
        ("max_waktu_tl_jam", "waktu maksimal TL harus lebih dari 0")
    ]


def test_a_fractional_maximum_with_a_decimal_comma_is_read(month_factory):
    month = read_month(month_factory([laporan_row(max_waktu_tl_jam="67,5")]))
    assert month.laporan["max_waktu_tl_jam"].tolist() == [67.5]


def test_a_fractional_rejection_count_is_refused(month_factory):
    problems = _problems(month_factory, [laporan_row(jumlah_tl_ditolak="1,5")])
    assert [(p.column, p.message, p.value) for p in problems] == [
        ("jumlah_tl_ditolak", "bukan bilangan bulat", "1,5")
    ]


def test_rejection_counts_written_as_whole_floats_are_integers(month_factory):
    month = read_month(month_factory([laporan_row(jumlah_tl_ditolak="2.0")]))
    assert month.laporan["jumlah_tl_ditolak"].tolist() == [2]
    assert month.laporan["jumlah_tl_ditolak"].dtype == np.int64


# --------------------------------------------------------------------------- dates


def test_day_first_dates_with_slashes_and_dashes():
    parsed, invalid = parse_datetimes(
        pd.Series(
            [
                "03-06-2022 16:15:30",
                "03-06-2022 16:15",
                "03-06-2022",
                "03/06/2022 16:15:30",
                "03/06/2022 16:15",
                "03/06/2022",
                "2022-06-03T16:15:30",
            ],
            dtype="str",
        )
    )
    assert parsed.tolist() == [
        pd.Timestamp("2022-06-03 16:15:30"),
        pd.Timestamp("2022-06-03 16:15"),
        pd.Timestamp("2022-06-03"),
        pd.Timestamp("2022-06-03 16:15:30"),
        pd.Timestamp("2022-06-03 16:15"),
        pd.Timestamp("2022-06-03"),
        pd.Timestamp("2022-06-03 16:15:30"),
    ]
    assert not invalid.any()


def test_text_that_is_not_a_date_is_invalid_and_blanks_are_not():
    parsed, invalid = parse_datetimes(pd.Series(["besok", "  ", "32/06/2022", ""], dtype="str"))
    assert parsed.isna().all()
    assert invalid.tolist() == [True, False, True, False]


def test_excel_serials_inside_the_range_are_dates_and_outside_are_invalid():
    low, high = EXCEL_SERIAL_RANGE
    assert (low, high) == (20000.0, 80000.0)
    parsed, invalid = parse_datetimes(
        pd.Series([44715.5, low, high, low - 0.5, high + 0.5, 7], dtype=object)
    )
    assert parsed.tolist()[:3] == [
        pd.Timestamp("2022-06-03 12:00"),
        pd.Timestamp("1954-10-03"),
        pd.Timestamp("2119-01-11"),
    ]
    assert parsed[3:].isna().all()
    assert invalid.tolist() == [False, False, False, True, True, True]


def test_excel_serials_are_rounded_to_the_second():
    serial = 44715 + (16 * 3600 + 15 * 60 + 30.4) / 86400
    parsed, _ = parse_datetimes(pd.Series([serial], dtype=object))
    assert parsed.tolist() == [pd.Timestamp("2022-06-03 16:15:30")]


def test_native_datetimes_pass_through():
    value = pd.Timestamp("2022-06-03 16:15:30")
    parsed, invalid = parse_datetimes(pd.Series([value, value.to_pydatetime()], dtype=object))
    assert parsed.tolist() == [value, value]
    assert not invalid.any()


# --------------------------------------------------------------------------- the month


def test_a_report_at_midnight_on_the_first_belongs_to_that_month(month_factory):
    rows = [
        laporan_row(
            waktu_masuk="2022-06-01 00:00:00",
            waktu_respon="2022-06-01 01:00:00",
            waktu_selesai="",
        ),
        laporan_row(
            nomor_laporan="JK2206300002",
            waktu_masuk="2022-06-30 23:59:59",
            waktu_respon="",
            waktu_selesai="",
        ),
        laporan_row(
            nomor_laporan="JK2207010001",
            waktu_masuk="2022-07-01 00:00:00",
            waktu_respon="",
            waktu_selesai="",
        ),
    ]
    month = read_month(
        month_factory(rows, [koordinasi_row(waktu_koordinasi="2022-06-01 00:00:00")]), "2022-06"
    )
    assert month.laporan["nomor_laporan"].tolist() == ["JK2206030001", "JK2206300002"]
    assert month.counts["laporan"] == {"read": 3, "kept": 2, "left_out": 1}
    assert month.counts["koordinasi"]["kept"] == 1


def test_the_period_is_the_most_common_month_not_the_first_row():
    laporan = pd.DataFrame(
        {
            "waktu_masuk": pd.to_datetime(
                ["2022-05-31 23:00", "2022-06-01 00:00", "2022-06-02 10:00", "2022-07-01 00:00"]
            )
        }
    )
    assert _infer_periode(laporan) == "2022-06"
    assert _infer_periode(laporan.iloc[:0]) is None


def test_read_month_infers_the_period_from_most_rows(month_factory):
    rows = [
        laporan_row(nomor_laporan="JK2205310001", waktu_masuk="2022-05-31 23:00:00"),
        laporan_row(nomor_laporan="JK2206010001", waktu_masuk="2022-06-01 08:00:00"),
        laporan_row(nomor_laporan="JK2206020001", waktu_masuk="2022-06-02 08:00:00"),
    ]
    for row in rows:
        row.update(waktu_respon="", waktu_selesai="")
    month = read_month(month_factory(rows))
    assert month.periode == "2022-06"
    assert month.counts["laporan"]["left_out"] == 1


# --------------------------------------------------------------------------- checking


@pytest.mark.parametrize("bad", ["2022-13", "2022-6", 202206])
def test_a_bad_period_parameter_is_described_in_full(bad):
    with pytest.raises(InputDataError) as err:
        check_periode(bad)
    (p,) = err.value.problems
    assert (p.file, p.sheet, p.row, p.column) == ("(parameter)", None, None, "periode")
    assert (p.message, p.value, p.expected) == (
        "periode tidak valid",
        str(bad),
        "format YYYY-MM, misalnya 2022-06",
    )
    assert check_periode("2022-10") == "2022-10"


def test_an_empty_required_cell_names_its_row_and_what_is_expected(month_factory):
    rows = [laporan_row(), laporan_row(nomor_laporan="JK2206030002", ukpd="")]
    (p,) = _problems(month_factory, rows)
    assert (p.row, p.column, p.message, p.value, p.expected) == (
        3,
        "ukpd",
        "nilai wajib kosong",
        None,
        "nilai tidak boleh kosong",
    )


def test_report_numbers_stored_as_excel_numbers_are_read_as_text(month_factory):
    path = month_factory([laporan_row(nomor_laporan=2206030001)], form="xlsx")
    month = read_month(path)
    assert month.laporan["nomor_laporan"].tolist() == ["2206030001"]


def test_a_bad_number_names_row_column_and_the_value_as_written(month_factory):
    rows = [laporan_row(), laporan_row(nomor_laporan="JK2206030002", nilai_tl="sembilan")]
    (p,) = _problems(month_factory, rows)
    assert (p.row, p.column, p.message, p.value, p.expected) == (
        3,
        "nilai_tl",
        "bukan angka",
        "sembilan",
        "angka 0–100",
    )
