"""Boundaries and preconditions of the metrics, one named fixture per behaviour.

Each test here was written against a mutant that survived the rest of the suite
(docs/mutasi.md): a limit rounded to whole hours, a follow-up one second late kept at
100, a zone silently dropped, a month other than June, a missing code counted as a
reference entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_metrics import (
    KANAL_REF,
    UKPD_REF,
    empty_koordinasi,
    koordinasi_frame,
    laporan_frame,
)

from crmlib import metrics as M
from crmlib.errors import CrmReportError, MetricsInputError
from crmlib.metrics import MetricParams
from crmlib.metrics._helpers import _unit_table

S = 1 / 3600  # one second in hours


def _all(laporan, koordinasi=None, periode="2022-06", **kwargs):
    return M.compute_all(
        laporan,
        empty_koordinasi() if koordinasi is None else koordinasi,
        UKPD_REF,
        KANAL_REF,
        periode=periode,
        kota="JAKARTA TIMUR",
        **kwargs,
    )


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def respon_tepat_6_jam():
    """Responses at 6 h, 6 h + 1 s, 6 h 20 min, 6 h 30 min and 6 h 30 min + 1 s."""
    return laporan_frame(
        [
            {"respon_jam": 6.0},
            {"respon_jam": 6.0 + S},
            {"respon_jam": 6 + 20 / 60},
            {"respon_jam": 6.5},
            {"respon_jam": 6.5 + S},
        ]
    )


@pytest.fixture
def tl_lewat_1_detik():
    """Follow-ups at the 48 h maximum, 1 s past it, one step (12 h) past it and 1 s more."""
    return laporan_frame(
        [
            {"nomor_laporan": "T0", "selesai_jam": 48.0},
            {"nomor_laporan": "T1", "selesai_jam": 48.0 + S},
            {"nomor_laporan": "T2", "selesai_jam": 60.0},
            {"nomor_laporan": "T3", "selesai_jam": 60.0 + S},
        ]
    )


@pytest.fixture
def ditolak_tepat_2_kali():
    """Rejected follow-ups: 2 (exactly the default threshold), 1, 3, and one left empty."""
    month = laporan_frame(
        [
            {"nomor_laporan": "D2", "jumlah_tl_ditolak": 2},
            {"nomor_laporan": "D1", "jumlah_tl_ditolak": 1},
            {"nomor_laporan": "D3", "jumlah_tl_ditolak": 3},
            {"nomor_laporan": "D0", "jumlah_tl_ditolak": 0},
        ]
    )
    month["jumlah_tl_ditolak"] = month["jumlah_tl_ditolak"].astype(float)
    month.loc[3, "jumlah_tl_ditolak"] = np.nan  # empty in the export means 0
    return month


@pytest.fixture
def tie_at_cutoff_subsecond():
    """Two kelurahan with the same mean at whole seconds; one's times carry milliseconds.

    Text timestamps keep milliseconds while Excel serials are rounded to seconds, so the
    same clock times can differ below the second. Both must share rank 1.
    """
    masuk = pd.Timestamp("2022-06-03 08:00:00")
    return laporan_frame(
        [
            {
                "ukpd": "KELURAHAN SETU",
                "waktu_masuk": masuk,
                "waktu_selesai": masuk + pd.Timedelta(hours=10),
            },
            {
                "ukpd": "KELURAHAN KAYU MANIS",
                "waktu_masuk": masuk + pd.Timedelta(milliseconds=300),
                "waktu_selesai": masuk + pd.Timedelta(hours=10, milliseconds=900),
                "waktu_respon": masuk + pd.Timedelta(hours=6, milliseconds=900),
            },
        ]
    )


@pytest.fixture
def bulan_oktober():
    """October 2022: reports at the first and the last second of the month."""
    return laporan_frame(
        [
            {"nomor_laporan": "O1", "waktu_masuk": pd.Timestamp("2022-10-01 00:00:00")},
            {"nomor_laporan": "O2", "waktu_masuk": pd.Timestamp("2022-10-31 23:59:59")},
            {"nomor_laporan": "O3", "waktu_masuk": pd.Timestamp("2022-10-15 12:00:00")},
        ]
    )


@pytest.fixture
def zona_waktu_campuran():
    """Entry in UTC, response in Jakarta time: 08:00 UTC is 15:00 in Jakarta (+1 h = 16:00)."""
    month = laporan_frame([{"respon_jam": None}])
    month["waktu_masuk"] = pd.Series([pd.Timestamp("2022-06-03 08:00", tz="UTC")])
    month["waktu_respon"] = pd.Series([pd.Timestamp("2022-06-03 16:00", tz="Asia/Jakarta")])
    return month


# --------------------------------------------------------------------------- response limit


def test_response_at_exactly_6_hours_is_on_time_and_one_second_later_is_late(
    respon_tepat_6_jam,
):
    assert M.compute_respon(respon_tepat_6_jam.iloc[:2], 6.0)["tepat_waktu"] == 1
    assert M.compute_respon(respon_tepat_6_jam, 6.0)["terlambat"] == 4
    assert M.compute_respon(respon_tepat_6_jam)["tepat_waktu"] == 1  # default: 6 h


def test_a_fractional_limit_is_not_rounded_to_whole_hours(respon_tepat_6_jam):
    # 6.5 h: 6 h, 6 h + 1 s, 6 h 20 min and 6 h 30 min are on time; 6 h 30 min + 1 s is late.
    respon = M.compute_respon(respon_tepat_6_jam, 6.5)
    assert respon == {"batas_jam": 6.5, "tepat_waktu": 4, "terlambat": 1}
    m = _all(respon_tepat_6_jam, params=MetricParams(batas_respon_jam=6.5))
    assert m.respon["tepat_waktu"] == 4


def test_persen_is_the_share_of_all_reports():
    assert M.persen(3, 4) == 75.0
    assert M.persen(0, 2) == 0.0
    assert M.persen(1, 3) == 100 / 3
    assert M.persen(0, 0) is None


# --------------------------------------------------------------------------- follow-up score


def test_follow_up_one_second_late_loses_a_step(tl_lewat_1_detik):
    assert M.compute_nilai_tl(tl_lewat_1_detik).tolist() == [100.0, 90.0, 90.0, 80.0]
    low = _all(tl_lewat_1_detik).nilai_tl_dibawah_100
    assert low["nomor_laporan"].tolist() == ["T1", "T2", "T3"]


def test_capaian_uses_the_given_penalty(tl_lewat_1_detik):
    params = MetricParams(penalti_per_langkah=25.0)
    assert M.compute_capaian(tl_lewat_1_detik, params) == (100 + 75 + 75 + 50) / 4
    assert _all(tl_lewat_1_detik, params=params).capaian_persen == 75.0


def test_a_score_without_a_completion_is_ignored_everywhere():
    month = laporan_frame(
        [
            {"nomor_laporan": "S1", "selesai_jam": 10.0},
            {"nomor_laporan": "S2", "selesai_jam": None, "status": "Wait", "nilai_tl": 50.0},
        ]
    )
    assert np.isnan(M.compute_nilai_tl(month)[1])
    assert M.compute_capaian(month) == 100.0
    assert M.compute_nilai_dibawah_100(month, UKPD_REF).empty
    m = _all(month)
    assert (m.jumlah_selesai, m.capaian_persen) == (1, 100.0)
    assert m.nilai_tl_dibawah_100.empty


def test_a_completed_report_without_maximum_or_score_is_refused():
    month = laporan_frame([{"selesai_jam": 10.0, "max_waktu_tl_jam": np.nan}])
    with pytest.raises(MetricsInputError, match="tanpa max_waktu_tl_jam"):
        M.compute_nilai_tl(month)
    with pytest.raises(MetricsInputError) as err:
        _all(month)
    assert str(err.value) == (
        "1 laporan selesai tanpa max_waktu_tl_jam dan tanpa nilai_tl: nilainya tidak bisa dihitung"
    )


def test_a_missing_maximum_is_fine_with_an_export_score_or_without_completion():
    month = laporan_frame(
        [
            {"selesai_jam": 10.0, "max_waktu_tl_jam": np.nan, "nilai_tl": 70.0},
            {"selesai_jam": None, "max_waktu_tl_jam": np.nan, "status": "Wait"},
        ]
    )
    m = _all(month)
    assert (m.jumlah_selesai, m.capaian_persen) == (1, 70.0)


def test_whole_hour_maximums_are_listed_as_float_hours(tl_lewat_1_detik):
    month = tl_lewat_1_detik.astype({"max_waktu_tl_jam": "int64"})  # an export with 48, not 48.0
    low = M.compute_nilai_dibawah_100(month, UKPD_REF)
    assert low["max_waktu_tl_jam"].dtype == np.float64
    assert low["max_waktu_tl_jam"].tolist() == [48.0, 48.0, 48.0]
    assert low["nilai_tl"].tolist() == [90.0, 90.0, 80.0]


# --------------------------------------------------------------------------- rejected follow-ups


def test_rejected_exactly_twice_is_listed(ditolak_tepat_2_kali):
    out = M.compute_tl_ditolak(ditolak_tepat_2_kali, UKPD_REF)
    assert out["nomor_laporan"].tolist() == ["D2", "D3"]
    assert out["jumlah_ditolak"].tolist() == [2, 3]
    assert M.compute_tl_ditolak(ditolak_tepat_2_kali, UKPD_REF, 3)["nomor_laporan"].tolist() == [
        "D3"
    ]


def test_an_empty_rejection_count_is_0_not_1(ditolak_tepat_2_kali):
    params = MetricParams(ambang_ditolak=1)
    listed = _all(ditolak_tepat_2_kali, params=params).tl_ditolak["nomor_laporan"].tolist()
    assert listed == ["D1", "D2", "D3"]
    per = M.compute_per_ukpd(ditolak_tepat_2_kali, empty_koordinasi(), UKPD_REF, params)
    assert per.set_index("ukpd").loc["KELURAHAN KAYU MANIS", "tl_ditolak"] == 3


def test_threshold_0_lists_every_report_including_empty_counts(ditolak_tepat_2_kali):
    params = MetricParams(ambang_ditolak=0)
    out = _all(ditolak_tepat_2_kali, params=params).tl_ditolak
    assert out["nomor_laporan"].tolist() == ["D0", "D1", "D2", "D3"]
    assert out["jumlah_ditolak"].tolist() == [0, 1, 2, 3]


# --------------------------------------------------------------------------- whole seconds


def test_ties_are_judged_at_whole_seconds(tie_at_cutoff_subsecond):
    for terlama in (False, True):
        out = M.compute_penyelesaian_ranking(tie_at_cutoff_subsecond, UKPD_REF, 1, terlama)
        assert out["peringkat"].tolist() == [1, 1]
        assert len(set(out.iloc[:, 3])) == 1  # the two means are bit-identical
    m = _all(tie_at_cutoff_subsecond, params=MetricParams(peringkat_n=1))
    assert m.penyelesaian_tercepat["peringkat"].tolist() == [1, 1]
    assert m.waktu_tl_jam.tolist() == [10.0, 10.0]


def test_sub_second_parts_do_not_make_a_response_late(tie_at_cutoff_subsecond):
    # 08:00:00.300 → 14:00:00.900 is 6 h at whole seconds: on time.
    assert M.compute_respon(tie_at_cutoff_subsecond, 6.0)["tepat_waktu"] == 2


# --------------------------------------------------------------------------- other months


def test_october_has_31_days_and_counts_its_first_and_last_second(bulan_oktober):
    m = _all(bulan_oktober, periode="2022-10")
    assert len(m.harian) == 31
    assert m.harian["tanggal"].iloc[-1] == pd.Timestamp("2022-10-31")
    assert m.harian["jumlah"].iloc[[0, 14, 30]].tolist() == [1, 1, 1]
    assert m.harian["jumlah"].sum() == 3


def test_december_ends_at_the_new_year():
    month = laporan_frame([{"waktu_masuk": pd.Timestamp("2022-12-31 23:59:59")}])
    assert _all(month, periode="2022-12").harian["jumlah"].tolist() == [0] * 30 + [1]
    early = laporan_frame([{"waktu_masuk": pd.Timestamp("2023-01-01 00:00:00")}])
    with pytest.raises(MetricsInputError, match="di luar periode 2022-12"):
        _all(early, periode="2022-12")


# --------------------------------------------------------------------------- preconditions


def test_time_zone_aware_columns_are_refused(zona_waktu_campuran):
    with pytest.raises(MetricsInputError, match="waktu_masuk memakai zona waktu"):
        M.compute_respon(zona_waktu_campuran)
    with pytest.raises(MetricsInputError, match="zona waktu"):
        _all(zona_waktu_campuran)
    assert issubclass(MetricsInputError, CrmReportError)


def test_mixed_zones_in_one_text_column_are_refused():
    month = laporan_frame([{}, {}])
    month["waktu_respon"] = pd.Series(
        ["2022-06-03 09:00:00+07:00", "2022-06-03 02:00:00+00:00"], dtype=object
    )
    with pytest.raises(MetricsInputError, match="waktu_respon"):
        M.compute_respon(month)
    month["waktu_respon"] = pd.Series(["2022-06-03 09:00:00+07:00"] * 2, dtype=object)
    with pytest.raises(MetricsInputError, match="waktu_respon memakai zona waktu"):
        M.compute_waktu_respon_jam(month)


def test_text_times_without_zone_are_accepted():
    month = laporan_frame([{}])
    month["waktu_respon"] = pd.Series(["2022-06-03 14:00:00"], dtype=object)
    assert M.compute_respon(month)["tepat_waktu"] == 1


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ({"respon_jam": -S}, "waktu_respon sebelum waktu_masuk"),
        ({"selesai_jam": -1.0}, "waktu_selesai sebelum waktu_masuk"),
    ],
)
def test_negative_durations_are_refused(row, match):
    month = laporan_frame([{}, row])
    with pytest.raises(MetricsInputError, match=f"{match}: 1 baris"):
        _all(month)
    compute = M.compute_respon if "respon" in match else M.compute_capaian
    with pytest.raises(MetricsInputError, match=match):
        compute(month)


def test_coordination_processed_before_it_was_coordinated_is_refused():
    koordinasi = koordinasi_frame([{"proses_menit": 5}, {"proses_menit": -1}])
    with pytest.raises(MetricsInputError, match="waktu_proses sebelum waktu_koordinasi"):
        M.compute_koordinasi_ranking(koordinasi, UKPD_REF)
    with pytest.raises(MetricsInputError, match="waktu_proses sebelum waktu_koordinasi"):
        _all(laporan_frame([{}]), koordinasi)


@pytest.mark.parametrize(
    ("when", "table"),
    [
        (pd.Timestamp("2022-05-31 23:59:59"), "laporan"),
        (pd.Timestamp("2022-07-01 00:00:00"), "laporan"),
        (pd.NaT, "laporan"),
        (pd.Timestamp("2022-07-01 00:00:00"), "koordinasi"),
    ],
)
def test_compute_all_refuses_rows_outside_its_month(when, table):
    laporan = laporan_frame([{}])
    koordinasi = koordinasi_frame([{}])
    if table == "laporan":
        laporan.loc[0, "waktu_masuk"] = when
        laporan.loc[0, ["waktu_respon", "waktu_selesai"]] = pd.NaT
    else:
        koordinasi.loc[0, "waktu_koordinasi"] = when
        koordinasi.loc[0, "waktu_proses"] = pd.NaT
    column = "waktu_masuk" if table == "laporan" else "waktu_koordinasi"
    with pytest.raises(MetricsInputError, match=f"{table}.{column}: 1 baris"):
        _all(laporan, koordinasi)


def test_the_first_second_of_the_month_is_inside_it():
    month = laporan_frame([{"waktu_masuk": pd.Timestamp("2022-06-01 00:00:00")}])
    assert _all(month).harian["jumlah"].iloc[0] == 1


# --------------------------------------------------------------------------- missing codes


@pytest.mark.parametrize("column", ["ukpd", "status", "kanal"])
def test_a_missing_code_is_refused_not_counted_as_a_reference_entry(column):
    month = laporan_frame([{}, {}])
    month[column] = month[column].astype(object)
    month.loc[1, column] = np.nan
    with pytest.raises(MetricsInputError, match=f"nilai {column} .*<kosong>"):
        _all(month)


def test_a_report_without_category_is_not_a_category():
    month = laporan_frame([{"kategori": "Sampah"}, {"kategori": "Jalan"}, {"kategori": "Jalan"}])
    month["kategori"] = month["kategori"].astype(object)
    month.loc[0, "kategori"] = None
    for top in (M.compute_top_kategori(month, 5), _all(month).top_kategori):
        assert top.to_dict("list") == {"peringkat": [1], "kategori": ["Jalan"], "jumlah": [2]}


def test_a_category_or_unit_with_a_single_report_is_listed():
    month = laporan_frame([{"kategori": "Jalan"}, {"kategori": "Jalan"}, {"kategori": "Sampah"}])
    top = M.compute_top_kategori(month, 5)
    assert top.to_dict("list") == {
        "peringkat": [1, 2],
        "kategori": ["Jalan", "Sampah"],
        "jumlah": [2, 1],
    }
    assert M.compute_top_ukpd(month, UKPD_REF, 5)["jumlah"].tolist() == [3]
    one = laporan_frame([{"ukpd": "KELURAHAN SETU"}])
    assert M.compute_top_ukpd(one, UKPD_REF, 5)["ukpd"].tolist() == ["KELURAHAN SETU"]


# --------------------------------------------------------------------------- reference order


def test_channels_follow_the_reference_order_not_the_row_order():
    shuffled = KANAL_REF.sample(frac=1.0, random_state=3).reset_index(drop=True)
    month = laporan_frame([{"kanal": "Twitter"}, {"kanal": "JAKI"}])
    out = M.compute_per_kanal(month, shuffled)
    assert out["kanal"].tolist() == KANAL_REF.sort_values("urutan")["kanal"].tolist()
    no_order = shuffled.drop(columns="urutan")
    assert M.compute_per_kanal(month, no_order)["kanal"].tolist() == no_order["kanal"].tolist()


def _every_third(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``urutan`` 0, 1, 2, 0, 1, 2, …: rows 0, 3, 6, … share the first place."""
    return table.assign(urutan=np.arange(len(table)) % 3)


