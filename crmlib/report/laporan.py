"""The report's text and tables as Markdown, built from the month's metrics.

This is the presentation layer the notebook calls: every table cell, chart and
caption comes from the contract dictionary of the month's metrics (the same
dictionary written to ``metrics.json``) and is formatted by :mod:`crmlib.report.fmt`.
Functions return :class:`IPython.display.Markdown` objects (or plain strings with
``as_text=True`` for tests). The running text around them is not here: it is in
the notebook's Markdown cells, filled with the values of :mod:`crmlib.report.narasi`.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from crmlib.data.reader import MonthData, read_month
from crmlib.data.refdata import Reference, load_reference
from crmlib.metrics import MetricParams, Metrics, compute_all, persen
from crmlib.project import Project
from crmlib.report import fmt
from crmlib.report.escape import Markup, atribut, kode, teks_data, teks_narasi
from crmlib.report.outputs import metrics_to_dict

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
RIWAYAT_COLUMNS = ["periode", "total_laporan", "capaian_persen", "persen_tepat_waktu"]


@dataclass
class Laporan:
    """Everything one month's report needs.

    Attributes
    ----------
    periode : str
        ``YYYY-MM``.
    m : dict
        The month's metrics in the contract's shape (what ``metrics.json`` holds).
    metrics : Metrics
        The same metrics as DataFrames (used for charts).
    month : MonthData
        The validated input (never shown row by row: reporter data is already dropped).
    reference : Reference
        Units and channels of the city.
    narasi : dict
        The month's narrative from the params files (kendala, saran, catatan).
    output_dir : Path or None
        Where charts are written (beside the executed notebook); None: inside the
        notebook's outputs only.
    riwayat : pandas.DataFrame
        Headline figures of earlier months found in the archive (may be empty).
    """

    periode: str
    m: dict
    metrics: Metrics
    month: MonthData
    reference: Reference
    narasi: dict = field(default_factory=dict)
    output_dir: Path | None = Path(".")
    riwayat: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def bulan(self) -> str:
        """'Juni 2022'."""
        return fmt.format_bulan_tahun(self.periode)

    @property
    def kota(self) -> str:
        """The city's official name as literal Markdown text (reference data is data)."""
        return teks_data(self.reference.kota.get("nama_resmi", ""))

    @property
    def total(self) -> int:
        """Number of reports of the month."""
        return int(self.m["total_laporan"])


def _md(text: str, as_text: bool):
    if as_text:
        return text
    from IPython.display import Markdown

    return Markdown(text)


def metric_params(metrik: dict | None) -> MetricParams:
    """MetricParams from the ``metrik`` block of the params files."""
    return MetricParams(**(metrik or {}))


def compute_month(
    month: MonthData,
    reference: Reference,
    metrik: dict | None = None,
    per_tanggal: str | pd.Timestamp | None = None,
) -> Metrics:
    """Every figure of a month already read: the one call the notebook, the build and the CLI share.

    Parameters
    ----------
    month : MonthData
        The validated month (:func:`crmlib.data.reader.read_month`).
    reference : Reference
        The city's reference data.
    metrik : dict, optional
        The ``metrik`` block of the params files (contract defaults when omitted).
    per_tanggal : str or Timestamp, optional
        As-of timestamp of the export.
    """
    return compute_all(
        month.laporan,
        month.koordinasi,
        reference.ukpd,
        reference.kanal,
        periode=month.periode,
        kota=reference.kota.get("kota", ""),
        per_tanggal=pd.Timestamp(per_tanggal) if per_tanggal else None,
        params=metric_params(metrik),
    )


