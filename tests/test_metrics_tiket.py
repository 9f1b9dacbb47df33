"""The ticket lists (``crmlib.metrics.tiket``) against the figures they explain.

On generated months (hypothesis, the strategy of ``test_metrics_properties``): per
unit, each list's length equals its figure, its sums equal the figure's sums (the
score shortfalls the capaian, the durations the means), every row carries the rule
that counted it, and the rows are those :mod:`oracle_metrics` finds row by row. A few
hand-made months pin what a property cannot name (the join of a coordination row to
its report, the order, the columns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_metrics import KANAL_REF, UKPD_REF, UNITS, koordinasi_frame, laporan_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_metrics import duration, reference_month
from test_metrics_properties import months

from crmlib import metrics as M
from crmlib.errors import MetricsInputError
from crmlib.metrics import TIKET_COLUMNS, MetricParams

POS = {u: i for i, u in enumerate(UNITS)}
quick = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _by_unit(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {u: g for u, g in df.groupby("ukpd", sort=False)}


def _count(groups: dict, unit: str) -> int:
    return len(groups[unit]) if unit in groups else 0


def _check_lengths_and_sums(m: M.Metrics) -> None:
    """Per unit: every list's length and sums equal the figure it explains."""
    t = m.tiket
    lists = {name: _by_unit(df) for name, df in t.items()}
    on_time = _by_unit(t.respon.loc[t.respon["aturan"] == "tepat_waktu"])
    late = _by_unit(t.respon.loc[t.respon["aturan"] != "tepat_waktu"])
    for row in m.per_ukpd.to_dict("records"):
        u = row["ukpd"]
        assert _count(lists["respon"], u) == row["total"]
        assert _count(on_time, u) == row["tepat_waktu"]
        assert _count(late, u) == row["terlambat"]
        assert _count(lists["tl_ditolak"], u) == row["tl_ditolak"]
        assert _count(lists["nilai_dibawah_100"], u) == row["nilai_dibawah_100"]
        if row["jumlah_selesai"]:
            # The shortfalls below 100 are exactly what keeps the capaian below 100.
            shortfall = (
                (100 - lists["nilai_dibawah_100"][u]["nilai_tl"]).sum()
                if (u in lists["nilai_dibawah_100"])
                else 0.0
            )
            want = row["jumlah_selesai"] * (100 - row["capaian_persen"])
            assert shortfall == pytest.approx(want, rel=1e-9, abs=1e-7)
        for name, col, per in (
            ("koordinasi", "koordinasi_menit", 1.0),
            ("penyelesaian", "waktu_tl_jam", 60.0),
        ):
            assert _count(lists[name], u) == row[f"{name}_jumlah"]
            if row[f"{name}_jumlah"]:
                mean = lists[name][u][col].mean() * per
                assert mean == pytest.approx(row[f"{name}_rerata_menit"], rel=1e-12)
    assert t.respon["aturan"].ne("tepat_waktu").sum() == m.respon["terlambat"]
    assert t.tl_ditolak["nomor_laporan"].tolist() == m.tl_ditolak["nomor_laporan"].tolist()
    assert t.tl_ditolak["jumlah_ditolak"].sum() == m.tl_ditolak["jumlah_ditolak"].sum()
    assert t.nilai_dibawah_100["nomor_laporan"].tolist() == (
        m.nilai_tl_dibawah_100["nomor_laporan"].tolist()
    )


