"""Machine-readable outputs of a month: ``metrics.json``, its provenance, and the plain values.

``metrics.json`` follows the data contract (§2) exactly: fixed key names, canonical
upper-case unit names, unrounded numbers as plain JSON numbers, ISO datetimes. Keys
beyond the contract (``rekap_kecamatan``, ``per_kanal``, ``harian``, ``provenance``,
...) are additions only. It is written atomically (temporary file in the same
folder, then :func:`os.replace`), so a failed build never leaves a half-written file
where a published one was; the tables workbook (:mod:`crmlib.report.workbook`) is
written the same way, from the same plain values.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import crmlib
from crmlib.errors import StorageError
from crmlib.metrics import STATUSES, TIKET_COLUMNS, DaftarTiket, MetricParams, Metrics

__all__ = [
    "CONTRACT_KEYS",
    "build_provenance",
    "month_provenance",
    "metrics_json_text",
    "metrics_to_dict",
    "tiket_to_dict",
    "write_metrics_json",
]

#: Top-level keys the data contract (§2) fixes, in its order.
CONTRACT_KEYS: tuple[str, ...] = (
    "periode",
    "kota",
    "per_tanggal",
    "total_laporan",
    "capaian_persen",
    "respon",
    "rekap_status",
    "top_ukpd",
    "top_kategori",
    "koordinasi_tercepat",
    "koordinasi_terlama",
    "penyelesaian_tercepat",
    "penyelesaian_terlama",
    "tl_ditolak",
    "nilai_tl_dibawah_100",
)


# --------------------------------------------------------------------------- plain values


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _int(value: Any) -> int:
    return int(value)


def _float(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _number(value: Any) -> int | float | None:
    """Plain int where the value is integral (48, 80), else float: JSON as the contract shows."""
    if _missing(value):
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


def _text(value: Any) -> str | None:
    return None if _missing(value) else str(value)


def _iso(value: Any) -> str | None:
    return None if _missing(value) else pd.Timestamp(value).isoformat()


def _cell_value(value: Any) -> Any:
    """A value openpyxl writes as a real number/date (never a string of digits)."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).to_pydatetime()
    return value


def _records(df: pd.DataFrame, convert: dict[str, Callable[[Any], Any]]) -> list[dict]:
    """Rows of ``df`` as dicts with the given keys, each value converted to a plain type."""
    columns = {key: df[key].tolist() for key in convert}
    return [{key: fn(columns[key][i]) for key, fn in convert.items()} for i in range(len(df))]


def _status_records(df: pd.DataFrame, head: dict[str, Callable[[Any], Any]]) -> list[dict]:
    out = []
    for rec in _records(df, {**head, **{s: _int for s in STATUSES}, "total": _int}):
        status = {s: rec.pop(s) for s in STATUSES}
        total = rec.pop("total")
        out.append({**rec, "status": status, "total": total})
    return out


def _ranking(df: pd.DataFrame, value: str) -> list[dict]:
    return _records(df, {"peringkat": _int, "ukpd": str, "jumlah": _int, value: _float})


# --------------------------------------------------------------------------- metrics.json


#: The fields of ``tl_ditolak`` (reports whose follow-up was rejected), in the contract's order.
TL_DITOLAK_FIELDS: dict[str, Callable[[Any], Any]] = {
    "nomor_laporan": str,
    "ukpd": str,
    "kanal": str,
    "kategori": str,
    "status": str,
    "jumlah_ditolak": _int,
}

#: The fields of ``nilai_tl_dibawah_100`` (follow-ups scored below 100), in the contract's order.
NILAI_TL_FIELDS: dict[str, Callable[[Any], Any]] = {
    "nomor_laporan": str,
    "ukpd": str,
    "kategori": str,
    "rincian_masalah": _text,
    "waktu_masuk": _iso,
    "waktu_selesai": _iso,
    "max_waktu_tl_jam": _number,
    "waktu_tl_jam": _float,
    "nilai_tl": _number,
}