def read_riwayat(arsip_dir: Path | str | None, periode: str, limit: int = 12) -> pd.DataFrame:
    """Headline figures of the months before ``periode`` that the archive holds.

    Reads ``<arsip_dir>/<YYYY-MM>/metrics.json`` files; months that are missing
    or unreadable are skipped (the comparison is a courtesy, not a dependency).
    """
    cols = RIWAYAT_COLUMNS
    if not arsip_dir or not Path(arsip_dir).is_dir():
        return pd.DataFrame(columns=cols)
    rows = []
    for path in sorted(Path(arsip_dir).glob("*/metrics.json")):
        p = path.parent.name
        if p >= periode:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        total = data.get("total_laporan") or 0
        tepat = (data.get("respon") or {}).get("tepat_waktu", 0)
        rows.append(
            {
                "periode": p,
                "total_laporan": total,
                "capaian_persen": data.get("capaian_persen"),
                "persen_tepat_waktu": persen(tepat, total),
            }
        )
    return pd.DataFrame(rows[-limit:], columns=cols)


def parameter_bulan(periode: str | None = None, start: str | Path | None = None) -> dict:
    """:func:`siapkan_laporan`'s arguments for a month of the project's ``params/`` files.

    Parameters
    ----------
    periode : str, optional
        ``YYYY-MM``; the latest month of ``params/`` when None (what the notebook
        previews when it runs without injected parameters, e.g. in JupyterLab).
    start : path, optional
        Where to look for the project (default: the working directory, then the
        source checkout).

    Returns
    -------
    dict
        ``periode``, ``data`` (absolute), ``per_tanggal``, ``kota``, ``metrik``,
        ``narasi``, ``izinkan_kosong`` and ``riwayat`` (the previous month's
        headline figures, computed as the build computes them).
    """
    from crmlib.data.params import list_months, load_params, resolve_data_path
    from crmlib.errors import ParamsError
    from crmlib.report.laporan import previous_month_headline

    project = Project.find(Path(start) if start else None)
    if periode is None:
        months = list_months(project.params_dir)
        if not months:
            raise ParamsError(
                f"Belum ada berkas params/YYYY-MM.yaml di {project.params_dir}: "
                "buat dengan crm-report new-month."
            )
        periode = months[-1]
    params = load_params(project.params_dir, periode)
    return {
        "periode": periode,
        "data": resolve_data_path(params, project.root),
        "per_tanggal": params.get("per_tanggal") or None,
        "kota": params.get("kota", "jakarta-timur"),
        "metrik": params.get("metrik"),
        "narasi": {k: params.get(k) for k in ("kendala", "saran", "catatan")},
        "izinkan_kosong": bool(params.get("izinkan_kosong")),
        "riwayat": previous_month_headline(project, periode),
    }


def _lengkapi(args: dict) -> dict:
    """Fill the arguments the notebook left at None from the project's params files.

    Without a month (JupyterLab, ``jupyter nbconvert --execute``) the latest month
    of ``params/`` with all its params; with a month but neither ``riwayat`` nor
    ``arsip_dir`` (the plain papermill route) the previous month's figures, as the
    build gives them. A relative data path that does not exist from the working
    directory is taken from the project root (as in the params files).
    """
    from crmlib.errors import ParamsError

    if args["periode"] is None or args["data"] is None:
        bawaan = parameter_bulan(args["periode"])
        narasi = {k: v for k, v in (args["narasi"] or {}).items() if v is not None}
        args.update({k: v for k, v in bawaan.items() if args.get(k) is None})
        args["narasi"] = {**bawaan["narasi"], **narasi}
    elif args["riwayat"] is None and args["arsip_dir"] is None:
        try:
            args["riwayat"] = parameter_bulan(args["periode"])["riwayat"]
        except ParamsError:
            args["riwayat"] = []
    data = Path(args["data"])
    if not data.is_absolute() and not data.exists():
        try:
            args["data"] = Project.find().root / data
        except ParamsError:
            pass
    return args


