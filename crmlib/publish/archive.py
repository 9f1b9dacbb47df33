"""The published archive: the index, a page per UKPD and per kecamatan, the CSV download.

One generator, whichever renderer built the months: it reads only each month's
``metrics.json`` and links the files that exist beside it. Every page comes from a
Jinja2 template under ``crmlib/publish/templates/arsip/`` with autoescaping, so every value
is escaped by default. Each page is a single self-contained file: the report
stylesheet is inlined and the trend charts are inline SVG, so the archive works
from disk, from any static server and without network access.

Layout of ``output/``::

    index.html                 months grouped by year, annual reports first, filter
    ukpd/<slug>.html           one unit's monthly series (slug: "kelurahan-rawamangun")
    kecamatan/<slug>.html      one kecamatan office and its kelurahan, rolled up
    data/ukpd_bulanan.csv      every unit x month figure (docs/unduhan.md)

A month's build simply regenerates the whole archive: a page whose content did not
change is not rewritten, and the unit and kecamatan pages (every ticket of every
month) are not even rendered when nothing they are made of changed
(:mod:`crmlib.publish.arsip_sidik`).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from crmlib import __version__
from crmlib.errors import StorageError
from crmlib.publish.arsip_sidik import SidikArsip
from crmlib.publish.arsip_tiket import daftar_tiket, tautan_tiket
from crmlib.publish.finals import daftar_edisi
from crmlib.publish.halaman_edisi import write_status_pages
from crmlib.publish.tren import _fmt_int, _fmt_pct, trend_chart, trend_charts
from crmlib.report.archive_data import (
    MONTH_FILES,
    UnitSeries,
    kecamatan_series,
    read_month_summary,
    ukpd_csv_text,
    unit_series,
)
from crmlib.report.fmt import (
    format_angka,
    format_bulan_tahun,
    format_bulan_tahun_singkat,
    format_durasi_jam,
    format_menit,
    format_ukpd,
    format_waktu_wib,
)
from crmlib.report.istilah import keterangan_status

log = logging.getLogger(__name__)

_BULAN_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])\Z")
_TAHUN_DIR = re.compile(r"^\d{4}$")
_ANNUAL_FILES = (
    ("laporan.html", "Laporan tahunan (HTML)"),
    ("laporan.pdf", "PDF"),
    ("tabel.xlsx", "Tabel (.xlsx)"),
)
CSV_PATH = "data/ukpd_bulanan.csv"
# The CSV's column documentation (the "ukpd_bulanan.csv" section of docs/unduhan.md),
# published beside it so that every mention of it can link it.
KOLOM_PATH = "data/ukpd_bulanan.html"
_KOLOM_BAGIAN = re.compile(r"^## `ukpd_bulanan\.csv`\n(.*?)(?=^## |\Z)", re.S | re.M)


def collect_months(output_dir: Path) -> list[dict[str, Any]]:
    """Summaries of every ``YYYY-MM`` folder of ``output_dir`` with a metrics.json, newest first."""
    months = []
    for child in output_dir.iterdir() if output_dir.is_dir() else []:
        if child.is_dir() and _BULAN_DIR.match(child.name):
            summary = read_month_summary(child)
            if summary is not None:
                summary["folder"] = child.name
                summary["edisi"] = daftar_edisi(output_dir, child.name)
                months.append(summary)
    return sorted(months, key=lambda m: m["folder"], reverse=True)


# --- formatting filters ------------------------------------------------------------
# Cached: Babel's number formatting is most of the archive's time, and counts repeat.


@functools.lru_cache(maxsize=65536, typed=True)
def _fmt_menit(value: Any) -> str:
    return format_menit(value) if value is not None else "–"


@functools.lru_cache(maxsize=65536, typed=True)
def _fmt_jam_dari_menit(value: Any) -> str:
    return format_durasi_jam(value / 60) if value is not None else "–"


@functools.lru_cache(maxsize=65536, typed=True)
def _fmt_peringkat(value: Any, dari: Any) -> str:
    return f"{format_angka(value)} dari {format_angka(dari)}" if value else "–"


# The columns of a unit's / kecamatan's monthly table: heading and value. The template
# writes each heading once in the header row and again as the cell's label, which a
# phone shows above the figure (laporan.css: tables as cards).
_KOLOM_BULANAN = (
    ("Laporan", lambda b: _fmt_int(b["total"])),
    ("Complete", lambda b: _fmt_int(b["complete"])),
    ("Direspon ≤ batas", lambda b: _fmt_pct(b["tepat_waktu_persen"])),
    ("Capaian", lambda b: _fmt_pct(b["capaian_persen"])),
    ("Koordinasi (menit)", lambda b: _fmt_menit(b["koordinasi_rerata_menit"])),
    ("Penyelesaian (jam)", lambda b: _fmt_jam_dari_menit(b["penyelesaian_rerata_menit"])),
    ("TL ditolak", lambda b: _fmt_int(b["tl_ditolak"])),
    ("Nilai < 100", lambda b: _fmt_int(b["nilai_dibawah_100"])),
)
_KOLOM_PERINGKAT = (
    (
        "Peringkat jumlah",
        lambda b: _fmt_peringkat(b["peringkat_laporan"], b["jumlah_berperingkat_laporan"]),
    ),
    (
        "Peringkat penyelesaian",
        lambda b: _fmt_peringkat(
            b["peringkat_penyelesaian"], b["jumlah_berperingkat_penyelesaian"]
        ),
    ),
)


def kolom_bulanan(peringkat: bool) -> list[dict[str, Any]]:
    """Heading and value function of every column of the monthly table."""
    kolom = _KOLOM_BULANAN + (_KOLOM_PERINGKAT if peringkat else ())
    return [{"judul": judul, "nilai": nilai} for judul, nilai in kolom]


@functools.cache
def _keterangan_status() -> str:
    from crmlib.data.refdata import status_labels

    return keterangan_status(status_labels())


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("crmlib.publish", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(
        angka=_fmt_int,
        persen=_fmt_pct,
        menit=_fmt_menit,
        jam=_fmt_jam_dari_menit,
        peringkat=_fmt_peringkat,
        bulan_tahun=format_bulan_tahun,
        waktu_wib=format_waktu_wib,
        ukpd=format_ukpd,
    )
    env.globals["kolom_bulanan"] = kolom_bulanan
    env.globals["tautan_tiket"] = tautan_tiket
    return env


def _render(template: str, **context: Any) -> str:
    return _env().get_template(f"arsip/{template}").render(versi=__version__, **context)


def trend_svg(months: list[dict[str, Any]]) -> str:
    """The trend chart as an inline SVG string (see :func:`trend_chart`)."""
    macro = _env().get_template("arsip/_grafik.html.j2").module.tren
    return str(macro(trend_chart(months)))


# --- pages ---------------------------------------------------------------------------


def _stylesheet(output_dir: Path) -> Markup:
    from crmlib.render.extension import EXTENSION, find_project_root

    try:
        root = find_project_root(output_dir)
        css = (root / "_extensions" / EXTENSION / "laporan.css").read_text(encoding="utf-8")
        # The project's own stylesheet, not data: written as is into <style> (escaped, its
        # quoted font names broke the font-family rule and every page fell back to the
        # browser's default serif). A "</" could still end the element early.
        return Markup(css.replace("</", "<\\/"))
    except Exception as e:  # the page is still usable unstyled
        log.warning("laporan.css tidak ditemukan (%s); arsip tanpa gaya", e)
        return ""


def _card(m: dict[str, Any]) -> dict[str, Any]:
    per = ""
    if m.get("per_tanggal"):
        try:
            per = format_waktu_wib(m["per_tanggal"])
        except (TypeError, ValueError):
            per = ""
    nama = format_bulan_tahun(m["periode"])
    return {
        **m,
        "per_tanggal_teks": per,
        "tautan": [{"name": n, "label": label} for n, label in MONTH_FILES if n in m["files"]],
        "cari": f"{nama} {format_bulan_tahun_singkat(m['periode'])} {m['folder']}".lower(),
    }


def _annual_links(output_dir: Path, tahun: str) -> list[dict[str, str]]:
    folder = output_dir / tahun
    return [
        {"href": f"{tahun}/{name}", "label": label}
        for name, label in _ANNUAL_FILES
        if (folder / name).is_file()
    ]


def _years(output_dir: Path, months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    years: dict[str, list[dict[str, Any]]] = {}
    for m in months:  # already newest first
        years.setdefault(m["folder"][:4], []).append(_card(m))
    for child in output_dir.iterdir() if output_dir.is_dir() else []:
        if child.is_dir() and _TAHUN_DIR.match(child.name) and (child / "laporan.html").is_file():
            years.setdefault(child.name, [])
    return [
        {
            "tahun": t,
            "bulan": years[t],
            "laporan": _annual_links(output_dir, t),
            # The annual report's editions, as a month card shows them (empty: a draft).
            "kartu": {"folder": t, "edisi": daftar_edisi(output_dir, t)},
        }
        for t in sorted(years, reverse=True)
    ]


def _directory(units: list[UnitSeries], kecamatan: list[dict]) -> list[dict[str, Any]]:
    """The index's unit list: each kecamatan with its units, then units of no kecamatan."""

    def entry(u: UnitSeries) -> dict[str, str]:
        return {"slug": u["slug"], "label": u["label"], "cari": f"{u['label']} {u['ukpd']}".lower()}

    out = [
        {
            "slug": k["slug"],
            "label": k["label"],
            "cari": k["label"].lower(),
            "unit": [entry(u) for u in k["unit"]],
            "halaman": f"kecamatan/{k['slug']}.html",
        }
        for k in kecamatan
    ]
    lain = [entry(u) for u in units if not u["kecamatan"]]
    return out, lain


