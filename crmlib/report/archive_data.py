"""The archive's per-unit data: series per UKPD and per kecamatan, and the CSV download.

Figures come only from the months' ``metrics.json`` (its ``per_ukpd`` entries, see
``docs/metrik.md``); nothing here reads the raw exports. The functions take the
month summaries of :func:`crmlib.publish.archive.collect_months` and return plain
dictionaries for the templates; numbers stay numbers (formatting happens in the
templates through :mod:`crmlib.report.fmt`).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

from crmlib.data.contract import STATUSES, persen
from crmlib.data.contract import persen as hitung_persen  # read_month_summary has a local `persen`
from crmlib.report.escape import seperti_rumus
from crmlib.report.fmt import format_ukpd
from crmlib.report.tiket import teks_aturan

log = logging.getLogger(__name__)

UnitSeries = dict[str, Any]

#: Columns of ``output/data/ukpd_bulanan.csv`` (documented in docs/unduhan.md).
CSV_COLUMNS = (
    "periode",
    "ukpd",
    "tingkat",
    "kecamatan",
    "status_complete",
    "status_disposisi",
    "status_in_progres",
    "status_wait",
    "total",
    "tepat_waktu",
    "terlambat",
    "batas_respon_jam",
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
)
_FIGURES = CSV_COLUMNS[8:]


def slug(name: str) -> str:
    """File-name form of a unit or kecamatan name: ``"KELURAHAN PULO GEBANG"`` → ``kelurahan-pulo-gebang``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "ukpd"


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _int(value: Any) -> int:
    v = _num(value)
    return int(v) if v is not None else 0


def _month_href(month: dict[str, Any]) -> str:
    name = "laporan.html" if "laporan.html" in month["files"] else "metrics.json"
    return f"../{month['folder']}/{name}"


def _ranked_counts(entries: list[dict]) -> dict[str, int]:
    return {
        key: sum(1 for e in entries if _int(e.get(key)) > 0)
        for key in ("peringkat_laporan", "peringkat_penyelesaian")
    }


def _row(month: dict[str, Any], e: dict[str, Any], ranked: dict[str, int]) -> dict[str, Any]:
    status = e.get("status") if isinstance(e.get("status"), dict) else {}
    total = _int(e.get("total"))
    tepat = _num(e.get("tepat_waktu"))
    return {
        "periode": month["periode"],
        "folder": month["folder"],
        "href": _month_href(month),
        "batas_jam": month["batas_jam"],
        "total": total,
        "status": {s: _int(status.get(s)) for s in STATUSES},
        "complete": _int(status.get("Complete")),
        "tepat_waktu": _int(tepat),
        "terlambat": _int(e.get("terlambat")),
        "tepat_waktu_persen": persen(tepat, total) if tepat is not None else None,
        "jumlah_selesai": _int(e.get("jumlah_selesai")),
        "capaian_persen": _num(e.get("capaian_persen")),
        "koordinasi_jumlah": _int(e.get("koordinasi_jumlah")),
        "koordinasi_rerata_menit": _num(e.get("koordinasi_rerata_menit")),
        "penyelesaian_jumlah": _int(e.get("penyelesaian_jumlah")),
        "penyelesaian_rerata_menit": _num(e.get("penyelesaian_rerata_menit")),
        "tl_ditolak": _int(e.get("tl_ditolak")),
        "nilai_dibawah_100": _int(e.get("nilai_dibawah_100")),
        "peringkat_laporan": _int(e.get("peringkat_laporan")),
        "peringkat_koordinasi": _int(e.get("peringkat_koordinasi")),
        "peringkat_penyelesaian": _int(e.get("peringkat_penyelesaian")),
        "jumlah_berperingkat_laporan": ranked["peringkat_laporan"],
        "jumlah_berperingkat_penyelesaian": ranked["peringkat_penyelesaian"],
        # The unit's ticket lists of the month (None: the month's metrics.json has none).
        "tiket": None if month.get("tiket") is None else month["tiket"].get(e.get("ukpd"), {}),
        "aturan": month.get("aturan") or {},
    }