def siapkan_laporan(
    periode: str | None = None,
    data: str | Path | None = None,
    per_tanggal: str | None = None,
    kota: str | None = None,
    metrik: dict | None = None,
    output_dir: str | Path | None = ".",
    arsip_dir: str | Path | None = None,
    narasi: dict | None = None,
    reference_dir: str | Path | None = None,
    riwayat: list[dict] | None = None,
    izinkan_kosong: bool | None = False,
) -> Laporan:
    """Read, validate and compute one month; the notebook's single entry point.

    Arguments left at None are taken from the project's params files (see
    :func:`parameter_bulan`): the notebook's ``parameters`` cell defaults to None
    everywhere, so run on its own it shows the latest month with its real params.

    Parameters
    ----------
    periode : str, optional
        ``YYYY-MM``.
    data : path, optional
        The month's CRM export (``.xlsx`` or CSV folder).
    per_tanggal : str, optional
        As-of timestamp of the export (``YYYY-MM-DD HH:MM``).
    metrik : dict, optional
        Metric settings (``batas_respon_jam``, ``top_n``, ...).
    output_dir : path, optional
        Folder for the charts (the executed notebook's folder); None keeps them
        inside the notebook's outputs, so an interactive run writes no file.
    arsip_dir : path, optional
        The published archive (``output/``), for the month-over-month comparison.
    narasi : dict, optional
        ``kendala``, ``saran``, ``catatan`` of the month.
    riwayat : list of dict, optional
        Headline figures of earlier months (``periode``, ``total_laporan``,
        ``capaian_persen``, ``persen_tepat_waktu``) as the batch build computes
        them; when None they are read from ``arsip_dir``.
    izinkan_kosong : bool
        The month has no reports and the analyst said so (params ``izinkan_kosong``).
    """
    a = _lengkapi(
        {
            "periode": periode,
            "data": data,
            "per_tanggal": per_tanggal,
            "kota": kota,
            "metrik": metrik,
            "narasi": narasi,
            "izinkan_kosong": izinkan_kosong,
            "riwayat": riwayat,
            "arsip_dir": arsip_dir,
        }
    )
    periode = a["periode"]
    reference = load_reference(a["kota"] or "jakarta-timur", reference_dir)
    month = read_month(
        a["data"], periode, reference=reference, izinkan_kosong=bool(a["izinkan_kosong"])
    )
    metrics = compute_month(month, reference, metrik=a["metrik"], per_tanggal=a["per_tanggal"])
    return laporan_dari(
        month,
        reference,
        metrics,
        narasi=a["narasi"],
        output_dir=output_dir,
        riwayat=pd.DataFrame(a["riwayat"], columns=RIWAYAT_COLUMNS)
        if a["riwayat"] is not None
        else read_riwayat(arsip_dir, periode),
    )


def laporan_dari(
    month: MonthData,
    reference: Reference,
    metrics: Metrics,
    narasi: dict | None = None,
    output_dir: str | Path | None = ".",
    riwayat: pd.DataFrame | list[dict] | None = None,
) -> Laporan:
    """A :class:`Laporan` of a month already read and computed (the build has both).

    ``riwayat`` as a list of dicts is taken as the notebook's ``riwayat`` parameter.
    """
    if not isinstance(riwayat, pd.DataFrame):
        riwayat = pd.DataFrame(riwayat or [], columns=RIWAYAT_COLUMNS)
    return Laporan(
        periode=metrics.periode,
        m=metrics_to_dict(metrics, None),
        metrics=metrics,
        month=month,
        reference=reference,
        narasi=narasi or {},
        output_dir=Path(output_dir) if output_dir is not None else None,
        riwayat=riwayat,
    )


# --------------------------------------------------------------------------- tables


def _cell(value: object) -> str:
    # Every cell is literal text, except the templates' own Markdown (bold names, totals).
    return teks_data(value)


def _tebal(value: object) -> Markup:
    """``value`` as literal text in bold."""
    return Markup(f"**{teks_data(value)}**")


def pipe_table(
    header: list[str],
    rows: list[list[object]],
    align: str,
    caption: str,
    label: str,
    classes: str = "",
) -> str:
    """A Markdown pipe table with a Quarto/pandoc caption line and optional div classes.

    ``align`` has one letter per column: ``l``, ``r`` or ``c``. Cells are
    literal text (:func:`crmlib.report.escape.teks_data`) unless they are
    :class:`crmlib.report.escape.Markup`.
    """
    marks = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "|" + "|".join(marks[a] for a in align) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    table = "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"
    return f"::: {{.{classes}}}\n\n{table}\n:::\n" if classes else table


