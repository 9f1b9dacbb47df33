"""Status recaps: reports per unit and status, and per kecamatan and status."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.contract import STATUSES
from crmlib.metrics._helpers import _codes, _require, _status_matrix, _unit_table


def _rekap_frame(ref: pd.DataFrame, matrix: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "ukpd": ref["ukpd"].to_numpy(),
            "tingkat": ref["tingkat"].to_numpy(),
            "kecamatan": ref["kecamatan"].to_numpy(),
        }
    )
    for j, status in enumerate(STATUSES):
        out[status] = matrix[:, j]
    out["total"] = matrix.sum(axis=1).astype(np.int64)
    return out


def compute_rekap_status(laporan: pd.DataFrame, ukpd_ref: pd.DataFrame) -> pd.DataFrame:
    """Count of reports per unit and status: the report's first table.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``ukpd`` and ``status``).
    ukpd_ref : pandas.DataFrame
        Unit reference table (``urutan, ukpd, tingkat, nama, kecamatan``).

    Returns
    -------
    pandas.DataFrame
        One row per reference unit in official order, units without reports included
        with zeros. Columns ``ukpd, tingkat, kecamatan, Complete, Disposisi,
        In Progres, Wait, total`` (counts as int64).

    Raises
    ------
    ValueError
        If a report names a unit or status outside the reference lists.
    """
    _require(laporan, ("ukpd", "status"), "laporan")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    status = _codes(laporan["status"], pd.Index(STATUSES), "status")
    return _rekap_frame(ref, _status_matrix(unit, status, len(ref)))


def _kecamatan_groups(ref: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Group code per reference unit and the groups in official order.

    A kecamatan group is the kecamatan office plus its kelurahan; a unit without a
    kecamatan (the city office) is a group of its own, labelled with its name.
    """
    kec = ref["kecamatan"].to_numpy(dtype=object)
    label = np.where(kec != "", kec, ref["ukpd"].to_numpy(dtype=object))
    codes, uniques = pd.factorize(pd.Series(label, dtype=object))  # first-seen = official order
    tingkat = np.where(kec != "", "kecamatan", ref["tingkat"].to_numpy(dtype=object))
    first = pd.Series(np.arange(len(codes))).groupby(codes).min().to_numpy()
    groups = pd.DataFrame(
        {"kelompok": np.asarray(uniques, dtype=object), "tingkat": tingkat[first]}
    )
    return codes, groups


def _kecamatan_frame(ref: pd.DataFrame, matrix: np.ndarray) -> pd.DataFrame:
    codes, groups = _kecamatan_groups(ref)
    summed = np.zeros((len(groups), len(STATUSES)), dtype=np.int64)
    np.add.at(summed, codes, matrix)  # ~10 groups × 76 units: tiny
    out = groups.astype({"kelompok": "str", "tingkat": "str"})
    for j, status in enumerate(STATUSES):
        out[status] = summed[:, j]
    out["total"] = summed.sum(axis=1).astype(np.int64)
    return out


def compute_kecamatan_status(laporan: pd.DataFrame, ukpd_ref: pd.DataFrame) -> pd.DataFrame:
    """Count of reports per kecamatan (its office and its kelurahan) and status.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table.

    Returns
    -------
    pandas.DataFrame
        One row per group in official order: each kecamatan, then the city office as
        its own group. Columns ``kelompok`` (kecamatan name, or the city office's unit
        name), ``tingkat`` (``kecamatan`` / ``kota``), the four statuses and ``total``.
    """
    _require(laporan, ("ukpd", "status"), "laporan")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    status = _codes(laporan["status"], pd.Index(STATUSES), "status")
    return _kecamatan_frame(ref, _status_matrix(unit, status, len(ref)))