def render_index(
    months: list[dict[str, Any]],
    kota_label: str,
    css: str,
    *,
    output_dir: Path | None = None,
    units: list[UnitSeries] = (),
    kecamatan: list[dict[str, Any]] = (),
) -> str:
    """The archive index as an HTML string (``months`` newest first)."""
    judul = "Arsip Laporan Bulanan CRM"
    kota = kota_label.strip()
    if months:
        terlama = format_bulan_tahun(months[-1]["periode"])
        terbaru = format_bulan_tahun(months[0]["periode"])
        rentang = terbaru if len(months) == 1 else f"{terlama} – {terbaru}"
        ringkas = f"{len(months)} laporan bulanan, {rentang}"
    else:
        ringkas = "Belum ada laporan yang dibangun."
    kec, lain = _directory(list(units), list(kecamatan))
    unduhan = []
    if units:
        unduhan.append(
            {
                "href": CSV_PATH,
                "label": "ukpd_bulanan.csv",
                "keterangan": "angka setiap UKPD per bulan (CSV)",
                "dok": KOLOM_PATH,
            }
        )
    return _render(
        "index.html.j2",
        css=css,
        judul=judul,
        judul_halaman=f"{judul} — {kota}" if kota else judul,
        subjudul=kota.upper(),
        ringkas=ringkas,
        grafik=trend_charts(months) if months else None,
        tahunan=_years(output_dir, months) if output_dir else [],
        kecamatan=kec,
        unit_lain=lain,
        unduhan=unduhan,
    )