def _stable_order(names: list) -> list:
    return names[0::3] + names[1::3] + names[2::3]


def test_units_and_channels_sharing_an_urutan_keep_their_table_order():
    ref = _every_third(UKPD_REF)
    rekap = M.compute_rekap_status(laporan_frame([{}]), ref)
    assert rekap["ukpd"].tolist() == _stable_order(UKPD_REF["ukpd"].tolist())
    extra = pd.DataFrame({"kanal": [f"K{i}" for i in range(10)], "keterangan": "lain"})
    kanal_ref = _every_third(pd.concat([KANAL_REF, extra], ignore_index=True))
    out = M.compute_per_kanal(laporan_frame([{}]), kanal_ref)
    assert out["kanal"].tolist() == _stable_order(kanal_ref["kanal"].tolist())


def test_kecamatan_groups_are_labelled_kecamatan_and_the_city_kota():
    out = M.compute_kecamatan_status(laporan_frame([{}]), UKPD_REF)
    assert out["tingkat"].tolist() == ["kecamatan"] * (len(out) - 1) + ["kota"]


def test_a_group_is_labelled_kecamatan_whichever_unit_comes_first():
    # Without its office row, MATRAMAN's first unit is a kelurahan: still a kecamatan group.
    ref = UKPD_REF.loc[UKPD_REF["ukpd"] != "KECAMATAN MATRAMAN"]
    out = M.compute_kecamatan_status(laporan_frame([{}]), ref)
    assert out[["kelompok", "tingkat", "total"]].iloc[0].tolist() == ["MATRAMAN", "kecamatan", 1]