def metrics_to_dict(m: Metrics, provenance: dict | None = None) -> dict:
    """The month's metrics in the shape of ``metrics.json`` (data contract §2).

    Parameters
    ----------
    m : Metrics
        Result of :func:`crmlib.metrics.compute_all`.
    provenance : dict, optional
        Added under ``provenance`` (see :func:`build_provenance`).

    Returns
    -------
    dict
        The contract's keys in the contract's order with plain Python values
        (``int`` for counts and integral scores/limits, ``float`` otherwise, ``None``
        where the contract allows null), followed by additions: ``total_koordinasi``,
        ``jumlah_selesai`` (the base of ``capaian_persen``), ``rekap_kecamatan``,
        ``per_kanal``, ``harian``, ``parameter``, ``per_ukpd`` (every unit's figures,
        :func:`crmlib.metrics.compute_per_ukpd`), ``tiket`` (the tickets behind them,
        :func:`tiket_to_dict`, when computed) and, if given, ``provenance``.
    """
    out: dict[str, Any] = {
        "periode": m.periode,
        "kota": m.kota,
        "per_tanggal": _iso(m.per_tanggal),
        "total_laporan": int(m.total_laporan),
        "capaian_persen": _float(m.capaian_persen),
        "respon": {
            "batas_jam": _number(m.respon["batas_jam"]),
            "tepat_waktu": int(m.respon["tepat_waktu"]),
            "terlambat": int(m.respon["terlambat"]),
        },
        "rekap_status": _status_records(m.rekap_status, {"ukpd": str, "kecamatan": str}),
        "top_ukpd": _records(m.top_ukpd, {"peringkat": _int, "ukpd": str, "jumlah": _int}),
        "top_kategori": _records(
            m.top_kategori, {"peringkat": _int, "kategori": str, "jumlah": _int}
        ),
        "koordinasi_tercepat": _ranking(m.koordinasi_tercepat, "rerata_menit"),
        "koordinasi_terlama": _ranking(m.koordinasi_terlama, "rerata_jam"),
        "penyelesaian_tercepat": _ranking(m.penyelesaian_tercepat, "rerata_menit"),
        "penyelesaian_terlama": _ranking(m.penyelesaian_terlama, "rerata_jam"),
        "tl_ditolak": _records(m.tl_ditolak, TL_DITOLAK_FIELDS),
        "nilai_tl_dibawah_100": _records(m.nilai_tl_dibawah_100, NILAI_TL_FIELDS),
        # Additions (the contract allows new keys, never renamed or dropped ones).
        "total_koordinasi": int(m.total_koordinasi),
        "jumlah_selesai": int(m.jumlah_selesai),
        "rekap_kecamatan": _status_records(m.rekap_kecamatan, {"kelompok": str, "tingkat": str}),
        "per_kanal": _records(m.per_kanal, {"kanal": str, "jumlah": _int}),
        "harian": _records(
            m.harian, {"tanggal": lambda v: pd.Timestamp(v).date().isoformat(), "jumlah": _int}
        ),
        "parameter": _params_dict(m.params),
    }
    if m.per_ukpd is not None:
        out["per_ukpd"] = _per_ukpd_records(m.per_ukpd)
    if m.tiket is not None:
        out["tiket"] = tiket_to_dict(m.tiket)
    if provenance is not None:
        out["provenance"] = provenance
    return out


#: Per-unit figures of ``per_ukpd`` besides the unit, its statuses and total.
PER_UKPD_FIGURES: dict[str, Callable[[Any], Any]] = {
    "tepat_waktu": _int,
    "terlambat": _int,
    "jumlah_selesai": _int,
    "capaian_persen": _float,
    "koordinasi_jumlah": _int,
    "koordinasi_rerata_menit": _float,
    "penyelesaian_jumlah": _int,
    "penyelesaian_rerata_menit": _float,
    "tl_ditolak": _int,
    "nilai_dibawah_100": _int,
    "peringkat_laporan": _int,
    "peringkat_koordinasi": _int,
    "peringkat_penyelesaian": _int,
}


#: Plain value of every ticket-list column (:data:`crmlib.metrics.TIKET_COLUMNS`).
_TIKET_VALUES: dict[str, Callable[[Any], Any]] = {
    "nomor_laporan": str,
    "ukpd": str,
    "kanal": _text,
    "kategori": _text,
    "status": _text,
    "waktu_masuk": _iso,
    "waktu_respon": _iso,
    "waktu_selesai": _iso,
    "waktu_koordinasi": _iso,
    "waktu_proses": _iso,
    "respon_jam": _float,
    "waktu_tl_jam": _float,
    "koordinasi_menit": _float,
    "max_waktu_tl_jam": _number,
    "nilai_tl": _number,
    "jumlah_ditolak": _int,
    "aturan": str,
}


def tiket_to_dict(tiket: DaftarTiket) -> dict[str, list[dict]]:
    """The ticket lists as ``metrics.json``'s ``tiket``: ``{list name: [row, ...]}``.

    Each row holds its list's columns (:data:`crmlib.metrics.TIKET_COLUMNS`) as plain
    values: ISO times, durations unrounded, ``null`` where missing (a coordinated
    report that is not one of the month's reports has no channel, category, status).
    """
    return {
        name: _records(df, {c: _TIKET_VALUES[c] for c in TIKET_COLUMNS[name]})
        for name, df in tiket.items()
    }


def _per_ukpd_records(df: pd.DataFrame) -> list[dict]:
    head = {"ukpd": str, "tingkat": str, "kecamatan": str}
    figures = _records(df, PER_UKPD_FIGURES)
    return [{**rec, **fig} for rec, fig in zip(_status_records(df, head), figures, strict=True)]


