"""The published archive: ``output/index.html`` listing every built month.

One generator, whichever renderer built the months: it reads only each month's
``metrics.json`` (``periode``, ``total_laporan``, ``capaian_persen``,
``respon.tepat_waktu``) and links the files that exist beside it. The page is a
single self-contained file: the report stylesheet is inlined and the trend chart
is an inline SVG drawn here, so it works from disk, from any static server and
without network access.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from crmlib import __version__
from crmlib.edisi import daftar_edisi, kartu_edisi_html
from crmlib.fmt import format_angka, format_bulan_tahun, format_bulan_tahun_singkat, format_persen

log = logging.getLogger(__name__)

_BULAN_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_FILES = (
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


def read_month_summary(month_dir: Path) -> dict[str, Any] | None:
    """Headline figures of one month folder, or ``None`` if it has no usable metrics.json.

    Returns
    -------
    dict or None
        ``periode``, ``total`` (int), ``capaian`` (percent), ``tepat_waktu_persen``
        (share answered within the response limit, percent), ``batas_jam``,
        ``per_tanggal`` and ``files`` (names of the month's files that exist).
    """
    path = month_dir / "metrics.json"
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
        persen = 100.0 * tepat / total
    return {
        "periode": str(data.get("periode") or month_dir.name),
        "total": int(total) if total is not None else None,
        "capaian": _number(data.get("capaian_persen")),
        "tepat_waktu_persen": persen,
        "batas_jam": _number(respon.get("batas_jam")) or 6,
        "per_tanggal": data.get("per_tanggal"),
        "files": [name for name, _ in _FILES if (month_dir / name).is_file()],
    }


def collect_months(output_dir: Path) -> list[dict[str, Any]]:
    """Summaries of every ``YYYY-MM`` folder of ``output_dir`` with a metrics.json, newest first."""
    months = []
    for child in output_dir.iterdir() if output_dir.is_dir() else []:
        if child.is_dir() and _BULAN_DIR.match(child.name):
            summary = read_month_summary(child)
            if summary is not None:
                summary["folder"] = child.name
                summary["edisi"] = daftar_edisi(output_dir, child.name)  # crmlib.edisi (h6)
                months.append(summary)
    return sorted(months, key=lambda m: m["folder"], reverse=True)


def _fmt_int(value: Any) -> str:
    return format_angka(value) if value is not None else "–"


def _fmt_pct(value: Any) -> str:
    return format_persen(value, 2) if value is not None else "–"


def _fmt_jam(value: float) -> str:
    return format_angka(value)


# --- trend chart ---------------------------------------------------------------


def trend_svg(months: list[dict[str, Any]]) -> str:
    """Inline SVG: reports per month (bars) and share answered in time (line, right axis).

    ``months`` may be in any order; the chart runs oldest to newest.
    """
    data = sorted(months, key=lambda m: m["folder"])
    n = len(data)
    w, h = 640, 296
    left, right, top, bottom = 52, 44, 26, 70
    pw, ph = w - left - right, h - top - bottom
    totals = [m["total"] or 0 for m in data]
    vmax = max(totals + [1])
    # A round upper bound for the left axis: 1, 2 or 5 times a power of ten.
    step = 10 ** max(len(str(int(vmax))) - 1, 0)
    for k in (1, 2, 5, 10):
        if vmax <= k * step:
            vmax = k * step
            break
    slot = pw / max(n, 1)
    bar = min(slot * 0.6, 48)
    batas = _fmt_jam(data[-1]["batas_jam"]) if data else "6"
    e = html.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="tren-judul tren-isi" font-family="system-ui, sans-serif" font-size="13">',
        '<title id="tren-judul">Tren jumlah laporan dan respon tepat waktu</title>',
        f'<desc id="tren-isi">Batang: jumlah laporan per bulan. Garis: persentase laporan '
        f"yang direspon dalam {e(batas)} jam. "
        + "; ".join(
            e(
                f"{format_bulan_tahun(m['periode'])}: {_fmt_int(m['total'])} laporan, "
                f"{_fmt_pct(m['tepat_waktu_persen'])} direspon dalam {batas} jam"
            )
            for m in data
        )
        + ".</desc>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
    ]
    # Grid and left axis (counts).
    for i in range(5):
        v = vmax * i / 4
        y = top + ph - ph * i / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#d4d9de"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#1d232b">'
            f"{e(format_angka(round(v)))}</text>"
        )
        out.append(f'<text x="{left + pw + 6}" y="{y + 4:.1f}" fill="#8a2b2b">{25 * i}%</text>')
    label_every = max(1, -(-n // 12))
    points = []
    for i, m in enumerate(data):
        cx = left + slot * (i + 0.5)
        total = m["total"] or 0
        bh = ph * total / vmax
        judul = (
            f"{format_bulan_tahun(m['periode'])}: {_fmt_int(m['total'])} laporan, "
            f"{_fmt_pct(m['tepat_waktu_persen'])} direspon ≤ {batas} jam"
        )
        out.append(
            f'<rect x="{cx - bar / 2:.1f}" y="{top + ph - bh:.1f}" width="{bar:.1f}" '
            f'height="{bh:.1f}" fill="#0b5394"><title>{e(judul)}</title></rect>'
        )
        if n <= 12:
            out.append(
                f'<text x="{cx:.1f}" y="{top + ph - bh - 5:.1f}" text-anchor="middle" '
                f'fill="#1d232b">{e(_fmt_int(m["total"]))}</text>'
            )
        if i % label_every == 0 or i == n - 1:
            # Month on one line, the year under it where the year changes: twelve
            # "Jan 2022"-style labels do not fit side by side.
            bulan, tahun = format_bulan_tahun_singkat(m["periode"]).split()
            year = (
                f'<tspan x="{cx:.1f}" dy="15">{e(tahun)}</tspan>'
                if i == 0 or m["periode"][:4] != data[i - 1]["periode"][:4]
                else ""
            )
            out.append(
                f'<text x="{cx:.1f}" y="{top + ph + 18}" text-anchor="middle" fill="#1d232b">'
                f"{e(bulan)}{year}</text>"
            )
        if m["tepat_waktu_persen"] is not None:
            points.append((cx, top + ph - ph * m["tepat_waktu_persen"] / 100))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="#c0392b" stroke-width="2.5"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#c0392b"/>' for x, y in points]
    # Axes and legend.
    out.append(
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#59626e"/>'
    )
    ly = h - 12
    out += [
        f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="#0b5394"/>',
        f'<text x="{left + 18}" y="{ly}" fill="#1d232b">Jumlah laporan</text>',
        f'<line x1="{left + 150}" y1="{ly - 4}" x2="{left + 172}" y2="{ly - 4}" '
        'stroke="#c0392b" stroke-width="2.5"/>',
        f'<text x="{left + 178}" y="{ly}" fill="#1d232b">Direspon ≤ {e(batas)} jam (%)</text>',
        "</svg>",
    ]
    return "\n".join(out)


# --- page --------------------------------------------------------------------------


def _stylesheet(output_dir: Path) -> str:
    from crmlib.render import EXTENSION, find_project_root

    try:
        root = find_project_root(output_dir)
        return (root / "_extensions" / EXTENSION / "laporan.css").read_text(encoding="utf-8")
    except Exception as e:  # the page is still usable unstyled
        log.warning("laporan.css tidak ditemukan (%s); index.html tanpa gaya", e)
        return ""


def _kartu(m: dict[str, Any]) -> str:
    e = html.escape
    folder = m["folder"]
    batas = _fmt_jam(m["batas_jam"])
    tautan = " ".join(
        f'<a href="{e(folder)}/{e(name)}">{e(label)}</a>'
        for name, label in _FILES
        if name in m["files"]
    )
    per = ""
    if m.get("per_tanggal"):
        from crmlib.fmt import format_tanggal_waktu

        try:
            per = f'<p class="per-tanggal">Data per {e(format_tanggal_waktu(m["per_tanggal"]))}</p>'
        except (TypeError, ValueError):
            per = ""
    return f"""<li class="kartu-bulan" id="bulan-{e(folder)}">
<h3>{e(format_bulan_tahun(m["periode"]))}</h3>
<dl class="angka-utama">
<div><dt>Jumlah laporan</dt><dd>{e(_fmt_int(m["total"]))}</dd></div>
<div><dt>Capaian</dt><dd>{e(_fmt_pct(m["capaian"]))}</dd></div>
<div><dt>Direspon ≤ {e(batas)} jam</dt><dd>{e(_fmt_pct(m["tepat_waktu_persen"]))}</dd></div>
</dl>
{per}<p class="tautan">{tautan}</p>
{kartu_edisi_html(folder, m.get("edisi") or [])}
</li>"""


def render_index(months: list[dict[str, Any]], kota_label: str, css: str) -> str:
    """The archive page as an HTML string (``months`` newest first)."""
    e = html.escape
    judul = "Arsip Laporan Bulanan CRM"
    kota = kota_label.strip()
    judul_halaman = f"{judul} — {kota}" if kota else judul
    bagian = []
    if months:
        terlama = format_bulan_tahun(months[-1]["periode"])
        terbaru = format_bulan_tahun(months[0]["periode"])
        rentang = terbaru if len(months) == 1 else f"{terlama} – {terbaru}"
        ringkas = f"{len(months)} laporan bulanan, {rentang}"
        bagian.append(
            # Focusable: on a phone the chart scrolls sideways, also by keyboard.
            '<figure class="grafik-tren" tabindex="0">\n'
            + trend_svg(months)
            + "\n<figcaption>Jumlah laporan per bulan dan persentase yang direspon tepat "
            "waktu.</figcaption>\n</figure>"
        )
        per_tahun: dict[str, list[dict[str, Any]]] = {}
        for m in months:
            per_tahun.setdefault(m["folder"][:4], []).append(m)
        for tahun, isi in per_tahun.items():  # already newest first
            kartu = "\n".join(_kartu(m) for m in isi)
            bagian.append(
                f'<section class="arsip-tahun" aria-labelledby="tahun-{tahun}">\n'
                f'<h2 id="tahun-{tahun}">{tahun}</h2>\n<ul class="daftar-bulan">\n{kartu}\n</ul>\n'
                "</section>"
            )
    else:
        ringkas = "Belum ada laporan yang dibangun."
    dibuat = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    isi = "\n".join(bagian)
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="crmlib {e(__version__)}">
<link rel="icon" href="data:,">
<title>{e(judul_halaman)}</title>
<style>
{css}
</style>
</head>
<body class="arsip">
<header class="sampul">
<div class="sampul-judul">
<h1 class="title">{e(judul)}</h1>
{f'<p class="subtitle">{e(kota.upper())}</p>' if kota else ""}
<p class="periode">{e(ringkas)}</p>
</div>
</header>
<main id="isi-arsip">
{isi}
</main>
<footer class="catatan-kaki">
<p>Halaman ini dibuat otomatis oleh crmlib {e(__version__)} pada {e(dibuat)} dari berkas
metrics.json setiap bulan. Angka dihitung ulang dari data ekspor CRM.</p>
</footer>
</body>
</html>
"""


def build_archive_index(output_dir: Path | str, kota_label: str) -> Path:
    """Write ``output_dir/index.html`` from the month folders found there.

    Parameters
    ----------
    output_dir : path
        The ``output/`` folder holding ``YYYY-MM/`` month folders.
    kota_label : str
        City name for the title, e.g. "Kota Administrasi Jakarta Timur".

    Returns
    -------
    Path
        The written ``index.html``.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    months = collect_months(output_dir)
    page = render_index(months, kota_label, _stylesheet(output_dir))
    target = output_dir / "index.html"
    # A name of its own per write: readers only ever see a whole index.html, old or new.
    fd, tmp = tempfile.mkstemp(prefix=".index.html.", suffix=".tmp", dir=output_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the page from a web server
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
