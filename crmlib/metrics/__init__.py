"""Every figure of the monthly CRM report, as pure functions over the canonical tables.

The functions take the canonical ``laporan`` / ``koordinasi`` DataFrames of one month
(schema in ``docs/architecture.md``) and the unit/channel reference tables as
DataFrame arguments, and return plain values or small DataFrames. They do no I/O and
no formatting (rounding is presentation: every number here is unrounded), and they
import nothing but pandas, NumPy, the standard library, the data contract's column
names (:mod:`crmlib.data.contract`) and the (dependency-free) :mod:`crmlib.errors`, so every other layer may depend on them and not the other way round.

Definitions follow the data contract (§3). Two rules apply throughout:

* **Official order.** Per-unit tables list units in the order of the reference table
  (each kecamatan office followed by its kelurahan, the city office last).
* **Ties in top-N / bottom-N lists** use standard competition ranking (1, 2, 2, 4) and
  keep every entry whose rank is ≤ N, so a tie at the cut-off lengthens the list;
  within a tie the official unit order (categories: alphabetical) decides.

Unknown or missing units, statuses or channels are refused with
:class:`~crmlib.errors.MetricsInputError` (a ``ValueError``) rather than silently
dropped: a per-unit recap that does not add up to the month's total would be wrong
without anyone noticing. The same goes for the other preconditions (``docs/metrik.md``):
time columns are naive Asia/Jakarta wall-clock times (time-zone-aware columns are
refused), no duration is negative, every completed report has a maximum follow-up time
or an export score, and :func:`compute_all` gets only rows of its month. The reader
guarantees all of this, so these checks only fire on frames built by hand.

Times count in whole seconds: sub-second parts are dropped before any comparison, so
text timestamps with milliseconds and Excel serials (rounded to seconds by the reader)
give the same durations and equal means tie.

Implementation note: the month can hold a million reports, so values are turned into
integer codes once (``pandas.factorize`` on the distinct values, then a lookup of the
few distinct values in the reference) and aggregated with ``numpy.bincount``. Times are
handled as int64 nanoseconds; durations are averaged as whole-second sums divided by
counts, which keeps equal averages bit-identical so ties are detected exactly.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS, STATUSES, persen
from crmlib.errors import MetricsInputError

__all__ = [
    "STATUSES",
    "TABLES",
    "MetricParams",
    "Metrics",
    "compute_all",
    "compute_capaian",
    "compute_harian",
    "compute_kecamatan_status",
    "compute_koordinasi_ranking",
    "compute_nilai_dibawah_100",
    "compute_nilai_tl",
    "compute_penyelesaian_ranking",
    "compute_per_kanal",
    "compute_per_ukpd",
    "compute_rekap_status",
    "compute_respon",
    "compute_tl_ditolak",
    "compute_top_kategori",
    "compute_top_ukpd",
    "compute_waktu_respon_jam",
    "compute_waktu_tl_jam",
    "persen",
]

_NAT = np.iinfo(np.int64).min  # int64 view of NaT
_NS_PER_S = 1_000_000_000
_S_PER_MIN = 60.0
_S_PER_H = 3600.0


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class MetricParams:
    """Settings of the metric rules (contract defaults).

    The names match the ``metrik`` block of the report parameters, so
    ``MetricParams(**params["metrik"])`` works.

    Attributes
    ----------
    batas_respon_jam : float
        Response-time limit in hours; a response at exactly the limit is on time.
    top_n : int
        N of the top-unit and top-category lists.
    peringkat_n : int
        N of the fastest/slowest coordination and completion lists.
    ambang_ditolak : int
        A report is listed as rejected when its follow-up was rejected at least this often.
    langkah_jam : float
        Length in hours of one penalty step beyond the maximum follow-up time.
    penalti_per_langkah : float
        Points deducted from 100 per started step.
    """

    batas_respon_jam: float = 6.0
    top_n: int = 5
    peringkat_n: int = 10
    ambang_ditolak: int = 2
    langkah_jam: float = 12.0
    penalti_per_langkah: float = 10.0

    def __post_init__(self) -> None:
        if not self.batas_respon_jam >= 0:
            raise MetricsInputError(f"batas_respon_jam harus >= 0, bukan {self.batas_respon_jam!r}")
        if not self.langkah_jam > 0:
            raise MetricsInputError(f"langkah_jam harus > 0, bukan {self.langkah_jam!r}")
        if not self.penalti_per_langkah >= 0:
            raise MetricsInputError(
                f"penalti_per_langkah harus >= 0, bukan {self.penalti_per_langkah!r}"
            )
        for name in ("top_n", "peringkat_n", "ambang_ditolak"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise MetricsInputError(f"{name} harus bilangan bulat >= 0, bukan {value!r}")


# --------------------------------------------------------------------------- helpers


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
    """The reference units in official order with a 0-based ``_pos`` column."""
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


# --------------------------------------------------------------------------- recap


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


# --------------------------------------------------------------------------- response


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


def _respon_split(respon_sec: np.ndarray, batas_jam: float) -> dict[str, Any]:
    # Whole seconds against the limit in seconds: exactly at the limit is on time, and a
    # missing response (NaN) compares False, so it counts as late.
    tepat = int(np.count_nonzero(respon_sec <= batas_jam * _S_PER_H))
    return {"batas_jam": batas_jam, "tepat_waktu": tepat, "terlambat": len(respon_sec) - tepat}


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


# --------------------------------------------------------------------------- follow-up score


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


# --------------------------------------------------------------------------- top lists


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


# --------------------------------------------------------------------------- time rankings


def _unit_durations(
    ref: pd.DataFrame, unit: np.ndarray, seconds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per reference unit: number of rows with a duration, and the sum of those durations."""
    done = ~np.isnan(seconds)
    unit, seconds = unit[done], seconds[done]
    counts = np.bincount(unit, minlength=len(ref))
    sums = np.bincount(unit, weights=seconds, minlength=len(ref))
    return counts, sums


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