def daftar_kanal(lap: Laporan, as_text: bool = False):
    """The 14 channels as a numbered list (from reference data)."""
    items = [
        f"{i}. {teks_data(k)}" for i, k in enumerate(lap.reference.kanal["keterangan"], start=1)
    ]
    return _md("\n".join(items) + "\n", as_text)


def tabel_rekap_status(lap: Laporan, as_text: bool = False):
    """The status recap of every unit (Tabel 2.1), kecamatan rows set apart, total row last."""
    statuses = ["Complete", "Disposisi", "In Progres", "Wait"]
    rows, no = [], 0
    totals = dict.fromkeys(statuses, 0)
    for r in lap.m["rekap_status"]:
        level = r["ukpd"].split(" ", 1)[0]
        if level == "KELURAHAN":
            no += 1
            nomor = str(no)
        else:
            no = 0
            nomor = ""
        name = _tebal(r["ukpd"]) if level != "KELURAHAN" else r["ukpd"]
        counts = [fmt.format_angka(r["status"][s]) for s in statuses]
        rows.append([nomor, name, *counts, fmt.format_angka(r["total"])])
        for s in statuses:
            totals[s] += r["status"][s]
    rows.append(
        [
            "",
            _tebal("Jumlah"),
            *(_tebal(fmt.format_angka(totals[s])) for s in statuses),
            _tebal(fmt.format_angka(lap.total)),
        ]
    )
    per = lap.m.get("per_tanggal")
    sub = f" (per tanggal {fmt.format_tanggal_waktu(pd.Timestamp(per))})" if per else ""
    caption = f"Rekap pengaduan bulan {lap.bulan}: kondisi laporan Walikota Jakarta Timur{sub}"
    head = ["No.", "UKPD", *statuses, "Total"]
    text = pipe_table(head, rows, "llrrrrr", caption, "tbl-rekap", classes="tabel-rekap")
    return _md(text, as_text)


def tabel_top_ukpd(lap: Laporan, as_text: bool = False):
    """Top-N units by number of reports (ties at the cut-off kept)."""
    n = lap.metrics.params.top_n
    entries = lap.m["top_ukpd"]
    if not entries:
        return _md("", as_text)
    rows = [
        [e["peringkat"], fmt.format_ukpd(e["ukpd"]), fmt.format_angka(e["jumlah"])] for e in entries
    ]
    table = pipe_table(
        ["No", "Nama UKPD", "Jumlah Laporan"],
        rows,
        "rlr",
        f"{n} UKPD dengan pengaduan terbanyak, {lap.bulan}",
        "tbl-top-ukpd",
    )
    return _md(table, as_text)


def tabel_top_kategori(lap: Laporan, as_text: bool = False):
    """Top-N complaint categories."""
    n = lap.metrics.params.top_n
    entries = lap.m["top_kategori"]
    if not entries:
        return _md("", as_text)
    rows = [[e["peringkat"], e["kategori"], fmt.format_angka(e["jumlah"])] for e in entries]
    table = pipe_table(
        ["No", "Kategori Aduan", "Jumlah Aduan"],
        rows,
        "rlr",
        f"{n} kategori aduan terbanyak, {lap.bulan}",
        "tbl-top-kategori",
    )
    return _md(table, as_text)


_RANKINGS = {
    "koordinasi_tercepat": ("Koordinasi Tercepat", "Koordinasi", "rerata_menit", "Menit", 2),
    "koordinasi_terlama": ("Koordinasi Terlama", "Koordinasi", "rerata_jam", "Jam", 3),
    "penyelesaian_tercepat": ("Penyelesaian Tercepat", "Penyelesaian", "rerata_menit", "Menit", 2),
    "penyelesaian_terlama": ("Penyelesaian Terlama", "Penyelesaian", "rerata_jam", "Jam", 2),
}