def _range_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "belum ada data"
    first, last = format_bulan_tahun(rows[0]["periode"]), format_bulan_tahun(rows[-1]["periode"])
    return f"{len(rows)} bulan, {first}" + ("" if len(rows) == 1 else f" – {last}")


def _series_page(label: str, baris: list[dict], kota_label: str, css: str) -> dict[str, Any]:
    """What a unit page and a kecamatan page share: titles, range, trend chart, rows."""
    return {
        "css": css,
        "judul": label,
        "judul_halaman": f"{label} — Arsip CRM {kota_label}".strip(),
        "subjudul": kota_label.strip().upper(),
        "ringkas": _range_text(baris),
        "grafik": trend_charts(baris, judul=f"Tren laporan {label}"),
        "baris": baris,
    }


def render_unit_page(unit: UnitSeries, kota_label: str, css: str, induk: dict | None = None) -> str:
    """The page of one UKPD: chart and table of its monthly series, the tickets behind them."""
    tiket = [
        {"folder": b["folder"], "periode": b["periode"], "daftar": daftar_tiket(b, unit["label"])}
        for b in reversed(unit["baris"])
        if b.get("tiket") is not None
    ]
    return _render(
        "ukpd.html.j2",
        **_series_page(unit["label"], unit["baris"], kota_label, css),
        induk=induk,
        peringkat=unit["tingkat"] == "kelurahan",
        keterangan_status=_keterangan_status(),
        tiket=tiket,
    )