def unit_series(months: list[dict[str, Any]]) -> list[UnitSeries]:
    """One series per unit over every month that has ``per_ukpd`` (oldest month first).

    Units come in the official order of the newest month; a unit found only in
    older months follows. Each series: ``ukpd`` (canonical name), ``label``,
    ``slug``, ``tingkat``, ``kecamatan`` and ``baris`` (one row per month).
    """
    units: dict[str, UnitSeries] = {}
    for month in sorted(months, key=lambda m: m["folder"], reverse=True):
        for e in month.get("per_ukpd") or []:
            name = e.get("ukpd")
            if isinstance(name, str) and name not in units:
                units[name] = {
                    "ukpd": name,
                    "label": format_ukpd(name),
                    "tingkat": str(e.get("tingkat") or ""),
                    "kecamatan": str(e.get("kecamatan") or ""),
                    "baris": [],
                }
    for month in sorted(months, key=lambda m: m["folder"]):
        entries = [e for e in month.get("per_ukpd") or [] if e.get("ukpd") in units]
        ranked = _ranked_counts(entries)
        for e in entries:
            units[e["ukpd"]]["baris"].append(_row(month, e, ranked))
    taken: set[str] = set()
    for u in units.values():
        s = base = slug(u["ukpd"])
        k = 2
        while s in taken:  # two names with one spelling in ASCII: keep both pages
            s, k = f"{base}-{k}", k + 1
        taken.add(s)
        u["slug"] = s
    return list(units.values())


