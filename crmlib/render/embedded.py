"""The embedded renderer: pandoc (HTML and Typst source) and Typst, no Quarto needed.

The notebook's outputs become one Markdown file (plus the extracted PNG charts), then
pandoc (from pypandoc-binary) writes HTML with the extension's template, stylesheet and
Lua filter, and Typst source that :mod:`crmlib.render.typst_compile` compiles with the
extension's layout. Pandoc runs with ``--sandbox`` (it reads no file or URL a document
names; the report's own images are put into the Markdown) and Typst's root holds only
the ``.typ``, the layout, the images and a final edition's attachments.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from crmlib.data.yamlio import load_yaml
from crmlib.errors import RendererMissingError, RenderError, StorageError
from crmlib.render.extension import EXTENSION, LAYOUT, _ekor
from crmlib.render.markdown import (
    MARKDOWN,
    _gambar_data_uri,
    _salin_gambar,
    image_files,
    notebook_to_markdown,
)
from crmlib.render.typst_compile import compile_typst, start_typst
from crmlib.report.frontmatter import PDF_STANDARD_KEY, dump_front_matter

PANDOC_TIMEOUT = 300


def _pandoc() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as e:
        raise RendererMissingError(
            "pandoc tidak tersedia untuk renderer embedded: pasang paket `pypandoc-binary` "
            f"(pip install pypandoc-binary). Detail: {e}"
        ) from None


def _format_defaults(ext_dir: Path) -> dict[str, Any]:
    """Options shared with Quarto, read from the extension's ``common`` section."""
    try:
        data = load_yaml((ext_dir / "_extension.yml").read_text(encoding="utf-8")) or {}
        common = data["contributes"]["formats"].get("common") or {}
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        common = {}
    return {
        "toc": common.get("toc", True),
        "toc-depth": int(common.get("toc-depth", 2)),
        "toc-title": str(common.get("toc-title", "DAFTAR ISI")),
        "lang": str(common.get("lang", "id")),
    }


def _siapkan_sumber(
    folder: Path,
    meta: dict[str, Any],
    body: str,
    gambar: dict[str, bytes],
    month_dir: Path,
    ext: Path,
) -> tuple[Path, Path]:
    """Write pandoc's inputs to ``folder/sumber`` and the Typst root ``folder/typst``.

    Sources (Markdown, the notebook's images, the stylesheet) and the Typst root
    are apart: Typst reads only below its root, and the document source is not
    there. ``laporan.md`` (for Typst) names the images by path; ``laporan-html.md``
    holds them as data URIs, since pandoc's sandbox reads no image.
    """
    tmp, akar = folder / "sumber", folder / "typst"
    tmp.mkdir()
    akar.mkdir()
    for nama, isi in gambar.items():
        with StorageError.writing(tmp / nama):
            (tmp / nama).write_bytes(isi)
    berkas = image_files(body, [tmp, month_dir])
    _salin_gambar(berkas, akar)
    awal = dump_front_matter(meta) + "\n" if meta else ""
    css = (ext / "laporan.css").read_text(encoding="utf-8")
    for nama, teks in (
        ("laporan.md", awal + body),
        ("laporan-html.md", awal + _gambar_data_uri(body, berkas)),
        ("laporan-css.html", f"<style>\n{css}</style>\n"),
    ):
        with StorageError.writing(tmp / nama):
            (tmp / nama).write_text(teks, encoding="utf-8")
    # The same layout file Quarto copies next to its .typ (format-resources).
    shutil.copyfile(ext / LAYOUT, akar / LAYOUT)
    return tmp, akar


# Files a final edition's PDF carries as attachments (front matter ``lampiran: true``).
LAMPIRAN = ("metrics.json", "tabel.xlsx")


def _siapkan_arsip(meta: dict[str, Any], month_dir: Path, akar: Path) -> list[str] | None:
    """The PDF standard a final edition asks for (front matter ``pdf-standard``), attachments copied.

    The attachments are the month's own ``metrics.json`` and ``tabel.xlsx``, copied
    into the Typst root (Typst reads nothing outside it).
    """
    if meta.get("lampiran"):
        for nama in LAMPIRAN:
            shutil.copyfile(month_dir / nama, akar / nama)
    standar = meta.get(PDF_STANDARD_KEY)
    return [str(standar)] if standar else None


