"""Property-based tests of the metrics on generated months (hypothesis).

Each generated month draws its units from a small pool so that equal counts and equal
means (ties, including ties at the cut-off) are common, and its times from whole
half-hours, minutes and seconds placed exactly at and one second past each limit.
Every figure is compared with :mod:`oracle_metrics`, a row-by-row reference computation
that shares no code with :mod:`crmlib.metrics`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_metrics import (
    KANAL_REF,
    KECAMATAN,
    KELURAHAN,
    LAPORAN_COLUMNS,
    UKPD_REF,
    UNITS,
    koordinasi_frame,
    laporan_frame,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_metrics import competition, mean_durations, reference_month

from crmlib import metrics as M
from crmlib.metrics import STATUSES, MetricParams

KANALS = KANAL_REF["kanal"].tolist()
KATEGORI = ["Sampah", "Jalan", "Parkir Liar", "Pohon", "banjir"]
START = pd.Timestamp("2022-06-01")

# Half-hours and whole minutes: coarse enough for exact ties, fine enough to straddle 6 h;
# plus limits (1 h, 6 h, 6.5 h; maximum 24/48 h, steps of 6/12 h) exactly and ± 1 s.
_EDGES = [3600 * h + d for h in (1, 6, 6.5, 24, 30, 36, 48, 60) for d in (-1, 0, 1)]
hours = st.one_of(
    st.none(),
    st.integers(0, 40).map(lambda h: h / 2),
    st.integers(0, 80 * 60).map(lambda m: m / 60),
    st.sampled_from(_EDGES).map(lambda s: s / 3600),
)

laporan_row = st.fixed_dictionaries(
    {
        "ukpd_i": st.integers(0, 7),
        "status": st.sampled_from(STATUSES),
        "kanal": st.sampled_from(KANALS),
        "kategori": st.sampled_from(KATEGORI),
        "masuk_min": st.integers(0, 30 * 24 * 60 - 1),
        "respon_jam": hours,
        "selesai_jam": hours,
        "max_waktu_tl_jam": st.sampled_from([24.0, 48.0, 168.0, 6.5]),
        "jumlah_tl_ditolak": st.integers(0, 4),
        "nilai_tl": st.one_of(st.none(), st.sampled_from([0.0, 50.0, 90.0, 100.0])),
    }
)
koordinasi_row = st.fixed_dictionaries(
    {
        "ukpd_i": st.integers(0, 7),
        "koord_min": st.integers(0, 30 * 24 * 60 - 1),
        "proses_menit": st.one_of(st.none(), st.integers(0, 600).map(float)),
    }
)


# Hypothesis draws empty months often; their typed empty frames are built once.
_EMPTY_LAPORAN = laporan_frame([])
_EMPTY_KOORDINASI = koordinasi_frame([])


def _str(values: list) -> pd.Series:
    return pd.Series(values, dtype="str")


def _after(start: pd.Series, amounts: list, unit: str) -> pd.Series:
    # As fixtures_metrics: whole seconds after ``start`` (None = missing).
    amounts = pd.Series([np.nan if a is None else a for a in amounts], dtype=float)
    delta = pd.to_timedelta(amounts, unit=unit)
    return (start + delta.dt.round("s")).astype("datetime64[ns]")


def _laporan(pool: list[str], rows: list[dict]) -> pd.DataFrame:
    """``laporan_frame`` of the drawn rows, built a column at a time.

    The same frame as the fixture's row-by-row builder (same values, dtypes and
    index), which cost as much as the figures it feeds at 200+ drawn months a run.
    """
    if not rows:
        return _EMPTY_LAPORAN.copy()
    ukpd = _str([pool[r["ukpd_i"]] for r in rows])
    masuk = pd.Series(
        [START + pd.Timedelta(minutes=r["masuk_min"]) for r in rows], dtype="datetime64[ns]"
    )
    cols = {
        "nomor_laporan": _str([f"JK2206{i:06d}" for i in range(len(rows))]),
        "kanal": _str([r["kanal"] for r in rows]),
        "kategori": _str([r["kategori"] for r in rows]),
        "rincian_masalah": _str(["Sampah Lingkungan"] * len(rows)),
        "ukpd": ukpd,
        "kecamatan": ukpd.map(KECAMATAN).astype("str"),
        "status": _str([r["status"] for r in rows]),
        "waktu_masuk": masuk,
        "waktu_respon": _after(masuk, [r["respon_jam"] for r in rows], "h"),
        "waktu_selesai": _after(masuk, [r["selesai_jam"] for r in rows], "h"),
        "max_waktu_tl_jam": pd.Series([r["max_waktu_tl_jam"] for r in rows], dtype=float),
        "jumlah_tl_ditolak": pd.Series([r["jumlah_tl_ditolak"] for r in rows], dtype="int64"),
        "nilai_tl": pd.Series(
            [np.nan if r["nilai_tl"] is None else r["nilai_tl"] for r in rows], dtype=float
        ),
    }
    return pd.DataFrame({c: cols[c] for c in LAPORAN_COLUMNS})


def _koordinasi(pool: list[str], rows: list[dict]) -> pd.DataFrame:
    """``koordinasi_frame`` of the drawn rows, built a column at a time (as :func:`_laporan`)."""
    if not rows:
        return _EMPTY_KOORDINASI.copy()
    ukpd = _str([pool[r["ukpd_i"]] for r in rows])
    koord = pd.Series(
        [START + pd.Timedelta(minutes=r["koord_min"]) for r in rows], dtype="datetime64[ns]"
    )
    return pd.DataFrame(
        {
            "nomor_laporan": _str([f"JK2206{i:06d}" for i in range(len(rows))]),
            "ukpd": ukpd,
            "kecamatan": ukpd.map(KECAMATAN).astype("str"),
            "waktu_koordinasi": koord,
            "waktu_proses": _after(koord, [r["proses_menit"] for r in rows], "min"),
        }
    )


@st.composite
def months(draw):
    """A generated month: (laporan, koordinasi, params)."""
    # Eight units per month, mostly kelurahan, sometimes the city or a kecamatan office.
    pool = draw(st.lists(st.sampled_from(UNITS), min_size=8, max_size=8))
    pool[:4] = draw(st.lists(st.sampled_from(KELURAHAN), min_size=4, max_size=4))
    lap_rows = draw(st.lists(laporan_row, max_size=60))
    koo_rows = draw(st.lists(koordinasi_row, max_size=40))
    laporan = _laporan(pool, lap_rows)
    koordinasi = _koordinasi(pool, koo_rows)
    params = MetricParams(
        top_n=draw(st.integers(1, 6)),
        peringkat_n=draw(st.integers(1, 6)),
        batas_respon_jam=draw(st.sampled_from([1.0, 6.0, 6.5])),
        ambang_ditolak=draw(st.integers(0, 3)),
        langkah_jam=draw(st.sampled_from([12.0, 6.0, 0.5])),
        penalti_per_langkah=draw(st.sampled_from([10.0, 25.0, 7.5])),
    )
    return laporan, koordinasi, params


def _all(laporan, koordinasi, params):
    return M.compute_all(
        laporan,
        koordinasi,
        UKPD_REF,
        KANAL_REF,
        periode="2022-06",
        kota="JAKARTA TIMUR",
        params=params,
    )


POS = {u: i for i, u in enumerate(UNITS)}


def assert_ranking(table, expected: list[tuple], values: dict, value_col: str, per: float):
    """``table`` lists exactly ``expected`` ((rank, unit) in order) with the unit's value."""
    assert list(zip(table["peringkat"], table["ukpd"], strict=True)) == expected
    want = [float(values[u]) / per for _, u in expected]
    np.testing.assert_allclose(table[value_col].to_numpy(dtype=float), want, rtol=1e-12)