def render_kecamatan_page(kec: dict[str, Any], kota_label: str, css: str) -> str:
    """The page of one kecamatan: its office and kelurahan rolled up, plus its units."""
    return _render(
        "kecamatan.html.j2",
        **_series_page(kec["label"], kec["baris"], kota_label, css),
        rentang=_range_text(kec["baris"]),
        unit=kec["unit"],
    )


# --- writing ---------------------------------------------------------------------------


@functools.cache
def _markdown_html(markdown: str) -> str:
    """``markdown`` (the project's own docs, not data) as an HTML fragment, by pandoc."""
    import subprocess

    from crmlib.render.embedded import _pandoc

    done = subprocess.run(
        [_pandoc(), "--from=gfm", "--to=html5", "--sandbox"],
        input=markdown,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # Column names are long words joined by "_": a line may break after each "_".
    return re.sub(
        r"<code>([^<]*)</code>",
        lambda m: "<code>" + m.group(1).replace("_", "_<wbr>") + "</code>",
        done.stdout,
    )


def render_column_page(output_dir: Path, kota_label: str, css: str) -> str | None:
    """The page documenting ``ukpd_bulanan.csv``'s columns (None without docs/unduhan.md)."""
    from crmlib.render.extension import find_project_root

    # The project's docs, else those of the checkout that holds crmlib (as for the
    # templates: a project made by copying notebooks and params has no docs/ of its own).
    tempat = [Path(__file__).resolve().parents[2] / "docs" / "unduhan.md"]
    try:
        tempat.insert(0, find_project_root(output_dir) / "docs" / "unduhan.md")
    except Exception:  # the checkout's copy is tried next
        pass
    doc = next((p.read_text(encoding="utf-8") for p in tempat if p.is_file()), None)
    if doc is None:  # the archive is still complete without it
        log.warning("docs/unduhan.md tidak ditemukan; penjelasan kolom tidak diterbitkan")
        return None
    bagian = _KOLOM_BAGIAN.search(doc)
    if bagian is None:
        return None
    return _render(
        "kolom.html.j2",
        css=css,
        judul="Kolom ukpd_bulanan.csv",
        judul_halaman=f"Kolom ukpd_bulanan.csv — Arsip CRM {kota_label}".strip(),
        subjudul=kota_label.strip().upper(),
        ringkas="Penjelasan setiap kolom unduhan data per UKPD per bulan",
        isi=Markup(_markdown_html(bagian.group(1))),
    )


def _write(target: Path, text: str, *, only_if_changed: bool = False) -> bool:
    """Write ``text`` to ``target`` atomically; return whether the file was written."""
    if only_if_changed:
        try:
            if target.read_text(encoding="utf-8") == text:
                return False
        except (FileNotFoundError, UnicodeDecodeError):
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    # A name of its own per write: readers only ever see a whole file, old or new.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with StorageError.writing(target), os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the page from a web server
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _write_pages(folder: Path, pages: dict[str, str]) -> None:
    """Write ``{file name: html}`` into ``folder`` and drop pages no longer produced."""
    for name, text in pages.items():
        _write(folder / name, text, only_if_changed=True)
    if folder.is_dir():
        for old in folder.glob("*.html"):
            if old.name not in pages:
                old.unlink(missing_ok=True)


def _series_files(output_dir: Path) -> list[Path]:
    """The unit and kecamatan pages and the CSV as they are in ``output_dir`` now."""
    pages = [p for folder in ("ukpd", "kecamatan") for p in (output_dir / folder).glob("*.html")]
    csv = output_dir / CSV_PATH
    return sorted(pages + ([csv] if csv.is_file() else []))


def _write_series_pages(
    output_dir: Path, units: list[UnitSeries], kecamatan: list[dict], kota_label: str, css: str
) -> None:
    """Every unit's and kecamatan's page and ``data/ukpd_bulanan.csv``."""
    induk = {k["kecamatan"]: k for k in kecamatan}
    _write_pages(
        output_dir / "ukpd",
        {
            f"{u['slug']}.html": render_unit_page(u, kota_label, css, induk.get(u["kecamatan"]))
            for u in units
        },
    )
    _write_pages(
        output_dir / "kecamatan",
        {f"{k['slug']}.html": render_kecamatan_page(k, kota_label, css) for k in kecamatan},
    )
    _write(output_dir / CSV_PATH, ukpd_csv_text(units), only_if_changed=True)


def build_archive(
    output_dir: Path | str, kota_label: str, *, sidik_arsip: SidikArsip | None = None
) -> dict[str, Any]:
    """Regenerate the whole archive from the month folders found in ``output_dir``.

    Writes ``index.html``, every month's edition status pages
    (:mod:`crmlib.publish.halaman_edisi`), ``ukpd/<slug>.html``, ``kecamatan/<slug>.html`` and
    ``data/ukpd_bulanan.csv`` (the last three only when some month has ``per_ukpd``).
    No notebook runs and no PDF is made; a page whose content is unchanged is not
    rewritten. With ``sidik_arsip`` (the project's record,
    :mod:`crmlib.publish.arsip_sidik`) the unit and kecamatan pages and the CSV are
    not even rendered when nothing they are made of changed since they were written.

    Returns
    -------
    dict
        ``index`` (path), ``ukpd`` and ``kecamatan`` (number of pages), ``csv`` (path
        or None).
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    months = collect_months(output_dir)
    css = _stylesheet(output_dir)
    units = unit_series(months)
    kecamatan = kecamatan_series(units)
    csv_path = None
    if units:
        csv_path = output_dir / CSV_PATH
        sidik = sidik_arsip.sidik(output_dir, months, kota_label, css) if sidik_arsip else None
        if sidik is None or not sidik_arsip.current(output_dir, sidik, _series_files(output_dir)):
            _write_series_pages(output_dir, units, kecamatan, kota_label, css)
            if sidik is not None:
                sidik_arsip.remember(output_dir, sidik, _series_files(output_dir))
        kolom = render_column_page(output_dir, kota_label, css)
        if kolom is not None:
            _write(output_dir / KOLOM_PATH, kolom, only_if_changed=True)
    page = render_index(
        months, kota_label, css, output_dir=output_dir, units=units, kecamatan=kecamatan
    )
    index = output_dir / "index.html"
    _write(index, page)
    annual = [
        {"folder": c.name, "edisi": daftar_edisi(output_dir, c.name)}
        for c in sorted(output_dir.iterdir())
        if c.is_dir() and _TAHUN_DIR.match(c.name) and (c / "laporan.html").is_file()
    ]
    write_status_pages(
        output_dir,
        months + annual,
        lambda template, **context: _render(template, css=css, **context),
        lambda path, text: _write(path, text, only_if_changed=True),
    )
    return {"index": index, "ukpd": len(units), "kecamatan": len(kecamatan), "csv": csv_path}


def build_archive_index(
    output_dir: Path | str, kota_label: str, *, sidik_arsip: SidikArsip | None = None
) -> Path:
    """Regenerate the archive (:func:`build_archive`) and return ``output_dir/index.html``.

    Parameters
    ----------
    output_dir : path
        The ``output/`` folder holding ``YYYY-MM/`` month folders.
    kota_label : str
        City name for the title, e.g. "Kota Administrasi Jakarta Timur".
    """
    return build_archive(output_dir, kota_label, sidik_arsip=sidik_arsip)["index"]
