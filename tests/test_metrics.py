"""Hand-computed cases for every metric of the monthly report (data contract §3)."""

from __future__ import annotations

import ast
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures_metrics import (
    KANAL_REF,
    UKPD_REF,
    counts_month,
    empty_koordinasi,
    empty_laporan,
    koordinasi_frame,
    laporan_frame,
)

from crmlib import metrics as M
from crmlib.metrics import MetricParams

STATUS_COLS = ["Complete", "Disposisi", "In Progres", "Wait"]
UNIT_CITY = "WALIKOTA JAKARTA TIMUR"


def _all(laporan, koordinasi=None, **kwargs):
    return M.compute_all(
        laporan,
        empty_koordinasi() if koordinasi is None else koordinasi,
        UKPD_REF,
        KANAL_REF,
        periode=kwargs.pop("periode", "2022-06"),
        kota="JAKARTA TIMUR",
        **kwargs,
    )


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def empty_month():
    """June 2022 without a single report or coordination row."""
    return empty_laporan(), empty_koordinasi()


@pytest.fixture
def small_month():
    """Five reports over three units, all four statuses used."""
    return laporan_frame(
        [
            {"ukpd": "KELURAHAN KAYU MANIS", "status": "Complete"},
            {"ukpd": "KELURAHAN KAYU MANIS", "status": "Wait", "selesai_jam": None},
            {"ukpd": "KELURAHAN SETU", "status": "Disposisi", "selesai_jam": None},
            {"ukpd": "KELURAHAN SETU", "status": "In Progres", "selesai_jam": None},
            {"ukpd": "WALIKOTA JAKARTA TIMUR", "status": "Complete", "kanal": "Twitter"},
        ]
    )


@pytest.fixture
def response_exactly_at_limit():
    """Responses at 6 h exactly, 6 h + 1 s, 0 h, none at all (limit 6 h)."""
    return laporan_frame(
        [
            {"respon_jam": 6.0},
            {"respon_jam": 6.0 + 1 / 3600},
            {"respon_jam": 0.0},
            {"respon_jam": None},
            {"respon_jam": 5.99},
        ]
    )


@pytest.fixture
def follow_up_around_max():
    """Follow-ups at, 1 h, 12 h, 13 h and 200 h over a 48 h maximum, and one inside it."""
    return laporan_frame(
        [
            {"nomor_laporan": "A1", "selesai_jam": 48.0},
            {"nomor_laporan": "A2", "selesai_jam": 49.0},
            {"nomor_laporan": "A3", "selesai_jam": 60.0},
            {"nomor_laporan": "A4", "selesai_jam": 61.0},
            {"nomor_laporan": "A5", "selesai_jam": 248.0},
            {"nomor_laporan": "A6", "selesai_jam": 2.5},
        ]
    )


@pytest.fixture
def export_score_given():
    """CRM gave its own scores: 75 for an on-time follow-up, 100 for a late one."""
    return laporan_frame(
        [
            {"nomor_laporan": "B1", "selesai_jam": 10.0, "nilai_tl": 75.0},
            {"nomor_laporan": "B2", "selesai_jam": 67.0, "nilai_tl": 100.0},
            {"nomor_laporan": "B3", "selesai_jam": 67.0},
        ]
    )


@pytest.fixture
def missing_completion():
    """Two completed reports (100 and 80) and two not yet followed up."""
    return laporan_frame(
        [
            {"selesai_jam": 10.0},
            {"selesai_jam": 67.0},
            {"selesai_jam": None, "status": "Wait"},
            {"selesai_jam": None, "status": "Disposisi"},
        ]
    )


@pytest.fixture
def tie_at_cutoff():
    """The seed's top-unit shape: 25, 21, 21, then a four-way tie at 19, then 18 and 17."""
    return counts_month(
        {
            "KELURAHAN SETU": 19,  # official order: last of the tie
            "KELURAHAN RAWAMANGUN": 25,
            "KELURAHAN PULO GEBANG": 21,
            "KELURAHAN BIDARA CINA": 21,
            "KELURAHAN PONDOK KELAPA": 19,
            "KELURAHAN CIBUBUR": 19,
            "KELURAHAN UTAN KAYU SELATAN": 19,  # official order: first of the tie
            "KELURAHAN PENGGILINGAN": 18,
            "WALIKOTA JAKARTA TIMUR": 17,
        }
    )


# --------------------------------------------------------------------------- layer rule