def _weighted(rows: list[dict], value: str, weight: str) -> float | None:
    pairs = [(r[value], r[weight]) for r in rows if r[value] is not None and r[weight]]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def rollup(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures of several units' rows (one month, or one unit over months) combined.

    Counts are summed; ``capaian_persen`` is weighted by ``jumlah_selesai``, the mean
    times by their counts, the share answered in time is recomputed from the sums.
    """
    total = sum(r["total"] for r in rows)
    tepat = sum(r["tepat_waktu"] for r in rows)
    out = {k: sum(r[k] for r in rows) for k in ("tl_ditolak", "nilai_dibawah_100")}
    out.update(
        total=total,
        complete=sum(r["complete"] for r in rows),
        tepat_waktu=tepat,
        tepat_waktu_persen=persen(tepat, total),
        jumlah_selesai=sum(r["jumlah_selesai"] for r in rows),
        capaian_persen=_weighted(rows, "capaian_persen", "jumlah_selesai"),
        koordinasi_rerata_menit=_weighted(rows, "koordinasi_rerata_menit", "koordinasi_jumlah"),
        penyelesaian_rerata_menit=_weighted(
            rows, "penyelesaian_rerata_menit", "penyelesaian_jumlah"
        ),
    )
    return out


def kecamatan_series(units: list[UnitSeries]) -> list[dict[str, Any]]:
    """One rolled-up series per kecamatan (its office and its kelurahan), official order."""
    groups: dict[str, list[UnitSeries]] = {}
    for u in units:
        if u["kecamatan"]:
            groups.setdefault(u["kecamatan"], []).append(u)
    out = []
    for name, members in groups.items():
        by_month: dict[str, list[dict]] = {}
        for u in members:
            for r in u["baris"]:
                by_month.setdefault(r["folder"], []).append(r)
        baris = []
        for folder in sorted(by_month):
            rows = by_month[folder]
            first = rows[0]
            baris.append(
                {
                    **{k: first[k] for k in ("periode", "folder", "href", "batas_jam")},
                    **rollup(rows),
                }
            )
        unit = [{**u, **rollup(u["baris"])} for u in members]
        out.append(
            {
                "kecamatan": name,
                "label": format_ukpd(f"KECAMATAN {name}"),
                "slug": slug(name),
                "baris": baris,
                "unit": unit,
            }
        )
    return out


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if seperti_rumus(value) else value
    return value


def ukpd_csv_text(units: list[UnitSeries]) -> str:
    """``ukpd_bulanan.csv``: one line per unit and month, oldest month first, official order."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    lines = []
    for pos, u in enumerate(units):
        for r in u["baris"]:
            head = [r["periode"], u["ukpd"], u["tingkat"], u["kecamatan"]]
            status = [r["status"][s] for s in STATUSES]
            figures = [r["batas_jam"] if k == "batas_respon_jam" else r[k] for k in _FIGURES]
            lines.append(((r["folder"], pos), head + status + figures))
    for _, line in sorted(lines, key=lambda x: x[0]):
        writer.writerow([_cell(v) for v in line])
    return buf.getvalue()


MONTH_FILES = (
    ("laporan.html", "Laporan (HTML)"),
    ("laporan.pdf", "PDF"),
    ("tabel.xlsx", "Tabel (.xlsx)"),
    ("metrics.json", "metrics.json"),
)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.warning("%s dilewati: tidak dapat dibaca (%s)", path, e)
        return None
    if not isinstance(data, dict):
        log.warning("%s dilewati: bukan objek JSON", path)
        return None
    return data


def read_month_summary(month_dir: Path) -> dict[str, Any] | None:
    """Headline figures of one month folder, or ``None`` if it has no usable metrics.json.

    Returns
    -------
    dict or None
        ``periode``, ``total`` (int), ``capaian`` (percent), ``tepat_waktu_persen``
        (share answered within the response limit, percent), ``batas_jam``,
        ``per_tanggal``, ``dinyatakan_kosong`` (the month was declared without reports),
        ``files`` (names of the month's files that exist),
        ``per_ukpd`` (the month's per-unit entries, empty when the file has none),
        ``tiket`` (the ticket lists by unit, :func:`_tiket_per_ukpd`; None when the
        file has none) and ``aturan`` (what each rule code means that month).
    """
    data = _read_json(month_dir / "metrics.json")
    if data is None:
        return None
    total = _number(data.get("total_laporan"))
    respon = data.get("respon") if isinstance(data.get("respon"), dict) else {}
    tepat = respon.get("tepat_waktu")
    if isinstance(tepat, dict):  # tolerate {"jumlah": n, "persen": p}
        persen = _number(tepat.get("persen"))
        tepat = tepat.get("jumlah")
    else:
        persen = _number(respon.get("persen_tepat_waktu"))
    tepat = _number(tepat)
    if persen is None and tepat is not None and total:
        persen = hitung_persen(tepat, total)
    per_ukpd = data.get("per_ukpd")
    tiket = _tiket_per_ukpd(data.get("tiket"))
    return {
        "periode": str(data.get("periode") or month_dir.name),
        "total": int(total) if total is not None else None,
        "capaian": _number(data.get("capaian_persen")),
        "tepat_waktu_persen": persen,
        "batas_jam": _batas_jam(respon),
        "per_tanggal": data.get("per_tanggal"),
        "dinyatakan_kosong": bool((data.get("provenance") or {}).get("dinyatakan_kosong")),
        "files": [name for name, _ in MONTH_FILES if (month_dir / name).is_file()],
        "per_ukpd": [u for u in per_ukpd if isinstance(u, dict)]
        if isinstance(per_ukpd, list)
        else [],
        "tiket": tiket,
        "aturan": teks_aturan(_parameter(data)) if tiket is not None else {},
    }


def _parameter(data: dict) -> dict:
    parameter = data.get("parameter")
    return parameter if isinstance(parameter, dict) else {}


def _tiket_per_ukpd(tiket: Any) -> dict[str, dict[str, list[dict]]] | None:
    """``metrics.json``'s ticket lists by unit: ``{ukpd: {list: [row, ...]}}``.

    None when the file has no ``tiket`` (a month built before the lists existed);
    rows that are not objects with a unit are skipped.
    """
    if not isinstance(tiket, dict):
        return None
    out: dict[str, dict[str, list[dict]]] = {}
    for name, rows in tiket.items():
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and isinstance(row.get("ukpd"), str):
                out.setdefault(row["ukpd"], {}).setdefault(name, []).append(row)
    return out


def _batas_jam(respon: dict) -> float:
    """The month's response limit; a 0 h limit stays 0 (only a missing one is defaulted)."""
    batas = _number(respon.get("batas_jam"))
    if batas is None:  # a metrics.json from before the limit was recorded: the default
        from crmlib.metrics import MetricParams

        return MetricParams().batas_respon_jam
    return batas