def tabel_peringkat(lap: Laporan, key: str, as_text: bool = False):
    """One of the four fastest/slowest-N kelurahan tables.

    Completion tables carry completion headers (the seed printed coordination
    headers there by mistake; data contract §4).
    """
    title, kind, col, unit, decimals = _RANKINGS[key]
    n = lap.metrics.params.peringkat_n
    entries = lap.m[key]
    if not entries:
        return _md("", as_text)
    rows = [
        [
            e["peringkat"],
            fmt.format_nama_kelurahan(e["ukpd"]),
            fmt.format_angka(e["jumlah"]),
            fmt.format_angka(e[col], decimals),
        ]
        for e in entries
    ]
    header = ["No", "Nama Kelurahan", f"Jumlah Laporan {kind}", f"Rerata Waktu {kind} ({unit})"]
    caption = f"{n} kelurahan dengan rata-rata waktu {kind.lower()} {title.split()[-1].lower()}, {lap.bulan}"
    table = pipe_table(header, rows, "rlrr", caption, f"tbl-{key.replace('_', '-')}")
    return _md(table, as_text)


def tabel_tl_ditolak(lap: Laporan, as_text: bool = False):
    """Reports whose follow-up was rejected at least ``ambang_ditolak`` times."""
    ambang = lap.metrics.params.ambang_ditolak
    entries = lap.m["tl_ditolak"]
    if not entries:
        return _md("", as_text)
    labels = lap.reference.status_labels
    rows = [
        [
            i,
            fmt.format_ukpd(e["ukpd"]),
            e["nomor_laporan"],
            e["kanal"],
            e["kategori"],
            labels.get(e["status"], e["status"]),
            fmt.format_angka(e["jumlah_ditolak"]),
        ]
        for i, e in enumerate(entries, start=1)
    ]
    header = ["No", "UKPD", "No. Laporan", "Kanal", "Kategori", "Status", "TL Ditolak"]
    caption = (
        f"Tindak lanjut pengaduan yang ditolak {fmt.format_jumlah_terbilang(ambang)} kali atau "
        f"lebih, {lap.bulan}"
    )
    return _md(pipe_table(header, rows, "rlllllr", caption, "tbl-tl-ditolak"), as_text)


def tabel_nilai_dibawah_100(lap: Laporan, as_text: bool = False):
    """Reports whose follow-up scored below 100."""
    entries = lap.m["nilai_tl_dibawah_100"]
    if not entries:
        return _md("", as_text)
    rows = [
        [
            i,
            e["nomor_laporan"],
            fmt.format_ukpd(e["ukpd"]),
            e["kategori"],
            e["rincian_masalah"] or "–",
            fmt.format_tanggal_waktu(pd.Timestamp(e["waktu_masuk"])),
            fmt.format_tanggal_waktu(pd.Timestamp(e["waktu_selesai"])),
            fmt.format_angka(e["max_waktu_tl_jam"]),
            fmt.format_angka(e["waktu_tl_jam"], 2),
            fmt.format_angka(e["nilai_tl"]),
        ]
        for i, e in enumerate(entries, start=1)
    ]
    header = [
        "No",
        "No. Laporan",
        "UKPD",
        "Kategori",
        "Rincian Masalah",
        "Tgl Masuk",
        "Tgl TL",
        "Maks. Waktu TL (Jam)",
        "Waktu TL (Jam)",
        "Nilai TL",
    ]
    caption = f"Daftar UKPD dengan nilai tindak lanjut CRM di bawah 100, {lap.bulan}"
    table = pipe_table(header, rows, "rllllllrrr", caption, "tbl-nilai-tl", classes="tabel-lebar")
    return _md(table, as_text)


# --------------------------------------------------------------------------- narrative
# The sentences around the tables are the notebook's Markdown templates (crmlib.report.narasi).


