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

from crmlib.data.parsing import EXCEL_SERIAL_RANGE, is_blank, parse_datetimes, parse_numbers
from crmlib.data.reader import _infer_periode, check_periode, read_month
from crmlib.errors import InputDataError
from crmlib.samplegen.writers import ALIAS_HEADERS


def _problems(month_factory, rows, periode="2022-06"):
    with pytest.raises(InputDataError, match="Data tidak valid") as err:
        read_month(month_factory(rows), periode)
    return err.value.problems


# --------------------------------------------------------------------------- blanks


def test_cells_of_spaces_are_blank_and_text_is_not():
    series = pd.Series(["", "   ", "\t", None, np.nan, "x", " 0 ", 0, 0.0], dtype=object)
    assert is_blank(series).tolist() == [True, True, True, True, True] + [False] * 4


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


def test_a_comma_not_between_digits_is_no_decimal_comma():
    # Read as a decimal point, each would become a number (0.5, 5.0, 1.5); the export
    # never writes them so, and guessing would turn a typo into a figure.
    nums, invalid = parse_numbers(pd.Series([",5", "5,", "+1,5"]))
    assert nums.isna().all()
    assert invalid.tolist() == [True, True, True]


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


def test_a_maximum_of_half_an_hour_and_zero_rejections_are_accepted(month_factory):
    month = read_month(
        month_factory([laporan_row(max_waktu_tl_jam="0,5", jumlah_tl_ditolak="0")]), "2022-06"
    )
    assert month.laporan["max_waktu_tl_jam"].tolist() == [0.5]
    assert month.laporan["jumlah_tl_ditolak"].tolist() == [0]


def test_times_equal_to_their_start_are_not_backwards(month_factory):
    at = "2022-06-03 08:00:00"
    rows = [laporan_row(waktu_masuk=at, waktu_respon=at, waktu_selesai=at)]
    month = read_month(month_factory(rows, [koordinasi_row(waktu_koordinasi=at, waktu_proses=at)]))
    assert month.laporan.loc[0, "waktu_selesai"] == pd.Timestamp(at)
    assert month.koordinasi.loc[0, "waktu_proses"] == pd.Timestamp(at)


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


def test_offsets_written_in_different_iso_forms_in_one_column_all_become_jakarta_time():
    parsed, invalid = parse_datetimes(
        pd.Series(
            [
                "2022-06-03T01:00:00Z",
                "2022-06-03T09:00:00+07:00",
                "2022-06-03 01:00:00+0000",
                "2022-06-03T01:00:00.5Z",
            ],
            dtype="str",
        )
    )
    eight = pd.Timestamp("2022-06-03 08:00")
    assert parsed.tolist() == [
        eight,
        pd.Timestamp("2022-06-03 09:00"),
        eight,
        eight + pd.Timedelta("500ms"),
    ]
    assert not invalid.any()


def test_a_time_that_does_not_exist_is_invalid_not_a_crash():
    parsed, invalid = parse_datetimes(
        pd.Series(
            ["2022-06-03T25:00:00Z", "2022-06-03T01:00:00Z", "2022-06-31 10:00:00"], dtype="str"
        )
    )
    assert parsed.isna().tolist() == [True, False, True]
    assert invalid.tolist() == [True, False, True]


