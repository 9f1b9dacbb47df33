"""Top-N lists (units, categories) and the kelurahan rankings by mean time."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmlib.metrics._helpers import (
    _S_PER_H,
    _S_PER_MIN,
    _codes,
    _proses_seconds,
    _require,
    _tl_seconds,
    _unit_durations,
    _unit_table,
)


def _rank_and_cut(
    table: pd.DataFrame, value: str, *, descending: bool, n: int, tiebreak: str
) -> pd.DataFrame:
    """Standard competition ranking on ``value``, keeping every row ranked ≤ ``n``.

    Rows come out by rank, then by ``tiebreak`` (ascending). ``peringkat`` is inserted
    as the first column; ``tiebreak`` is dropped.
    """
    ranks = table[value].rank(method="min", ascending=not descending)
    table = table.assign(peringkat=ranks.fillna(0).astype(np.int64))
    table = table.loc[ranks.to_numpy() <= n]
    table = table.sort_values(["peringkat", tiebreak], kind="stable").drop(columns=tiebreak)
    cols = ["peringkat", *[c for c in table.columns if c != "peringkat"]]
    return table[cols].reset_index(drop=True)


def _top_units(ref: pd.DataFrame, counts: np.ndarray, n: int) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "ukpd": ref["ukpd"].to_numpy(),
            "jumlah": counts.astype(np.int64),
            "_pos": np.arange(len(ref)),
        }
    )
    # A unit without reports is not a "top" unit, whatever N is.
    table = table.loc[table["jumlah"].to_numpy() > 0]
    return _rank_and_cut(table, "jumlah", descending=True, n=n, tiebreak="_pos")


def compute_top_ukpd(laporan: pd.DataFrame, ukpd_ref: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Units with the most reports.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table (every level takes part: kelurahan, kecamatan, city).
    n : int
        Keep every unit whose competition rank is ≤ ``n``.

    Returns
    -------
    pandas.DataFrame
        ``peringkat, ukpd, jumlah`` by rank, ties in official unit order. Units
        without reports are never listed.
    """
    _require(laporan, ("ukpd",), "laporan")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    return _top_units(ref, np.bincount(unit, minlength=len(ref)), n)


def _top_kategori(row_codes: np.ndarray, uniques: Any, n: int) -> pd.DataFrame:
    counts = np.bincount(row_codes[row_codes >= 0], minlength=len(uniques))
    names = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    table = pd.DataFrame({"kategori": names, "jumlah": counts.astype(np.int64)})
    # Alphabetical tie order: case-insensitive first, exact spelling to break the rest.
    order = (
        table.assign(_fold=names.str.casefold())
        .sort_values(["_fold", "kategori"], kind="stable")
        .index.to_numpy()
    )
    table["_pos"] = np.argsort(order)
    table = table.loc[table["jumlah"].to_numpy() > 0]
    out = _rank_and_cut(table, "jumlah", descending=True, n=n, tiebreak="_pos")
    return out.astype({"kategori": "str"})


def compute_top_kategori(laporan: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Categories with the most reports.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``kategori``; reports without a
        category are not counted).
    n : int
        Keep every category whose competition rank is ≤ ``n``.

    Returns
    -------
    pandas.DataFrame
        ``peringkat, kategori, jumlah`` by rank, ties alphabetical.
    """
    _require(laporan, ("kategori",), "laporan")
    row_codes, uniques = pd.factorize(laporan["kategori"], use_na_sentinel=True)
    return _top_kategori(row_codes, uniques, n)


def _time_ranking(
    ref: pd.DataFrame, durations: tuple[np.ndarray, np.ndarray], n: int, terlama: bool
) -> pd.DataFrame:
    """Per-kelurahan mean duration ranking from :func:`_unit_durations`."""
    counts, sums = durations
    keep = (counts > 0) & (ref["tingkat"].to_numpy() == "kelurahan")
    # Integer-second sums divided by integer counts: mathematically equal means give
    # bit-identical floats, so ties are ties.
    mean_sec = sums[keep] / counts[keep]
    value_col = "rerata_jam" if terlama else "rerata_menit"
    table = pd.DataFrame(
        {
            "ukpd": ref["ukpd"].to_numpy()[keep],
            "jumlah": counts[keep].astype(np.int64),
            value_col: mean_sec / (_S_PER_H if terlama else _S_PER_MIN),
            "_sec": mean_sec,
            "_pos": np.flatnonzero(keep),
        }
    )
    out = _rank_and_cut(table, "_sec", descending=terlama, n=n, tiebreak="_pos")
    return out.drop(columns="_sec")


def compute_koordinasi_ranking(
    koordinasi: pd.DataFrame, ukpd_ref: pd.DataFrame, n: int = 10, terlama: bool = False
) -> pd.DataFrame:
    """Kelurahan ranked by mean coordination time (coordination → in process).

    Parameters
    ----------
    koordinasi : pandas.DataFrame
        Canonical coordination rows of the month (needs ``ukpd``,
        ``waktu_koordinasi``, ``waktu_proses``).
    ukpd_ref : pandas.DataFrame
        Unit reference table; only units with ``tingkat == "kelurahan"`` are ranked.
    n : int
        Keep every kelurahan whose competition rank is ≤ ``n``.
    terlama : bool
        False: fastest first, mean in minutes (``rerata_menit``).
        True: slowest first, mean in hours (``rerata_jam``).

    Returns
    -------
    pandas.DataFrame
        ``peringkat, ukpd, jumlah, rerata_menit`` (or ``rerata_jam``); ``jumlah`` is the
        number of the kelurahan's rows that have ``waktu_proses`` (the only rows used).
    """
    _require(koordinasi, ("ukpd", "waktu_koordinasi", "waktu_proses"), "koordinasi")
    ref = _unit_table(ukpd_ref)
    unit = _codes(koordinasi["ukpd"], ref["ukpd"], "ukpd (koordinasi)")
    return _time_ranking(ref, _unit_durations(ref, unit, _proses_seconds(koordinasi)), n, terlama)


def compute_penyelesaian_ranking(
    laporan: pd.DataFrame, ukpd_ref: pd.DataFrame, n: int = 10, terlama: bool = False
) -> pd.DataFrame:
    """Kelurahan ranked by mean follow-up (completion) time.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table; only kelurahan are ranked.
    n : int
        Keep every kelurahan whose competition rank is ≤ ``n``.
    terlama : bool
        False: fastest first, mean in minutes; True: slowest first, mean in hours.

    Returns
    -------
    pandas.DataFrame
        ``peringkat, ukpd, jumlah, rerata_menit`` (or ``rerata_jam``) over the
        kelurahan's reports that have ``waktu_selesai``; ``jumlah`` counts those.
    """
    _require(laporan, ("ukpd", "waktu_masuk", "waktu_selesai"), "laporan")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    return _time_ranking(ref, _unit_durations(ref, unit, _tl_seconds(laporan)), n, terlama)