def test_per_tanggal_is_none_when_not_given_and_a_timestamp_otherwise():
    month = laporan_frame([{}])
    assert _all(month).per_tanggal is None
    assert _all(month, per_tanggal="2022-07-11 08:34").per_tanggal == pd.Timestamp(
        "2022-07-11 08:34"
    )


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batas_respon_jam": 0.0},
        {"penalti_per_langkah": 0.0},
        {"langkah_jam": 1e-9},
        {"top_n": 0},
        {"peringkat_n": 0},
        {"ambang_ditolak": 0},
        {"top_n": np.int64(3)},
    ],
)
def test_metric_params_accept_their_boundary_values(kwargs):
    params = MetricParams(**kwargs)
    for name, value in kwargs.items():
        assert getattr(params, name) == value


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batas_respon_jam": -0.1}, "batas_respon_jam harus >= 0"),
        ({"batas_respon_jam": float("nan")}, "batas_respon_jam harus >= 0"),
        ({"langkah_jam": 0.0}, "langkah_jam harus > 0"),
        ({"penalti_per_langkah": -1.0}, "penalti_per_langkah harus >= 0"),
        ({"top_n": -1}, "top_n harus bilangan bulat >= 0"),
        ({"peringkat_n": 1.5}, "peringkat_n harus bilangan bulat"),
        ({"ambang_ditolak": True}, "ambang_ditolak harus bilangan bulat"),
    ],
)
def test_metric_params_refuse_values_past_their_boundaries(kwargs, match):
    with pytest.raises(MetricsInputError, match=match):
        MetricParams(**kwargs)