def _check_rows_and_rules(m, ref, laporan, koordinasi, params):
    """Every row is the oracle's: its times, its duration and the rule that counted it."""
    t = m.tiket
    rows = {r["nomor_laporan"]: r for r in ref["rows"]}
    limit = params.batas_respon_jam * 3600
    for r in t.respon.to_dict("records"):
        d = duration(
            rows[r["nomor_laporan"]]["waktu_masuk"], rows[r["nomor_laporan"]]["waktu_respon"]
        )
        if d is None:
            assert r["aturan"] == "belum_direspon" and np.isnan(r["respon_jam"])
        else:
            assert r["respon_jam"] * 3600 == pytest.approx(d, abs=1e-6)
            assert r["aturan"] == ("tepat_waktu" if d <= limit else "terlambat")
    assert sorted(t.respon["nomor_laporan"]) == sorted(rows)
    for r in t.tl_ditolak.to_dict("records"):
        assert r["jumlah_ditolak"] == ref["ditolak"][r["nomor_laporan"]] >= params.ambang_ditolak
    assert set(t.tl_ditolak["nomor_laporan"]) == set(ref["ditolak"])
    for r in t.nilai_dibawah_100.to_dict("records"):
        src = rows[r["nomor_laporan"]]
        assert r["nilai_tl"] == ref["dibawah_100"][r["nomor_laporan"]]
        assert r["aturan"] == ("lewat_maks" if pd.isna(src["nilai_tl"]) else "nilai_ekspor")
        if r["aturan"] == "lewat_maks":  # computed: the time ran over its maximum
            assert r["waktu_tl_jam"] > r["max_waktu_tl_jam"]
    assert set(t.nilai_dibawah_100["nomor_laporan"]) == set(ref["dibawah_100"])
    done = {k for k, s in ref["scores"].items() if s is not None}
    assert set(t.penyelesaian["nomor_laporan"]) == done
    for r in t.penyelesaian.to_dict("records"):
        src = rows[r["nomor_laporan"]]
        d = duration(src["waktu_masuk"], src["waktu_selesai"])
        assert r["waktu_tl_jam"] * 3600 == pytest.approx(d, abs=1e-6)
    processed = [k for k in ref["k_rows"] if not pd.isna(k["waktu_proses"])]
    assert len(t.koordinasi) == len(processed)
    for r in t.koordinasi.to_dict("records"):
        own = rows.get(r["nomor_laporan"])
        # A coordinated report of the month shows its channel; another unit's has none.
        assert (r["kanal"] if own else None) == (own["kanal"] if own else None)
        assert pd.isna(r["kanal"]) == (own is None)
        d = duration(r["waktu_koordinasi"], r["waktu_proses"])
        assert r["koordinasi_menit"] * 60 == pytest.approx(d, abs=1e-6)


def _check_order_and_columns(m):
    for name, df in m.tiket.items():
        assert list(df.columns) == TIKET_COLUMNS[name]
        keys = list(zip(df["ukpd"].map(POS), df["nomor_laporan"], strict=True))
        assert keys == sorted(keys)
        assert set(df["aturan"]) <= {
            *M.ATURAN_RESPON,
            *M.ATURAN_NILAI,
            M.ATURAN_TL_DITOLAK,
            M.ATURAN_KOORDINASI,
            M.ATURAN_PENYELESAIAN,
        }


def _all_with_tiket(laporan, koordinasi, params=None):
    return M.compute_all(
        laporan,
        koordinasi,
        UKPD_REF,
        KANAL_REF,
        periode="2022-06",
        kota="JAKARTA TIMUR",
        params=params or MetricParams(),
        tiket=True,
    )


@quick
@given(months(), st.randoms(use_true_random=False))
def test_each_list_adds_up_to_the_figure_it_explains(month, rnd):
    laporan, koordinasi, params = month
    m = _all_with_tiket(laporan, koordinasi, params)
    _check_lengths_and_sums(m)
    _check_rows_and_rules(
        m, reference_month(laporan, koordinasi, params, "2022-06"), laporan, koordinasi, params
    )
    _check_order_and_columns(m)
    # The same lists whatever the input's row order, and from the stand-alone function.
    perm_l = list(range(len(laporan)))
    perm_k = list(range(len(koordinasi)))
    rnd.shuffle(perm_l)
    rnd.shuffle(perm_k)
    alone = M.compute_daftar_tiket(laporan.iloc[perm_l], koordinasi.iloc[perm_k], UKPD_REF, params)
    for name, df in m.tiket.items():
        pd.testing.assert_frame_equal(getattr(alone, name), df, obj=name)


def test_without_the_flag_no_lists_are_made():
    m = M.compute_all(
        laporan_frame([{}]), koordinasi_frame([]), UKPD_REF, KANAL_REF, periode="2022-06", kota="X"
    )
    assert m.tiket is None