def test_a_column_mixing_offset_iso_and_day_first_times_reads_each_in_its_own_way():
    parsed, invalid = parse_datetimes(
        pd.Series(["2022-06-03T01:00:00Z", "2022-06-03 16:15:00", "03/06/2022 16:15"], dtype="str")
    )
    assert parsed.tolist() == [
        pd.Timestamp("2022-06-03 08:00"),
        pd.Timestamp("2022-06-03 16:15"),
        pd.Timestamp("2022-06-03 16:15"),
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


# --------------------------------------------------------------------------- every message

# Real-export headers, as the sample generator writes them (each in header_alias.yaml).
LAPORAN_ALIAS = ALIAS_HEADERS["laporan"]
KOORDINASI_ALIAS = ALIAS_HEADERS["koordinasi"]
KANAL_LIST = (
    "QLUE, Twitter, Facebook, Email, Balai Warga, SMS, LAPOR 1708, Media Sosial Gubernur, "
    "Kantor Kelurahan, Kantor Kecamatan, Kantor Walikota, Pendopo Balai Kota, "
    "Kantor Inspektorat, JAKI"
)
ANGKA = "angka 0–100"
BULAT = "bilangan bulat ≥ 0"
WAKTU = "tanggal dan jam, misalnya 2022-06-03 16:15 atau 03/06/2022 16:15"
KOSONG = "nilai tidak boleh kosong"


def _aliased(row: dict, alias: dict) -> dict:
    return {alias[k]: v for k, v in row.items()}


def _every_bad_row() -> tuple[list[dict], list[dict], list[tuple]]:
    """One row per kind of bad value, with the problem each must raise (file order)."""
    cases = [  # (override, sheet column, message, value, expected)
        ({}, None, None, None, None),
        ({"kanal": "   "}, "kanal", "nilai wajib kosong", None, KOSONG),
        (
            {"ukpd": "KELURAHAN PULOGEBNG"},
            "ukpd",
            "UKPD tidak dikenal",
            "KELURAHAN PULOGEBNG",
            "mungkin maksudnya: KELURAHAN PULO GEBANG, KELURAHAN PULO GADUNG, KELURAHAN GEDONG",
        ),
        (
            {"ukpd": "ZZZ"},
            "ukpd",
            "UKPD tidak dikenal",
            "ZZZ",
            "nama UKPD dari crmlib/data/reference/kota/*/ukpd.csv",
        ),
        ({"kanal": "Twiter"}, "kanal", "kanal tidak dikenal", "Twiter", "mungkin maksudnya: Twitter"),
        ({"kanal": "Merpati"}, "kanal", "kanal tidak dikenal", "Merpati", f"salah satu kanal: {KANAL_LIST}"),
        (
            {"status": "Xyz"},
            "status",
            "status tidak dikenal",
            "Xyz",
            "Complete, Disposisi, In Progres atau Wait",
        ),
        ({"status": "Ditunda"}, "status", "status tidak dikenal", "Ditunda", "mungkin maksudnya: Wait"),
        ({"waktu_selesai": "kemarin"}, "waktu_selesai", "bukan tanggal/waktu yang valid", "kemarin", WAKTU),
        ({"max_waktu_tl_jam": "dua"}, "max_waktu_tl_jam", "bukan angka", "dua", "jumlah jam, misalnya 48"),
        (
            {"max_waktu_tl_jam": "-1"},
            "max_waktu_tl_jam",
            "waktu maksimal TL harus lebih dari 0",
            "-1",
            "jumlah jam > 0",
        ),
        ({"jumlah_tl_ditolak": "x"}, "jumlah_tl_ditolak", "bukan angka", "x", BULAT),
        ({"jumlah_tl_ditolak": "1,5"}, "jumlah_tl_ditolak", "bukan bilangan bulat", "1,5", BULAT),
        ({"jumlah_tl_ditolak": "-2"}, "jumlah_tl_ditolak", "tidak boleh negatif", "-2", BULAT),
        ({"nilai_tl": "abc"}, "nilai_tl", "bukan angka", "abc", ANGKA),
        ({"nilai_tl": "101"}, "nilai_tl", "di luar rentang 0–100", "101", ANGKA),
        (
            {"waktu_respon": "2022-06-03 07:00:00"},
            "waktu_respon",
            "waktu mundur: waktu_respon lebih awal dari waktu_masuk",
            "2022-06-03 07:00:00",
            "tidak sebelum waktu_masuk (2022-06-03 08:00:00)",
        ),
        (
            {"waktu_selesai": "2022-06-02 08:00:00"},
            "waktu_selesai",
            "waktu mundur: waktu_selesai lebih awal dari waktu_masuk",
            "2022-06-02 08:00:00",
            "tidak sebelum waktu_masuk (2022-06-03 08:00:00)",
        ),
        (
            {"nomor_laporan": "JK2206030100"},
            "nomor_laporan",
            "nomor_laporan ganda",
            "JK2206030100",
            "nomor unik (sudah dipakai di baris 2)",
        ),
    ]  # fmt: skip
    laporan, expected = [], []
    for i, (override, column, message, value, want) in enumerate(cases):
        row = laporan_row(nomor_laporan=f"JK22060301{i:02d}")
        row.update(override)
        laporan.append(_aliased(row, LAPORAN_ALIAS))
        if column:
            expected.append(("laporan", i + 2, column, message, value, want))
    koordinasi = [
        koordinasi_row(),
        koordinasi_row(waktu_proses="2022-06-03 08:29:59"),
        koordinasi_row(waktu_koordinasi=""),
        koordinasi_row(ukpd="QQQ"),
    ]
    expected += [
        (
            "koordinasi",
            3,
            "waktu_proses",
            "waktu mundur: waktu_proses lebih awal dari waktu_koordinasi",
            "2022-06-03 08:29:59",
            "tidak sebelum waktu_koordinasi (2022-06-03 08:30:00)",
        ),
        ("koordinasi", 4, "waktu_koordinasi", "nilai wajib kosong", None, KOSONG),
        (
            "koordinasi",
            5,
            "ukpd",
            "UKPD tidak dikenal",
            "QQQ",
            "nama UKPD dari crmlib/data/reference/kota/*/ukpd.csv",
        ),
    ]
    return laporan, [_aliased(r, KOORDINASI_ALIAS) for r in koordinasi], expected


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_every_bad_value_is_named_by_file_sheet_row_column_value_and_expectation(
    month_factory, form
):
    laporan, koordinasi, expected = _every_bad_row()
    path = month_factory(laporan, koordinasi, form=form)
    with pytest.raises(InputDataError, match="Data tidak valid") as err:
        read_month(path, "2022-06")
    letters = {
        "laporan": {c: "ABCDEFGHIJKL"[i] for i, c in enumerate(LAPORAN_ALIAS)},
        "koordinasi": {c: "ABCD"[i] for i, c in enumerate(KOORDINASI_ALIAS)},
    }
    aliases = {"laporan": LAPORAN_ALIAS, "koordinasi": KOORDINASI_ALIAS}

    def where(sheet: str, column: str) -> tuple[str, str | None, str]:
        header = aliases[sheet][column]
        if form == "xlsx":
            return str(path), sheet, f"{header} [{letters[sheet][column]}]"
        return str(path / f"{sheet}.csv"), None, header

    # Sorted by file (and sheet), then row: koordinasi comes first.
    want = []
    for sheet in ("koordinasi", "laporan"):
        for s, row, column, message, value, hint in expected:
            if s == sheet:
                file, sheet_name, shown = where(sheet, column)
                want.append((file, sheet_name, row, shown, message, value, hint))
    got = [
        (p.file, p.sheet, p.row, p.column, p.message, p.value, p.expected)
        for p in err.value.problems
    ]
    assert got == want


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_times_with_an_offset_are_converted_and_counted_in_one_notice_per_column(
    month_factory, form
):
    rows = [
        laporan_row(waktu_masuk="2022-06-03T01:00:00Z", waktu_respon="2022-06-03T09:00:00+07:00"),
        laporan_row(nomor_laporan="JK2206030002", waktu_masuk="2022-06-03T01:00:00+0000"),
        laporan_row(nomor_laporan="JK2206030003", waktu_selesai=""),  # blank: no offset
    ]
    month = read_month(month_factory(rows, form=form), "2022-06")
    assert month.laporan["waktu_masuk"].tolist() == [pd.Timestamp("2022-06-03 08:00")] * 3
    where = "month1.xlsx, sheet laporan" if form == "xlsx" else "laporan.csv"
    col = {"csv": ("waktu_masuk", "waktu_respon"), "xlsx": ("waktu_masuk [G]", "waktu_respon [H]")}
    tail = "waktu berzona waktu (mis. Z atau +07:00) diubah ke waktu Jakarta (WIB)"
    assert [n for n in month.notices if "berzona" in n] == [
        f"{where}, kolom '{col[form][0]}': 2 {tail}",
        f"{where}, kolom '{col[form][1]}': 1 {tail}",
    ]


def test_the_canonical_table_holds_mapped_values_defaults_and_numbers(month_factory):
    rows = [
        laporan_row(kategori="Jalan", rincian_masalah="  Jalan Berlubang  ", max_waktu_tl_jam="72"),
        laporan_row(
            nomor_laporan=" JK2206030002 ",
            kategori="Pekerja Penanganan Prasarana dan Sarana Umum Kelurahan",
            rincian_masalah="   ",
            ukpd="kel. pulogebang",
            jumlah_tl_ditolak="3",
            nilai_tl="0",
        ),
        laporan_row(
            nomor_laporan="JK2206030003",
            kategori="Reklame",
            ukpd="WALIKOTA JAKARTA TIMUR",
            status="Selesai",
            kanal="Jakarta Kini",
            nilai_tl="100",
        ),
        laporan_row(nomor_laporan="JK2206030004", kategori="Sampah"),
    ]
    lap = read_month(month_factory(rows), "2022-06").laporan
    assert lap["nomor_laporan"].tolist() == [f"JK220603000{i}" for i in range(1, 5)]
    assert lap["kategori"].tolist() == [
        "Jalan",
        "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan",
        "Reklame",
        "Sampah",
    ]
    assert lap["rincian_masalah"].tolist()[0] == "Jalan Berlubang"
    assert lap["rincian_masalah"].isna().tolist() == [False, True, False, False]
    assert lap["ukpd"].tolist()[:3] == [
        "KELURAHAN KAYU MANIS",
        "KELURAHAN PULO GEBANG",
        "WALIKOTA JAKARTA TIMUR",
    ]
    assert lap["kecamatan"].tolist()[:2] == ["MATRAMAN", "CAKUNG"]
    assert (lap["kanal"].tolist(), lap["status"].tolist()[2]) == (["JAKI"] * 4, "Complete")
    # Explicit maximum kept; else the category's (Sampah 48 h), else the default 168 h.
    assert lap["max_waktu_tl_jam"].tolist() == [72.0, 168.0, 168.0, 48.0]
    assert lap["max_waktu_tl_jam"].dtype == np.float64
    assert lap["jumlah_tl_ditolak"].tolist() == [0, 3, 0, 0]
    assert lap["jumlah_tl_ditolak"].dtype == np.int64
    assert lap["nilai_tl"].tolist()[1:3] == [0.0, 100.0] and lap["nilai_tl"].isna()[[0, 3]].all()


# --------------------------------------------------------------------------- headers


def test_two_headers_meaning_one_column_are_refused_by_name(month_factory):
    # The alias comes first: every column after the second "kanal" is still read.
    row = {"Kanal Laporan": "JAKI", **laporan_row()}
    problems = _problems(month_factory, [row])
    assert [
        (p.file.rsplit("/", 1)[-1], p.row, p.column, p.message, p.expected) for p in problems
    ] == [
        (
            "laporan.csv",
            None,
            "kanal [C]",
            "dua kolom berarti sama: 'Kanal Laporan' [A] dan 'kanal' [C]",
            "satu kolom kanal; hapus atau ganti judul salah satunya",
        )
    ]


def test_missing_required_columns_are_named_with_a_typo_hint_only_where_one_fits(month_factory):
    row = laporan_row()
    row["knal"] = row.pop("kanal")  # close to "kanal": named as the likely typo
    del row["status"]  # nothing like it: no hint
    alias = "crmlib/data/reference/header_alias.yaml"
    problems = _problems(month_factory, [row])
    assert [(p.column, p.message, p.expected) for p in problems] == [
        (
            "kanal",
            "kolom wajib tidak ada",
            f"kolom 'kanal' (atau salah satu aliasnya di {alias}); ada kolom 'knal', mungkin salah ketik",
        ),
        (
            "status",
            "kolom wajib tidak ada",
            f"kolom 'status' (atau salah satu aliasnya di {alias})",
        ),
    ]


def test_a_header_with_swapped_letters_is_suggested():
    from crmlib.data.headers import _header_typos

    mapping = {"ukpd": "ukpd", "nama skpd": "ukpd", "kanal": "kanal"}
    # "dpuk" is too far from "ukpd" for difflib, but has the same letters.
    assert _header_typos(["catatan", "dpuk", "pdku"], ["ukpd"], mapping) == {"ukpd": "dpuk"}
    assert _header_typos(["catatan"], ["ukpd", "kanal"], mapping) == {}
    # Two thirds alike is not close enough to call it a typo.
    assert _header_typos(["sts"], ["status"], {"status": "status"}) == {}


def test_a_misspelt_optional_header_is_refused_with_the_column_it_resembles(month_factory):
    row = laporan_row()
    row["nilai_tll"] = row.pop("nilai_tl")
    (p,) = _problems(month_factory, [row])
    assert (p.row, p.column, p.message, p.expected) == (
        None,
        "nilai_tll",
        "kolom tidak dikenal, mungkin maksudnya 'nilai_tl'",
        "judul kolom 'nilai_tl' (atau tambahkan 'nilai_tll' sebagai aliasnya di "
        "crmlib/data/reference/header_alias.yaml)",
    )


def test_unknown_columns_are_dropped_and_counted_and_optional_ones_may_be_absent(month_factory):
    row = {k: v for k, v in laporan_row().items() if k not in ("nilai_tl", "max_waktu_tl_jam")}
    row.update({"Nama Pelapor": "x", "No HP": "0812", " Catatan Petugas ": "y"})
    month = read_month(month_factory([row]), "2022-06")
    assert month.dropped_columns["laporan"] == {"pelapor": 2, "lainnya": ["Catatan Petugas"]}
    assert month.dropped_columns["koordinasi"] == {"pelapor": 0, "lainnya": []}
    assert month.laporan["nilai_tl"].isna().all()
    assert month.laporan["max_waktu_tl_jam"].tolist() == [48.0]


# --------------------------------------------------------------------------- whole files


EMPTY_HINT = (
    "baris data laporan di bawah judul; periksa apakah ekspornya lengkap (bila bulan ini "
    "memang tanpa laporan: --izinkan-kosong atau 'izinkan_kosong: true' di params)"
)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_sheet_with_only_blank_rows_is_refused_unless_allowed(month_factory, form):
    blank = {k: "" for k in laporan_row()}
    path = month_factory([blank, blank], form=form)
    with pytest.raises(InputDataError, match="Data tidak valid") as err:
        read_month(path, "2022-06")
    (p,) = err.value.problems
    what = "sheet" if form == "xlsx" else "berkas"
    assert (p.sheet, p.row, p.column) == (("laporan" if form == "xlsx" else None), None, None)
    assert (p.message, p.expected) == (
        f"{what} hanya berisi baris judul, tanpa baris data",
        EMPTY_HINT,
    )
    month = read_month(path, "2022-06", izinkan_kosong=True)
    assert month.counts["laporan"] == {"read": 0, "kept": 0, "left_out": 0}


def test_a_sheet_with_one_data_row_among_blank_rows_is_read(month_factory):
    blank = {k: "" for k in laporan_row()}
    month = read_month(month_factory([blank, laporan_row(), blank]), "2022-06")
    assert month.counts["laporan"] == {"read": 1, "kept": 1, "left_out": 0}


def test_an_export_of_another_month_is_refused_naming_the_entry_column(month_factory):
    rows = [laporan_row(waktu_masuk="2022-05-03 08:00:00", waktu_respon="", waktu_selesai="")]
    path = month_factory(rows)
    with pytest.raises(InputDataError, match=r"^Data tidak masuk akal untuk periode ini:\n") as err:
        read_month(path, "2022-06")
    (p,) = err.value.problems
    assert (p.file, p.sheet, p.row, p.column) == (
        str(path / "laporan.csv"),
        None,
        None,
        "waktu_masuk",
    )
    assert p.message.startswith("0 laporan dalam periode 2022-06: semua 1 baris")
    assert p.expected.startswith("periksa lokasi data (--data pada validate/new-month")
    # new-month reads the data before params/2022-06.yaml exists: no message names it.
    assert "params/2022-06.yaml" not in str(err.value)
    month = read_month(path, "2022-06", izinkan_kosong=True)
    assert month.counts["laporan"] == {"read": 1, "kept": 0, "left_out": 1}


# --------------------------------------------------------------------------- message helpers


def test_values_in_messages_are_shown_as_written():
    from crmlib.data.validation import _display

    # A whole number stored as a float (an Excel number cell) loses its ".0".
    assert [_display(v) for v in (2206030001.0, 1.5, -2.0, 7, "  12,5 ")] == [
        "2206030001",
        "1.5",
        "-2",
        "7",
        "12,5",
    ]


def test_column_letters_follow_excel_past_z():
    from crmlib.data.headers import _column_letter

    assert [_column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
