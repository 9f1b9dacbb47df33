"""Every figure of one month at once: the :class:`Metrics` record and :func:`compute_all`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS, STATUSES
from crmlib.errors import MetricsInputError
from crmlib.metrics._helpers import (
    _PROSES,
    _RESPON,
    _S_PER_H,
    _SELESAI,
    _codes,
    _month_bounds,
    _ns,
    _require,
    _seconds_between,
    _status_matrix,
    _unit_durations,
    _unit_table,
)
from crmlib.metrics.lists import _ditolak, _nilai_dibawah_100, _tl_ditolak
from crmlib.metrics.params import MetricParams
from crmlib.metrics.per_ukpd import _per_ukpd
from crmlib.metrics.rankings import _time_ranking, _top_kategori, _top_units
from crmlib.metrics.rekap import _kecamatan_frame, _rekap_frame
from crmlib.metrics.series import _harian, _kanal_table, _per_kanal
from crmlib.metrics.tiket import DaftarTiket, _daftar_tiket
from crmlib.metrics.times import _capaian, _on_time, _respon_split, _scores


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
    tiket : DaftarTiket or None
        The tickets behind the per-unit figures (:mod:`crmlib.metrics.tiket`), when
        :func:`compute_all` was asked for them.
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
    tiket: DaftarTiket | None = field(default=None, repr=False)


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
    tiket: bool = False,
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
    tiket : bool
        Also list the tickets behind the per-unit figures (``Metrics.tiket``). Off by
        default: at a million reports the lists, sorted by unit and report number,
        cost more than every figure together.

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
    month = _decode(laporan, koordinasi, ukpd_ref, kanal_ref, periode, params)
    return Metrics(
        periode=periode,
        kota=kota,
        per_tanggal=None if per_tanggal is None else pd.Timestamp(per_tanggal),
        params=params,
        total_laporan=len(laporan),
        total_koordinasi=len(koordinasi),
        **_headline(month, params),
        **_tables(laporan, month, params, periode),
        **_hours(laporan.index, month),
        per_ukpd=_per_unit(laporan, month, params),
        tiket=_daftar_tiket(
            laporan,
            koordinasi,
            (month.unit, month.k_unit),
            (month.respon_sec, month.tl_sec, month.k_sec),
            month.nilai,
            params,
        )
        if tiket
        else None,
    )


@dataclass(frozen=True)
class _Month:
    """The month's columns, each decoded once: reference tables, codes, times, scores."""

    ref: pd.DataFrame
    kref: pd.DataFrame
    unit: np.ndarray
    kanal: np.ndarray
    kategori: tuple[np.ndarray, Any]
    masuk: np.ndarray
    respon_sec: np.ndarray
    tl_sec: np.ndarray
    nilai: np.ndarray
    matrix: np.ndarray
    k_unit: np.ndarray
    k_sec: np.ndarray
    k_dur: tuple[np.ndarray, np.ndarray]
    p_dur: tuple[np.ndarray, np.ndarray]


def _decode(
    laporan: pd.DataFrame,
    koordinasi: pd.DataFrame,
    ukpd_ref: pd.DataFrame,
    kanal_ref: pd.DataFrame,
    periode: str,
    params: MetricParams,
) -> _Month:
    """Check the input and decode every column once, refusing bad rows in a fixed order."""
    _require(laporan, LAPORAN_COLUMNS, "laporan")
    _require(koordinasi, KOORDINASI_COLUMNS, "koordinasi")
    ref = _unit_table(ukpd_ref)
    kref = _kanal_table(kanal_ref)
    unit, status, kanal, kategori = _laporan_codes(laporan, ref, kref)
    masuk, koord = _month_times(laporan, koordinasi, periode)
    respon_sec = _seconds_between(masuk, _ns(laporan["waktu_respon"]), _RESPON)
    tl_sec = _seconds_between(masuk, _ns(laporan["waktu_selesai"]), _SELESAI)
    nilai = _scores(laporan, tl_sec, params)
    k_unit = _codes(koordinasi["ukpd"], ref["ukpd"], "ukpd (koordinasi)")
    k_sec = _seconds_between(koord, _ns(koordinasi["waktu_proses"]), _PROSES)
    return _Month(
        ref=ref,
        kref=kref,
        unit=unit,
        kanal=kanal,
        kategori=kategori,
        masuk=masuk,
        respon_sec=respon_sec,
        tl_sec=tl_sec,
        nilai=nilai,
        matrix=_status_matrix(unit, status, len(ref)),
        k_unit=k_unit,
        k_sec=k_sec,
        k_dur=_unit_durations(ref, k_unit, k_sec),
        p_dur=_unit_durations(ref, unit, tl_sec),
    )