def test_a_coordinated_report_of_the_month_brings_its_channel_category_and_status():
    laporan = laporan_frame(
        [
            {"ukpd": "KELURAHAN SETU", "kanal": "QLUE", "kategori": "Pohon", "status": "Wait"},
            {"ukpd": "KELURAHAN SETU", "kanal": "JAKI"},
        ]
    )
    koordinasi = koordinasi_frame(
        [
            # Coordinated by another kelurahan: the report is still the month's.
            {"nomor_laporan": "JK2206000000", "ukpd": "KELURAHAN CIPAYUNG", "proses_menit": 30},
            {"nomor_laporan": "JK2299999999", "ukpd": "KELURAHAN CIPAYUNG", "proses_menit": 90},
            {"nomor_laporan": "JK2206000001", "ukpd": "KELURAHAN CIPAYUNG", "proses_menit": None},
        ]
    )
    k = _all_with_tiket(laporan, koordinasi).tiket.koordinasi
    assert k["nomor_laporan"].tolist() == ["JK2206000000", "JK2299999999"]
    assert k["kanal"].iloc[0] == "QLUE" and k["kategori"].iloc[0] == "Pohon"
    assert k["status"].iloc[0] == "Wait"
    assert k[["kanal", "kategori", "status"]].iloc[1].isna().all()
    assert k["koordinasi_menit"].tolist() == [30.0, 90.0]
    assert k["aturan"].tolist() == ["diproses", "diproses"]


def test_response_rules_at_the_limit_and_without_a_response():
    laporan = laporan_frame(
        [{"respon_jam": 6.0}, {"respon_jam": 6.0 + 1 / 3600}, {"respon_jam": None}]
    )
    r = _all_with_tiket(laporan, koordinasi_frame([])).tiket.respon
    assert r["aturan"].tolist() == ["tepat_waktu", "terlambat", "belum_direspon"]
    assert r["respon_jam"].iloc[0] == 6.0
    assert pd.isna(r["waktu_respon"].iloc[2])
    assert r["waktu_respon"].iloc[1] == pd.Timestamp("2022-06-03 14:00:01")


def test_times_are_whole_seconds_as_the_figures_count_them():
    laporan = laporan_frame(
        [
            {
                "waktu_masuk": pd.Timestamp("2022-06-03 08:00:00.900"),
                "waktu_respon": pd.Timestamp("2022-06-03 09:00:00.100"),
                "waktu_selesai": pd.Timestamp("2022-06-03 18:00:00.700"),
            }
        ]
    )
    t = _all_with_tiket(laporan, koordinasi_frame([])).tiket
    assert t.respon["waktu_masuk"].iloc[0] == pd.Timestamp("2022-06-03 08:00:00")
    assert t.respon["waktu_respon"].iloc[0] == pd.Timestamp("2022-06-03 09:00:00")
    assert t.respon["respon_jam"].iloc[0] == 1.0
    assert t.penyelesaian["waktu_selesai"].iloc[0] == pd.Timestamp("2022-06-03 18:00:00")
    assert t.penyelesaian["waktu_tl_jam"].iloc[0] == 10.0


def test_scores_below_100_say_where_the_score_came_from():
    laporan = laporan_frame(
        [
            {"selesai_jam": 67.0, "max_waktu_tl_jam": 48.0},  # 19 h over: two steps
            {"selesai_jam": 5.0, "nilai_tl": 50.0},  # the export's score
            {"selesai_jam": 48.0, "max_waktu_tl_jam": 48.0},  # at the maximum: 100
            {"selesai_jam": None, "nilai_tl": 10.0},  # not completed: not scored
        ]
    )
    n = _all_with_tiket(laporan, koordinasi_frame([])).tiket.nilai_dibawah_100
    assert n["nomor_laporan"].tolist() == ["JK2206000000", "JK2206000001"]
    assert n["nilai_tl"].tolist() == [80.0, 50.0]
    assert n["aturan"].tolist() == ["lewat_maks", "nilai_ekspor"]
    assert n["max_waktu_tl_jam"].tolist() == [48.0, 48.0]
    assert n["waktu_tl_jam"].tolist() == [67.0, 5.0]


