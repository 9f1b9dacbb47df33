"""Render the executed monthly notebook to ``laporan.html`` and ``laporan.pdf``.

Two renderers share one look (``_extensions/laporan-crm/``):

``quarto``
    ``quarto render laporan.ipynb --to laporan-crm-html`` and ``--to
    laporan-crm-typst`` with the project's ``_quarto.yml``; the notebook is not
    executed again.
``embedded``
    No Quarto needed: the notebook's outputs become one Markdown file (plus the
    extracted PNG charts), then pandoc (from pypandoc-binary) writes HTML with the
    extension's template, stylesheet and Lua filter, and Typst source that is
    compiled by the ``typst`` package with the extension's layout, in a child
    process bounded in time and memory. Pandoc runs with ``--sandbox`` (it reads
    no file or URL a document names; the report's own images are put into the
    Markdown) and Typst's root holds only the ``.typ``, the layout and the images.

``pick_renderer("auto")`` uses Quarto when it is on PATH, the embedded renderer
otherwise. See docs/architecture.md, "Rendering".

This module chooses the renderer and renders a month (:func:`render_month`); the steps
live beside it: :mod:`~crmlib.render.markdown` (notebook to Markdown, the image rule),
:mod:`~crmlib.render.embedded` (pandoc), :mod:`~crmlib.render.typst_compile` (Typst in a
bounded child process), :mod:`~crmlib.render.quarto` and :mod:`~crmlib.render.extension`
(the extension's names, the project root).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from crmlib.errors import ParamsError, RendererMissingError, RenderError
from crmlib.render.embedded import _render_embedded
from crmlib.render.extension import find_project_root
from crmlib.render.quarto import PESAN_PASANG_QUARTO, _render_quarto
from crmlib.report.frontmatter import KERTAS

RENDERERS = ("auto", "quarto", "embedded")
NOTEBOOK = "laporan.ipynb"


def pick_renderer(requested: str = "auto") -> str:
    """Decide which renderer to use.

    Parameters
    ----------
    requested : {"auto", "quarto", "embedded"}
        ``auto`` picks ``quarto`` when the ``quarto`` command is on PATH and
        ``embedded`` otherwise.

    Returns
    -------
    str
        ``"quarto"`` or ``"embedded"``.

    Raises
    ------
    RendererMissingError
        ``quarto`` was requested but is not on PATH (the message says how to install it).
    ParamsError
        ``requested`` is not one of the three names.
    """
    pilihan = (requested or "auto").strip().lower()
    if pilihan not in RENDERERS:
        raise ParamsError(
            f"Renderer tidak dikenal: {requested!r}; yang diharapkan: auto, quarto, atau embedded."
        )
    ada_quarto = shutil.which("quarto") is not None
    if pilihan == "auto":
        return "quarto" if ada_quarto else "embedded"
    if pilihan == "quarto" and not ada_quarto:
        raise RendererMissingError(PESAN_PASANG_QUARTO)
    return pilihan


def render_month(
    month_dir: Path | str, renderer: str = "auto", kertas: str | None = None
) -> dict[str, Any]:
    """Render ``<month_dir>/laporan.ipynb`` to ``laporan.html`` and ``laporan.pdf``.

    Parameters
    ----------
    month_dir : path
        Folder of the month, e.g. ``output/2022-06``, holding the executed notebook
        whose front matter was filled by :func:`crmlib.report.frontmatter.inject_front_matter`.
    renderer : {"auto", "quarto", "embedded"}
        See :func:`pick_renderer`.
    kertas : {"a4", "f4"}, optional
        Paper size of the PDF; ``None`` keeps the front matter's ``kertas`` (A4
        when absent).

    Returns
    -------
    dict
        ``html`` and ``pdf`` (paths), ``renderer`` (the one used), ``timings``
        (seconds per stage plus ``total``) and ``warnings`` (list of str).

    Raises
    ------
    RendererMissingError
        Quarto was requested but is not installed.
    RenderError
        The notebook is missing or unreadable, or pandoc, Typst or Quarto failed;
        the message carries the tool's own diagnostic.
    """
    t0 = time.perf_counter()
    month_dir = Path(month_dir).resolve()
    if kertas is not None:
        kertas = kertas.strip().lower()
        if kertas not in KERTAS:
            raise ParamsError(f"Kertas tidak valid: {kertas!r}; yang diharapkan: a4 atau f4.")
    nb_path = month_dir / NOTEBOOK
    if not nb_path.is_file():
        raise RenderError(f"Notebook hasil eksekusi tidak ditemukan: {nb_path}")
    dipakai = pick_renderer(renderer)
    root = find_project_root(month_dir)
    if dipakai == "quarto":
        waktu, peringatan = _render_quarto(nb_path, month_dir, root, kertas)
    else:
        waktu, peringatan = _render_embedded(nb_path, month_dir, root, kertas)
    waktu["total"] = time.perf_counter() - t0
    return {
        "html": month_dir / "laporan.html",
        "pdf": month_dir / "laporan.pdf",
        "renderer": dipakai,
        "timings": waktu,
        "warnings": peringatan,
    }