def _laporan_codes(
    laporan: pd.DataFrame, ref: pd.DataFrame, kref: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, Any]]:
    """Unit, status and channel codes of every report, and its category factorised."""
    unit = _codes(laporan["ukpd"], ref["ukpd"], "ukpd")
    status = _codes(laporan["status"], pd.Index(STATUSES), "status")
    kanal = _codes(laporan["kanal"], kref["kanal"], "kanal")
    kategori = pd.factorize(laporan["kategori"], use_na_sentinel=True)
    return unit, status, kanal, kategori


def _month_times(
    laporan: pd.DataFrame, koordinasi: pd.DataFrame, periode: str
) -> tuple[np.ndarray, np.ndarray]:
    """Intake and coordination times, refused when a row lies outside ``periode``."""
    masuk = _ns(laporan["waktu_masuk"])
    koord = _ns(koordinasi["waktu_koordinasi"])
    _check_in_month(masuk, periode, "laporan.waktu_masuk")
    _check_in_month(koord, periode, "koordinasi.waktu_koordinasi")
    return masuk, koord


def _headline(month: _Month, params: MetricParams) -> dict[str, Any]:
    """The headline figures: completed reports, capaian and the response split."""
    capaian, jumlah_selesai = _capaian(month.nilai)
    return {
        "jumlah_selesai": jumlah_selesai,
        "capaian_persen": capaian,
        "respon": _respon_split(month.respon_sec, params.batas_respon_jam),
    }


def _tables(
    laporan: pd.DataFrame, month: _Month, params: MetricParams, periode: str
) -> dict[str, pd.DataFrame]:
    """The report's tables (:data:`TABLES` but ``per_ukpd``), from the decoded columns."""
    ref, matrix, n_top, n_rank = month.ref, month.matrix, params.top_n, params.peringkat_n
    return {
        "rekap_status": _rekap_frame(ref, matrix),
        "rekap_kecamatan": _kecamatan_frame(ref, matrix),
        "top_ukpd": _top_units(ref, matrix.sum(axis=1), n_top),
        "top_kategori": _top_kategori(*month.kategori, n_top),
        "koordinasi_tercepat": _time_ranking(ref, month.k_dur, n_rank, terlama=False),
        "koordinasi_terlama": _time_ranking(ref, month.k_dur, n_rank, terlama=True),
        "penyelesaian_tercepat": _time_ranking(ref, month.p_dur, n_rank, terlama=False),
        "penyelesaian_terlama": _time_ranking(ref, month.p_dur, n_rank, terlama=True),
        "tl_ditolak": _tl_ditolak(laporan, month.unit, params.ambang_ditolak),
        "nilai_tl_dibawah_100": _nilai_dibawah_100(laporan, month.unit, month.tl_sec, month.nilai),
        "per_kanal": _per_kanal(month.kref, month.kanal),
        "harian": _harian(month.masuk, periode),
    }


def _hours(index: pd.Index, month: _Month) -> dict[str, pd.Series]:
    """Response and follow-up time of every report in hours, for the distribution charts."""
    return {
        "waktu_respon_jam": pd.Series(
            month.respon_sec / _S_PER_H, index=index, name="waktu_respon_jam"
        ),
        "waktu_tl_jam": pd.Series(month.tl_sec / _S_PER_H, index=index, name="waktu_tl_jam"),
    }


def _per_unit(laporan: pd.DataFrame, month: _Month, params: MetricParams) -> pd.DataFrame:
    """The per-UKPD table from the decoded columns (as :func:`compute_per_ukpd`)."""
    return _per_ukpd(
        month.ref,
        month.unit,
        month.matrix,
        _on_time(month.respon_sec, params.batas_respon_jam),
        month.nilai,
        (month.k_dur, month.p_dur),
        _ditolak(laporan, params.ambang_ditolak),
    )