def test_a_zero_response_limit_counts_only_instant_responses():
    month = laporan_frame([{"respon_jam": 0.0}, {"respon_jam": S}])
    assert M.compute_respon(month, 0.0) == {"batas_jam": 0.0, "tepat_waktu": 1, "terlambat": 1}


# --------------------------------------------------------------------------- messages, defaults


def _one_of_each(fn):
    """Every public per-table function, called with the arguments it needs."""
    return {
        M.compute_rekap_status: lambda df: fn(df, UKPD_REF),
        M.compute_kecamatan_status: lambda df: fn(df, UKPD_REF),
        M.compute_respon: lambda df: fn(df),
        M.compute_waktu_respon_jam: lambda df: fn(df),
        M.compute_waktu_tl_jam: lambda df: fn(df),
        M.compute_nilai_tl: lambda df: fn(df),
        M.compute_capaian: lambda df: fn(df),
        M.compute_top_ukpd: lambda df: fn(df, UKPD_REF),
        M.compute_top_kategori: lambda df: fn(df),
        M.compute_koordinasi_ranking: lambda df: fn(df, UKPD_REF),
        M.compute_penyelesaian_ranking: lambda df: fn(df, UKPD_REF),
        M.compute_tl_ditolak: lambda df: fn(df, UKPD_REF),
        M.compute_nilai_dibawah_100: lambda df: fn(df, UKPD_REF),
        M.compute_per_kanal: lambda df: fn(df, KANAL_REF),
        M.compute_harian: lambda df: fn(df, "2022-06"),
    }[fn]


