"""Tests of crmlib.report.fmt: Indonesian numbers, dates, words and unit names."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crmlib.report import fmt
from crmlib.report.fmt import (
    DESIMAL,
    KOSONG,
    bulatkan,
    format_angka,
    format_bulan_tahun,
    format_bulan_tahun_singkat,
    format_durasi_jam,
    format_jumlah_terbilang,
    format_jumlah_terbilang_kapital,
    format_menit,
    format_nama_kelurahan,
    format_persen,
    format_perubahan,
    format_perubahan_poin,
    format_tanggal,
    format_tanggal_waktu,
    format_ukpd,
    nama_bulan,
    nama_bulan_singkat,
    terbilang,
)


def parse_angka(text: str) -> float:
    """Inverse of format_angka: drop thousands dots, decimal comma -> dot."""
    return float(text.replace(".", "").replace(",", "."))


# ---------------------------------------------------------------------------
# format_angka
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0, None, "0"),
        (1, None, "1"),
        (1234, None, "1.234"),
        (1_000_000, None, "1.000.000"),
        (1_000_000, 2, "1.000.000,00"),
        (508, None, "508"),
        (10.63, 2, "10,63"),
        (9.7783333, 3, "9,778"),
        (67, 2, "67,00"),
        (3.0, None, "3"),
        (1234.5, None, "1.234,5"),
        (0.1 + 0.2, None, "0,3"),
        (-1234.5, 2, "-1.234,50"),
        (-7, None, "-7"),
        (np.int64(42), None, "42"),
        (np.float64(12.8), 2, "12,80"),
        (Decimal("2.5"), 0, "3"),
        (float("inf"), 2, "∞"),
        (float("-inf"), 2, "-∞"),
        (float("-inf"), None, "-∞"),
        (Decimal("Infinity"), 2, "∞"),
        (Decimal("-Infinity"), None, "-∞"),
    ],
)
def test_format_angka(x, decimals, expected):
    assert format_angka(x, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, Decimal("NaN")])
def test_format_angka_missing(missing):
    assert format_angka(missing) == KOSONG
    assert format_angka(missing, 2) == KOSONG
    assert format_persen(missing) == KOSONG


def test_rounding_is_half_up_like_the_seed_report():
    # June 2022: Cipayung 255/24 min -> "10,63", Pekayon 805/8 min -> "100,63".
    assert format_angka(255 / 24, 2) == "10,63"
    assert format_angka(805 / 8, 2) == "100,63"
    # Half away from zero on the written value, at every tie (not half to even).
    assert format_angka(0.125, 2) == "0,13"
    assert format_angka(0.5, 0) == "1"
    assert format_angka(2.5, 0) == "3"
    assert format_angka(-2.5, 0) == "-3"  # away from zero, symmetric
    assert format_angka(2.675, 2) == "2,68"  # as written, not the binary 2.67499...


def test_negative_zero_has_no_sign():
    assert format_angka(-0.001, 2) == "0,00"
    assert format_angka(-0.0) == "0"
    assert format_persen(-0.004) == "0,00%"


def test_bulatkan():
    assert bulatkan(10.625, 2) == Decimal("10.63")
    assert str(bulatkan(3, 2)) == "3.00"
    assert bulatkan(Decimal("-0.0049"), 2) == Decimal("0.00")
    assert str(bulatkan(-0.004, 2)) == "0.00"  # never "-0.00"
    assert str(bulatkan(1.5)) == "2"  # decimals defaults to 0
    with pytest.raises(ValueError, match="decimals harus >= 0"):
        bulatkan(1.0, -1)
    with pytest.raises(TypeError, match="Bukan angka"):
        bulatkan("1", 0)
    with pytest.raises(TypeError, match="Bukan angka"):
        bulatkan(True, 0)


def _excel_rounding(x: float, d: int) -> Fraction:
    """Reference: |x| as written, scaled, plus one half, floored; sign put back (exact)."""
    written = Fraction(repr(x))
    scaled = abs(written) * 10**d
    whole = math.floor(scaled + Fraction(1, 2))
    return (whole if written >= 0 else -whole) / Fraction(10**d)


def _parse_exact(text: str) -> Fraction:
    return Fraction(text.replace(".", "").replace(",", "."))


@given(
    x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    d=st.integers(min_value=0, max_value=4),
)
@example(x=99.9999, d=2)
@example(x=99.995, d=2)
@example(x=10.625, d=2)
@example(x=2.675, d=2)
@example(x=-0.5, d=0)
def test_format_angka_round_trips_to_round(x, d):
    text = format_angka(x, d)
    assert "," in text if d else "," not in text
    if d:
        assert len(text.rsplit(",", 1)[1]) == d
    # Exact ties of the written value go away from zero (as Excel, as the seed report).
    assert _parse_exact(text) == _excel_rounding(x, d)


@given(n=st.integers(min_value=-(10**15), max_value=10**15))
def test_format_angka_integers_round_trip(n):
    text = format_angka(n)
    assert int(text.replace(".", "")) == n
    # thousands groups of three digits
    groups = text.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


def test_format_angka_none_decimals_keeps_up_to_three():
    assert format_angka(9.7783333) == "9,778"
    assert format_angka(0.5) == "0,5"
    assert format_angka(1.0004) == "1"


# ---------------------------------------------------------------------------
# format_persen and durations
# ---------------------------------------------------------------------------
def test_format_persen():
    assert format_persen(76.377952) == "76,38%"
    assert format_persen(23.622) == "23,62%"
    assert format_persen(4.92) == "4,92%"
    assert format_persen(100) == "100,00%"
    assert format_persen(0) == "0,00%"
    assert format_persen(99.948, 3) == "99,948%"
    assert format_persen(12.5, 0) == "13%"


def test_format_persen_boundary_near_100():
    # Documented: half-up at 2 decimals turns these into "100,00%".
    assert format_persen(99.9999) == "100,00%"
    assert format_persen(99.995) == "100,00%"
    assert format_persen(99.99499) == "99,99%"
    # ask for more decimals where "not quite 100" matters
    assert format_persen(99.995, 3) == "99,995%"


def test_duration_helpers_follow_the_seed():
    assert format_durasi_jam(9.7783, DESIMAL["koordinasi_terlama"]) == "9,778"
    assert format_durasi_jam(67, DESIMAL["penyelesaian_terlama"]) == "67,00"
    assert format_durasi_jam(50.1) == "50,10"
    assert format_menit(10.625) == "10,63"
    assert format_menit(12.8, DESIMAL["koordinasi_tercepat"]) == "12,80"
    assert format_menit(None) == KOSONG


# ---------------------------------------------------------------------------
# terbilang
# ---------------------------------------------------------------------------
NOL_SAMPAI_DUA_PULUH = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas", "dua belas", "tiga belas", "empat belas", "lima belas", "enam belas",
    "tujuh belas", "delapan belas", "sembilan belas", "dua puluh",
]  # fmt: skip


@pytest.mark.parametrize(("n", "words"), list(enumerate(NOL_SAMPAI_DUA_PULUH)))
def test_terbilang_0_to_20(n, words):
    assert terbilang(n) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (508, "lima ratus delapan"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (2000, "dua ribu"),
        (2022, "dua ribu dua puluh dua"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (101_000, "seratus satu ribu"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (2_500_000, "dua juta lima ratus ribu"),
        (1_000_000_000, "satu miliar"),
        (3_000_000_015, "tiga miliar lima belas"),
        (1_000_000_000_000, "satu triliun"),
    ],
)
def test_terbilang(n, words):
    assert terbilang(n) == words


def test_terbilang_accepts_integral_numbers():
    assert terbilang(np.int64(5)) == "lima"
    assert terbilang(5.0) == "lima"


@pytest.mark.parametrize("bad", [-1, 10**18])
def test_terbilang_rejects_out_of_range(bad):
    with pytest.raises(ValueError, match="tidak negatif|terlalu besar"):
        terbilang(bad)


@pytest.mark.parametrize("bad", [1.5, "5", None, True])
def test_terbilang_rejects_non_integers(bad):
    with pytest.raises(TypeError, match="membutuhkan bilangan bulat"):
        terbilang(bad)


_KATA = {w: i for i, w in enumerate(NOL_SAMPAI_DUA_PULUH[:10])}
_SKALA = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12, "kuadriliun": 10**15}


def parse_terbilang(text: str) -> int:
    """Independent reader of Indonesian number words (the inverse of terbilang)."""
    total, group, current = 0, 0, 0
    for word in (
        text.replace("seribu", "satu ribu")
        .replace("sepuluh", "satu puluh")
        .replace("sebelas", "satu belas")
        .replace("seratus", "satu ratus")
        .split()
    ):
        if word in _KATA:
            current = _KATA[word]
        elif word == "belas":
            group, current = group + current + 10, 0
        elif word == "puluh":
            group, current = group + current * 10, 0
        elif word == "ratus":
            group, current = group + current * 100, 0
        elif word in _SKALA:
            total, group, current = total + (group + current) * _SKALA[word], 0, 0
        else:
            raise AssertionError(f"unknown word {word!r}")
    return total + group + current


@given(st.integers(min_value=0, max_value=10**18 - 1))
@example(21_000)
@example(1_000)
@example(1_001_001_001)
def test_terbilang_reads_back(n):
    text = terbilang(n)
    assert parse_terbilang(text) == n
    assert "nol" not in text.split() or n == 0
    # the fused forms are always used: never "satu ribu" for 1000, "satu ratus", ...
    padded = f" {text} "
    for bad in (" satu ratus", " satu belas", " satu puluh"):
        assert bad not in padded
    if n % 10**6 // 1000 == 1:
        assert "seribu" in text


def test_format_jumlah_terbilang():
    assert format_jumlah_terbilang(5) == "5 (lima)"
    assert format_jumlah_terbilang(2) == "2 (dua)"
    assert format_jumlah_terbilang(10) == "10 (sepuluh)"
    assert format_jumlah_terbilang(1000) == "1.000 (seribu)"
    assert format_jumlah_terbilang(10, kapital=True) == "10 (Sepuluh)"
    assert format_jumlah_terbilang_kapital(25) == "25 (Dua Puluh Lima)"
    assert format_jumlah_terbilang(0) == "0 (nol)"


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------
BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


@pytest.mark.parametrize(("m", "name"), list(enumerate(BULAN, start=1)))
def test_month_names(m, name):
    assert nama_bulan(m) == name
    assert format_bulan_tahun(f"2022-{m:02d}") == f"{name} 2022"
    assert format_tanggal(dt.date(2022, m, 1)) == f"1 {name} 2022"
    assert nama_bulan_singkat(m) == name[:3] or (m == 8 and nama_bulan_singkat(m) == "Agu")


@pytest.mark.parametrize("bad", [0, 13])
def test_month_out_of_range(bad):
    with pytest.raises(ValueError, match=f"Bulan harus 1..12, bukan {bad}"):
        nama_bulan(bad)
    with pytest.raises(ValueError, match=f"Bulan harus 1..12, bukan {bad}"):
        nama_bulan_singkat(bad)


def test_format_tanggal():
    assert format_tanggal(dt.date(2022, 6, 3)) == "3 Juni 2022"
    assert format_tanggal(dt.datetime(2022, 7, 11, 8, 34)) == "11 Juli 2022"
    assert format_tanggal(pd.Timestamp("2022-06-30 23:59")) == "30 Juni 2022"
    assert format_tanggal(np.datetime64("2022-06-03")) == "3 Juni 2022"
    assert format_tanggal("2022-06-03") == "3 Juni 2022"
    assert format_tanggal(None) == KOSONG
    assert format_tanggal(pd.NaT) == KOSONG
    assert format_tanggal(np.datetime64("NaT")) == KOSONG


def test_format_tanggal_rejects_garbage():
    with pytest.raises(ValueError, match="Tanggal tidak dikenali"):
        format_tanggal("kemarin")
    with pytest.raises(TypeError, match="Bukan tanggal"):
        format_tanggal(3)


def test_format_waktu_wib_is_jakarta_time_in_prose():
    from crmlib.report.fmt import format_waktu_wib

    assert format_waktu_wib("2026-12-07T00:43:43+07:00") == "7 Desember 2026 pukul 00.43 WIB"
    # An aware time elsewhere is converted to Jakarta time; a naive one is Jakarta wall time.
    assert format_waktu_wib("2026-12-06T17:43:59+00:00") == "7 Desember 2026 pukul 00.43 WIB"
    assert format_waktu_wib(pd.Timestamp("2022-07-11 08:34")) == "11 Juli 2022 pukul 08.34 WIB"
    assert format_waktu_wib(None) == KOSONG


def test_format_waktu_wib_of_a_date_and_of_a_timestamp_with_nanoseconds(recwarn):
    from crmlib.report.fmt import format_waktu_wib

    # A plain date is its midnight; a build time in nanoseconds prints without a warning.
    assert format_waktu_wib(dt.date(2026, 12, 7)) == "7 Desember 2026 pukul 00.00 WIB"
    assert format_waktu_wib(dt.date(2022, 1, 31)) == "31 Januari 2022 pukul 00.00 WIB"
    stamp = pd.Timestamp("2026-12-06 17:43:59.999999999", tz="UTC")
    assert format_waktu_wib(stamp) == "7 Desember 2026 pukul 00.43 WIB"
    assert [str(w.message) for w in recwarn] == []


def test_format_tanggal_waktu():
    assert format_tanggal_waktu(dt.datetime(2022, 6, 3, 16, 15)) == "3 Juni 2022 16:15"
    assert format_tanggal_waktu(pd.Timestamp("2022-06-06 11:15:00")) == "6 Juni 2022 11:15"
    # seconds are truncated, as Excel displays them
    assert format_tanggal_waktu(dt.datetime(2022, 6, 3, 16, 15, 59)) == "3 Juni 2022 16:15"
    assert format_tanggal_waktu(np.datetime64("2022-07-11T08:34")) == "11 Juli 2022 08:34"
    assert format_tanggal_waktu(pd.NaT) == KOSONG


def test_format_tanggal_waktu_midnight():
    assert format_tanggal_waktu(dt.datetime(2022, 6, 3)) == "3 Juni 2022 00:00"
    assert format_tanggal_waktu(pd.Timestamp("2022-06-03")) == "3 Juni 2022 00:00"
    assert format_tanggal_waktu(dt.date(2022, 6, 3)) == "3 Juni 2022 00:00"


def test_format_tanggal_waktu_keeps_own_time_zone():
    ts = pd.Timestamp("2022-06-03 16:15", tz="Asia/Jakarta")
    assert format_tanggal_waktu(ts) == "3 Juni 2022 16:15"


@pytest.mark.parametrize(
    "periode",
    [
        "2022-06",
        "2022-6",
        " 2022-06 ",
        "2022-06-15",
        dt.date(2022, 6, 1),
        dt.datetime(2022, 6, 30, 23, 59),
        pd.Timestamp("2022-06-15"),
        pd.Period("2022-06", "M"),
        np.datetime64("2022-06-15"),
    ],
)
def test_format_bulan_tahun(periode):
    assert format_bulan_tahun(periode) == "Juni 2022"


def test_format_bulan_tahun_bad_and_missing():
    assert format_bulan_tahun(None) == KOSONG
    with pytest.raises(ValueError, match="Periode tidak dikenali: '2022-13'"):
        format_bulan_tahun("2022-13")
    with pytest.raises(ValueError, match="Tanggal tidak dikenali: 'Juni'"):
        format_bulan_tahun("Juni")


def test_format_bulan_tahun_singkat():
    assert format_bulan_tahun_singkat("2022-01") == "Jan 2022"
    assert format_bulan_tahun_singkat(pd.Timestamp("2022-05-01")) == "Mei 2022"
    assert format_bulan_tahun_singkat("2022-12") == "Des 2022"


# ---------------------------------------------------------------------------
# unit names
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("KELURAHAN PULO GEBANG", "Kelurahan Pulo Gebang"),
        ("WALIKOTA JAKARTA TIMUR", "Walikota Jakarta Timur"),
        ("KECAMATAN MATRAMAN", "Kecamatan Matraman"),
        ("KELURAHAN HALIM PERDANA KUSUMA", "Kelurahan Halim Perdana Kusuma"),
        ("  KELURAHAN   UTAN KAYU  SELATAN ", "Kelurahan Utan Kayu Selatan"),
        ("MATRAMAN", "Matraman"),
        ("Kantor Walikota", "Kantor Walikota"),
        (
            "SUKU DINAS PERTAMANAN DAN HUTAN KOTA ADM. JAKARTA TIMUR",
            "Suku Dinas Pertamanan dan Hutan Kota Adm. Jakarta Timur",
        ),
        ("UPT PUSKESMAS WILAYAH II", "UPT Puskesmas Wilayah II"),
        ("SEKTOR IV DINAS DI KOTA", "Sektor IV Dinas di Kota"),
        ("PEMPROV DKI JAKARTA", "Pemprov DKI Jakarta"),
        ("PELAYANAN TERPADU (PTSP)", "Pelayanan Terpadu (PTSP)"),
        ("DAN LAIN-LAIN", "Dan Lain-Lain"),
        ("kelurahan cipayung", "Kelurahan Cipayung"),
        # no vowel: an abbreviation, even outside AKRONIM; a word with a vowel is a word
        ("SATPEL PKHP KECAMATAN", "Satpel PKHP Kecamatan"),
        ("BAGIAN TU", "Bagian Tu"),
        # a short word in brackets is an abbreviation (up to 6 letters); longer is a word
        ("SATUAN PELAKSANA (SATPEL)", "Satuan Pelaksana (SATPEL)"),
        ("DINAS (KANTORS)", "Dinas (Kantors)"),
        ("DINAS (SATPEL", "Dinas (Satpel"),
        ("DINAS SATPEL)", "Dinas Satpel)"),
        ("DINAS (SDA2)", "Dinas (Sda2)"),
        ("(DAN)", "(DAN)"),
        ("PASAR MIX", "Pasar Mix"),  # a trailing X is part of the word, not punctuation
        ("UNIT KXT", "Unit KXT"),  # X is no vowel
        # hyphenated words: only the very first part is "first"
        ("DAN-LAIN", "Dan-Lain"),
        ("RUMAH DAN-DI", "Rumah dan-di"),
    ],
)
def test_format_ukpd(raw, expected):
    assert format_ukpd(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("KELURAHAN PULO GEBANG", "Pulo Gebang"),
        ("KELURAHAN CIPAYUNG", "Cipayung"),
        ("KEL. CIPAYUNG", "Cipayung"),
        ("KEL CIPAYUNG", "Cipayung"),
        ("KECAMATAN PULO GADUNG", "Pulo Gadung"),
        ("WALIKOTA JAKARTA TIMUR", "Walikota Jakarta Timur"),
        ("KELURAHAN", "Kelurahan"),  # nothing after the prefix: leave it
        ("KELURAHAN  ", "Kelurahan"),
        ("LURAH PULO GEBANG", "Pulo Gebang"),
        ("CAMAT MATRAMAN", "Matraman"),
        ("KEC. MATRAMAN", "Matraman"),
        ("kelurahan kelurahan setu", "Kelurahan Setu"),  # only the first prefix goes
        ("KELAPA DUA WETAN", "Kelapa Dua Wetan"),  # "KEL" only as a whole word
    ],
)
def test_format_nama_kelurahan(raw, expected):
    assert format_nama_kelurahan(raw) == expected


def test_unit_names_missing():
    assert format_ukpd(None) == KOSONG
    assert format_nama_kelurahan(float("nan")) == KOSONG


def test_all_reference_units_format_cleanly():
    from crmlib.data.refdata import load_reference

    ukpd = load_reference().ukpd
    for name, nama in zip(ukpd["ukpd"], ukpd["nama"], strict=True):
        pretty = format_ukpd(name)
        assert pretty.upper() == " ".join(name.split())
        assert pretty[0].isupper() and pretty != name
        if name.startswith(("KELURAHAN ", "KECAMATAN ")):
            assert format_nama_kelurahan(name) == format_ukpd(nama)


# ---------------------------------------------------------------------------
# month over month
# ---------------------------------------------------------------------------
def test_format_perubahan():
    assert format_perubahan(520, 508) == "naik 12 (2,4%) dibanding bulan lalu"
    assert format_perubahan(500, 508, "aduan") == "turun 8 aduan (1,6%) dibanding bulan lalu"
    assert format_perubahan(508, 508) == "sama dengan bulan lalu"
    assert format_perubahan(1508, 508) == "naik 1.000 (196,9%) dibanding bulan lalu"
    assert format_perubahan(520, 508, pembanding="Mei 2022") == "naik 12 (2,4%) dibanding Mei 2022"


def test_format_perubahan_edge_cases():
    # relative change undefined when last month was 0
    assert format_perubahan(5, 0) == "naik 5 dibanding bulan lalu"
    assert format_perubahan(0, 0) == "sama dengan bulan lalu"
    assert format_perubahan(5, None) == "data bulan lalu tidak tersedia"
    assert format_perubahan(float("nan"), 5) == "data bulan lalu tidak tersedia"
    # fixed decimals keep their trailing zero
    assert format_perubahan(1.4, 1.0, decimals=2) == "naik 0,40 (40,0%) dibanding bulan lalu"
    assert format_perubahan(1.0, 1.4, decimals=2, persen_decimals=2) == (
        "turun 0,40 (28,57%) dibanding bulan lalu"
    )
    assert format_perubahan(-2, -4) == "naik 2 (50,0%) dibanding bulan lalu"
    # a difference that rounds to zero at the shown decimals is "sama"
    assert format_perubahan(76.381, 76.379, decimals=2) == "sama dengan bulan lalu"
    # decimal arithmetic: no 0.35000000000000853
    assert format_perubahan(76.38, 76.03, decimals=2, relatif=False) == (
        "naik 0,35 dibanding bulan lalu"
    )


def test_format_perubahan_poin_keeps_its_decimals_and_comparison():
    assert format_perubahan_poin(76.385, 76.0) == "naik 0,39 poin persen dibanding bulan lalu"
    assert format_perubahan_poin(76.385, 76.0, 3, pembanding="Mei 2022") == (
        "naik 0,385 poin persen dibanding Mei 2022"
    )


def test_format_bulan_tahun_needs_year_and_month():
    from types import SimpleNamespace

    assert format_bulan_tahun(SimpleNamespace(year=2022, month=10)) == "Oktober 2022"
    with pytest.raises(TypeError, match="Bukan tanggal"):
        format_bulan_tahun(SimpleNamespace(year=2022))


def test_format_perubahan_poin():
    assert format_perubahan_poin(76.38, 76.03) == "naik 0,35 poin persen dibanding bulan lalu"
    assert format_perubahan_poin(99.5, 99.95) == "turun 0,45 poin persen dibanding bulan lalu"
    assert format_perubahan_poin(100, 100) == "sama dengan bulan lalu"


def test_module_is_pure_and_light():
    # fmt must not pull in matplotlib (the notebook imports it at kernel start)
    import subprocess
    import sys

    code = "import sys, crmlib.report.fmt; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_public_api_is_documented():
    for name in fmt.__all__:
        obj = getattr(fmt, name)
        if callable(obj):
            assert obj.__doc__, name
    assert math.isclose(DESIMAL["persen"], 2)
