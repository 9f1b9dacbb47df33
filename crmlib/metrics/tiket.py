"""The tickets behind every pay-relevant figure: one row per report or coordination counted.

A Lurah who reads "12 aduan direspon lebih dari 6 jam" asks *which twelve*. Each list
here holds exactly the rows one figure of the month counts, per unit, with the times
involved, the duration in the unit the report uses and the rule that counted the row
(``aturan``, a code; its wording is the report layer's). The lists are built from the
same decoded columns as the figures (:func:`crmlib.metrics.compute_all` with
``tiket=True``), so for every unit:

* ``respon``: every report; ``aturan`` is ``tepat_waktu`` for the unit's
  ``tepat_waktu`` and ``terlambat`` / ``belum_direspon`` for its ``terlambat``;
* ``tl_ditolak``: the unit's ``tl_ditolak`` reports (rejected at least
  ``ambang_ditolak`` times), with their rejection counts;
* ``nilai_dibawah_100``: the unit's ``nilai_dibawah_100`` reports; their shortfalls
  ``100 − nilai_tl`` add up to ``jumlah_selesai × (100 − capaian_persen)``;
* ``koordinasi``: the coordination rows with a ``waktu_proses``, whose count and mean
  ``koordinasi_menit`` are ``koordinasi_jumlah`` / ``koordinasi_rerata_menit``;
* ``penyelesaian``: the completed reports, whose count and mean ``waktu_tl_jam`` are
  ``penyelesaian_jumlah`` / ``penyelesaian_rerata_menit`` (in hours).

No list carries reporter data: the columns are the ticket's number, channel,
category, status, unit, times and durations (``rincian_masalah``, the one free text
the export keeps, is left out).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS
from crmlib.metrics._helpers import (
    _S_PER_H,
    _S_PER_MIN,
    _codes,
    _floats,
    _ns,
    _proses_seconds,
    _require,
    _respon_seconds,
    _tl_seconds,
    _unit_table,
)
from crmlib.metrics.lists import _ditolak
from crmlib.metrics.params import MetricParams
from crmlib.metrics.times import _on_time, _scores

#: ``aturan`` codes: why a row is in its list.
ATURAN_RESPON = ("tepat_waktu", "terlambat", "belum_direspon")
ATURAN_NILAI = ("nilai_ekspor", "lewat_maks")
ATURAN_TL_DITOLAK = "tl_ditolak"
ATURAN_KOORDINASI = "diproses"
ATURAN_PENYELESAIAN = "selesai"

_HEAD = ["nomor_laporan", "ukpd", "kanal", "kategori", "status"]

#: Columns of every list, by list name (the fields of :class:`DaftarTiket`).
TIKET_COLUMNS: dict[str, list[str]] = {
    "respon": [*_HEAD, "waktu_masuk", "waktu_respon", "respon_jam", "aturan"],
    "tl_ditolak": [*_HEAD, "waktu_masuk", "waktu_selesai", "jumlah_ditolak", "aturan"],
    "nilai_dibawah_100": [
        *_HEAD,
        "waktu_masuk",
        "waktu_selesai",
        "max_waktu_tl_jam",
        "waktu_tl_jam",
        "nilai_tl",
        "aturan",
    ],
    "koordinasi": [*_HEAD, "waktu_koordinasi", "waktu_proses", "koordinasi_menit", "aturan"],
    "penyelesaian": [*_HEAD, "waktu_masuk", "waktu_selesai", "waktu_tl_jam", "aturan"],
}


@dataclass(frozen=True)
class DaftarTiket:
    """The month's ticket lists, each in official unit order, then by report number.

    Attributes
    ----------
    respon, tl_ditolak, nilai_dibawah_100, koordinasi, penyelesaian : pandas.DataFrame
        Columns :data:`TIKET_COLUMNS` of the same name (module docstring: which
        figure each list explains). Times are whole seconds, as the figures count
        them; durations are hours (``respon_jam``, ``waktu_tl_jam``) or minutes
        (``koordinasi_menit``), unrounded.
    """

    respon: pd.DataFrame
    tl_ditolak: pd.DataFrame
    nilai_dibawah_100: pd.DataFrame
    koordinasi: pd.DataFrame
    penyelesaian: pd.DataFrame

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        """``(name, list)`` pairs in field order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


def _times(ns: np.ndarray) -> np.ndarray:
    # int64 nanoseconds (whole seconds; the NaT sentinel for missing) back to datetimes.
    return ns.view("datetime64[ns]")