PER_TABLE = [
    (M.compute_rekap_status, "laporan", "ukpd"),
    (M.compute_kecamatan_status, "laporan", "ukpd"),
    (M.compute_respon, "laporan", "waktu_masuk"),
    (M.compute_waktu_respon_jam, "laporan", "waktu_masuk"),
    (M.compute_waktu_tl_jam, "laporan", "waktu_masuk"),
    (M.compute_nilai_tl, "laporan", "waktu_masuk"),
    (M.compute_capaian, "laporan", "waktu_masuk"),
    (M.compute_top_ukpd, "laporan", "ukpd"),
    (M.compute_top_kategori, "laporan", "kategori"),
    (M.compute_koordinasi_ranking, "koordinasi", "ukpd"),
    (M.compute_penyelesaian_ranking, "laporan", "ukpd"),
    (M.compute_tl_ditolak, "laporan", "nomor_laporan"),
    (M.compute_nilai_dibawah_100, "laporan", "nomor_laporan"),
    (M.compute_per_kanal, "laporan", "kanal"),
    (M.compute_harian, "laporan", "waktu_masuk"),
]


@pytest.mark.parametrize(
    ("fn", "table", "first"), PER_TABLE, ids=lambda v: getattr(v, "__name__", v)
)
def test_every_function_names_the_table_and_its_missing_columns(fn, table, first):
    with pytest.raises(MetricsInputError, match=f"^tabel {table} tidak punya kolom: {first}"):
        _one_of_each(fn)(pd.DataFrame({"lain": [1]}))


UNIT_USERS = [fn for fn, _, first in PER_TABLE if first == "ukpd"] + [
    M.compute_tl_ditolak,
    M.compute_nilai_dibawah_100,
]