quick = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(months(), st.randoms(use_true_random=False))
def test_compute_all_matches_the_reference_in_any_row_order(month, rnd):
    # One test over one set of drawn months for all four groups of figures and the row
    # order: each example's compute_all and reference computation is shared (they
    # dominate the time).
    laporan, koordinasi, params = month
    m = _all(laporan, koordinasi, params)
    ref = reference_month(laporan, koordinasi, params, "2022-06")
    for check in (_check_counts_and_scores, _check_lists, _check_top_lists, _check_time_rankings):
        check(m, ref, laporan, koordinasi, params)
    _check_row_order(m, laporan, koordinasi, params, rnd)


def _check_counts_and_scores(m, ref, laporan, koordinasi, params):
    assert m.total_laporan == ref["total"] and m.total_koordinasi == len(koordinasi)
    for row in m.rekap_status.to_dict("records"):
        counts = [ref["rekap"][(row["ukpd"], s)] for s in STATUSES]
        assert [row[s] for s in STATUSES] == counts
        assert row["total"] == sum(counts)
    assert m.rekap_status["ukpd"].tolist() == UNITS
    assert m.respon == {
        "batas_jam": params.batas_respon_jam,
        "tepat_waktu": ref["tepat"],
        "terlambat": ref["terlambat"],
    }
    assert m.jumlah_selesai == ref["jumlah_selesai"]
    if ref["capaian"] is None:
        assert m.capaian_persen is None
    else:
        assert m.capaian_persen == pytest.approx(float(ref["capaian"]), rel=1e-12)
    assert dict(zip(m.per_kanal["kanal"], m.per_kanal["jumlah"], strict=True)) == {
        k: ref["kanal"][k] for k in KANALS
    }
    assert m.harian["jumlah"].tolist() == [ref["hari"][d] for d in range(1, 31)]


def _check_lists(m, ref, laporan, koordinasi, params):
    unit_of = {r["nomor_laporan"]: r["ukpd"] for r in ref["rows"]}
    order = sorted(ref["ditolak"], key=lambda k: (POS[unit_of[k]], k))
    assert m.tl_ditolak["nomor_laporan"].tolist() == order
    assert m.tl_ditolak["jumlah_ditolak"].tolist() == [ref["ditolak"][k] for k in order]
    low = sorted(ref["dibawah_100"], key=lambda k: (POS[unit_of[k]], k))
    assert m.nilai_tl_dibawah_100["nomor_laporan"].tolist() == low
    assert m.nilai_tl_dibawah_100["nilai_tl"].tolist() == [ref["dibawah_100"][k] for k in low]
    nilai = M.compute_nilai_tl(laporan, params)
    expected = [ref["scores"][k] for k in laporan["nomor_laporan"]]
    assert [None if np.isnan(v) else v for v in nilai] == expected


