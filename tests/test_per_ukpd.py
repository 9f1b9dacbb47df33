"""The per-unit table (``compute_per_ukpd``) against the month's own tables.

Every count summed over the units equals the month's total, and the month's top-N
and fastest/slowest tables are slices of the per-unit table: on generated months
(hypothesis) and on sample months read from ``data/sample``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures_metrics import UKPD_REF, counts_month, empty_koordinasi
from hypothesis import HealthCheck, given, settings
from test_metrics_properties import _all, months

from crmlib import metrics as M
from crmlib.metrics import PER_UKPD_COLUMNS, STATUSES

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def check_consistent(m: M.Metrics) -> None:
    """``m.per_ukpd`` adds up to the month's figures and holds its ranked tables."""
    per = m.per_ukpd
    assert list(per.columns) == PER_UKPD_COLUMNS
    assert per["ukpd"].tolist() == UKPD_REF.sort_values("urutan")["ukpd"].tolist()
    pd.testing.assert_frame_equal(per[m.rekap_status.columns], m.rekap_status)
    assert per["total"].sum() == m.total_laporan
    assert per["tepat_waktu"].sum() == m.respon["tepat_waktu"]
    assert per["terlambat"].sum() == m.respon["terlambat"]
    assert per["jumlah_selesai"].sum() == m.jumlah_selesai
    assert per["tl_ditolak"].sum() == len(m.tl_ditolak)
    assert per["nilai_dibawah_100"].sum() == len(m.nilai_tl_dibawah_100)
    assert per["koordinasi_jumlah"].sum() <= m.total_koordinasi
    if m.jumlah_selesai:
        weighted = (per["capaian_persen"].fillna(0) * per["jumlah_selesai"]).sum()
        assert weighted / m.jumlah_selesai == pytest.approx(m.capaian_persen, rel=1e-12)
    else:
        assert per["capaian_persen"].isna().all()
    # top-N: the units ranked <= N by reports, in rank then official order
    top = per.loc[(per["peringkat_laporan"] > 0) & (per["peringkat_laporan"] <= m.params.top_n)]
    top = top.sort_values("peringkat_laporan", kind="stable")
    assert top["ukpd"].tolist() == m.top_ukpd["ukpd"].tolist()
    assert top["peringkat_laporan"].tolist() == m.top_ukpd["peringkat"].tolist()
    assert top["total"].tolist() == m.top_ukpd["jumlah"].tolist()
    for name in ("koordinasi", "penyelesaian"):
        rank = per[f"peringkat_{name}"]
        fast = per.loc[(rank > 0) & (rank <= m.params.peringkat_n)].sort_values(
            f"peringkat_{name}", kind="stable"
        )
        table = getattr(m, f"{name}_tercepat")
        assert fast["ukpd"].tolist() == table["ukpd"].tolist()
        assert fast[f"peringkat_{name}"].tolist() == table["peringkat"].tolist()
        assert fast[f"{name}_jumlah"].tolist() == table["jumlah"].tolist()
        np.testing.assert_allclose(fast[f"{name}_rerata_menit"], table["rerata_menit"], rtol=1e-12)
        slow = getattr(m, f"{name}_terlama")
        ranked = per.set_index("ukpd").loc[slow["ukpd"]]
        np.testing.assert_allclose(
            ranked[f"{name}_rerata_menit"] / 60, slow["rerata_jam"], rtol=1e-12
        )
        assert (ranked[f"{name}_jumlah"].to_numpy() == slow["jumlah"].to_numpy()).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months())
def test_per_ukpd_adds_up_and_holds_the_ranked_tables(month):
    laporan, koordinasi, params = month
    m = _all(laporan, koordinasi, params)
    check_consistent(m)
    alone = M.compute_per_ukpd(laporan, koordinasi, UKPD_REF, params)
    pd.testing.assert_frame_equal(alone, m.per_ukpd)


def test_units_without_reports_are_zero_rows():
    per = M.compute_per_ukpd(
        counts_month({"KELURAHAN KAYU MANIS": 3}), empty_koordinasi(), UKPD_REF
    )
    assert len(per) == len(UKPD_REF) == 76
    kayu = per.set_index("ukpd").loc["KELURAHAN KAYU MANIS"]
    assert kayu["total"] == 3 and kayu["Complete"] == 3 and kayu["tepat_waktu"] == 3
    assert kayu["peringkat_laporan"] == 1 and kayu["peringkat_penyelesaian"] == 1
    others = per.loc[per["ukpd"] != "KELURAHAN KAYU MANIS"]
    assert (others[[*STATUSES, "total", "tl_ditolak", "peringkat_laporan"]] == 0).all().all()
    assert others["capaian_persen"].isna().all()


@pytest.mark.parametrize("periode", ["2022-05", "2022-06"])
def test_sample_months_per_ukpd_matches_the_month_tables(periode):
    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference
    from crmlib.report.laporan import compute_month

    source = SAMPLE / f"{periode}.xlsx"
    if not source.exists():
        source = SAMPLE / periode
    ref = load_reference()
    m = compute_month(read_month(source, periode, reference=ref), ref)
    check_consistent(m)
    assert m.per_ukpd["total"].gt(0).sum() > 30  # a real month, not a near-empty one
