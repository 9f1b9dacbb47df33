"""Build the annual report ``output/<YYYY>/laporan.html`` and ``laporan.pdf``.

The annual notebook (``notebooks/laporan_tahunan.ipynb``) reads only the year's
published months' ``metrics.json``; it is executed and rendered with the same
machinery as a month (:mod:`crmlib.render.execute`, :mod:`crmlib.report.frontmatter`,
:mod:`crmlib.render.renderer`) in a temporary folder that is published atomically. The
report is rebuilt only when its fingerprint changes: the bytes of the year's
months' ``metrics.json`` (so a rebuilt month rebuilds its year), the notebook, the
templates, crmlib's sources and the renderer.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from crmlib import __version__
from crmlib.errors import StorageError
from crmlib.project import Project
from crmlib.publish import hashcache
from crmlib.publish.edisi import STATUS_PAGE
from crmlib.publish.fingerprint import (
    STATE_FILE,
    code_hash,
    hash_bytes,
    templates_hash,
    write_state,
)
from crmlib.publish.lock import DEFAULT_WAIT
from crmlib.publish.publishing import (
    load_params_default,
    publish,
    refresh_archive,
    temp_folder,
    writing_output,
)

NOTEBOOK = Path("notebooks") / "laporan_tahunan.ipynb"


def year_months(project: Project, tahun: str) -> list[Path]:
    """The year's published ``metrics.json`` files, January first."""
    out = project.output_dir
    return [
        out / f"{tahun}-{m:02d}" / "metrics.json"
        for m in range(1, 13)
        if (out / f"{tahun}-{m:02d}" / "metrics.json").is_file()
    ]


def year_fingerprint(project: Project, tahun: str, renderer: str) -> dict[str, str]:
    """What the annual report is made of (compared with its ``build-info.json``)."""
    months = year_months(project, tahun)
    cache = hashcache.for_project(project)
    return {
        "bulan": hash_bytes(*(p.parent.name.encode() + cache.sha256(p).encode() for p in months)),
        "notebook": cache.sha256(project.root / NOTEBOOK),
        "templates": templates_hash(project.root, cache),
        "crmlib": code_hash(cache),
        "renderer": renderer,
    }


