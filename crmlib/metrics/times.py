"""Response and follow-up times, the follow-up score (nilai TL) and the month's capaian."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlib.errors import MetricsInputError
from crmlib.metrics._helpers import _S_PER_H, _floats, _require, _respon_seconds, _tl_seconds
from crmlib.metrics.params import MetricParams


def _respon_split(respon_sec: np.ndarray, batas_jam: float) -> dict[str, Any]:
    # Whole seconds against the limit in seconds: exactly at the limit is on time, and a
    # missing response (NaN) compares False, so it counts as late.
    tepat = int(np.count_nonzero(respon_sec <= batas_jam * _S_PER_H))
    return {"batas_jam": batas_jam, "tepat_waktu": tepat, "terlambat": len(respon_sec) - tepat}


def persen(bagian: int, total: int) -> float | None:
    """Share of the month's reports, in percent (e.g. responded on time).

    Parameters
    ----------
    bagian : int
        Reports in the share, e.g. ``respon["tepat_waktu"]``.
    total : int
        All reports of the month.

    Returns
    -------
    float or None
        ``100 × bagian / total``, unrounded; None for a month without reports.
    """
    return 100 * bagian / total if total else None


def compute_respon(laporan: pd.DataFrame, batas_jam: float = 6.0) -> dict[str, Any]:
    """Split the month's reports into responded on time and late.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``waktu_masuk`` and ``waktu_respon``).
    batas_jam : float
        Response-time limit in hours.

    Returns
    -------
    dict
        ``batas_jam``; ``tepat_waktu``: reports with ``waktu_respon − waktu_masuk ≤
        batas_jam`` (exactly at the limit counts as on time); ``terlambat``: all the
        others, including reports not responded to at all. The two counts add up to the
        number of reports.
    """
    _require(laporan, ("waktu_masuk", "waktu_respon"), "laporan")
    return _respon_split(_respon_seconds(laporan), batas_jam)


def compute_waktu_respon_jam(laporan: pd.DataFrame) -> pd.Series:
    """Response time of every report in hours (for the distribution chart).

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.

    Returns
    -------
    pandas.Series
        ``waktu_respon − waktu_masuk`` in hours, aligned with ``laporan``'s index;
        NaN where the report has no response yet.
    """
    _require(laporan, ("waktu_masuk", "waktu_respon"), "laporan")
    return pd.Series(
        _respon_seconds(laporan) / _S_PER_H, index=laporan.index, name="waktu_respon_jam"
    )


def compute_waktu_tl_jam(laporan: pd.DataFrame) -> pd.Series:
    """Follow-up time of every report in hours.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``waktu_masuk`` and ``waktu_selesai``).

    Returns
    -------
    pandas.Series
        ``waktu_selesai − waktu_masuk`` in hours, aligned with ``laporan``'s index;
        NaN where the follow-up has not been submitted.
    """
    _require(laporan, ("waktu_masuk", "waktu_selesai"), "laporan")
    return pd.Series(_tl_seconds(laporan) / _S_PER_H, index=laporan.index, name="waktu_tl_jam")


def _nilai_rule(
    tl_sec: np.ndarray, max_jam: np.ndarray, export: np.ndarray, params: MetricParams
) -> np.ndarray:
    completed = ~np.isnan(tl_sec)
    unscorable = np.count_nonzero(completed & np.isnan(max_jam) & np.isnan(export))
    if unscorable:
        raise MetricsInputError(
            f"{unscorable} laporan selesai tanpa max_waktu_tl_jam dan tanpa nilai_tl: "
            "nilainya tidak bisa dihitung"
        )
    # Seconds, not hours: whole-second times then give exact step counts at the
    # boundaries (12 h over is exactly one step, not 1.0000000001).
    over = tl_sec - max_jam * _S_PER_H
    steps = np.ceil(over / (params.langkah_jam * _S_PER_H))
    rule = np.where(over <= 0, 100.0, np.maximum(0.0, 100.0 - params.penalti_per_langkah * steps))
    nilai = np.where(np.isnan(export), rule, export)
    # A score needs a completion: an export score on an open report is not counted anywhere.
    nilai[~completed] = np.nan
    return nilai


def _scores(laporan: pd.DataFrame, tl_sec: np.ndarray, params: MetricParams) -> np.ndarray:
    max_jam = _floats(laporan["max_waktu_tl_jam"])
    return _nilai_rule(tl_sec, max_jam, _floats(laporan["nilai_tl"]), params)


def compute_nilai_tl(laporan: pd.DataFrame, params: MetricParams = MetricParams()) -> pd.Series:
    """Follow-up score (0–100) of every report.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``waktu_masuk``, ``waktu_selesai``,
        ``max_waktu_tl_jam`` and ``nilai_tl``).
    params : MetricParams
        Supplies ``langkah_jam`` and ``penalti_per_langkah``.

    Returns
    -------
    pandas.Series
        Aligned with ``laporan``'s index. The export's ``nilai_tl`` where given;
        otherwise 100 when ``waktu_tl_jam ≤ max_waktu_tl_jam``, else
        ``max(0, 100 − penalti × ceil((waktu_tl_jam − max_waktu_tl_jam) / langkah))``;
        NaN wherever there is no ``waktu_selesai`` (an export score on a report that
        is not completed is ignored: a score needs a completion).

    Raises
    ------
    MetricsInputError
        If a completed report has neither ``max_waktu_tl_jam`` nor ``nilai_tl``, or
        is completed before it was received.

    Examples
    --------
    With a 48 h maximum: 48 h → 100, 49 h → 90, 60 h → 90, 61 h → 80, 67 h → 80.
    """
    _require(laporan, ("waktu_masuk", "waktu_selesai", "max_waktu_tl_jam", "nilai_tl"), "laporan")
    nilai = _scores(laporan, _tl_seconds(laporan), params)
    return pd.Series(nilai, index=laporan.index, name="nilai_tl")


def _capaian(nilai: np.ndarray) -> tuple[float | None, int]:
    scored = nilai[~np.isnan(nilai)]  # exactly the completed reports
    if not len(scored):
        return None, 0
    return float(scored.sum() / len(scored)), len(scored)


def compute_capaian(laporan: pd.DataFrame, params: MetricParams = MetricParams()) -> float | None:
    """Achievement: the mean follow-up score over the month's completed reports.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.
    params : MetricParams
        Rule settings for scores the export does not give.

    Returns
    -------
    float or None
        Mean ``nilai_tl`` (0–100, unrounded) over the reports that have
        ``waktu_selesai``; None when no report of the month is completed.
    """
    _require(laporan, ("waktu_masuk", "waktu_selesai", "max_waktu_tl_jam", "nilai_tl"), "laporan")
    return _capaian(_scores(laporan, _tl_seconds(laporan), params))[0]


def _on_time(respon_sec: np.ndarray, batas_jam: float) -> np.ndarray:
    # As _respon_split: whole seconds against the limit; no response (NaN) is late.
    return respon_sec <= batas_jam * _S_PER_H
