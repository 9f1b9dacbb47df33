"""The Quarto renderer: ``quarto render laporan.ipynb`` to HTML and Typst (PDF).

``--to laporan-crm-html`` and ``--to laporan-crm-typst``, run in the month folder;
the notebook is not executed again. The notebook's images follow the embedded
renderer's rule (:func:`crmlib.render.markdown.image_files`). A final edition's
front matter carries ``pdf-standard: a-3a``, which Quarto (>= 1.9) hands to Typst
as its PDF standard; when Typst cannot make PDF/A-3a the PDF is made as PDF/A-3b,
as the embedded renderer does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from crmlib.errors import RendererMissingError, RenderError
from crmlib.render.extension import EXTENSION, FORMAT_HTML, FORMAT_TYPST, LAYOUT, _ekor
from crmlib.render.markdown import image_files, notebook_to_markdown
from crmlib.report.frontmatter import PDF_STANDARD_KEY

QUARTO_TIMEOUT = 900
# The Quarto version the templates are tested with (environment.yml pins it).
QUARTO_VERSION = "1.10"

PESAN_PASANG_QUARTO = (
    "Renderer 'quarto' diminta, tetapi perintah `quarto` tidak ditemukan di PATH. "
    f"Pasang Quarto {QUARTO_VERSION} lewat conda-forge — `conda env update -f environment.yml` "
    "(paket `quarto`) — atau dari https://quarto.org/docs/get-started/, lalu ulangi; "
    "atau jalankan dengan --renderer embedded (tanpa Quarto)."
)


def _quarto(
    quarto: str, nb_path: Path, fmt: str, meta: list[str], keluaran: str
) -> tuple[float, list[str]]:
    """Run ``quarto render`` for one format in the notebook's folder; (seconds, warnings).

    Raises
    ------
    RenderError
        Quarto failed, ran out of time or wrote no ``keluaran``; the message ends
        with Quarto's own diagnostic.
    """
    perintah = [quarto, "render", nb_path.name, "--to", fmt, "--no-execute"]
    for item in meta:
        perintah += ["-M", item]
    t = time.perf_counter()
    try:
        hasil = subprocess.run(
            perintah, cwd=nb_path.parent, capture_output=True, text=True, timeout=QUARTO_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"`quarto render --to {fmt}` tidak selesai dalam {QUARTO_TIMEOUT} detik."
        ) from None
    if hasil.returncode != 0:
        raise RenderError(
            f"`quarto render {nb_path.name} --to {fmt}` gagal (kode {hasil.returncode}):\n"
            f"{_ekor(hasil.stderr or hasil.stdout)}"
        )
    if not (nb_path.parent / keluaran).is_file():
        raise RenderError(f"Quarto selesai tetapi {nb_path.parent / keluaran} tidak ada.")
    return time.perf_counter() - t, [b for b in hasil.stderr.splitlines() if "WARN" in b]


def _quarto_pdf(
    quarto: str, nb_path: Path, meta: list[str], standar: object
) -> tuple[float, list[str]]:
    """The PDF; a final that Typst cannot tag (PDF/A-3a) becomes PDF/A-3b, with a warning."""
    try:
        return _quarto(quarto, nb_path, FORMAT_TYPST, meta, "laporan.pdf")
    except RenderError as e:
        if standar != "a-3a" or "PDF/A" not in str(e):
            raise
        alasan = str(e).strip().splitlines()[-1][:200]
    # -M wins over the document's own front matter.
    waktu, peringatan = _quarto(
        quarto, nb_path, FORMAT_TYPST, [*meta, f"{PDF_STANDARD_KEY}=a-3b"], "laporan.pdf"
    )
    return waktu, [*peringatan, f"PDF/A-3a tidak tercapai ({alasan}); PDF dibuat sebagai PDF/A-3b"]


def _render_quarto(
    nb_path: Path, month_dir: Path, root: Path, kertas: str | None
) -> tuple[dict[str, float], list[str]]:
    """Render with ``quarto render``; returns (seconds per stage, warnings)."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RendererMissingError(PESAN_PASANG_QUARTO)
    ext = root / "_extensions" / EXTENSION
    # The same rule as the embedded renderer: the notebook's Markdown may show only
    # images of the month's own folder (Quarto would embed any file or URL).
    try:
        depan, body, gambar = notebook_to_markdown(json.loads(nb_path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise RenderError(f"Notebook {nb_path} tidak dapat dibaca: {e}") from None
    image_files(body, [month_dir], outputs=gambar)
    meta = ["renderer=quarto"] + ([f"kertas={kertas}"] if kertas else [])
    # Quarto looks for extensions from the document's folder upwards, but treats
    # files in hidden or underscore folders (the build's `output/.tmp-<month>-<pid>/`)
    # as outside the project. A copy next to the notebook is found either way.
    salinan_ext = month_dir / "_extensions"
    buat_salinan = not salinan_ext.exists()
    # Outside a project Quarto keeps its scratch folder (`.quarto/`: font list,
    # fontawesome package) beside the document: never part of a published month.
    sisa_quarto = month_dir / ".quarto"
    ada_sisa = sisa_quarto.exists()
    if buat_salinan:
        shutil.copytree(ext, salinan_ext / EXTENSION)
    try:
        waktu_html, peringatan = _quarto(quarto, nb_path, FORMAT_HTML, meta, "laporan.html")
        waktu_pdf, lagi = _quarto_pdf(quarto, nb_path, meta, depan.get(PDF_STANDARD_KEY))
    finally:
        if buat_salinan:
            shutil.rmtree(salinan_ext, ignore_errors=True)
        if not ada_sisa:
            shutil.rmtree(sisa_quarto, ignore_errors=True)
        # Quarto copied the layout next to the notebook (format-resources): not an output.
        salinan = month_dir / LAYOUT
        if salinan.is_file() and salinan.read_bytes() == (ext / LAYOUT).read_bytes():
            salinan.unlink()
    return {"quarto_html": waktu_html, "quarto_typst": waktu_pdf}, peringatan + lagi