# --------------------------------------------------------------------------- report lists


def _in_unit_order(rows: pd.DataFrame, unit_pos: np.ndarray) -> pd.DataFrame:
    """Sort a (small) subset by official unit order, then report number."""
    return (
        rows.assign(_pos=unit_pos)
        .sort_values(["_pos", "nomor_laporan"], kind="stable")
        .drop(columns="_pos")
        .reset_index(drop=True)
    )


TL_DITOLAK_COLUMNS = ["nomor_laporan", "ukpd", "kanal", "kategori", "status", "jumlah_ditolak"]


def _tl_ditolak(laporan: pd.DataFrame, unit: np.ndarray, ambang: int) -> pd.DataFrame:
    ditolak = np.nan_to_num(_floats(laporan["jumlah_tl_ditolak"]), nan=0.0)  # empty = 0
    hit = np.flatnonzero(ditolak >= ambang)
    rows = laporan.iloc[hit][["nomor_laporan", "ukpd", "kanal", "kategori", "status"]]
    rows = rows.assign(jumlah_ditolak=ditolak[hit].astype(np.int64))
    return _in_unit_order(rows, unit[hit])[TL_DITOLAK_COLUMNS]


def compute_tl_ditolak(
    laporan: pd.DataFrame, ukpd_ref: pd.DataFrame, ambang: int = 2
) -> pd.DataFrame:
    """Reports whose follow-up was rejected at least ``ambang`` times.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month (needs ``jumlah_tl_ditolak``; empty = 0).
    ukpd_ref : pandas.DataFrame
        Unit reference table (for the official order).
    ambang : int
        Threshold.

    Returns
    -------
    pandas.DataFrame
        ``nomor_laporan, ukpd, kanal, kategori, status, jumlah_ditolak`` in official
        unit order, then by report number.
    """
    _require(
        laporan,
        ("nomor_laporan", "ukpd", "kanal", "kategori", "status", "jumlah_tl_ditolak"),
        "laporan",
    )
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    return _tl_ditolak(laporan, unit, ambang)