def catatan(lap: Laporan, as_text: bool = False):
    """The month's free note (params ``catatan``), if any.

    A neutral ``.catatan-bulan`` div, not a Quarto callout (whose title Quarto
    writes in English in HTML and adds a second time in Typst): laporan.lua, the
    stylesheet and laporan-layout.typ give it the same box in both renderers.
    """
    note = teks_narasi(lap.narasi.get("catatan") or "").strip()
    return _md(f"::: {{.catatan-bulan}}\n**Catatan:** {note}\n\n:::\n" if note else "", as_text)


def tentang_laporan(lap: Laporan, provenance: dict | None = None, as_text: bool = False):
    """'Tentang laporan ini': where the numbers come from (no reporter data, only hashes and counts)."""
    month = lap.month
    lines = [f"- Periode: {lap.bulan}"]
    if lap.m.get("per_tanggal"):
        lines.append(
            f"- Data per tanggal: {fmt.format_tanggal_waktu(pd.Timestamp(lap.m['per_tanggal']))}"
        )
    for s in month.sources:
        # The hash on its own line: a 64-character word would stretch a justified line.
        lines.append(f"- Berkas data: {kode(s['name'])}, SHA-256:\\\n  {kode(s['sha256'])}")
    c = month.counts
    lines.append(
        f"- Baris laporan dibaca {fmt.format_angka(c['laporan']['read'])}, dipakai "
        f"{fmt.format_angka(c['laporan']['kept'])}, di luar periode {fmt.format_angka(c['laporan']['left_out'])}; "
        f"baris koordinasi dibaca {fmt.format_angka(c['koordinasi']['read'])}, dipakai "
        f"{fmt.format_angka(c['koordinasi']['kept'])}"
    )
    from crmlib import __version__

    lines.append(f"- Disusun dengan crmlib {__version__}")
    for key, label in (
        ("git_commit", "Commit"),
        ("renderer", "Renderer"),
        ("waktu_build", "Waktu penyusunan"),
    ):
        if provenance and provenance.get(key):
            lines.append(f"- {label}: {teks_data(provenance[key])}")
    return _md("\n".join(lines) + "\n", as_text)


# --------------------------------------------------------------------------- charts


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
    from crmlib.report import charts

    kunci = _kunci_grafik(lap, name, caption, alt)
    png = _GRAFIK_CACHE.get(kunci)
    if png is None:
        png = _grafik_siap(lap, kunci)
    if png is None:
        png = charts.to_png(draw())
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
    """
    png = _png(lap, draw, name, caption, alt)
    if lap.output_dir is None:
        target = f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}"
    else:
        folder = lap.output_dir / GRAFIK_DIR
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.png").write_bytes(png)
        target = f"{GRAFIK_DIR}/{name}.png"
    attr = f"#fig-{name}"
    if alt:
        attr += f' fig-alt="{atribut(alt)}"'
    return _md(f"![{caption}]({target}){{{attr}}}\n", as_text)


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

    top = lap.metrics.top_kategori
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


def previous_month_headline(project: Project, periode: str) -> list[dict]:
    """Headline figures of the month before, computed from its own data (build-order independent)."""
    from crmlib.data.params import load_params, resolve_data_path
    from crmlib.data.periode import previous_periode
    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference
    from crmlib.errors import CrmReportError
    from crmlib.metrics import persen
    from crmlib.report.laporan import compute_month

    prev = previous_periode(periode)
    if not (project.params_dir / f"{prev}.yaml").exists():
        return []
    try:
        params = load_params(project.params_dir, prev)
        ref = load_reference(params.get("kota", "jakarta-timur"))
        month = read_month(
            resolve_data_path(params, project.root),
            prev,
            reference=ref,
            izinkan_kosong=bool(params.get("izinkan_kosong")),
        )
    except CrmReportError:
        return []
    m = compute_month(month, ref, metrik=params.get("metrik"))
    total = int(m.total_laporan)
    tepat = int(m.respon["tepat_waktu"])
    return [
        {
            "periode": prev,
            "total_laporan": total,
            "capaian_persen": m.capaian_persen,
            "persen_tepat_waktu": persen(tepat, total),
        }
    ]
