"""Plausibility checks: is this export really the month it claims to be?

Pure functions over timestamps and counts (no paths, no printing), used by the
reader (refusals) and the build (warnings). Each returns the Indonesian text for
the analyst, or ``None`` when nothing looks wrong.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pandas as pd

# A month's report count outside [median / FACTOR, median * FACTOR] of the months
# before it gets a warning.
VOLUME_FACTOR = 3.0
VOLUME_HISTORY = 12

# The hints name no params file: new-month runs before the month's file exists.
ALLOW_EMPTY_HINT = (
    "bila bulan ini memang tanpa laporan, jalankan validate/new-month dengan --izinkan-kosong, "
    "atau (untuk build) isi 'izinkan_kosong: true' di berkas params bulan {periode}"
)
WHERE_DATA_HINT = (
    "periksa lokasi data (--data pada validate/new-month, kunci 'data' di berkas params bulan "
    "itu pada build) dan --periode"
)


@dataclass(frozen=True)
class Finding:
    """One plausibility refusal: what was found and what to check."""

    message: str
    expected: str


def period_bounds(periode: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start (inclusive) and end (exclusive) of a ``YYYY-MM`` month."""
    start = pd.Timestamp(f"{periode}-01")
    return start, start + pd.offsets.MonthBegin(1)


def _date_range(when: pd.Series) -> str:
    when = when.dropna()
    return f"{when.min():%Y-%m-%d} s.d. {when.max():%Y-%m-%d}"


def _busiest_month(when: pd.Series) -> str:
    return when.dropna().dt.strftime("%Y-%m").mode().iloc[0]


def check_coverage(
    when: pd.Series, periode: str, *, izinkan_kosong: bool = False
) -> Finding | None:
    """Refuse an export whose reports mostly (or all) fall outside ``periode``.

    Parameters
    ----------
    when : Series of datetime64
        ``waktu_masuk`` of every row read (every month).
    periode : str
        The month the export is used for, ``YYYY-MM``.
    izinkan_kosong : bool
        The analyst confirmed the month has no reports: zero reports is accepted.

    Returns
    -------
    Finding or None
        ``None`` when at least half of the dated rows are in the month (or the
        month is empty and that was allowed).
    """
    start, end = period_bounds(periode)
    dated = when.dropna()
    inside = int(((dated >= start) & (dated < end)).sum())
    total = len(dated)
    if inside == 0:
        if izinkan_kosong:
            return None
        if total == 0:
            return Finding(
                f"tidak ada laporan sama sekali untuk periode {periode}",
                ALLOW_EMPTY_HINT.format(periode=periode),
            )
        return Finding(
            f"0 laporan dalam periode {periode}: semua {total} baris berada di luar periode "
            f"(tanggal masuk {_date_range(dated)}; terbanyak bulan {_busiest_month(dated)})",
            f"{WHERE_DATA_HINT}; " + ALLOW_EMPTY_HINT.format(periode=periode),
        )
    if inside * 2 < total:
        busiest = _busiest_month(dated)
        return Finding(
            f"kemungkinan ekspor bulan lain: {total - inside} dari {total} baris di luar periode "
            f"{periode} (tanggal masuk {_date_range(dated)}; terbanyak bulan {busiest})",
            f"berkas ekspor {periode}; {WHERE_DATA_HINT} (berkas ini tampaknya ekspor {busiest})",
        )
    return None


def volume_warning(periode: str, total: int, previous: dict[str, int]) -> str | None:
    """Warn when a month's report count is far from the months before it.

    Parameters
    ----------
    periode : str
        The month built.
    total : int
        Its number of reports.
    previous : dict
        ``{YYYY-MM: total_laporan}`` of months built before ``periode``; the latest
        :data:`VOLUME_HISTORY` are used.

    Returns
    -------
    str or None
        The warning (Indonesian), or ``None`` when the count is within
        ``median / 3 … median * 3`` or there is no history.
    """
    earlier = sorted(m for m in previous if m < periode)[-VOLUME_HISTORY:]
    if not earlier:
        return None
    median = statistics.median(previous[m] for m in earlier)
    if median <= 0:
        return None
    low, high = median / VOLUME_FACTOR, median * VOLUME_FACTOR
    if low <= total <= high:
        return None
    arah = "jauh lebih sedikit" if total < low else "jauh lebih banyak"
    return (
        f"{periode}: jumlah laporan {total} {arah} dari median {median:g} laporan pada "
        f"{len(earlier)} bulan sebelumnya ({earlier[0]} s.d. {earlier[-1]}); periksa apakah "
        "ekspor CRM lengkap dan benar untuk bulan ini"
    )