@pytest.mark.parametrize("fn", UNIT_USERS, ids=lambda f: f.__name__)
def test_every_function_names_an_unknown_unit(fn):
    if fn is M.compute_koordinasi_ranking:
        frame, label = koordinasi_frame([{}]), r"ukpd \(koordinasi\)"
    else:
        frame, label = laporan_frame([{}]), "ukpd"
    frame["ukpd"] = "ATLANTIS"
    with pytest.raises(
        MetricsInputError, match=f"^nilai {label} tidak ada di daftar referensi: ATLANTIS$"
    ):
        _one_of_each(fn)(frame)


@pytest.mark.parametrize("fn", [M.compute_rekap_status, M.compute_kecamatan_status])
def test_recaps_name_an_unknown_status(fn):
    frame = laporan_frame([{}])
    frame["status"] = "Selesai"
    with pytest.raises(
        MetricsInputError, match="^nilai status tidak ada di daftar referensi: Selesai$"
    ):
        fn(frame, UKPD_REF)


def test_the_zone_message_says_what_to_do(zona_waktu_campuran):
    with pytest.raises(MetricsInputError) as err:
        M.compute_respon(zona_waktu_campuran)
    assert str(err.value) == (
        "kolom waktu_masuk memakai zona waktu; metrik menghitung dengan waktu lokal "
        "Asia/Jakarta tanpa zona (pembaca data mengubahnya lebih dulu)"
    )


def test_individual_functions_default_to_the_contract_settings():
    import inspect

    p = MetricParams()
    defaults = {
        (M.compute_respon, "batas_jam"): p.batas_respon_jam,
        (M.compute_top_ukpd, "n"): p.top_n,
        (M.compute_top_kategori, "n"): p.top_n,
        (M.compute_koordinasi_ranking, "n"): p.peringkat_n,
        (M.compute_penyelesaian_ranking, "n"): p.peringkat_n,
        (M.compute_tl_ditolak, "ambang"): p.ambang_ditolak,
        (M.compute_koordinasi_ranking, "terlama"): False,
        (M.compute_penyelesaian_ranking, "terlama"): False,
    }
    for (fn, name), value in defaults.items():
        assert inspect.signature(fn).parameters[name].default == value, (fn.__name__, name)
    assert (p.batas_respon_jam, p.top_n, p.peringkat_n, p.ambang_ditolak) == (6.0, 5, 10, 2)


def test_duration_series_keep_the_frame_index_and_their_names():
    month = laporan_frame([{"respon_jam": 2.0, "selesai_jam": 3.0}]).set_axis([42])
    for fn, name, hours in (
        (M.compute_waktu_respon_jam, "waktu_respon_jam", 2.0),
        (M.compute_waktu_tl_jam, "waktu_tl_jam", 3.0),
    ):
        pd.testing.assert_series_equal(fn(month), pd.Series([hours], index=[42], name=name))
    nilai = M.compute_nilai_tl(month)
    pd.testing.assert_series_equal(nilai, pd.Series([100.0], index=[42], name="nilai_tl"))


# --------------------------------------------------------------------------- table shapes


def _small_month():
    return (
        laporan_frame(
            [
                {"ukpd": "KELURAHAN SETU", "status": "Complete", "selesai_jam": 60.0},
                {"ukpd": "KELURAHAN SETU", "status": "Wait", "selesai_jam": None},
                {"ukpd": "KECAMATAN CIPAYUNG", "jumlah_tl_ditolak": 3, "kanal": "Twitter"},
            ]
        ),
        koordinasi_frame([{"ukpd": "KELURAHAN SETU"}]),
    )


@pytest.mark.parametrize("empty", [False, True], ids=["month", "empty"])
def test_every_table_has_its_columns_and_integer_counts(empty):
    laporan, koordinasi = _small_month()
    if empty:
        laporan, koordinasi = laporan.iloc[:0], koordinasi.iloc[:0]
    m = _all(laporan, koordinasi, params=MetricParams(top_n=1, peringkat_n=1))
    counts = [*M.STATUSES, "total"]
    expected = {
        "rekap_status": ["ukpd", "tingkat", "kecamatan", *counts],
        "rekap_kecamatan": ["kelompok", "tingkat", *counts],
        "top_ukpd": ["peringkat", "ukpd", "jumlah"],
        "top_kategori": ["peringkat", "kategori", "jumlah"],
        "koordinasi_tercepat": ["peringkat", "ukpd", "jumlah", "rerata_menit"],
        "koordinasi_terlama": ["peringkat", "ukpd", "jumlah", "rerata_jam"],
        "penyelesaian_tercepat": ["peringkat", "ukpd", "jumlah", "rerata_menit"],
        "penyelesaian_terlama": ["peringkat", "ukpd", "jumlah", "rerata_jam"],
        "tl_ditolak": M.TL_DITOLAK_COLUMNS,
        "nilai_tl_dibawah_100": M.NILAI_COLUMNS,
        "per_kanal": ["kanal", "keterangan", "jumlah"],
        "harian": ["tanggal", "jumlah"],
    }
    assert set(expected) == set(M.TABLES)
    for name, columns in expected.items():
        table = getattr(m, name)
        assert table.columns.tolist() == columns, name
        assert isinstance(table.index, pd.RangeIndex) and table.index.start == 0, name
        for col in {"peringkat", "jumlah", "jumlah_ditolak", *counts} & set(columns):
            assert table[col].dtype == np.int64, (name, col)
    for name in ("rekap_kecamatan", "top_kategori"):
        table = getattr(m, name)
        for col in ("kelompok", "tingkat", "kategori"):
            if col in table.columns:
                assert all(isinstance(v, str) for v in table[col]), (name, col)
    assert m.harian["tanggal"].dtype.kind == "M"
    if not empty:
        kanal = m.per_kanal.set_index("kanal")
        assert kanal.loc["Twitter", "jumlah"] == 1
        assert (
            kanal.loc["Twitter", "keterangan"]
            == KANAL_REF.set_index("kanal").loc["Twitter", "keterangan"]
        )
        assert m.tl_ditolak["jumlah_ditolak"].tolist() == [3]


