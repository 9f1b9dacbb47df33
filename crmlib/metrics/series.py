"""Chart series: reports per intake channel and per calendar day."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.metrics._helpers import _NAT, _NS_PER_S, _codes, _month_bounds, _ns, _require


def _per_kanal(kanal_ref: pd.DataFrame, kanal_codes: np.ndarray) -> pd.DataFrame:
    out = kanal_ref[[c for c in ("kanal", "keterangan") if c in kanal_ref.columns]].copy()
    out["jumlah"] = np.bincount(kanal_codes, minlength=len(kanal_ref)).astype(np.int64)
    return out.reset_index(drop=True)


def _kanal_table(kanal_ref: pd.DataFrame) -> pd.DataFrame:
    _require(kanal_ref, ("kanal",), "kanal_ref")
    if "urutan" in kanal_ref.columns:
        kanal_ref = kanal_ref.sort_values("urutan", kind="stable")
    return kanal_ref.reset_index(drop=True)


def compute_per_kanal(laporan: pd.DataFrame, kanal_ref: pd.DataFrame) -> pd.DataFrame:
    """Number of reports per intake channel.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``kanal``).
    kanal_ref : pandas.DataFrame
        Channel reference table (``kanal, urutan, keterangan``).

    Returns
    -------
    pandas.DataFrame
        ``kanal, keterangan, jumlah``: every channel of the reference in official
        order, channels without reports included with 0.
    """
    _require(laporan, ("kanal",), "laporan")
    ref = _kanal_table(kanal_ref)
    return _per_kanal(ref, _codes(laporan["kanal"], ref["kanal"], "kanal"))


def _harian(masuk: np.ndarray, periode: str) -> pd.DataFrame:
    start, days = _month_bounds(periode)
    valid = masuk != _NAT
    day = (masuk[valid] - start.value) // (86_400 * _NS_PER_S)
    day = day[(day >= 0) & (day < days)]  # rows of other months are not this month's
    return pd.DataFrame(
        {
            "tanggal": pd.date_range(start, periods=days, freq="D"),
            "jumlah": np.bincount(day, minlength=days).astype(np.int64),
        }
    )


def compute_harian(laporan: pd.DataFrame, periode: str) -> pd.DataFrame:
    """Number of reports received on each calendar day of the month.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports (needs ``waktu_masuk``).
    periode : str
        ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        ``tanggal`` (midnight of each day, every day of the month present) and
        ``jumlah``. Reports outside the month are not counted.
    """
    _require(laporan, ("waktu_masuk",), "laporan")
    return _harian(_ns(laporan["waktu_masuk"]), periode)
