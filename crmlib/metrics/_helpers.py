"""Primitives shared by the metric modules: column checks, value codes, whole-second times.

Nothing here is public: the modules of :mod:`crmlib.metrics` build their figures from
these, and the package docstring explains the rules (official order, whole seconds).
"""

from __future__ import annotations

import calendar
import re

import numpy as np
import pandas as pd

from crmlib.data.contract import STATUSES
from crmlib.errors import MetricsInputError

_NAT = np.iinfo(np.int64).min  # int64 view of NaT
_NS_PER_S = 1_000_000_000
_S_PER_MIN = 60.0
_S_PER_H = 3600.0


def _require(df: pd.DataFrame, columns: tuple[str, ...] | list[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MetricsInputError(f"tabel {what} tidak punya kolom: {', '.join(missing)}")


def _codes(values: pd.Series, categories: pd.Series | pd.Index, what: str) -> np.ndarray:
    """Position of every value in ``categories`` (int64), refusing unknown or missing values.

    Factorising first means the reference lookup runs over the few distinct values
    instead of every row; categorical input reuses its codes directly.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        row_codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques = values.cat.categories
    else:
        row_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = pd.Index(categories).get_indexer(pd.Index(uniques))
    # The extra -1 at the end is where the NA sentinel (-1) of row_codes lands.
    codes = np.append(lookup, -1).astype(np.int64)[row_codes]
    if len(codes) and codes.min() < 0:
        bad = values[codes < 0]
        shown = sorted({"<kosong>" if pd.isna(v) else str(v) for v in bad.unique()})
        raise MetricsInputError(
            f"nilai {what} tidak ada di daftar referensi: {', '.join(shown[:10])}"
        )
    return codes


def _refuse_zone(name: object) -> None:
    raise MetricsInputError(
        f"kolom {name} memakai zona waktu; metrik menghitung dengan waktu lokal "
        "Asia/Jakarta tanpa zona (pembaca data mengubahnya lebih dulu)"
    )


def _ns(series: pd.Series) -> np.ndarray:
    """Datetimes as int64 nanoseconds floored to whole seconds (NaT → ``_NAT``).

    Any resolution is accepted; time-zone-aware values are refused, because mixing
    zones would silently shift durations by hours.
    """
    if not (isinstance(series.dtype, np.dtype) and series.dtype.kind == "M"):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            _refuse_zone(series.name)
        try:
            series = pd.to_datetime(series)
        except (TypeError, ValueError) as exc:  # e.g. values in different zones
            raise MetricsInputError(f"kolom {series.name}: waktu tidak terbaca ({exc})") from exc
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            _refuse_zone(series.name)
    arr = series.to_numpy().astype("datetime64[s]").astype("datetime64[ns]").view(np.int64)
    return arr


def _seconds_between(start_ns: np.ndarray, end_ns: np.ndarray, what: str) -> np.ndarray:
    """``end - start`` in seconds (float64), NaN where either time is missing.

    Raises
    ------
    MetricsInputError
        If an end lies before its start (``what`` names the pair).
    """
    valid = (start_ns != _NAT) & (end_ns != _NAT)
    out = np.full(len(start_ns), np.nan)
    # Whole-second differences convert to exactly representable floats.
    out[valid] = (end_ns[valid] - start_ns[valid]) / _NS_PER_S
    negative = np.count_nonzero(out < 0)
    if negative:
        raise MetricsInputError(f"{what}: {negative} baris dengan waktu mundur (durasi negatif)")
    return out


def _floats(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)


def _unit_table(ukpd_ref: pd.DataFrame) -> pd.DataFrame:
    """The reference units in official order (by ``urutan``), on a fresh 0-based index."""
    _require(ukpd_ref, ("ukpd", "tingkat", "kecamatan"), "ukpd_ref")
    ref = ukpd_ref
    if "urutan" in ref.columns:
        ref = ref.sort_values("urutan", kind="stable")
    ref = ref.reset_index(drop=True)
    ref["kecamatan"] = ref["kecamatan"].fillna("").astype(str)
    return ref


def _status_matrix(unit: np.ndarray, status: np.ndarray, n_units: int) -> np.ndarray:
    """Counts per (unit, status) as an ``n_units × 4`` int64 matrix."""
    flat = np.bincount(unit * len(STATUSES) + status, minlength=n_units * len(STATUSES))
    return flat.reshape(n_units, len(STATUSES)).astype(np.int64)


# The three durations, named by the pair a negative duration is reported as.
_RESPON = "waktu_respon sebelum waktu_masuk"
_SELESAI = "waktu_selesai sebelum waktu_masuk"
_PROSES = "waktu_proses sebelum waktu_koordinasi"


def _respon_seconds(laporan: pd.DataFrame) -> np.ndarray:
    return _seconds_between(_ns(laporan["waktu_masuk"]), _ns(laporan["waktu_respon"]), _RESPON)


def _tl_seconds(laporan: pd.DataFrame) -> np.ndarray:
    return _seconds_between(_ns(laporan["waktu_masuk"]), _ns(laporan["waktu_selesai"]), _SELESAI)


def _proses_seconds(koordinasi: pd.DataFrame) -> np.ndarray:
    return _seconds_between(
        _ns(koordinasi["waktu_koordinasi"]), _ns(koordinasi["waktu_proses"]), _PROSES
    )


def _unit_durations(
    ref: pd.DataFrame, unit: np.ndarray, seconds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per reference unit: number of rows with a duration, and the sum of those durations."""
    done = ~np.isnan(seconds)
    unit, seconds = unit[done], seconds[done]
    counts = np.bincount(unit, minlength=len(ref))
    sums = np.bincount(unit, weights=seconds, minlength=len(ref))
    return counts, sums


def _month_bounds(periode: str) -> tuple[pd.Timestamp, int]:
    if not isinstance(periode, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", periode):
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    start = pd.Timestamp(int(periode[:4]), int(periode[5:]), 1)
    return start, calendar.monthrange(start.year, start.month)[1]