NILAI_COLUMNS = [
    "nomor_laporan",
    "ukpd",
    "kategori",
    "rincian_masalah",
    "waktu_masuk",
    "waktu_selesai",
    "max_waktu_tl_jam",
    "waktu_tl_jam",
    "nilai_tl",
]


def _nilai_dibawah_100(
    laporan: pd.DataFrame, unit: np.ndarray, tl_sec: np.ndarray, nilai: np.ndarray
) -> pd.DataFrame:
    hit = np.flatnonzero(nilai < 100)  # NaN compares False: unscored reports stay out
    cols = ["nomor_laporan", "ukpd", "kategori", "rincian_masalah", "waktu_masuk", "waktu_selesai"]
    rows = laporan.iloc[hit][cols].assign(
        max_waktu_tl_jam=_floats(laporan["max_waktu_tl_jam"].iloc[hit]),
        waktu_tl_jam=tl_sec[hit] / _S_PER_H,
        nilai_tl=nilai[hit],
    )
    return _in_unit_order(rows, unit[hit])[NILAI_COLUMNS]


def compute_nilai_dibawah_100(
    laporan: pd.DataFrame, ukpd_ref: pd.DataFrame, params: MetricParams = MetricParams()
) -> pd.DataFrame:
    """Reports whose follow-up score is below 100.

    Parameters
    ----------
    laporan : pandas.DataFrame
        Canonical reports of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table (for the official order).
    params : MetricParams
        Rule settings for scores the export does not give.

    Returns
    -------
    pandas.DataFrame
        ``nomor_laporan, ukpd, kategori, rincian_masalah, waktu_masuk, waktu_selesai,
        max_waktu_tl_jam, waktu_tl_jam, nilai_tl`` in official unit order, then by
        report number.
    """
    _require(laporan, LAPORAN_COLUMNS, "laporan")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    tl = _tl_seconds(laporan)
    return _nilai_dibawah_100(laporan, unit, tl, _scores(laporan, tl, params))


# --------------------------------------------------------------------------- chart series


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