def _rows(
    laporan: pd.DataFrame, hit: np.ndarray, unit: np.ndarray, extra: dict[str, object]
) -> pd.DataFrame:
    """The reports at positions ``hit`` with the head columns and ``extra``, in unit order."""
    rows = laporan.iloc[hit][_HEAD].reset_index(drop=True).assign(**extra)
    return _ordered(rows, unit[hit], ["nomor_laporan"])


def _ordered(rows: pd.DataFrame, unit_pos: np.ndarray, keys: list[str]) -> pd.DataFrame:
    """Official unit order, then ``keys`` (stable: equal rows are identical rows)."""
    return (
        rows.assign(_pos=unit_pos)
        .sort_values(["_pos", *keys], kind="stable")
        .drop(columns="_pos")
        .reset_index(drop=True)
    )


def _respon_list(
    laporan: pd.DataFrame, unit: np.ndarray, masuk: np.ndarray, respon_sec: np.ndarray, batas: float
) -> pd.DataFrame:
    """Every report, with its response time and whether it counted as on time."""
    # As the figures: at the limit is on time, no response at all is late.
    late = np.where(np.isnan(respon_sec), ATURAN_RESPON[2], ATURAN_RESPON[1])
    extra = {
        "waktu_masuk": _times(masuk),
        "waktu_respon": _times(_ns(laporan["waktu_respon"])),
        "respon_jam": respon_sec / _S_PER_H,
        "aturan": np.where(_on_time(respon_sec, batas), ATURAN_RESPON[0], late),
    }
    return _rows(laporan, np.arange(len(laporan)), unit, extra)[TIKET_COLUMNS["respon"]]


def _tl_ditolak_list(
    laporan: pd.DataFrame, unit: np.ndarray, masuk: np.ndarray, ambang: int
) -> pd.DataFrame:
    """The reports rejected at least ``ambang`` times, with their rejection counts."""
    hit = np.flatnonzero(_ditolak(laporan, ambang))
    extra = {
        "waktu_masuk": _times(masuk[hit]),
        "waktu_selesai": _times(_ns(laporan["waktu_selesai"])[hit]),
        "jumlah_ditolak": np.nan_to_num(_floats(laporan["jumlah_tl_ditolak"].iloc[hit])).astype(
            np.int64
        ),
        "aturan": ATURAN_TL_DITOLAK,
    }
    return _rows(laporan, hit, unit, extra)[TIKET_COLUMNS["tl_ditolak"]]


def _nilai_list(
    laporan: pd.DataFrame,
    unit: np.ndarray,
    masuk: np.ndarray,
    tl_sec: np.ndarray,
    nilai: np.ndarray,
) -> pd.DataFrame:
    """The scored reports below 100: score, maximum time, actual time, and where the score came from."""
    hit = np.flatnonzero(nilai < 100)  # NaN compares False: unscored reports stay out
    ekspor = ~np.isnan(_floats(laporan["nilai_tl"].iloc[hit]))
    extra = {
        "waktu_masuk": _times(masuk[hit]),
        "waktu_selesai": _times(_ns(laporan["waktu_selesai"])[hit]),
        "max_waktu_tl_jam": _floats(laporan["max_waktu_tl_jam"].iloc[hit]),
        "waktu_tl_jam": tl_sec[hit] / _S_PER_H,
        "nilai_tl": nilai[hit],
        "aturan": np.where(ekspor, ATURAN_NILAI[0], ATURAN_NILAI[1]),
    }
    return _rows(laporan, hit, unit, extra)[TIKET_COLUMNS["nilai_dibawah_100"]]


def _penyelesaian_list(
    laporan: pd.DataFrame, unit: np.ndarray, masuk: np.ndarray, tl_sec: np.ndarray
) -> pd.DataFrame:
    """The completed reports with their follow-up time in hours."""
    hit = np.flatnonzero(~np.isnan(tl_sec))
    extra = {
        "waktu_masuk": _times(masuk[hit]),
        "waktu_selesai": _times(_ns(laporan["waktu_selesai"])[hit]),
        "waktu_tl_jam": tl_sec[hit] / _S_PER_H,
        "aturan": ATURAN_PENYELESAIAN,
    }
    return _rows(laporan, hit, unit, extra)[TIKET_COLUMNS["penyelesaian"]]


