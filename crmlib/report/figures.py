"""The report's charts as captioned Markdown figures, and the cache they are drawn through.

Each ``grafik_*`` function gives the data of one chart of :mod:`crmlib.report.charts`,
its caption and its text alternative; :func:`_figure` draws it (once per distinct
input in a process, or takes the PNG the build drew ahead with
:func:`gambar_lebih_dulu`) and places it beside the notebook.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import json
import os
import threading
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crmlib.metrics import persen
from crmlib.report import fmt
from crmlib.report.escape import atribut, teks_data
from crmlib.report.laporan import Laporan, _md

GRAFIK_DIR = "grafik"
# PNGs by the hash of what they are drawn from (_png); a few months' worth per process.
GRAFIK_CACHE_MAX = 24
_GRAFIK_CACHE: dict[str, bytes] = {}
# Charts a build draws ahead of the notebook (gambar_lebih_dulu), in the month's folder,
# each named by the hash of its inputs; the notebook's chart cells take them from there.
GRAFIK_SIAP_DIR = ".grafik-siap"
_SIMPAN_SIAP: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "simpan_siap", default=None
)


def _kunci_grafik(lap: Laporan, name: str, caption: str, alt: str) -> str:
    """Everything a chart is drawn from: the data files' hashes, the metric settings, history."""
    bahan = [
        name,
        caption,
        alt,
        lap.periode,
        sorted(s["sha256"] for s in lap.month.sources),
        repr(lap.metrics.params),
        lap.m.get("per_tanggal"),
        lap.riwayat.to_json(),
    ]
    return hashlib.sha256(json.dumps(bahan, default=str).encode("utf-8")).hexdigest()


def _png(lap: Laporan, draw, name: str, caption: str, alt: str) -> bytes:
    """The chart's PNG, drawn once per distinct input in this process.

    A warm kernel executes the same month again when only its wording or narrative
    params changed (``crm-report preview``); the charts are then the same bytes.
    A chart the build drew ahead from the same inputs (:func:`gambar_lebih_dulu`)
    is taken as it is.
    """
    from crmlib.report import chart_base

    kunci = _kunci_grafik(lap, name, caption, alt)
    png = _GRAFIK_CACHE.get(kunci)
    if png is None:
        png = _grafik_siap(lap, kunci)
    if png is None:
        png = chart_base.to_png(draw())
    _GRAFIK_CACHE[kunci] = png
    while len(_GRAFIK_CACHE) > GRAFIK_CACHE_MAX:
        _GRAFIK_CACHE.pop(next(iter(_GRAFIK_CACHE)))
    simpan = _SIMPAN_SIAP.get()
    if simpan is not None:
        # Written whole, then renamed: the notebook never reads half a PNG.
        sementara = simpan / f".{kunci}.{threading.get_ident()}.tmp"
        sementara.write_bytes(png)
        os.replace(sementara, simpan / f"{kunci}.png")
    return png


def _grafik_siap(lap: Laporan, kunci: str) -> bytes | None:
    if lap.output_dir is None:
        return None
    try:
        return (lap.output_dir / GRAFIK_SIAP_DIR / f"{kunci}.png").read_bytes()
    except OSError:
        return None


def _figure(lap: Laporan, draw, name: str, caption: str, as_text: bool, alt: str = ""):
    """Save a chart beside the notebook and return it as a captioned Markdown figure.

    ``draw`` makes the matplotlib figure (called only when this process has not
    drawn the same chart from the same inputs yet). ``alt`` is the chart's text
    alternative (``fig-alt``): what it shows, in numbers. Without an
    ``output_dir`` (an interactive or plain papermill run) the PNG stays in the
    output as a data URI; ``crm-report render`` writes it beside the notebook
    (:func:`crmlib.render.notebook.simpan_grafik`).

    Each chart is drawn twice: for the page and print (``grafik/<name>.png``) and for
    a phone (``grafik/<name>-ponsel.png``, :func:`crmlib.report.chart_base.untuk_ponsel`),
    whose labels stay 12 CSS px or more where a phone shrinks the page's drawing to a
    third. The phone drawing is a ``.grafik-ponsel`` block before the figure, with the
    same text alternative; the HTML shows one of the two by the screen's width.
    """
    from crmlib.report.chart_base import untuk_ponsel

    def draw_ponsel():
        with untuk_ponsel():
            return draw()

    target = _target(lap, name, _png(lap, draw, name, caption, alt))
    ponsel = _target(lap, f"{name}-ponsel", _png(lap, draw_ponsel, f"{name}-ponsel", caption, alt))
    attr = f"#fig-{name}"
    if alt:
        attr += f' fig-alt="{atribut(alt)}"'
    # The phone drawing first, hidden on a wide screen and in print (laporan.lua,
    # laporan.css); on a phone it stands above the figure, whose own image is hidden.
    return _md(
        f"::: {{.grafik-ponsel}}\n![{teks_data(alt or caption)}]({ponsel}){{#ponsel-{name}}}\n:::\n\n"
        f"![{caption}]({target}){{{attr}}}\n",
        as_text,
    )