def _month_bounds(periode: str) -> tuple[pd.Timestamp, int]:
    if not isinstance(periode, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", periode):
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    start = pd.Timestamp(int(periode[:4]), int(periode[5:]), 1)
    return start, calendar.monthrange(start.year, start.month)[1]


def _check_in_month(times: np.ndarray, periode: str, what: str) -> None:
    """Refuse rows without a time or outside ``periode`` (compute_all's input is one month)."""
    start, days = _month_bounds(periode)
    end = start + pd.Timedelta(days=days)
    outside = np.count_nonzero((times < start.value) | (times >= end.value))  # NaT is below
    if outside:
        raise MetricsInputError(
            f"{what}: {outside} baris kosong atau di luar periode {periode}; "
            "saring data ke bulannya lebih dulu (pembaca data melakukannya)"
        )


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


# --------------------------------------------------------------------------- everything


@dataclass
class Metrics:
    """Every figure of one month's report (numbers unrounded).

    Attributes
    ----------
    periode, kota : str
        ``YYYY-MM`` and the city (e.g. ``JAKARTA TIMUR``).
    per_tanggal : pandas.Timestamp or None
        As-of time of the CRM export.
    params : MetricParams
        Settings the figures were computed with.
    total_laporan, total_koordinasi : int
        Rows of the month in ``laporan`` / ``koordinasi``.
    jumlah_selesai : int
        Completed (scored) reports: the base of ``capaian_persen``.
    capaian_persen : float or None
        Mean follow-up score; None when no report is completed.
    respon : dict
        ``batas_jam, tepat_waktu, terlambat``.
    rekap_status, rekap_kecamatan, top_ukpd, top_kategori, koordinasi_tercepat,
    koordinasi_terlama, penyelesaian_tercepat, penyelesaian_terlama, tl_ditolak,
    nilai_tl_dibawah_100, per_kanal, harian : pandas.DataFrame
        The report's tables, as returned by the ``compute_*`` functions.
    waktu_respon_jam, waktu_tl_jam : pandas.Series
        Per-report durations in hours (NaN when missing), for distribution charts.
    per_ukpd : pandas.DataFrame or None
        Every figure per unit (:func:`compute_per_ukpd`).
    """

    periode: str
    kota: str
    per_tanggal: pd.Timestamp | None
    params: MetricParams
    total_laporan: int
    total_koordinasi: int
    jumlah_selesai: int
    capaian_persen: float | None
    respon: dict[str, Any]
    rekap_status: pd.DataFrame
    rekap_kecamatan: pd.DataFrame
    top_ukpd: pd.DataFrame
    top_kategori: pd.DataFrame
    koordinasi_tercepat: pd.DataFrame
    koordinasi_terlama: pd.DataFrame
    penyelesaian_tercepat: pd.DataFrame
    penyelesaian_terlama: pd.DataFrame
    tl_ditolak: pd.DataFrame
    nilai_tl_dibawah_100: pd.DataFrame
    per_kanal: pd.DataFrame
    harian: pd.DataFrame
    waktu_respon_jam: pd.Series = field(repr=False)
    waktu_tl_jam: pd.Series = field(repr=False)
    per_ukpd: pd.DataFrame | None = field(default=None, repr=False)


#: Names of the report's tables among the :class:`Metrics` fields, in field order.
TABLES: tuple[str, ...] = tuple(f.name for f in fields(Metrics) if f.type == "pd.DataFrame")


def compute_all(
    laporan: pd.DataFrame,
    koordinasi: pd.DataFrame,
    ukpd_ref: pd.DataFrame,
    kanal_ref: pd.DataFrame,
    *,
    periode: str,
    kota: str,
    per_tanggal: Any = None,
    params: MetricParams = MetricParams(),
) -> Metrics:
    """Compute every figure of one month's report.

    Equivalent to calling each ``compute_*`` function, but every column is decoded
    (unit codes, times) only once, which matters at a million reports.

    Parameters
    ----------
    laporan, koordinasi : pandas.DataFrame
        Canonical tables of the month (``docs/architecture.md``).
    ukpd_ref, kanal_ref : pandas.DataFrame
        Unit and channel reference tables (``load_reference().ukpd`` / ``.kanal``).
    periode : str
        ``YYYY-MM``.
    kota : str
        City name as shown in the output, e.g. ``JAKARTA TIMUR``.
    per_tanggal : datetime-like, optional
        As-of time of the export.
    params : MetricParams
        Rule settings.

    Returns
    -------
    Metrics

    Raises
    ------
    MetricsInputError
        On a missing column; a unit, status or channel outside the reference lists; a
        report or coordination row outside ``periode`` (the input must already be
        filtered to the month); a time-zone-aware time column; a negative duration;
        or a completed report that cannot be scored (``docs/metrik.md``).
    """
    _require(laporan, LAPORAN_COLUMNS, "laporan")
    _require(koordinasi, KOORDINASI_COLUMNS, "koordinasi")
    ref = _unit_table(ukpd_ref)
    kref = _kanal_table(kanal_ref)

    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    status = _codes(laporan["status"], pd.Index(STATUSES), "status")
    kanal = _codes(laporan["kanal"], kref["kanal"], "kanal")
    kat_codes, kat_uniques = pd.factorize(laporan["kategori"], use_na_sentinel=True)
    masuk = _ns(laporan["waktu_masuk"])
    koord = _ns(koordinasi["waktu_koordinasi"])
    _check_in_month(masuk, periode, "laporan.waktu_masuk")
    _check_in_month(koord, periode, "koordinasi.waktu_koordinasi")
    respon_sec = _seconds_between(masuk, _ns(laporan["waktu_respon"]), _RESPON)
    tl_sec = _seconds_between(masuk, _ns(laporan["waktu_selesai"]), _SELESAI)
    nilai = _scores(laporan, tl_sec, params)
    capaian, jumlah_selesai = _capaian(nilai)

    k_unit = _codes(koordinasi["ukpd"], ref["ukpd"], "ukpd (koordinasi)")
    k_sec = _seconds_between(koord, _ns(koordinasi["waktu_proses"]), _PROSES)

    k_dur = _unit_durations(ref, k_unit, k_sec)
    p_dur = _unit_durations(ref, unit, tl_sec)
    matrix = _status_matrix(unit, status, len(ref))
    n_top, n_rank = params.top_n, params.peringkat_n
    return Metrics(
        periode=periode,
        kota=kota,
        per_tanggal=None if per_tanggal is None else pd.Timestamp(per_tanggal),
        params=params,
        total_laporan=len(laporan),
        total_koordinasi=len(koordinasi),
        jumlah_selesai=jumlah_selesai,
        capaian_persen=capaian,
        respon=_respon_split(respon_sec, params.batas_respon_jam),
        rekap_status=_rekap_frame(ref, matrix),
        rekap_kecamatan=_kecamatan_frame(ref, matrix),
        top_ukpd=_top_units(ref, matrix.sum(axis=1), n_top),
        top_kategori=_top_kategori(kat_codes, kat_uniques, n_top),
        koordinasi_tercepat=_time_ranking(ref, k_dur, n_rank, terlama=False),
        koordinasi_terlama=_time_ranking(ref, k_dur, n_rank, terlama=True),
        penyelesaian_tercepat=_time_ranking(ref, p_dur, n_rank, terlama=False),
        penyelesaian_terlama=_time_ranking(ref, p_dur, n_rank, terlama=True),
        tl_ditolak=_tl_ditolak(laporan, unit, params.ambang_ditolak),
        nilai_tl_dibawah_100=_nilai_dibawah_100(laporan, unit, tl_sec, nilai),
        per_kanal=_per_kanal(kref, kanal),
        harian=_harian(masuk, periode),
        waktu_respon_jam=pd.Series(
            respon_sec / _S_PER_H, index=laporan.index, name="waktu_respon_jam"
        ),
        waktu_tl_jam=pd.Series(tl_sec / _S_PER_H, index=laporan.index, name="waktu_tl_jam"),
        per_ukpd=_per_ukpd(
            ref,
            unit,
            matrix,
            _on_time(respon_sec, params.batas_respon_jam),
            nilai,
            (k_dur, p_dur),
            _ditolak(laporan, params.ambang_ditolak),
        ),
    )


# --------------------------------------------------------------------------- per unit

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
    masuk = _ns(laporan["waktu_masuk"])
    respon_sec = _seconds_between(masuk, _ns(laporan["waktu_respon"]), _RESPON)
    tl_sec = _seconds_between(masuk, _ns(laporan["waktu_selesai"]), _SELESAI)
    k_unit = _codes(koordinasi["ukpd"], ref["ukpd"], "ukpd (koordinasi)")
    k_sec = _seconds_between(
        _ns(koordinasi["waktu_koordinasi"]), _ns(koordinasi["waktu_proses"]), _PROSES
    )
    return _per_ukpd(
        ref,
        unit,
        _status_matrix(unit, status, len(ref)),
        _on_time(respon_sec, params.batas_respon_jam),
        _scores(laporan, tl_sec, params),
        (_unit_durations(ref, k_unit, k_sec), _unit_durations(ref, unit, tl_sec)),
        _ditolak(laporan, params.ambang_ditolak),
    )


def _on_time(respon_sec: np.ndarray, batas_jam: float) -> np.ndarray:
    # As _respon_split: whole seconds against the limit; no response (NaN) is late.
    return respon_sec <= batas_jam * _S_PER_H


def _ditolak(laporan: pd.DataFrame, ambang: int) -> np.ndarray:
    # As _tl_ditolak: an empty count means 0 rejections.
    return np.nan_to_num(_floats(laporan["jumlah_tl_ditolak"]), nan=0.0) >= ambang