def _children_cpu() -> float:
    """CPU seconds of this process's children reaped so far.

    The render's children are reaped one at a time (pandoc for Typst, the Typst child,
    pandoc for HTML), so the difference across each reap is that child's own CPU time:
    the ``cpu_*`` timings, which tell HTML from PDF although both run at once.
    """
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _compile_pdf(
    akar: Path, pdf: Path, anak: subprocess.Popen, standar: list[str] | None, waktu: str | None
) -> list[str]:
    """Compile ``laporan.typ``; a final edition that Typst cannot tag (PDF/A-3a) becomes PDF/A-3b.

    ``waktu`` is the document's time (front matter ``waktu-dokumen``): its PDF dates.
    """
    try:
        return compile_typst(
            akar / "laporan.typ", pdf, akar, child=anak, standards=standar, waktu=waktu
        )
    except RenderError as e:
        if standar != ["a-3a"] or "PDF/A" not in str(e):
            raise
        alasan = str(e).strip().splitlines()[0][:200]
    peringatan = compile_typst(akar / "laporan.typ", pdf, akar, standards=["a-3b"], waktu=waktu)
    return [*peringatan, f"PDF/A-3a tidak tercapai ({alasan}); PDF dibuat sebagai PDF/A-3b"]


def pandoc_common(ext: Path, meta: dict[str, Any], kertas: str | None = None) -> list[str]:
    """The embedded renderer's pandoc options shared by its HTML and Typst runs."""
    bawaan = _format_defaults(ext)
    umum = [
        _pandoc(),
        f"--from={MARKDOWN}",
        "--standalone",
        "--wrap=none",  # as Quarto does
        # Pandoc reads nothing but the files named here: no image, stylesheet or
        # URL a document names is fetched (images are already in the Markdown).
        "--sandbox",
        f"--lua-filter={ext / 'laporan.lua'}",
        "--metadata=renderer=embedded",
        f"--metadata=toc-title={bawaan['toc-title']}",
    ]
    if bawaan["toc"]:
        umum += ["--toc", f"--toc-depth={bawaan['toc-depth']}"]
    if "lang" not in meta:
        umum.append(f"--metadata=lang={bawaan['lang']}")
    if kertas:
        umum.append(f"--metadata=kertas={kertas}")
    return umum


def pandoc_html(ext: Path, umum: list[str], source: str, css: Path, output: Path) -> list[str]:
    """The embedded renderer's pandoc command for the HTML page (build and preview alike)."""
    bawaan = _format_defaults(ext)
    return [
        *umum,
        # After laporan.lua: chapters become h2 under the title's h1, so the
        # table of contents goes one level deeper (as _extension.yml's html).
        f"--lua-filter={ext / 'judul-html.lua'}",
        f"--toc-depth={bawaan['toc-depth'] + 1}",
        source,
        "--to=html5",
        f"--template={ext / 'embedded-template.html'}",
        f"--include-in-header={css}",
        f"--output={output}",
    ]


def _pandoc_typst(ext: Path, umum: list[str], md: str, typ: Path) -> list[str]:
    """The pandoc command that writes the Typst source of the PDF."""
    return [
        *umum,
        md,
        "--to=typst",
        f"--template={ext / 'embedded-template.typst'}",
        f"--output={typ}",
    ]


def _raise_if_storage(stderr: str, path: Path) -> None:
    """pandoc could not write ``path`` for lack of disk space or permission: say so (exit 74)."""
    storage = StorageError.from_tool_output(stderr, path)
    if storage is not None:
        raise storage