def test_compute_all_names_each_table_and_the_month_in_its_messages():
    laporan, koordinasi = _small_month()
    with pytest.raises(MetricsInputError, match="^tabel laporan tidak punya kolom: kanal$"):
        _all(laporan.drop(columns="kanal"), koordinasi)
    with pytest.raises(
        MetricsInputError, match="^tabel koordinasi tidak punya kolom: waktu_proses$"
    ):
        _all(laporan, koordinasi.drop(columns="waktu_proses"))
    laporan.loc[0, "waktu_masuk"] = pd.Timestamp("2022-07-02")
    laporan.loc[0, ["waktu_respon", "waktu_selesai"]] = pd.NaT
    with pytest.raises(MetricsInputError) as err:
        _all(laporan, koordinasi)
    assert str(err.value) == (
        "laporan.waktu_masuk: 1 baris kosong atau di luar periode 2022-06; "
        "saring data ke bulannya lebih dulu (pembaca data melakukannya)"
    )


def test_compute_all_carries_its_settings_and_names_coordination_units():
    laporan, koordinasi = _small_month()
    params = MetricParams(top_n=2)
    m = _all(laporan, koordinasi, params=params)
    assert (m.periode, m.kota, m.params) == ("2022-06", "JAKARTA TIMUR", params)
    koordinasi["ukpd"] = "ATLANTIS"
    with pytest.raises(MetricsInputError, match=r"^nilai ukpd \(koordinasi\) tidak ada"):
        _all(laporan, koordinasi)


def test_compute_all_duration_series_keep_the_frame_index_and_their_names():
    month = laporan_frame([{"respon_jam": 2.0, "selesai_jam": 3.0}]).set_axis([42])
    m = _all(month)
    pd.testing.assert_series_equal(
        m.waktu_respon_jam, pd.Series([2.0], index=[42], name="waktu_respon_jam")
    )
    pd.testing.assert_series_equal(
        m.waktu_tl_jam, pd.Series([3.0], index=[42], name="waktu_tl_jam")
    )


def test_broken_reference_tables_are_named():
    month = laporan_frame([{}])
    with pytest.raises(MetricsInputError, match="^tabel kanal_ref tidak punya kolom: kanal$"):
        M.compute_per_kanal(month, KANAL_REF.drop(columns="kanal"))
    with pytest.raises(MetricsInputError, match="^tabel ukpd_ref tidak punya kolom: tingkat$"):
        M.compute_top_ukpd(month, UKPD_REF.drop(columns="tingkat"))


def test_individual_functions_use_the_contract_defaults_when_called_without_settings():
    # Six categories with distinct counts: the default N = 5 keeps five.
    kategori = [k for i, k in enumerate("ABCDEF") for _ in range(i + 1)]
    top = M.compute_top_kategori(laporan_frame([{"kategori": k} for k in kategori]))
    assert top["kategori"].tolist() == ["F", "E", "D", "C", "B"]
    # Eleven kelurahan with distinct means: the default N = 10 keeps ten, fastest first.
    kel = [u for u in UKPD_REF.loc[UKPD_REF["tingkat"] == "kelurahan", "ukpd"]][:11]
    koordinasi = koordinasi_frame([{"ukpd": u, "proses_menit": i + 1} for i, u in enumerate(kel)])
    fast = M.compute_koordinasi_ranking(koordinasi, UKPD_REF)
    assert fast["ukpd"].tolist() == kel[:10] and "rerata_menit" in fast.columns
    units = laporan_frame([{"ukpd": u} for i, u in enumerate(kel[:6]) for _ in range(i + 1)])
    assert M.compute_top_ukpd(units, UKPD_REF)["ukpd"].tolist() == kel[5:0:-1]
    laporan = laporan_frame([{"ukpd": u, "selesai_jam": i + 1} for i, u in enumerate(kel)])
    fast = M.compute_penyelesaian_ranking(laporan, UKPD_REF)
    assert fast["ukpd"].tolist() == kel[:10] and "rerata_menit" in fast.columns