def _up_to_date(final: Path, fingerprint: dict) -> bool:
    try:
        state = json.loads((final / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    files = ("laporan.html", "laporan.pdf")
    return state.get("fingerprint") == fingerprint and all((final / f).is_file() for f in files)


def _front_matter(project: Project, tahun: str, edition=None) -> tuple[dict, str]:
    """The annual report's front matter: a draft (DRAF on every page) unless ``edition``.

    The annual report is a draft until ``crm-report finalize YYYY``, which needs every
    month of the year final (:mod:`crmlib.publish.edisi_tahunan`).
    """
    from crmlib.report.fmt import nama_bulan
    from crmlib.report.frontmatter import DRAFT_FRONT_MATTER, build_front_matter

    params = load_params_default(project)
    meta = build_front_matter(params, f"{tahun}-12", {"index": "../index.html"})
    meta.pop("kata-pengantar", None)  # the notebook's own annual foreword stays
    missing = [
        nama_bulan(m)
        for m in range(1, 13)
        if not (project.output_dir / f"{tahun}-{m:02d}" / "metrics.json").is_file()
    ]
    label = f"Tahun {tahun}"
    if missing:
        label += f" (tanpa data bulan {', '.join(missing)})"
    meta["title"] = "LAPORAN TAHUNAN CRM"
    meta["periode-label"] = label
    meta["pagetitle"] = f"Laporan Tahunan CRM {meta['subtitle']} — {label}"
    meta["tentang"] = []
    meta["tautan"] = {"pdf": "laporan.pdf", "index": "../index.html"}
    if edition is None:
        meta.update(DRAFT_FRONT_MATTER)
    else:
        meta.update(edition.front_matter())
        meta["lampiran"] = False  # the annual report has no metrics.json to carry
        meta["tautan"]["status"] = STATUS_PAGE
    return meta, str(params.get("kertas") or "a4")


def republish_year(project: Project, tahun: str) -> str | None:
    """Publish a final year's ``output/<YYYY>/`` from the store when it differs (under the lock).

    Returns None for a year without an annual edition, else ``"terbit"`` (already
    equal) or ``"diterbitkan ulang"``.
    """
    from crmlib.publish import edisi, verify

    numbers = edisi.complete_editions(project.root, tahun)
    if not numbers:
        return None
    roots = verify.configured_roots(project.root)
    if edisi.published_matches_store(project.root, project.output_dir, tahun, roots):
        return "terbit"
    publish_year(project, tahun, roots, numbers[-1])
    return "diterbitkan ulang"


def publish_year(project: Project, tahun: str, roots: list, n: int) -> None:
    """Stage ``output/<YYYY>/`` from the store (annual edition ``n`` current) and swap it in."""
    from crmlib.publish import finals

    staged = temp_folder(project.output_dir, tahun)
    staged.mkdir()
    try:
        finals.stage_final(project.root, tahun, staged, roots)
        write_state(staged, {"status": "final", "edisi": n})
        publish(staged, project.output_dir / tahun)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def build_year(project: Project, tahun: str, renderer: str = "auto", force: bool = False) -> str:
    """Build one annual report; returns ``"dibangun"``, ``"terkini"``, ``"kosong"`` or ``"final"``.

    A year with a final annual edition is republished from ``terbitan/<YYYY>/``, never
    built (``"final"``).

    Call inside :func:`crmlib.publish.publishing.writing_output` (the output lock). A year without
    any published month is not built.
    """
    from crmlib.render import renderer as render

    if not year_months(project, tahun):
        return "kosong"
    if republish_year(project, tahun) is not None:
        return "final"  # a final annual edition is never built again, only republished
    used = render.pick_renderer(renderer)
    fingerprint = year_fingerprint(project, tahun, used)
    final = project.output_dir / tahun
    if not force and _up_to_date(final, fingerprint):
        return "terkini"
    # Only now: a year that is up to date costs no notebook, report or pandas import.

    tmp = temp_folder(project.output_dir, tahun)
    try:
        tmp.mkdir(parents=True)
        render_year(project, tahun, used, tmp)
        state = {"fingerprint": fingerprint, "renderer": used, "crmlib": __version__}
        with StorageError.writing(tmp / STATE_FILE):
            (tmp / STATE_FILE).write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
        publish(tmp, final)
    finally:
        # The warm kernel stays for whatever this process builds next (it is reset before
        # each notebook and stopped when the process ends).
        shutil.rmtree(tmp, ignore_errors=True)
    return "dibangun"


def render_year(project: Project, tahun: str, used: str, tmp: Path, edition=None) -> None:
    """Execute the annual notebook and render it into ``tmp`` (draft, or ``edition``)."""
    from crmlib.render import renderer as render
    from crmlib.render.execute import execute_notebook
    from crmlib.report.frontmatter import inject_front_matter
    from crmlib.report.tahunan import siapkan_tahunan, write_tabel_tahunan

    arsip = os.path.relpath(project.output_dir.resolve(), tmp.resolve())
    execute_notebook(
        project.root / NOTEBOOK,
        tmp / "laporan.ipynb",
        {"tahun": int(tahun), "arsip_dir": arsip},
        cwd=tmp,
        timeout=300,
        # The warm kernel's own output stays off the terminal (as in a month's build).
        warm=edition is None,
    )
    meta, kertas = _front_matter(project, tahun, edition)
    inject_front_matter(tmp / "laporan.ipynb", meta)
    render.render_month(tmp, renderer=used, kertas=kertas)
    write_tabel_tahunan(siapkan_tahunan(tahun, project.output_dir), tmp / "tabel.xlsx")


def build_years(
    project: Project, years: list[str], renderer: str = "auto", force: bool = False, wait=None
) -> dict[str, str]:
    """Build several annual reports under the output lock, then refresh the archive."""
    results = {}
    with writing_output(project, "build " + " ".join(years), wait or DEFAULT_WAIT):
        for tahun in years:
            results[tahun] = build_year(project, tahun, renderer, force)
        hashcache.for_project(project).save()
        if any(s == "dibangun" for s in results.values()):
            refresh_archive(project)
    return results
