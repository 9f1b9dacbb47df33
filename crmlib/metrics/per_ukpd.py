"""Every figure of the month per unit (the per-UKPD table)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS, STATUSES
from crmlib.metrics._helpers import (
    _S_PER_MIN,
    _codes,
    _proses_seconds,
    _require,
    _respon_seconds,
    _status_matrix,
    _tl_seconds,
    _unit_durations,
    _unit_table,
)
from crmlib.metrics.lists import _ditolak
from crmlib.metrics.params import MetricParams
from crmlib.metrics.rekap import _rekap_frame
from crmlib.metrics.times import _on_time, _scores

#: Columns of :func:`compute_per_ukpd`, in order.
PER_UKPD_COLUMNS = [
    "ukpd",
    "tingkat",
    "kecamatan",
    *STATUSES,
    "total",
    "tepat_waktu",
    "terlambat",
    "jumlah_selesai",
    "capaian_persen",
    "koordinasi_jumlah",
    "koordinasi_rerata_menit",
    "penyelesaian_jumlah",
    "penyelesaian_rerata_menit",
    "tl_ditolak",
    "nilai_dibawah_100",
    "peringkat_laporan",
    "peringkat_koordinasi",
    "peringkat_penyelesaian",
]


def _competition_rank(values: np.ndarray, eligible: np.ndarray, descending: bool) -> np.ndarray:
    """Standard competition rank among ``eligible`` rows; 0 for the others."""
    ranks = pd.Series(np.where(eligible, values, np.nan)).rank(
        method="min", ascending=not descending
    )
    return ranks.fillna(0).to_numpy().astype(np.int64)


def _mean_or_nan(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    out = np.full(len(counts), np.nan)
    has = counts > 0
    out[has] = sums[has] / counts[has]
    return out


def _per_ukpd(
    ref: pd.DataFrame,
    unit: np.ndarray,
    matrix: np.ndarray,
    on_time: np.ndarray,
    nilai: np.ndarray,
    durations: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    ditolak: np.ndarray,
) -> pd.DataFrame:
    n = len(ref)
    out = _rekap_frame(ref, matrix)
    out["tepat_waktu"] = np.bincount(unit[on_time], minlength=n).astype(np.int64)
    out["terlambat"] = out["total"].to_numpy() - out["tepat_waktu"].to_numpy()
    scored = ~np.isnan(nilai)  # a score needs a completion: exactly the completed reports
    selesai_n = np.bincount(unit[scored], minlength=n)
    out["jumlah_selesai"] = selesai_n.astype(np.int64)
    out["capaian_persen"] = _mean_or_nan(
        np.bincount(unit[scored], weights=nilai[scored], minlength=n), selesai_n
    )
    kelurahan = ref["tingkat"].to_numpy() == "kelurahan"
    for name, (counts, sums) in zip(("koordinasi", "penyelesaian"), durations, strict=True):
        out[f"{name}_jumlah"] = counts.astype(np.int64)
        out[f"{name}_rerata_menit"] = _mean_or_nan(sums, counts) / _S_PER_MIN
    out["tl_ditolak"] = np.bincount(unit[ditolak], minlength=n).astype(np.int64)
    out["nilai_dibawah_100"] = np.bincount(unit[nilai < 100], minlength=n).astype(np.int64)
    totals = out["total"].to_numpy()
    out["peringkat_laporan"] = _competition_rank(totals, totals > 0, descending=True)
    for name, (counts, sums) in zip(("koordinasi", "penyelesaian"), durations, strict=True):
        # Ranked on the mean in seconds, as the month's fastest/slowest tables are.
        mean_sec = _mean_or_nan(sums, counts)
        out[f"peringkat_{name}"] = _competition_rank(
            mean_sec, kelurahan & (counts > 0), descending=False
        )
    return out[PER_UKPD_COLUMNS]


def compute_per_ukpd(
    laporan: pd.DataFrame,
    koordinasi: pd.DataFrame,
    ukpd_ref: pd.DataFrame,
    params: MetricParams = MetricParams(),
) -> pd.DataFrame:
    """Every figure of the month per unit: one row for each of the reference units.

    Parameters
    ----------
    laporan, koordinasi : pandas.DataFrame
        Canonical tables of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table.
    params : MetricParams
        Rule settings (response limit, rejection threshold, score rule).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PER_UKPD_COLUMNS`, every reference unit in official order
        (units without reports included with zeros): the four statuses and
        ``total``; ``tepat_waktu`` / ``terlambat`` (response limit as in
        :func:`compute_respon`); ``jumlah_selesai`` and ``capaian_persen`` (mean
        score of the unit's completed reports, NaN without any);
        ``koordinasi_jumlah`` / ``koordinasi_rerata_menit`` and
        ``penyelesaian_jumlah`` / ``penyelesaian_rerata_menit`` (rows with a
        duration and their mean, NaN without any); ``tl_ditolak`` (reports rejected
        at least ``ambang_ditolak`` times); ``nilai_dibawah_100``;
        ``peringkat_laporan`` (competition rank by reports among units with
        reports, as :func:`compute_top_ukpd`), ``peringkat_koordinasi`` /
        ``peringkat_penyelesaian`` (rank by mean time among kelurahan with a
        duration, fastest first, as the fastest tables). A rank of 0 means "not
        ranked". Summed over units the counts equal the month's totals.
    """
    _require(laporan, LAPORAN_COLUMNS, "laporan")
    _require(koordinasi, KOORDINASI_COLUMNS, "koordinasi")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    status = _codes(laporan["status"], pd.Index(STATUSES), "status")
    respon_sec = _respon_seconds(laporan)
    tl_sec = _tl_seconds(laporan)
    k_unit = _codes(koordinasi["ukpd"], ref["ukpd"], "ukpd (koordinasi)")
    k_sec = _proses_seconds(koordinasi)
    return _per_ukpd(
        ref,
        unit,
        _status_matrix(unit, status, len(ref)),
        _on_time(respon_sec, params.batas_respon_jam),
        _scores(laporan, tl_sec, params),
        (_unit_durations(ref, k_unit, k_sec), _unit_durations(ref, unit, tl_sec)),
        _ditolak(laporan, params.ambang_ditolak),
    )