def _report_of(laporan: pd.DataFrame, nomor: pd.Series) -> np.ndarray:
    """Position in ``laporan`` of each report number (its first row), -1 where absent."""
    numbers = laporan["nomor_laporan"]
    first = np.flatnonzero(~numbers.duplicated().to_numpy())
    found = pd.Index(numbers.to_numpy()[first]).get_indexer(pd.Index(nomor.to_numpy()))
    if first.size == 0:  # no reports: coordination rows without their report
        return np.full(len(nomor), -1, dtype=np.intp)
    return np.where(found >= 0, first[np.maximum(found, 0)], -1)


def _koordinasi_list(
    laporan: pd.DataFrame, koordinasi: pd.DataFrame, k_unit: np.ndarray, k_sec: np.ndarray
) -> pd.DataFrame:
    """The coordination rows with a ``waktu_proses``, with the coordinated report's channel,
    category and status where it is one of the month's reports (empty otherwise)."""
    hit = np.flatnonzero(~np.isnan(k_sec))
    rows = koordinasi.iloc[hit].reset_index(drop=True)
    # -1 is no label of the RangeIndex: a report of another unit's month gets NaN.
    own = _report_of(laporan, rows["nomor_laporan"])
    source = laporan.reset_index(drop=True)
    head = {
        c: source[c].reindex(own).reset_index(drop=True) for c in ("kanal", "kategori", "status")
    }
    out = rows[["nomor_laporan", "ukpd"]].assign(
        **head,
        waktu_koordinasi=_times(_ns(rows["waktu_koordinasi"])),
        waktu_proses=_times(_ns(rows["waktu_proses"])),
        koordinasi_menit=k_sec[hit] / _S_PER_MIN,
        aturan=ATURAN_KOORDINASI,
    )
    out = _ordered(out, k_unit[hit], ["nomor_laporan", "waktu_koordinasi", "waktu_proses"])
    return out[TIKET_COLUMNS["koordinasi"]]


def _daftar_tiket(
    laporan: pd.DataFrame,
    koordinasi: pd.DataFrame,
    codes: tuple[np.ndarray, np.ndarray],
    seconds: tuple[np.ndarray, np.ndarray, np.ndarray],
    nilai: np.ndarray,
    params: MetricParams,
) -> DaftarTiket:
    """Every list from the decoded columns: unit codes of the reports and coordination
    rows, response / follow-up / coordination seconds and the scores."""
    unit, k_unit = codes
    respon_sec, tl_sec, k_sec = seconds
    masuk = _ns(laporan["waktu_masuk"])
    return DaftarTiket(
        respon=_respon_list(laporan, unit, masuk, respon_sec, params.batas_respon_jam),
        tl_ditolak=_tl_ditolak_list(laporan, unit, masuk, params.ambang_ditolak),
        nilai_dibawah_100=_nilai_list(laporan, unit, masuk, tl_sec, nilai),
        koordinasi=_koordinasi_list(laporan, koordinasi, k_unit, k_sec),
        penyelesaian=_penyelesaian_list(laporan, unit, masuk, tl_sec),
    )


def compute_daftar_tiket(
    laporan: pd.DataFrame,
    koordinasi: pd.DataFrame,
    ukpd_ref: pd.DataFrame,
    params: MetricParams = MetricParams(),
) -> DaftarTiket:
    """The tickets behind the month's per-unit figures (:func:`compute_per_ukpd`).

    Parameters
    ----------
    laporan, koordinasi : pandas.DataFrame
        Canonical tables of the month.
    ukpd_ref : pandas.DataFrame
        Unit reference table (for the official order).
    params : MetricParams
        Rule settings (response limit, rejection threshold, score rule).

    Returns
    -------
    DaftarTiket
        The five lists; per unit, each list's length (and, where the figure is a
        mean, its mean) equals the figure it explains (module docstring).

    Raises
    ------
    MetricsInputError
        As :func:`compute_per_ukpd`: unknown units, negative durations, unscorable
        completed reports.
    """
    _require(laporan, LAPORAN_COLUMNS, "laporan")
    _require(koordinasi, KOORDINASI_COLUMNS, "koordinasi")
    ref = _unit_table(ukpd_ref)
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    k_unit = _codes(koordinasi["ukpd"], ref["ukpd"], "ukpd (koordinasi)")
    tl_sec = _tl_seconds(laporan)
    seconds = (_respon_seconds(laporan), tl_sec, _proses_seconds(koordinasi))
    return _daftar_tiket(
        laporan, koordinasi, (unit, k_unit), seconds, _scores(laporan, tl_sec, params), params
    )