def _check_top_lists(m, ref, laporan, koordinasi, params):
    expected = competition(ref["unit"], params.top_n, True, POS)
    assert list(zip(m.top_ukpd["peringkat"], m.top_ukpd["ukpd"], strict=True)) == expected
    assert m.top_ukpd["jumlah"].tolist() == [ref["unit"][u] for _, u in expected]
    kat_order = {k: (k.casefold(), k) for k in ref["kategori"]}
    expected = competition(ref["kategori"], params.top_n, True, kat_order)
    top = m.top_kategori
    assert list(zip(top["peringkat"], top["kategori"], strict=True)) == expected
    assert top["jumlah"].tolist() == [ref["kategori"][k] for _, k in expected]


def _check_time_rankings(m, ref, laporan, koordinasi, params):
    kel, n = set(KELURAHAN), params.peringkat_n
    for tables, stats in (
        (
            (m.koordinasi_tercepat, m.koordinasi_terlama),
            mean_durations(ref["k_rows"], "ukpd", "waktu_koordinasi", "waktu_proses", kel),
        ),
        (
            (m.penyelesaian_tercepat, m.penyelesaian_terlama),
            mean_durations(ref["rows"], "ukpd", "waktu_masuk", "waktu_selesai", kel),
        ),
    ):
        means = {u: mean for u, (_, mean) in stats.items()}
        fast, slow = tables
        assert_ranking(fast, competition(means, n, False, POS), means, "rerata_menit", 60.0)
        assert_ranking(slow, competition(means, n, True, POS), means, "rerata_jam", 3600.0)
        for table in tables:
            assert table["jumlah"].tolist() == [stats[u][0] for u in table["ukpd"]]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_individual_functions_match_the_reference(month):
    laporan, koordinasi, params = month
    ref = reference_month(laporan, koordinasi, params, "2022-06")
    respon = M.compute_respon(laporan, params.batas_respon_jam)
    assert (respon["tepat_waktu"], respon["terlambat"]) == (ref["tepat"], ref["terlambat"])
    capaian = M.compute_capaian(laporan, params)
    assert (capaian is None) == (ref["capaian"] is None)
    if capaian is not None:
        assert capaian == pytest.approx(float(ref["capaian"]), rel=1e-12)
    low = M.compute_nilai_dibawah_100(laporan, UKPD_REF, params)
    assert set(low["nomor_laporan"]) == set(ref["dibawah_100"])
    ditolak = M.compute_tl_ditolak(laporan, UKPD_REF, params.ambang_ditolak)
    assert set(ditolak["nomor_laporan"]) == set(ref["ditolak"])
    top = M.compute_top_ukpd(laporan, UKPD_REF, params.top_n)
    assert list(zip(top["peringkat"], top["ukpd"], strict=True)) == competition(
        ref["unit"], params.top_n, True, POS
    )
    kel, n = set(KELURAHAN), params.peringkat_n
    k_stats = mean_durations(ref["k_rows"], "ukpd", "waktu_koordinasi", "waktu_proses", kel)
    k_means = {u: mean for u, (_, mean) in k_stats.items()}
    fast = M.compute_koordinasi_ranking(koordinasi, UKPD_REF, n)
    assert_ranking(fast, competition(k_means, n, False, POS), k_means, "rerata_menit", 60.0)
    p_stats = mean_durations(ref["rows"], "ukpd", "waktu_masuk", "waktu_selesai", kel)
    p_means = {u: mean for u, (_, mean) in p_stats.items()}
    slow = M.compute_penyelesaian_ranking(laporan, UKPD_REF, n, terlama=True)
    assert_ranking(slow, competition(p_means, n, True, POS), p_means, "rerata_jam", 3600.0)
    harian = M.compute_harian(laporan, "2022-06")
    assert harian["jumlah"].tolist() == [ref["hari"][d] for d in range(1, 31)]


def _check_row_order(a, laporan, koordinasi, params, rnd):
    """Shuffled rows give the very same figures."""
    perm_l = list(range(len(laporan)))
    perm_k = list(range(len(koordinasi)))
    rnd.shuffle(perm_l)
    rnd.shuffle(perm_k)
    b = _all(laporan.iloc[perm_l], koordinasi.iloc[perm_k], params)
    for name in M.TABLES:
        pd.testing.assert_frame_equal(
            getattr(a, name), getattr(b, name), check_exact=False, rtol=1e-12, obj=name
        )
    assert a.respon == b.respon
    assert (a.capaian_persen is None) == (b.capaian_persen is None)
    if a.capaian_persen is not None:
        assert abs(a.capaian_persen - b.capaian_persen) < 1e-9