def test_rejections_at_the_threshold_are_listed_with_their_counts():
    laporan = laporan_frame(
        [{"jumlah_tl_ditolak": 1}, {"jumlah_tl_ditolak": 2}, {"jumlah_tl_ditolak": 3}]
    )
    t = _all_with_tiket(laporan, koordinasi_frame([]), MetricParams(ambang_ditolak=2)).tiket
    # At the threshold and above, never below it.
    assert t.tl_ditolak["nomor_laporan"].tolist() == ["JK2206000001", "JK2206000002"]
    assert t.tl_ditolak["jumlah_ditolak"].tolist() == [2, 3]
    assert t.tl_ditolak["aturan"].tolist() == ["tl_ditolak", "tl_ditolak"]


def test_lists_come_in_official_unit_order_then_by_report_number():
    laporan = laporan_frame(
        [
            {"nomor_laporan": "JK2", "ukpd": "WALIKOTA JAKARTA TIMUR"},
            {"nomor_laporan": "JK3", "ukpd": "KELURAHAN SETU"},
            {"nomor_laporan": "JK1", "ukpd": "KELURAHAN SETU"},
        ]
    )
    r = _all_with_tiket(laporan, koordinasi_frame([])).tiket.respon
    want = sorted(
        zip(laporan["ukpd"], laporan["nomor_laporan"], strict=True),
        key=lambda un: (POS[un[0]], un[1]),
    )
    assert list(zip(r["ukpd"], r["nomor_laporan"], strict=True)) == want
    assert r["nomor_laporan"].tolist() == ["JK1", "JK3", "JK2"]


def test_no_list_carries_the_free_text():
    laporan = laporan_frame([{"rincian_masalah": "hubungi 081234567890"}])
    for _, df in _all_with_tiket(laporan, koordinasi_frame([])).tiket.items():
        assert "rincian_masalah" not in df.columns


def test_stand_alone_function_refuses_what_compute_per_ukpd_refuses():
    laporan = laporan_frame([{"ukpd": "KELURAHAN ATLANTIS"}])
    with pytest.raises(MetricsInputError, match="ATLANTIS"):
        M.compute_daftar_tiket(laporan, koordinasi_frame([]), UKPD_REF)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("laporan", "tabel laporan tidak punya kolom: status"),
        ("koordinasi", "tabel koordinasi tidak punya kolom: waktu_proses"),
    ],
)
def test_a_missing_column_is_named_with_its_table(table, message):
    laporan, koordinasi = laporan_frame([{}]), koordinasi_frame([])
    frames = {"laporan": laporan, "koordinasi": koordinasi}
    frames[table] = frames[table].drop(columns=message.rsplit(" ", 1)[-1])
    with pytest.raises(MetricsInputError) as err:
        M.compute_daftar_tiket(frames["laporan"], frames["koordinasi"], UKPD_REF)
    assert str(err.value) == message


@pytest.mark.parametrize("table", ["laporan", "koordinasi"])
def test_an_unknown_unit_is_named_with_the_column_it_came_from(table):
    atlantis = {"ukpd": "KELURAHAN ATLANTIS"}
    laporan = laporan_frame([atlantis if table == "laporan" else {}])
    koordinasi = koordinasi_frame([atlantis] if table == "koordinasi" else [])
    with pytest.raises(MetricsInputError) as err:
        M.compute_daftar_tiket(laporan, koordinasi, UKPD_REF)
    what = "ukpd" if table == "laporan" else "ukpd (koordinasi)"
    assert str(err.value) == f"nilai {what} tidak ada di daftar referensi: KELURAHAN ATLANTIS"


def test_rejection_counts_are_whole_numbers():
    laporan = laporan_frame([{"jumlah_tl_ditolak": 2}, {"jumlah_tl_ditolak": 5}])
    t = M.compute_daftar_tiket(laporan, koordinasi_frame([]), UKPD_REF)
    assert t.tl_ditolak["jumlah_ditolak"].dtype == np.int64
    assert t.tl_ditolak["jumlah_ditolak"].tolist() == [2, 5]