def test_an_unknown_channel_is_named():
    month = laporan_frame([{"kanal": "Telepati"}])
    with pytest.raises(
        MetricsInputError, match="^nilai kanal tidak ada di daftar referensi: Telepati$"
    ):
        M.compute_per_kanal(month, KANAL_REF)


def test_unknown_codes_are_listed_once_sorted_and_at_most_ten():
    first_unit = _unit_table(UKPD_REF)["ukpd"].iloc[0]  # code 0: a valid unit
    month = laporan_frame([{"ukpd": first_unit}, {}, {}, {}])
    month["ukpd"] = month["ukpd"].astype(object)
    month.loc[1:, "ukpd"] = ["ZETA", np.nan, "ATLANTIS"]
    with pytest.raises(MetricsInputError) as err:
        M.compute_rekap_status(month, UKPD_REF)
    assert str(err.value) == "nilai ukpd tidak ada di daftar referensi: <kosong>, ATLANTIS, ZETA"
    many = laporan_frame([{} for _ in range(12)])
    many["ukpd"] = [f"X{i:02d}" for i in range(12)]
    with pytest.raises(MetricsInputError) as err:
        M.compute_top_ukpd(many, UKPD_REF)
    listed = str(err.value).split(": ", 1)[1].split(", ")
    assert listed == [f"X{i:02d}" for i in range(10)]


def test_every_missing_column_is_named_in_table_order():
    laporan, koordinasi = _small_month()
    with pytest.raises(MetricsInputError) as err:
        _all(laporan.drop(columns=["nilai_tl", "kanal", "ukpd"]), koordinasi)
    assert str(err.value) == "tabel laporan tidak punya kolom: kanal, ukpd, nilai_tl"


def _broken(case):
    """The small month with one thing wrong (``case``)."""
    laporan, koordinasi = _small_month()
    if case == "laporan_column":
        laporan = laporan.drop(columns="kanal")
    elif case == "koordinasi_column":
        koordinasi = koordinasi.drop(columns="waktu_proses")
    elif case == "unit":
        laporan["ukpd"] = "ATLANTIS"
    elif case == "status":
        laporan["status"] = "Selesai"
    elif case == "koordinasi_unit":
        koordinasi["ukpd"] = "ATLANTIS"
    elif case == "respon":
        laporan.loc[0, "waktu_respon"] = laporan.loc[0, "waktu_masuk"] - pd.Timedelta(seconds=1)
    elif case == "selesai":
        laporan.loc[0, "waktu_selesai"] = laporan.loc[0, "waktu_masuk"] - pd.Timedelta(hours=1)
    else:
        koordinasi.loc[0, "waktu_proses"] = koordinasi.loc[0, "waktu_koordinasi"] - pd.Timedelta(
            minutes=1
        )
    return laporan, koordinasi


BACKWARDS = "1 baris dengan waktu mundur (durasi negatif)"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("laporan_column", "tabel laporan tidak punya kolom: kanal"),
        ("koordinasi_column", "tabel koordinasi tidak punya kolom: waktu_proses"),
        ("unit", "nilai ukpd tidak ada di daftar referensi: ATLANTIS"),
        ("status", "nilai status tidak ada di daftar referensi: Selesai"),
        ("koordinasi_unit", "nilai ukpd (koordinasi) tidak ada di daftar referensi: ATLANTIS"),
        ("respon", f"waktu_respon sebelum waktu_masuk: {BACKWARDS}"),
        ("selesai", f"waktu_selesai sebelum waktu_masuk: {BACKWARDS}"),
        ("proses", f"waktu_proses sebelum waktu_koordinasi: {BACKWARDS}"),
    ],
)
@pytest.mark.parametrize("per_ukpd", [False, True], ids=["compute_all", "compute_per_ukpd"])
def test_the_month_and_the_per_unit_table_name_what_is_wrong(case, message, per_ukpd):
    laporan, koordinasi = _broken(case)
    with pytest.raises(MetricsInputError) as err:
        if per_ukpd:
            M.compute_per_ukpd(laporan, koordinasi, UKPD_REF)
        else:
            _all(laporan, koordinasi)
    assert str(err.value) == message


def test_a_reference_with_an_empty_kecamatan_keeps_the_city_office_apart():
    ref = UKPD_REF.astype({"kecamatan": object})
    ref.loc[ref["tingkat"] == "kota", "kecamatan"] = np.nan  # as read from an empty cell
    month = laporan_frame([{"ukpd": "WALIKOTA JAKARTA TIMUR"}])
    kec = M.compute_kecamatan_status(month, ref)
    assert kec[["kelompok", "tingkat", "total"]].iloc[-1].tolist() == [
        "WALIKOTA JAKARTA TIMUR",
        "kota",
        1,
    ]
    assert M.compute_rekap_status(month, ref)["kecamatan"].iloc[-1] == ""