def _write_typst_source(command: list[str], cwd: Path, typ: Path, nb_path: Path) -> None:
    """Run pandoc's ``command`` writing the Typst source ``typ`` of the PDF.

    Raises
    ------
    StorageError
        No disk space or permission to write ``typ`` (exit code 74).
    RenderError
        pandoc failed otherwise (the end of its stderr).
    """
    hasil_typ = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=PANDOC_TIMEOUT
    )
    if hasil_typ.returncode != 0:
        _raise_if_storage(hasil_typ.stderr, typ)
        raise RenderError(
            "pandoc gagal menulis sumber Typst (PDF) dari notebook "
            f"{nb_path}:\n{_ekor(hasil_typ.stderr)}"
        )


def _render_embedded(
    nb_path: Path, month_dir: Path, root: Path, kertas: str | None
) -> tuple[dict[str, float], list[str]]:
    """Render with pandoc and Typst; returns (seconds per stage, warnings)."""
    waktu: dict[str, float] = {}
    t0 = time.perf_counter()
    ext = root / "_extensions" / EXTENSION
    try:
        notebook = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RenderError(f"Notebook {nb_path} tidak dapat dibaca: {e}") from None
    meta, body, gambar = notebook_to_markdown(notebook)
    waktu["notebook"] = time.perf_counter() - t0

    html_akhir = month_dir / "laporan.html"
    pdf_akhir = month_dir / "laporan.pdf"
    peringatan: list[str] = []
    # Inside the month's folder (the build's temp folder under output/): a killed build
    # leaves nothing in /tmp, and the next build's cleanup removes it with the month.
    with tempfile.TemporaryDirectory(prefix=".crm-render-", dir=month_dir) as tmp_name:
        tmp, akar = _siapkan_sumber(Path(tmp_name), meta, body, gambar, month_dir, ext)
        md, md_html, css = tmp / "laporan.md", tmp / "laporan-html.md", tmp / "laporan-css.html"
        umum = pandoc_common(ext, meta, kertas)
        html_sementara = month_dir / ".laporan.html.tmp"
        perintah_html = pandoc_html(ext, umum, md_html.name, css, html_sementara)
        perintah_typ = _pandoc_typst(ext, umum, md.name, akar / "laporan.typ")
        # Two cores: pandoc writes the HTML while Typst lays out the PDF.
        t1 = time.perf_counter()
        cpu = _children_cpu()
        proses_html = subprocess.Popen(
            perintah_html, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        anak_typst = start_typst()
        try:
            _write_typst_source(perintah_typ, tmp, akar / "laporan.typ", nb_path)
            waktu["pandoc_typst"] = time.perf_counter() - t1
            waktu["cpu_pandoc_typst"], cpu = _children_cpu() - cpu, _children_cpu()

            t2 = time.perf_counter()
            pdf_sementara = month_dir / ".laporan.pdf.tmp"
            standar = _siapkan_arsip(meta, month_dir, akar)
            try:
                peringatan += _compile_pdf(
                    akar, pdf_sementara, anak_typst, standar, meta.get("waktu-dokumen")
                )
            except RenderError as e:
                pdf_sementara.unlink(missing_ok=True)
                raise RenderError(f"Typst gagal menyusun PDF untuk {nb_path}:\n{e}") from None
            waktu["typst"] = time.perf_counter() - t2
            waktu["cpu_typst"], cpu = _children_cpu() - cpu, _children_cpu()

            _, err_html = proses_html.communicate(timeout=PANDOC_TIMEOUT)
        except BaseException:
            for proses in (proses_html, anak_typst):
                proses.kill()
                proses.communicate()
            html_sementara.unlink(missing_ok=True)
            raise
        waktu["pandoc_html"] = time.perf_counter() - t1
        waktu["cpu_pandoc_html"] = _children_cpu() - cpu
        if proses_html.returncode != 0:
            html_sementara.unlink(missing_ok=True)
            pdf_sementara.unlink(missing_ok=True)
            _raise_if_storage(err_html, html_akhir)
            raise RenderError(
                f"pandoc gagal menulis HTML dari notebook {nb_path}:\n{_ekor(err_html)}"
            )
        if err_html.strip():
            peringatan += [b for b in err_html.strip().splitlines() if b.strip()]
        os.replace(html_sementara, html_akhir)
        os.replace(pdf_sementara, pdf_akhir)
    return waktu, peringatan