def _params_dict(params: MetricParams) -> dict[str, int | float]:
    return {k: _number(v) for k, v in dataclasses.asdict(params).items()}


def _atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write(tmp)`` on a temporary file beside ``path``, then move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with StorageError.writing(path):  # a full disk names the file, not the temp name
            write(tmp)
        # mkstemp creates 0600; published files must be readable by a static web server.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _json(value: Any, **kw: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, **kw)


def metrics_json_text(d: dict) -> str:
    """The text of ``metrics.json`` for the dictionary of :func:`metrics_to_dict`.

    Two-space indent, with one exception: the ticket lists (``tiket``, last) hold a
    ticket per line, which keeps the file a fifth smaller and lets ``grep`` on a
    report number show each of its rows whole.
    """
    tiket = d.get("tiket")
    head = _json({k: v for k, v in d.items() if k != "tiket"}, indent=2)
    if tiket is None:
        return head + "\n"
    lists = []
    for name, rows in tiket.items():
        lines = ",\n".join("      " + _json(row, separators=(", ", ": ")) for row in rows)
        lists.append(f"    {_json(name)}: [\n{lines}\n    ]" if rows else f"    {_json(name)}: []")
    block = ",\n".join(lists)
    return f'{head[:-2]},\n  "tiket": {{\n{block}\n  }}\n}}\n'


def write_metrics_json(m: Metrics, path: Path | str, provenance: dict | None = None) -> Path:
    """Write ``metrics.json`` atomically and deterministically.

    Parameters
    ----------
    m : Metrics
        The month's metrics.
    path : path
        Target file (parent folders are created).
    provenance : dict, optional
        Added under ``provenance``.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    Same metrics in, same bytes out: keys in the contract's order (arrays already
    come sorted by the metric functions), UTF-8 without ``\\u`` escapes, two-space
    indent, newline at the end (:func:`metrics_json_text`). NaN can never appear
    (``allow_nan=False``).
    """
    text = metrics_json_text(metrics_to_dict(m, provenance))

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return _atomic_write(Path(path), write)


def build_provenance(
    sources: Iterable[dict],
    counts: dict | None,
    params: MetricParams,
    *,
    dropped_columns: dict | None = None,
    notices: Iterable[str] | None = None,
) -> dict:
    """Where a month's figures come from: inputs, parameters, software, row counts.

    Parameters
    ----------
    sources : iterable of dict
        Input files as the reader reports them (``MonthData.sources``): each with a
        ``sha256`` and a ``name``, ``file`` or ``path``. Only the base name is kept,
        so the output does not depend on (or reveal) where the files lay.
    counts : dict
        Per sheet ``read``/``kept``/``left_out`` row counts (``MonthData.counts``).
    params : MetricParams
        Settings the metrics were computed with.
    dropped_columns : dict, optional
        Per sheet, what the reader dropped (``MonthData.dropped_columns``): a number of
        reporter-identifying columns and the names of other unknown columns.
    notices : iterable of str, optional
        Non-error notices of the reader.

    Returns
    -------
    dict
        ``crmlib_version``, ``input`` (``[{name, sha256}]`` sorted by name),
        ``parameter``, ``baris`` and, when given, ``kolom_dibuang`` / ``catatan``.
    """
    inputs = []
    for src in sources:
        where = src.get("name") or src.get("file") or src.get("path")
        if where is None or "sha256" not in src:
            raise ValueError(f"source needs a name/file/path and a sha256: {src!r}")
        inputs.append({"name": Path(str(where)).name, "sha256": str(src["sha256"])})
    out: dict[str, Any] = {
        "crmlib_version": crmlib.__version__,
        "input": sorted(inputs, key=lambda d: (d["name"], d["sha256"])),
        "parameter": _params_dict(params),
        "baris": {
            sheet: {k: int(v) for k, v in per.items()} for sheet, per in (counts or {}).items()
        },
    }
    if dropped_columns is not None:
        out["kolom_dibuang"] = dropped_columns
    if notices:
        out["catatan"] = list(notices)
    return out


def month_provenance(month: Any, m: Metrics, per_tanggal: object = None) -> dict:
    """The provenance of a month read by :func:`crmlib.data.reader.read_month` and computed as ``m``.

    ``per_tanggal`` is the as-of time that was asked for; without one the
    provenance records none (the metrics may still have derived one).
    """
    provenance = build_provenance(
        month.sources,
        month.counts,
        m.params,
        dropped_columns=month.dropped_columns,
        notices=month.notices,
    )
    provenance["periode"] = month.periode
    provenance["per_tanggal"] = m.per_tanggal.isoformat() if per_tanggal is not None else None
    if getattr(month, "dinyatakan_kosong", False):
        provenance["dinyatakan_kosong"] = True  # the archive card says so
    return provenance