def _target(lap: Laporan, name: str, png: bytes) -> str:
    """Where the figure's Markdown finds the PNG: beside the notebook, or in it (data URI)."""
    if lap.output_dir is None:
        return f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}"
    folder = lap.output_dir / GRAFIK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.png").write_bytes(png)
    return f"{GRAFIK_DIR}/{name}.png"


def _teks_alternatif(judul: str, butir: list[str], pemisah: str = ", ") -> str:
    """'Judul: A 12, B 3.' — a chart's text alternative, stating its numbers."""
    return f"{judul}: {pemisah.join(butir)}." if butir else f"{judul}: tidak ada data."


def grafik_kecamatan(lap: Laporan, as_text: bool = False):
    """Reports per kecamatan by status."""
    from crmlib.report import charts

    df = lap.metrics.rekap_kecamatan.rename(columns={"kelompok": "kecamatan"}).copy()
    df["kecamatan"] = [
        fmt.format_ukpd(k) if t == "kota" else k.title()
        for k, t in zip(df["kecamatan"], df["tingkat"], strict=True)
    ]
    status = [c for c in ("Complete", "Disposisi", "In Progres", "Wait") if c in df.columns]
    total = df[status].sum(axis=1)
    selesai = df["Complete"] if "Complete" in df.columns else total * 0
    alt = _teks_alternatif(
        "Jumlah laporan per kecamatan (yang selesai dalam kurung)",
        [
            f"{k} {fmt.format_angka(t)} ({fmt.format_angka(c)})"
            for k, t, c in zip(df["kecamatan"], total, selesai, strict=True)
        ],
    )
    return _figure(
        lap,
        lambda: charts.plot_kecamatan_status(df),
        "kecamatan",
        f"Jumlah pengaduan per kecamatan menurut status, {lap.bulan}",
        as_text,
        alt,
    )


def grafik_kategori(lap: Laporan, as_text: bool = False):
    """The busiest categories."""
    from crmlib.report import charts
    from crmlib.report.istilah import potong_teks

    # Category names are free text: cut as in the tables (the chart's labels wrap).
    top = lap.metrics.top_kategori.assign(kategori=lambda d: d["kategori"].map(potong_teks))
    alt = _teks_alternatif(
        "Jumlah laporan pada kategori aduan terbanyak",
        [f"{k} {fmt.format_angka(j)}" for k, j in zip(top["kategori"], top["jumlah"], strict=True)],
    )
    return _figure(
        lap,
        lambda: charts.plot_top_kategori(top),
        "kategori",
        f"Kategori aduan terbanyak, {lap.bulan}",
        as_text,
        alt,
    )


def grafik_kanal(lap: Laporan, as_text: bool = False):
    """Reports per intake channel (all 14 shown)."""
    from crmlib.report import charts

    kanal = lap.metrics.per_kanal
    alt = _teks_alternatif(
        "Jumlah laporan per kanal",
        [
            f"{k} {fmt.format_angka(j)}"
            for k, j in zip(kanal["kanal"], kanal["jumlah"], strict=True)
        ],
    )
    return _figure(
        lap,
        lambda: charts.plot_per_kanal(kanal),
        "kanal",
        f"Jumlah pengaduan per kanal, {lap.bulan}",
        as_text,
        alt,
    )


def grafik_respon(lap: Laporan, as_text: bool = False):
    """Distribution of response times against the limit."""
    from crmlib.report import charts

    batas = lap.metrics.params.batas_respon_jam
    jam = pd.to_numeric(pd.Series(lap.metrics.waktu_respon_jam, dtype="float64"), errors="coerce")
    b = fmt.format_angka(batas)
    alt = _teks_alternatif(
        "Jumlah laporan menurut waktu respons",
        [
            f"dalam {b} jam {fmt.format_angka(int((jam <= batas).sum()))}",
            f"lebih dari {b} sampai 48 jam {fmt.format_angka(int(((jam > batas) & (jam <= 48)).sum()))}",
            f"lebih dari 48 jam {fmt.format_angka(int((jam > 48).sum()))}",
            f"belum direspons {fmt.format_angka(int(jam.isna().sum()))}",
        ],
    )
    return _figure(
        lap,
        lambda: charts.plot_waktu_respon(jam, batas_jam=batas),
        "respon",
        f"Sebaran waktu respon terhadap batas {b} jam, {lap.bulan}",
        as_text,
        alt,
    )


