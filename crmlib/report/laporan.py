"""One month's report: its data, metrics and history in a :class:`Laporan`, and its text blocks.

This is where the notebook starts: :func:`siapkan_laporan` reads, validates and
computes the month (with the params files' values for what the notebook left at
None) and :func:`laporan_dari` wraps a month the build has already computed. Every
table, chart and caption comes from ``Laporan.m``, the contract dictionary of the
month's metrics (the same dictionary written to ``metrics.json``): the tables are in
:mod:`crmlib.report.tables`, the charts in :mod:`crmlib.report.figures`; the month's
note and "Tentang laporan ini" are here. Functions return
:class:`IPython.display.Markdown` objects (or plain strings with ``as_text=True`` for
tests). The running text around them is not here: it is in the notebook's Markdown
cells, filled with the values of :mod:`crmlib.report.narasi`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmlib.data.reader import MonthData, read_month
from crmlib.data.refdata import Reference, load_reference
from crmlib.metrics import MetricParams, Metrics, compute_all, persen
from crmlib.project import Project
from crmlib.report import fmt
from crmlib.report.escape import kode, teks_data, teks_narasi
from crmlib.report.outputs import metrics_to_dict

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
    tiket: bool = False,
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
    tiket : bool
        Also list the tickets behind the per-unit figures (``Metrics.tiket``): what
        ``metrics.json`` and ``tabel.xlsx`` publish; the notebook's text needs none.
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
        tiket=tiket,
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
    When the build has read and computed this very month already, it left it in
    ``output_dir`` (:mod:`crmlib.report.handoff`) and it is taken from there instead.

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
    month, metrics = _bulan(a, reference, output_dir, reference_dir)
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


def _bulan(a: dict, reference: Reference, output_dir, reference_dir) -> tuple[MonthData, Metrics]:
    """The month read and computed: handed over by the build when it did exactly that already."""
    from crmlib.report.handoff import handoff_key, read_handoff

    key = handoff_key(
        a["periode"],
        a["data"],
        a["per_tanggal"],
        a["kota"],
        a["metrik"],
        a["izinkan_kosong"],
        reference_dir,
    )
    handed = read_handoff(Path(output_dir) if output_dir is not None else None, key)
    if handed is not None:
        return handed
    month = read_month(
        a["data"], a["periode"], reference=reference, izinkan_kosong=bool(a["izinkan_kosong"])
    )
    return month, compute_month(month, reference, metrik=a["metrik"], per_tanggal=a["per_tanggal"])


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


def previous_month_headline(project: Project, periode: str) -> list[dict]:
    """Headline figures of the month before, computed from its own data (build-order independent).

    Empty when there is no month before or it cannot be read (:func:`previous_month`).
    """
    return previous_month(project, periode)[0]


def previous_month(project: Project, periode: str) -> tuple[list[dict], str | None]:
    """The month before's headline figures, and why the comparison is left out, if it is.

    Whatever goes wrong reading the month before (its params, its data, a bug, memory)
    only leaves the comparison out: the month being built never fails for it. No month
    before (no params file) is not worth a warning.

    Returns
    -------
    riwayat : list of dict
        ``[{periode, total_laporan, capaian_persen, persen_tepat_waktu}]`` or ``[]``.
    warning : str or None
        The analyst's warning when the month before exists but could not be read.
    """
    from crmlib.data.periode import previous_periode
    from crmlib.errors import CrmReportError

    prev = previous_periode(periode)
    if not (project.params_dir / f"{prev}.yaml").exists():
        return [], None
    try:
        return _previous_month_figures(project, prev), None
    except Exception as exc:  # any failure only drops the comparison (the warning says why)
        why = str(exc).splitlines()[0] if isinstance(exc, CrmReportError) else type(exc).__name__
        return [], (
            f"perbandingan dengan bulan sebelumnya ({prev}) tidak ditampilkan: data atau "
            f"params {prev} tidak dapat dibaca ({why}); periksa dengan crm-report status"
        )


def _previous_month_figures(project: Project, prev: str) -> list[dict]:
    """The headline figures of month ``prev`` read from its params and data."""
    from crmlib.data.params import load_params, resolve_data_path

    params = load_params(project.params_dir, prev)
    ref = load_reference(params.get("kota", "jakarta-timur"))
    month = read_month(
        resolve_data_path(params, project.root),
        prev,
        reference=ref,
        izinkan_kosong=bool(params.get("izinkan_kosong")),
    )
    return [headline(compute_month(month, ref, metrik=params.get("metrik")))]


def headline(metrics: Metrics) -> dict:
    """A month's headline figures as the next month's report compares them (``riwayat``)."""
    total = int(metrics.total_laporan)
    tepat = int(metrics.respon["tepat_waktu"])
    return {
        "periode": metrics.periode,
        "total_laporan": total,
        "capaian_persen": metrics.capaian_persen,
        "persen_tepat_waktu": persen(tepat, total),
    }


# --------------------------------------------------------------------------- narrative
# The sentences around the tables are the notebook's Markdown templates (crmlib.report.narasi).


# Said in the month's note when the analyst declared the month empty (params izinkan_kosong).
KOSONG_DINYATAKAN = (
    "Bulan ini dinyatakan tanpa laporan: angka 0 pada laporan ini berarti memang tidak ada "
    "pengaduan yang masuk, bukan data yang hilang."
)


def catatan(lap: Laporan, as_text: bool = False):
    """The month's free note (params ``catatan``), if any; a month declared empty says so first.

    A neutral ``.catatan-bulan`` div, not a Quarto callout (whose title Quarto
    writes in English in HTML and adds a second time in Typst): laporan.lua, the
    stylesheet and laporan-layout.typ give it the same box in both renderers.
    """
    note = teks_narasi(lap.narasi.get("catatan") or "").strip()
    if getattr(getattr(lap, "month", None), "dinyatakan_kosong", False):
        note = f"{KOSONG_DINYATAKAN} {note}".strip()
    return _md(f"::: {{.catatan-bulan}}\n**Catatan:** {note}\n\n:::\n" if note else "", as_text)


def tentang_laporan(lap: Laporan, provenance: dict | None = None, as_text: bool = False):
    """'Tentang laporan ini': where the numbers come from (no reporter data, only hashes and counts)."""
    month = lap.month
    lines = [f"- Periode: {lap.bulan}"]
    if lap.m.get("per_tanggal"):
        lines.append(
            f"- Data per tanggal: {fmt.format_waktu_wib(pd.Timestamp(lap.m['per_tanggal']))}"
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
    from crmlib.report.frontmatter import RENDERER_TEKS, dibuat_dengan

    prov = provenance or {}
    # The one time besides per_tanggal a report shows: a final edition's, from its inputs
    # (never when it was built).
    if prov.get("difinalkan_pada"):
        waktu = fmt.format_waktu_wib(pd.Timestamp(prov["difinalkan_pada"]))
        lines.append(f"- Difinalkan: {waktu}")
    # One plain line for the technical provenance (never in a page footer).
    dibuat = dibuat_dengan(__version__, prov.get("git_commit"))
    if prov.get("renderer"):
        dibuat += f" dan {RENDERER_TEKS.get(prov['renderer'], prov['renderer'])}"
    lines.append(f"- Dibuat dengan {teks_data(dibuat)}.")
    return _md("\n".join(lines) + "\n", as_text)