def _imported_modules(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_metrics_imports_only_pandas_numpy_stdlib_errors_and_contract():
    import crmlib.data.contract
    import crmlib.errors

    allowed = {"__future__", "calendar", "dataclasses", "re", "typing", "numpy", "pandas"}
    ours = {"crmlib.errors", "crmlib.data.contract"}
    package = Path(M.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert modules, package
    for path in modules:
        names = _imported_modules(path)
        relative = {n for n in names if n.startswith("crmlib.metrics")}
        assert names - relative <= allowed | ours, path.name
    # errors.py and the contract are the only crmlib modules metrics may use, so they
    # must stay free of anything but the light standard library (errno, os and re map
    # disk and permission errors, also as a child tool reports them; every Python
    # process has os loaded, and the metrics use re themselves).
    light = {"__future__", "dataclasses", "errno", "os", "re"}
    assert _imported_modules(Path(crmlib.errors.__file__)) <= light
    assert _imported_modules(Path(crmlib.data.contract.__file__)) <= {"__future__"}


# --------------------------------------------------------------------------- empty month


def test_empty_month_gives_zeros_and_empty_tables(empty_month):
    laporan, koordinasi = empty_month
    m = _all(laporan, koordinasi)
    assert m.total_laporan == 0 and m.total_koordinasi == 0 and m.jumlah_selesai == 0
    assert m.capaian_persen is None
    assert m.respon == {"batas_jam": 6.0, "tepat_waktu": 0, "terlambat": 0}
    assert len(m.rekap_status) == len(UKPD_REF)
    assert (m.rekap_status[[*STATUS_COLS, "total"]].to_numpy() == 0).all()
    assert m.rekap_kecamatan["total"].sum() == 0
    always_full = {"rekap_status", "rekap_kecamatan", "per_kanal", "harian"}
    assert always_full < set(M.TABLES)
    for name in set(M.TABLES) - always_full:
        assert getattr(m, name).empty, name
    assert m.per_kanal["jumlah"].tolist() == [0] * 14
    assert len(m.harian) == 30 and m.harian["jumlah"].sum() == 0


def test_empty_month_individual_functions(empty_month):
    laporan, koordinasi = empty_month
    assert M.compute_capaian(laporan) is None
    assert M.compute_respon(laporan, 6.0)["terlambat"] == 0
    assert M.compute_nilai_tl(laporan).empty
    assert M.compute_top_kategori(laporan, 5).empty
    assert M.compute_koordinasi_ranking(
        koordinasi, UKPD_REF, 10, terlama=True
    ).columns.tolist() == ["peringkat", "ukpd", "jumlah", "rerata_jam"]


def test_empty_frames_with_object_columns_are_accepted():
    laporan = pd.DataFrame(columns=list(M.LAPORAN_COLUMNS))
    koordinasi = pd.DataFrame(columns=list(M.KOORDINASI_COLUMNS))
    m = _all(laporan, koordinasi)
    assert m.total_laporan == 0 and m.capaian_persen is None


# --------------------------------------------------------------------------- recap


def test_rekap_status_counts_every_unit_in_official_order(small_month):
    rekap = M.compute_rekap_status(small_month, UKPD_REF)
    assert rekap.columns.tolist() == ["ukpd", "tingkat", "kecamatan", *STATUS_COLS, "total"]
    assert rekap["ukpd"].tolist() == UKPD_REF["ukpd"].tolist()
    by = rekap.set_index("ukpd")
    assert by.loc["KELURAHAN KAYU MANIS", STATUS_COLS].tolist() == [1, 0, 0, 1]
    assert by.loc["KELURAHAN SETU", STATUS_COLS].tolist() == [0, 1, 1, 0]
    assert by.loc["WALIKOTA JAKARTA TIMUR", STATUS_COLS].tolist() == [1, 0, 0, 0]
    assert by.loc["WALIKOTA JAKARTA TIMUR", "kecamatan"] == ""
    assert rekap["total"].sum() == 5


def test_rekap_status_units_without_reports_show_zero(small_month):
    rekap = M.compute_rekap_status(small_month, UKPD_REF).set_index("ukpd")
    assert rekap.loc["KECAMATAN MATRAMAN"].total == 0
    assert rekap.loc["KELURAHAN MUNJUL", [*STATUS_COLS, "total"]].tolist() == [0, 0, 0, 0, 0]
    assert (rekap["total"] > 0).sum() == 3


def test_rekap_status_follows_reference_order_even_if_reference_is_shuffled(small_month):
    shuffled = UKPD_REF.sample(frac=1, random_state=1)
    rekap = M.compute_rekap_status(small_month, shuffled)
    assert rekap["ukpd"].tolist() == UKPD_REF["ukpd"].tolist()


def test_kecamatan_status_groups_units_and_keeps_city_office_apart(small_month):
    kec = M.compute_kecamatan_status(small_month, UKPD_REF)
    assert kec["kelompok"].tolist()[0] == "MATRAMAN"
    assert kec["kelompok"].tolist()[-1] == "WALIKOTA JAKARTA TIMUR"
    assert len(kec) == 11
    by = kec.set_index("kelompok")
    assert by.loc["MATRAMAN", STATUS_COLS].tolist() == [1, 0, 0, 1]
    assert by.loc["CIPAYUNG", STATUS_COLS].tolist() == [0, 1, 1, 0]
    assert by.loc["WALIKOTA JAKARTA TIMUR", "tingkat"] == "kota"
    assert by.loc["WALIKOTA JAKARTA TIMUR", "total"] == 1
    assert kec["total"].sum() == 5


def test_kecamatan_includes_its_office():
    month = laporan_frame([{"ukpd": "KECAMATAN CIPAYUNG"}, {"ukpd": "KELURAHAN CIPAYUNG"}])
    by = M.compute_kecamatan_status(month, UKPD_REF).set_index("kelompok")
    assert by.loc["CIPAYUNG", "total"] == 2


def test_unknown_unit_is_refused_not_dropped():
    month = laporan_frame([{}])
    month.loc[0, "ukpd"] = "KELURAHAN ATLANTIS"
    with pytest.raises(ValueError, match="ATLANTIS"):
        M.compute_rekap_status(month, UKPD_REF)


def test_unknown_status_is_refused():
    month = laporan_frame([{"status": "Selesai"}])
    with pytest.raises(ValueError, match="Selesai"):
        M.compute_rekap_status(month, UKPD_REF)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="waktu_respon"):
        M.compute_respon(laporan_frame([{}]).drop(columns="waktu_respon"), 6.0)


def test_categorical_unit_column_gives_same_result(small_month):
    as_cat = small_month.assign(ukpd=small_month["ukpd"].astype("category"))
    pd.testing.assert_frame_equal(
        M.compute_rekap_status(as_cat, UKPD_REF), M.compute_rekap_status(small_month, UKPD_REF)
    )


# --------------------------------------------------------------------------- response


def test_response_exactly_at_limit_is_on_time(response_exactly_at_limit):
    r = M.compute_respon(response_exactly_at_limit, 6.0)
    # on time: exactly 6 h, 0 h, 5.99 h; late: 6 h + 1 s and no response at all
    assert r == {"batas_jam": 6.0, "tepat_waktu": 3, "terlambat": 2}


def test_response_limit_is_configurable(response_exactly_at_limit):
    assert M.compute_respon(response_exactly_at_limit, 5.0)["tepat_waktu"] == 1
    m = _all(response_exactly_at_limit, params=MetricParams(batas_respon_jam=7.0))
    assert m.respon == {"batas_jam": 7.0, "tepat_waktu": 4, "terlambat": 1}


def test_waktu_respon_jam_is_nan_where_no_response(response_exactly_at_limit):
    jam = M.compute_waktu_respon_jam(response_exactly_at_limit)
    assert jam.iloc[0] == 6.0 and jam.iloc[2] == 0.0
    assert math.isnan(jam.iloc[3])
    assert jam.index.equals(response_exactly_at_limit.index)


# --------------------------------------------------------------------------- follow-up score


def test_follow_up_at_1h_12h_13h_over_max(follow_up_around_max):
    nilai = M.compute_nilai_tl(follow_up_around_max, MetricParams())
    # at max → 100; 1 h over → 90; 12 h over → 90; 13 h over → 80; 200 h over → 0; inside → 100
    assert nilai.tolist() == [100.0, 90.0, 90.0, 80.0, 0.0, 100.0]


def test_seed_case_67h_against_48h_scores_80():
    month = laporan_frame(
        [
            {
                "waktu_masuk": "2022-06-03 16:15",
                "waktu_selesai": "2022-06-06 11:15",
                "max_waktu_tl_jam": 48.0,
            }
        ]
    )
    assert M.compute_waktu_tl_jam(month).tolist() == [67.0]
    assert M.compute_nilai_tl(month).tolist() == [80.0]


def test_step_and_penalty_are_configurable(follow_up_around_max):
    params = MetricParams(langkah_jam=6.0, penalti_per_langkah=5.0)
    nilai = M.compute_nilai_tl(follow_up_around_max, params)
    assert nilai.tolist() == [100.0, 95.0, 90.0, 85.0, 0.0, 100.0]


def test_export_given_score_overrides_the_rule(export_score_given):
    nilai = M.compute_nilai_tl(export_score_given)
    assert nilai.tolist() == [75.0, 100.0, 80.0]
    assert M.compute_capaian(export_score_given) == pytest.approx((75 + 100 + 80) / 3)


def test_score_is_nan_without_completion(missing_completion):
    nilai = M.compute_nilai_tl(missing_completion)
    assert nilai.iloc[:2].tolist() == [100.0, 80.0]
    assert nilai.iloc[2:].isna().all()
    assert M.compute_waktu_tl_jam(missing_completion).iloc[2:].isna().all()


def test_capaian_is_the_mean_over_completed_reports_only(missing_completion):
    assert M.compute_capaian(missing_completion) == 90.0
    m = _all(missing_completion)
    assert m.capaian_persen == 90.0 and m.jumlah_selesai == 2


def test_capaian_is_none_when_nothing_completed():
    month = laporan_frame([{"selesai_jam": None}, {"selesai_jam": None}])
    assert M.compute_capaian(month) is None
    assert _all(month).capaian_persen is None


def test_capaian_of_the_seed_shape():
    rows = [{"selesai_jam": 1.0}] * 507 + [{"selesai_jam": 67.0}]
    assert M.compute_capaian(laporan_frame(rows)) == (507 * 100 + 80) / 508


# --------------------------------------------------------------------------- top lists


def test_tie_at_cutoff_lengthens_the_list(tie_at_cutoff):
    top = M.compute_top_ukpd(tie_at_cutoff, UKPD_REF, 5)
    assert top.columns.tolist() == ["peringkat", "ukpd", "jumlah"]
    assert top.to_dict("list") == {
        "peringkat": [1, 2, 2, 4, 4, 4, 4],
        "ukpd": [
            "KELURAHAN RAWAMANGUN",
            "KELURAHAN BIDARA CINA",
            "KELURAHAN PULO GEBANG",
            "KELURAHAN UTAN KAYU SELATAN",
            "KELURAHAN PONDOK KELAPA",
            "KELURAHAN CIBUBUR",
            "KELURAHAN SETU",
        ],
        "jumlah": [25, 21, 21, 19, 19, 19, 19],
    }


def test_tie_that_starts_past_the_cutoff_is_dropped(tie_at_cutoff):
    top = M.compute_top_ukpd(tie_at_cutoff, UKPD_REF, 3)
    assert top["peringkat"].tolist() == [1, 2, 2]
    top1 = M.compute_top_ukpd(tie_at_cutoff, UKPD_REF, 1)
    assert top1["ukpd"].tolist() == ["KELURAHAN RAWAMANGUN"]


def test_top_ukpd_never_lists_units_without_reports():
    top = M.compute_top_ukpd(
        counts_month({"KELURAHAN SETU": 2, "KECAMATAN CAKUNG": 1}), UKPD_REF, 5
    )
    assert top["ukpd"].tolist() == ["KELURAHAN SETU", "KECAMATAN CAKUNG"]
    assert top["peringkat"].tolist() == [1, 2]


def test_top_ukpd_counts_the_city_office_like_any_unit():
    top = M.compute_top_ukpd(
        counts_month({"WALIKOTA JAKARTA TIMUR": 3, "KELURAHAN SETU": 3}), UKPD_REF, 1
    )
    # tie: official order puts the kelurahan (Cipayung) before the city office (last)
    assert top["ukpd"].tolist() == ["KELURAHAN SETU", "WALIKOTA JAKARTA TIMUR"]
    assert top["peringkat"].tolist() == [1, 1]


def test_top_kategori_ties_are_alphabetical():
    month = laporan_frame(
        [{"kategori": "Sampah"}] * 3
        + [{"kategori": "Jalan"}] * 2
        + [{"kategori": "banjir"}] * 2
        + [{"kategori": "Parkir Liar"}] * 2
        + [{"kategori": "Pohon"}]
    )
    top = M.compute_top_kategori(month, 2)
    assert top.to_dict("list") == {
        "peringkat": [1, 2, 2, 2],
        "kategori": ["Sampah", "banjir", "Jalan", "Parkir Liar"],
        "jumlah": [3, 2, 2, 2],
    }


# --------------------------------------------------------------------------- time rankings


@pytest.fixture
def koordinasi_month():
    """Hand-computed coordination times per kelurahan (minutes to 'in process')."""
    rows = (
        [{"ukpd": "KELURAHAN CIPAYUNG", "proses_menit": m} for m in (10, 11, 11)]  # 32/3
        + [{"ukpd": "KELURAHAN SETU", "proses_menit": m} for m in (5, 15, None)]  # 10, n=2
        + [{"ukpd": "KELURAHAN KAYU MANIS", "proses_menit": 10}]  # 10 (tie)
        + [{"ukpd": "KELURAHAN MUNJUL", "proses_menit": 600}]  # 10 h
        + [{"ukpd": "KELURAHAN BARU", "proses_menit": None}]  # never
        + [{"ukpd": "KECAMATAN CIPAYUNG", "proses_menit": 1}]  # not ranked
    )
    return koordinasi_frame(rows)


def test_koordinasi_fastest_in_minutes_with_ties_in_official_order(koordinasi_month):
    fast = M.compute_koordinasi_ranking(koordinasi_month, UKPD_REF, 10, terlama=False)
    assert fast.columns.tolist() == ["peringkat", "ukpd", "jumlah", "rerata_menit"]
    assert fast["ukpd"].tolist() == [
        "KELURAHAN KAYU MANIS",
        "KELURAHAN SETU",
        "KELURAHAN CIPAYUNG",
        "KELURAHAN MUNJUL",
    ]
    assert fast["peringkat"].tolist() == [1, 1, 3, 4]
    assert fast["jumlah"].tolist() == [1, 2, 3, 1]
    assert fast["rerata_menit"].tolist() == pytest.approx([10.0, 10.0, 32 / 3, 600.0])


def test_koordinasi_slowest_in_hours(koordinasi_month):
    slow = M.compute_koordinasi_ranking(koordinasi_month, UKPD_REF, 2, terlama=True)
    assert slow.columns.tolist() == ["peringkat", "ukpd", "jumlah", "rerata_jam"]
    assert slow["ukpd"].tolist() == ["KELURAHAN MUNJUL", "KELURAHAN CIPAYUNG"]
    assert slow["rerata_jam"].tolist() == pytest.approx([10.0, 32 / 3 / 60])
    # n=3 reaches the 10-minute tie: both tied kelurahan are kept
    assert len(M.compute_koordinasi_ranking(koordinasi_month, UKPD_REF, 3, terlama=True)) == 4


def test_koordinasi_ranks_only_kelurahan_with_processed_rows(koordinasi_month):
    fast = M.compute_koordinasi_ranking(koordinasi_month, UKPD_REF, 10)
    assert "KECAMATAN CIPAYUNG" not in fast["ukpd"].tolist()
    assert "KELURAHAN BARU" not in fast["ukpd"].tolist()


def test_penyelesaian_rankings_use_completed_reports_only():
    month = laporan_frame(
        [{"ukpd": "KELURAHAN CIPAYUNG", "selesai_jam": h} for h in (0.5, 1.0, None)]
        + [{"ukpd": "KELURAHAN KEBON MANGGIS", "selesai_jam": 67.0}]
        + [{"ukpd": "KELURAHAN BALIMESTER", "selesai_jam": 50.1}]
        + [{"ukpd": "WALIKOTA JAKARTA TIMUR", "selesai_jam": 0.1}]  # not a kelurahan
        + [{"ukpd": "KELURAHAN SETU", "selesai_jam": None}]  # nothing completed
    )
    fast = M.compute_penyelesaian_ranking(month, UKPD_REF, 10, terlama=False)
    assert fast["ukpd"].tolist() == [
        "KELURAHAN CIPAYUNG",
        "KELURAHAN BALIMESTER",
        "KELURAHAN KEBON MANGGIS",
    ]
    assert fast["jumlah"].tolist() == [2, 1, 1]
    assert fast["rerata_menit"].tolist() == pytest.approx([45.0, 50.1 * 60, 67 * 60])
    slow = M.compute_penyelesaian_ranking(month, UKPD_REF, 2, terlama=True)
    assert slow["ukpd"].tolist() == ["KELURAHAN KEBON MANGGIS", "KELURAHAN BALIMESTER"]
    assert slow["rerata_jam"].tolist() == pytest.approx([67.0, 50.1])


def test_equal_means_from_different_counts_tie_exactly():
    # (10 + 20) / 2 == 15 / 1 in minutes: must be one rank, not split by rounding noise
    month = koordinasi_frame(
        [{"ukpd": "KELURAHAN SETU", "proses_menit": m} for m in (10, 20)]
        + [{"ukpd": "KELURAHAN JATI", "proses_menit": 15}]
        + [{"ukpd": "KELURAHAN BARU", "proses_menit": m} for m in (1 / 3, 1 / 3, 1 / 3)]
    )
    fast = M.compute_koordinasi_ranking(month, UKPD_REF, 2)
    assert fast["peringkat"].tolist() == [1, 2, 2]
    assert fast["ukpd"].tolist()[1:] == ["KELURAHAN JATI", "KELURAHAN SETU"]


# --------------------------------------------------------------------------- report lists


def test_tl_ditolak_threshold_and_order():
    month = laporan_frame(
        [
            {"nomor_laporan": "JK2206130046", "ukpd": "KELURAHAN SETU", "jumlah_tl_ditolak": 4},
            {
                "nomor_laporan": "JK2206080126",
                "ukpd": "KELURAHAN PONDOK KOPI",
                "jumlah_tl_ditolak": 2,
            },
            {"nomor_laporan": "JK2206000001", "ukpd": "KELURAHAN SETU", "jumlah_tl_ditolak": 2},
            {"nomor_laporan": "JK2206000002", "ukpd": "KELURAHAN JATI", "jumlah_tl_ditolak": 1},
        ]
    )
    out = M.compute_tl_ditolak(month, UKPD_REF, 2)
    assert out.columns.tolist() == M.TL_DITOLAK_COLUMNS
    assert out["nomor_laporan"].tolist() == ["JK2206080126", "JK2206000001", "JK2206130046"]
    assert out["jumlah_ditolak"].tolist() == [2, 2, 4]
    assert M.compute_tl_ditolak(month, UKPD_REF, 1)["nomor_laporan"].tolist()[0] == "JK2206000002"
    assert M.compute_tl_ditolak(month, UKPD_REF, 5).empty


def test_nilai_dibawah_100_lists_low_scores_in_unit_order(follow_up_around_max):
    month = follow_up_around_max.copy()
    month.loc[4, "ukpd"] = "KECAMATAN MATRAMAN"  # official order: before KAYU MANIS
    out = M.compute_nilai_dibawah_100(month, UKPD_REF, MetricParams())
    assert out.columns.tolist() == M.NILAI_COLUMNS
    assert out["nomor_laporan"].tolist() == ["A5", "A2", "A3", "A4"]
    assert out["nilai_tl"].tolist() == [0.0, 90.0, 90.0, 80.0]
    assert out["waktu_tl_jam"].tolist() == [248.0, 49.0, 60.0, 61.0]
    assert out["max_waktu_tl_jam"].tolist() == [48.0] * 4
    assert out["waktu_masuk"].iloc[0] == pd.Timestamp("2022-06-03 08:00")


def test_nilai_dibawah_100_includes_export_given_scores(export_score_given):
    out = M.compute_nilai_dibawah_100(export_score_given, UKPD_REF)
    assert out["nomor_laporan"].tolist() == ["B1", "B3"]
    assert out["nilai_tl"].tolist() == [75.0, 80.0]


# --------------------------------------------------------------------------- chart series


def test_per_kanal_lists_all_14_channels_in_order(small_month):
    out = M.compute_per_kanal(small_month, KANAL_REF)
    assert out["kanal"].tolist() == KANAL_REF.sort_values("urutan")["kanal"].tolist()
    by = out.set_index("kanal")["jumlah"]
    assert by["JAKI"] == 4 and by["Twitter"] == 1 and by["QLUE"] == 0
    assert out["jumlah"].sum() == 5


def test_per_kanal_refuses_unknown_channel():
    with pytest.raises(ValueError, match="Telepati"):
        M.compute_per_kanal(laporan_frame([{"kanal": "Telepati"}]), KANAL_REF)


def test_harian_has_every_day_of_the_month():
    month = laporan_frame(
        [
            {"waktu_masuk": "2024-02-01 00:00:00"},
            {"waktu_masuk": "2024-02-29 23:59:59"},
            {"waktu_masuk": "2024-02-29 12:00:00"},
            {"waktu_masuk": "2024-03-01 00:00:00"},
        ]
    )
    out = M.compute_harian(month, "2024-02")
    assert len(out) == 29
    assert out["tanggal"].iloc[0] == pd.Timestamp("2024-02-01")
    assert out["jumlah"].iloc[0] == 1 and out["jumlah"].iloc[-1] == 2
    assert out["jumlah"].sum() == 3  # the March report is not February's


def test_harian_refuses_bad_periode():
    with pytest.raises(ValueError, match="YYYY-MM"):
        M.compute_harian(laporan_frame([{}]), "June")


# --------------------------------------------------------------------------- compute_all


def test_compute_all_gives_the_hand_computed_figures(small_month, koordinasi_month):
    params = MetricParams(top_n=2, peringkat_n=2)
    m = _all(small_month, koordinasi_month, params=params, per_tanggal="2022-07-11 08:34")
    assert m.per_tanggal == pd.Timestamp("2022-07-11 08:34")
    assert (m.total_laporan, m.total_koordinasi, m.jumlah_selesai) == (5, 10, 2)
    assert m.capaian_persen == 100.0  # both completions (10 h) are inside the 48 h maximum
    assert m.respon == {"batas_jam": 6.0, "tepat_waktu": 5, "terlambat": 0}
    rekap = m.rekap_status.set_index("ukpd")
    assert rekap.loc["KELURAHAN KAYU MANIS", STATUS_COLS].tolist() == [1, 0, 0, 1]
    assert rekap.loc["KELURAHAN SETU", STATUS_COLS].tolist() == [0, 1, 1, 0]
    assert rekap.loc["WALIKOTA JAKARTA TIMUR", STATUS_COLS].tolist() == [1, 0, 0, 0]
    kec = m.rekap_kecamatan.set_index("kelompok")["total"]
    assert (kec["MATRAMAN"], kec["CIPAYUNG"], kec["WALIKOTA JAKARTA TIMUR"]) == (2, 2, 1)
    assert sorted(zip(m.top_ukpd["peringkat"], m.top_ukpd["ukpd"], strict=True)) == [
        (1, "KELURAHAN KAYU MANIS"),
        (1, "KELURAHAN SETU"),
    ]
    assert m.top_kategori.to_dict("list") == {
        "peringkat": [1],
        "kategori": ["Sampah"],
        "jumlah": [5],
    }
    fast = m.koordinasi_tercepat
    assert fast["peringkat"].tolist() == [1, 1]
    assert set(fast["ukpd"]) == {"KELURAHAN SETU", "KELURAHAN KAYU MANIS"}
    assert fast["rerata_menit"].tolist() == [10.0, 10.0]
    slow = m.koordinasi_terlama
    assert slow["ukpd"].tolist() == ["KELURAHAN MUNJUL", "KELURAHAN CIPAYUNG"]
    assert slow["rerata_jam"].tolist() == pytest.approx([10.0, 32 / 3 / 60])
    for table, col, value in (
        (m.penyelesaian_tercepat, "rerata_menit", 600.0),
        (m.penyelesaian_terlama, "rerata_jam", 10.0),
    ):
        assert table.to_dict("list") == {
            "peringkat": [1],
            "ukpd": ["KELURAHAN KAYU MANIS"],
            "jumlah": [1],
            col: [value],
        }
    assert m.tl_ditolak.empty and m.nilai_tl_dibawah_100.empty
    kanal = m.per_kanal.set_index("kanal")["jumlah"]
    assert (kanal["JAKI"], kanal["Twitter"], kanal.sum()) == (4, 1, 5)
    assert m.harian["jumlah"].tolist() == [0, 0, 5] + [0] * 27
    assert m.waktu_respon_jam.tolist() == [1.0] * 5
    assert m.waktu_tl_jam.fillna(-1).tolist() == [10.0, -1, -1, -1, 10.0]


def test_compute_all_does_not_modify_its_inputs(small_month, koordinasi_month):
    before_l, before_k = small_month.copy(), koordinasi_month.copy()
    ref_before = UKPD_REF.copy()
    _all(small_month, koordinasi_month)
    pd.testing.assert_frame_equal(small_month, before_l)
    pd.testing.assert_frame_equal(koordinasi_month, before_k)
    pd.testing.assert_frame_equal(UKPD_REF, ref_before)


def test_other_datetime_resolutions_give_the_same_figures(follow_up_around_max):
    as_seconds = follow_up_around_max.astype(
        {c: "datetime64[s]" for c in ("waktu_masuk", "waktu_respon", "waktu_selesai")}
    )
    assert (
        M.compute_nilai_tl(as_seconds).tolist() == M.compute_nilai_tl(follow_up_around_max).tolist()
    )


def test_metric_params_defaults_and_validation():
    p = MetricParams()
    assert (
        p.batas_respon_jam,
        p.top_n,
        p.peringkat_n,
        p.ambang_ditolak,
        p.langkah_jam,
        p.penalti_per_langkah,
    ) == (6.0, 5, 10, 2, 12.0, 10.0)
    with pytest.raises(ValueError, match="langkah_jam"):
        MetricParams(langkah_jam=0)
    with pytest.raises(ValueError, match="top_n"):
        MetricParams(top_n=-1)
    with pytest.raises(ValueError, match="top_n"):
        MetricParams(top_n=2.5)
    with pytest.raises(AttributeError, match="top_n"):
        p.top_n = 3  # frozen


def test_nan_export_scores_and_nullable_floats_are_handled():
    month = laporan_frame([{"nilai_tl": 50.0}, {}])
    month["nilai_tl"] = month["nilai_tl"].astype("Float64")
    assert M.compute_nilai_tl(month).tolist() == [50.0, 100.0]
    assert np.isclose(M.compute_capaian(month), 75.0)


# --------------------------------------------------------------------------- per unit


@pytest.fixture
def per_unit_month():
    """Four units with every per-unit figure distinct (hand-computed in the test below).

    KAYU MANIS: on time at exactly 6 h (score 100, rejected twice), 6 h + 1 s late
    (49 h: 90, rejected once), never responded (Wait). PALMERIAM: 61 h (80),
    In Progres. The MATRAMAN office: an export score of 70, rejected three times.
    The city office: one report. Coordination: KAYU MANIS 10 and 20 min, PALMERIAM
    5 min, KEBON MANGGIS not yet processed, the MATRAMAN office 1 min (not a kelurahan).
    """
    laporan = laporan_frame(
        [
            {"respon_jam": 6.0, "selesai_jam": 10.0, "jumlah_tl_ditolak": 2},
            {"respon_jam": 6.0 + 1 / 3600, "selesai_jam": 49.0, "jumlah_tl_ditolak": 1},
            {"respon_jam": None, "selesai_jam": None, "status": "Wait"},
            {"ukpd": "KELURAHAN PALMERIAM", "status": "Disposisi", "selesai_jam": 61.0},
            {"ukpd": "KELURAHAN PALMERIAM", "status": "In Progres", "selesai_jam": None},
            {"ukpd": "KECAMATAN MATRAMAN", "nilai_tl": 70.0, "jumlah_tl_ditolak": 3},
            {"ukpd": "WALIKOTA JAKARTA TIMUR"},
        ]
    )
    koordinasi = koordinasi_frame(
        [
            {"proses_menit": 10},
            {"proses_menit": 20},
            {"ukpd": "KELURAHAN PALMERIAM", "proses_menit": 5},
            {"ukpd": "KELURAHAN KEBON MANGGIS", "proses_menit": None},
            {"ukpd": "KECAMATAN MATRAMAN", "proses_menit": 1},
        ]
    )
    return laporan, koordinasi


PER_UNIT_EXPECTED = {
    # Complete, Disposisi, In Progres, Wait, total, tepat_waktu, terlambat, jumlah_selesai,
    # capaian_persen, koordinasi_jumlah, koordinasi_rerata_menit, penyelesaian_jumlah,
    # penyelesaian_rerata_menit, tl_ditolak, nilai_dibawah_100, peringkat_laporan,
    # peringkat_koordinasi, peringkat_penyelesaian
    "KECAMATAN MATRAMAN": [1, 0, 0, 0, 1, 1, 0, 1, 70.0, 1, 1.0, 1, 600.0, 1, 1, 3, 0, 0],
    "KELURAHAN KAYU MANIS": [2, 0, 0, 1, 3, 1, 2, 2, 95.0, 2, 15.0, 2, 1770.0, 1, 1, 1, 2, 1],
    "KELURAHAN PALMERIAM": [0, 1, 1, 0, 2, 2, 0, 1, 80.0, 1, 5.0, 1, 3660.0, 0, 1, 2, 1, 2],
    "KELURAHAN KEBON MANGGIS": [0] * 8 + [np.nan, 0, np.nan, 0, np.nan, 0, 0, 0, 0, 0],
    "WALIKOTA JAKARTA TIMUR": [1, 0, 0, 0, 1, 1, 0, 1, 100.0, 0, np.nan, 1, 600.0, 0, 0, 3, 0, 0],
}


def test_per_ukpd_gives_the_hand_computed_figures_of_every_unit(per_unit_month):
    laporan, koordinasi = per_unit_month
    per = M.compute_per_ukpd(laporan, koordinasi, UKPD_REF)
    assert per.columns.tolist() == M.PER_UKPD_COLUMNS
    assert per["ukpd"].tolist() == UKPD_REF.sort_values("urutan")["ukpd"].tolist()
    assert isinstance(per.index, pd.RangeIndex) and per.index.start == 0
    figures = per.set_index("ukpd").iloc[:, 2:]
    for unit, expected in PER_UNIT_EXPECTED.items():
        np.testing.assert_array_equal(figures.loc[unit].to_numpy(float), expected, err_msg=unit)
    others = figures.drop(index=list(PER_UNIT_EXPECTED))
    means = ["capaian_persen", "koordinasi_rerata_menit", "penyelesaian_rerata_menit"]
    assert others[means].isna().all().all()
    assert (others.drop(columns=means) == 0).all().all()
    kayu = per.set_index("ukpd").loc["KELURAHAN KAYU MANIS"]
    assert (kayu["tingkat"], kayu["kecamatan"]) == ("kelurahan", "MATRAMAN")
    for col in M.PER_UKPD_COLUMNS[3:]:
        kind = "f" if "capaian" in col or "rerata" in col else "i"
        assert per[col].dtype.kind == kind and per[col].dtype.itemsize == 8, col
    pd.testing.assert_frame_equal(_all(laporan, koordinasi).per_ukpd, per)


def test_per_ukpd_uses_its_settings(per_unit_month):
    laporan, koordinasi = per_unit_month
    params = MetricParams(batas_respon_jam=6.5, ambang_ditolak=3, penalti_per_langkah=5.0)
    per = M.compute_per_ukpd(laporan, koordinasi, UKPD_REF, params).set_index("ukpd")
    kayu = per.loc["KELURAHAN KAYU MANIS"]
    assert (kayu["tepat_waktu"], kayu["terlambat"], kayu["tl_ditolak"]) == (2, 1, 0)
    assert kayu["capaian_persen"] == 97.5  # (100 + 95) / 2
    assert per.loc["KECAMATAN MATRAMAN", "tl_ditolak"] == 1
    pd.testing.assert_frame_equal(
        _all(laporan, koordinasi, params=params).per_ukpd, per.reset_index()
    )


def test_units_without_durations_give_nan_means_without_warnings(per_unit_month):
    # A 0/0 division would also give NaN, but with a RuntimeWarning that ends up in the
    # notebook's output; units without a duration must not be divided at all.
    laporan, koordinasi = per_unit_month
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = _all(laporan, koordinasi)
        M.compute_per_ukpd(laporan, koordinasi, UKPD_REF)
        M.compute_koordinasi_ranking(koordinasi, UKPD_REF, terlama=True)
        M.compute_penyelesaian_ranking(laporan, UKPD_REF)
    assert m.per_ukpd["koordinasi_rerata_menit"].isna().sum() == len(UKPD_REF) - 3


def test_per_ukpd_ranks_a_three_way_tie_by_competition():
    month = counts_month(
        {"KELURAHAN KAYU MANIS": 1, "KELURAHAN PALMERIAM": 1, "KELURAHAN SETU": 2, UNIT_CITY: 1}
    )
    per = M.compute_per_ukpd(month, empty_koordinasi(), UKPD_REF).set_index("ukpd")
    ranks = per.loc[["KELURAHAN SETU", "KELURAHAN KAYU MANIS", "KELURAHAN PALMERIAM", UNIT_CITY]]
    assert ranks["peringkat_laporan"].tolist() == [1, 2, 2, 2]
