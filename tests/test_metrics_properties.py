"""Property-based tests of the metrics on generated months (hypothesis).

Each generated month draws its units from a small pool so that equal counts and equal
means (ties, including ties at the cut-off) are common. Rankings are checked against
the definition directly: standard competition rank, every entry ranked ≤ N kept, no
left-out unit with a value equal to a kept one, official order within a tie.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from fixtures_metrics import KANAL_REF, KELURAHAN, UKPD_REF, UNITS, koordinasi_frame, laporan_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlib import metrics as M
from crmlib.metrics import STATUSES, MetricParams

POS = {u: i for i, u in enumerate(UNITS)}
KANALS = KANAL_REF["kanal"].tolist()
KATEGORI = ["Sampah", "Jalan", "Parkir Liar", "Pohon", "banjir"]
START = pd.Timestamp("2022-06-01")

# Half-hours and whole minutes: coarse enough for exact ties, fine enough to straddle 6 h.
hours = st.one_of(
    st.none(),
    st.integers(0, 40).map(lambda h: h / 2),
    st.integers(0, 80 * 60).map(lambda m: m / 60),
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
        "max_waktu_tl_jam": st.sampled_from([24.0, 48.0, 168.0]),
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


@st.composite
def months(draw):
    """A generated month: (laporan, koordinasi, params)."""
    # Eight units per month, mostly kelurahan, sometimes the city or a kecamatan office.
    pool = draw(st.lists(st.sampled_from(UNITS), min_size=8, max_size=8))
    pool[:4] = draw(st.lists(st.sampled_from(KELURAHAN), min_size=4, max_size=4))
    lap_rows = draw(st.lists(laporan_row, max_size=60))
    koo_rows = draw(st.lists(koordinasi_row, max_size=40))
    laporan = laporan_frame(
        [
            {
                "nomor_laporan": f"JK2206{i:06d}",
                "ukpd": pool[r["ukpd_i"]],
                "status": r["status"],
                "kanal": r["kanal"],
                "kategori": r["kategori"],
                "waktu_masuk": START + pd.Timedelta(minutes=r["masuk_min"]),
                "respon_jam": r["respon_jam"],
                "selesai_jam": r["selesai_jam"],
                "max_waktu_tl_jam": r["max_waktu_tl_jam"],
                "jumlah_tl_ditolak": r["jumlah_tl_ditolak"],
                "nilai_tl": np.nan if r["nilai_tl"] is None else r["nilai_tl"],
            }
            for i, r in enumerate(lap_rows)
        ]
    )
    koordinasi = koordinasi_frame(
        [
            {
                "ukpd": pool[r["ukpd_i"]],
                "waktu_koordinasi": START + pd.Timedelta(minutes=r["koord_min"]),
                "proses_menit": r["proses_menit"],
            }
            for r in koo_rows
        ]
    )
    params = MetricParams(
        top_n=draw(st.integers(1, 6)),
        peringkat_n=draw(st.integers(1, 6)),
        batas_respon_jam=draw(st.sampled_from([1.0, 6.0, 6.5])),
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


def check_ranking(table, candidates: dict[str, float], value_col: str, n: int, higher_first: bool):
    """``table`` is the ranking of ``candidates`` (unit → value) by the contract's tie rule."""
    units = table["ukpd"].tolist()
    ranks = table["peringkat"].tolist()
    values = [candidates[u] for u in units]
    # every listed unit is a candidate, listed once, with its own value
    assert len(set(units)) == len(units)
    assert set(units) <= set(candidates)
    np.testing.assert_allclose(
        table[value_col].to_numpy(dtype=float), np.array(values, dtype=float), rtol=1e-12
    )
    # standard competition rank, by definition
    for u, r in zip(units, ranks, strict=True):
        better = sum(
            1
            for v in candidates.values()
            if (v > candidates[u] if higher_first else v < candidates[u])
        )
        assert r == 1 + better
    # N respected with ties, nothing equal or better left out
    assert all(r <= n for r in ranks)
    left_out = set(candidates) - set(units)
    expected_len = sum(
        1
        for u in candidates
        if 1
        + sum(
            1
            for v in candidates.values()
            if (v > candidates[u] if higher_first else v < candidates[u])
        )
        <= n
    )
    assert len(units) == expected_len
    for u in left_out:
        assert candidates[u] not in values
    # ordered by rank, then official unit order
    keys = [(r, POS[u]) for u, r in zip(units, ranks, strict=True)]
    assert keys == sorted(keys)
    # monotonic values
    diffs = np.diff(np.array(values, dtype=float))
    assert (diffs <= 0).all() if higher_first else (diffs >= 0).all()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_totals_add_up(month):
    laporan, koordinasi, params = month
    m = _all(laporan, koordinasi, params)
    n = len(laporan)
    assert m.total_laporan == n
    assert m.rekap_status["total"].sum() == n
    assert (m.rekap_status[list(STATUSES)].sum(axis=1) == m.rekap_status["total"]).all()
    assert m.rekap_status["ukpd"].tolist() == UNITS
    assert m.rekap_kecamatan["total"].sum() == n
    assert m.respon["tepat_waktu"] + m.respon["terlambat"] == n
    assert 0 <= m.respon["tepat_waktu"] <= n
    assert m.per_kanal["jumlah"].sum() == n
    assert m.harian["jumlah"].sum() == n and len(m.harian) == 30
    completed = int(laporan["waktu_selesai"].notna().sum())
    assert m.jumlah_selesai == completed
    if completed == 0:
        assert m.capaian_persen is None
    else:
        assert 0.0 <= m.capaian_persen <= 100.0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_top_lists_follow_the_tie_rule(month):
    laporan, koordinasi, params = month
    m = _all(laporan, koordinasi, params)
    counts = laporan["ukpd"].value_counts()
    check_ranking(
        m.top_ukpd,
        {u: float(c) for u, c in counts.items()},
        "jumlah",
        params.top_n,
        higher_first=True,
    )
    kat = laporan["kategori"].value_counts()
    top = m.top_kategori
    assert all(r <= params.top_n for r in top["peringkat"])
    assert set(top["kategori"]) == {
        k for k, c in kat.items() if 1 + int((kat > c).sum()) <= params.top_n
    }
    keys = [(r, k.casefold()) for r, k in zip(top["peringkat"], top["kategori"], strict=True)]
    assert keys == sorted(keys)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_time_rankings_follow_the_tie_rule(month):
    laporan, koordinasi, params = month
    m = _all(laporan, koordinasi, params)
    kel = set(KELURAHAN)
    n = params.peringkat_n

    def means(units, starts, ends, per):
        df = pd.DataFrame({"u": units, "s": (ends - starts).dt.total_seconds()}).dropna()
        df = df[df["u"].isin(kel)]
        grouped = df.groupby("u")["s"]
        # Exactly as defined: sum of whole seconds over count, in the table's unit.
        return {u: (s.sum() / len(s)) / per for u, s in grouped}, grouped.size().to_dict()

    k_mean_min, k_count = means(
        koordinasi["ukpd"], koordinasi["waktu_koordinasi"], koordinasi["waktu_proses"], 60.0
    )
    for table, col, per, slow in (
        (m.koordinasi_tercepat, "rerata_menit", 1.0, False),
        (m.koordinasi_terlama, "rerata_jam", 60.0, True),
    ):
        check_ranking(table, {u: v / per for u, v in k_mean_min.items()}, col, n, slow)
        assert [k_count[u] for u in table["ukpd"]] == table["jumlah"].tolist()

    p_mean_min, p_count = means(
        laporan["ukpd"], laporan["waktu_masuk"], laporan["waktu_selesai"], 60.0
    )
    for table, col, per, slow in (
        (m.penyelesaian_tercepat, "rerata_menit", 1.0, False),
        (m.penyelesaian_terlama, "rerata_jam", 60.0, True),
    ):
        check_ranking(table, {u: v / per for u, v in p_mean_min.items()}, col, n, slow)
        assert [p_count[u] for u in table["ukpd"]] == table["jumlah"].tolist()
        assert set(table["ukpd"]) <= kel


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_lists_match_their_definitions(month):
    laporan, koordinasi, params = month
    m = _all(laporan, koordinasi, params)
    # tl_ditolak: exactly the reports at or over the threshold, in unit then number order
    expect = laporan.loc[laporan["jumlah_tl_ditolak"] >= params.ambang_ditolak]
    assert set(m.tl_ditolak["nomor_laporan"]) == set(expect["nomor_laporan"])
    keys = [
        (POS[u], n)
        for u, n in zip(m.tl_ditolak["ukpd"], m.tl_ditolak["nomor_laporan"], strict=True)
    ]
    assert keys == sorted(keys)
    # nilai < 100: export value where given, else the rule; nothing unscored
    nilai = M.compute_nilai_tl(laporan, params)
    low = set(laporan.loc[nilai < 100, "nomor_laporan"])
    assert set(m.nilai_tl_dibawah_100["nomor_laporan"]) == low
    assert (m.nilai_tl_dibawah_100["nilai_tl"] < 100).all()
    given_scores = laporan["nilai_tl"].notna()
    assert (nilai[given_scores] == laporan.loc[given_scores, "nilai_tl"]).all()
    # rule scores are multiples of the penalty within 0..100
    rule = nilai[~given_scores].dropna()
    assert ((rule >= 0) & (rule <= 100) & (rule % params.penalti_per_langkah == 0)).all()
    # no unit outside the reference, anywhere
    for table in (
        m.top_ukpd,
        m.koordinasi_tercepat,
        m.koordinasi_terlama,
        m.penyelesaian_tercepat,
        m.penyelesaian_terlama,
        m.tl_ditolak,
        m.nilai_tl_dibawah_100,
    ):
        assert set(table["ukpd"]) <= set(UNITS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_any_figure(month, rnd):
    laporan, koordinasi, params = month
    perm_l = list(range(len(laporan)))
    perm_k = list(range(len(koordinasi)))
    rnd.shuffle(perm_l)
    rnd.shuffle(perm_k)
    a = _all(laporan, koordinasi, params)
    b = _all(laporan.iloc[perm_l], koordinasi.iloc[perm_k], params)
    for name in (
        "rekap_status",
        "top_ukpd",
        "top_kategori",
        "koordinasi_tercepat",
        "koordinasi_terlama",
        "penyelesaian_tercepat",
        "penyelesaian_terlama",
        "tl_ditolak",
        "nilai_tl_dibawah_100",
        "per_kanal",
        "harian",
    ):
        pd.testing.assert_frame_equal(
            getattr(a, name), getattr(b, name), check_exact=False, rtol=1e-12, obj=name
        )
    assert a.respon == b.respon
    assert (a.capaian_persen is None) == (b.capaian_persen is None)
    if a.capaian_persen is not None:
        assert abs(a.capaian_persen - b.capaian_persen) < 1e-9