def grafik_harian(lap: Laporan, as_text: bool = False):
    """Daily intake over the month."""
    from crmlib.report import charts

    harian = lap.metrics.harian
    jumlah = pd.to_numeric(harian["jumlah"], errors="coerce").fillna(0)
    rerata = f"rata-rata {fmt.format_angka(jumlah.mean(), 1)} per hari" if len(jumlah) else ""
    alt = _teks_alternatif(
        f"Jumlah laporan masuk per tanggal, {lap.bulan} ({rerata})",
        [
            f"{d.day} {fmt.nama_bulan(d.month)}: {fmt.format_angka(j)}"
            for d, j in zip(pd.to_datetime(harian["tanggal"]), jumlah, strict=True)
        ],
        pemisah="; ",
    )
    return _figure(
        lap,
        lambda: charts.plot_harian(harian),
        "harian",
        f"Jumlah pengaduan masuk per hari, {lap.bulan}",
        as_text,
        alt,
    )


def grafik_tren(lap: Laporan, as_text: bool = False):
    """This month beside the earlier months the archive (or the build) provides; nothing if none."""
    from crmlib.report import charts

    if lap.riwayat.empty:
        return _md("", as_text)
    total = lap.total
    now = pd.DataFrame(
        [
            {
                "periode": lap.periode,
                "total_laporan": total,
                "capaian_persen": lap.m["capaian_persen"],
                "persen_tepat_waktu": persen(lap.m["respon"]["tepat_waktu"], total),
            }
        ]
    )
    df = pd.concat([lap.riwayat, now], ignore_index=True).astype(
        {"total_laporan": float, "capaian_persen": float, "persen_tepat_waktu": float}
    )
    alt = _teks_alternatif(
        "Perbandingan bulanan",
        [
            f"{fmt.format_bulan_tahun(r.periode)} {fmt.format_angka(r.total_laporan)} laporan, "
            f"capaian {fmt.format_persen(r.capaian_persen, 2) if pd.notna(r.capaian_persen) else '–'}, "
            f"direspons tepat waktu "
            f"{fmt.format_persen(r.persen_tepat_waktu, 2) if pd.notna(r.persen_tepat_waktu) else '–'}"
            for r in df.sort_values("periode", kind="stable").itertuples()
        ],
        pemisah="; ",
    )
    return _figure(
        lap,
        lambda: charts.plot_tren_bulanan(df, batas_jam=lap.m["respon"]["batas_jam"]),
        "tren",
        f"Perbandingan dengan bulan sebelumnya: jumlah pengaduan, capaian dan respon tepat "
        f"waktu, {lap.bulan}",
        as_text,
        alt,
    )


# The notebook's chart cells, in the order the notebook runs them.
GRAFIK_NOTEBOOK = (
    ("kecamatan", grafik_kecamatan),
    ("tren", grafik_tren),
    ("kategori", grafik_kategori),
    ("kanal", grafik_kanal),
    ("respon", grafik_respon),
    ("harian", grafik_harian),
)


def gambar_lebih_dulu(lap: Laporan, berhenti: threading.Event | None = None) -> list[str]:
    """Draw the month's charts while a kernel executes its notebook; the names drawn.

    The build runs this in a thread while the kernel starts and executes the
    notebook: drawing is most of the notebook's own time, and the build's process
    has a core to spare meanwhile. The notebook draws top to bottom; this goes
    bottom to top and stops where the two meet (the notebook has written that
    chart) or when ``berhenti`` is set, so each chart is drawn about once. The PNGs
    go to ``lap.output_dir/.grafik-siap/<key>.png``, named by the hash of
    everything the chart is drawn from, so the notebook takes only a chart drawn
    from exactly its own inputs, and draws any other itself.
    """
    if lap.output_dir is None:
        return []
    folder = lap.output_dir / GRAFIK_SIAP_DIR
    folder.mkdir(exist_ok=True)
    sendiri = replace(lap, output_dir=None)  # drawn, not written as the notebook's figure
    token = _SIMPAN_SIAP.set(folder)
    digambar = []
    try:
        for name, grafik in reversed(GRAFIK_NOTEBOOK):
            if (berhenti is not None and berhenti.is_set()) or (
                lap.output_dir / GRAFIK_DIR / f"{name}.png"
            ).exists():
                break
            if grafik(sendiri, as_text=True):  # the trend chart is empty without history
                digambar.append(name)
    finally:
        _SIMPAN_SIAP.reset(token)
    return digambar
