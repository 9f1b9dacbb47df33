"""The Quarto renderer: ``quarto render laporan.ipynb`` to HTML and Typst (PDF).

``--to laporan-crm-html`` and ``--to laporan-crm-typst`` with the project's
``_quarto.yml``; the notebook is not executed again. The notebook's images follow the
embedded renderer's rule (:func:`crmlib.render.markdown.image_files`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from crmlib.errors import RendererMissingError, RenderError
from crmlib.render.extension import EXTENSION, FORMAT_HTML, FORMAT_TYPST, LAYOUT, _ekor
from crmlib.render.markdown import image_files, notebook_to_markdown
from crmlib.render.typst_compile import epoch_of

QUARTO_TIMEOUT = 900

PESAN_PASANG_QUARTO = (
    "Renderer 'quarto' diminta, tetapi perintah `quarto` tidak ditemukan di PATH. "
    "Pasang Quarto (>= 1.5) lewat conda-forge — `conda env update -f environment.yml` "
    "(paket `quarto`) — atau dari https://quarto.org/docs/get-started/, lalu ulangi; "
    "atau jalankan dengan --renderer embedded (tanpa Quarto)."
)


def _render_quarto(
    nb_path: Path, month_dir: Path, root: Path, kertas: str | None
) -> tuple[dict[str, float], list[str]]:
    """Render with ``quarto render``; returns (seconds per stage, warnings)."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RendererMissingError(PESAN_PASANG_QUARTO)
    waktu: dict[str, float] = {}
    peringatan: list[str] = []
    ext = root / "_extensions" / EXTENSION
    # The same rule as the embedded renderer: the notebook's Markdown may show only
    # images of the month's own folder (Quarto would embed any file or URL).
    try:
        meta, body, gambar = notebook_to_markdown(json.loads(nb_path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise RenderError(f"Notebook {nb_path} tidak dapat dibaca: {e}") from None
    image_files(body, [month_dir], outputs=gambar)
    # Typst (inside Quarto) dates the PDF from SOURCE_DATE_EPOCH: the document's time.
    env = dict(os.environ)
    epoch = epoch_of(meta.get("waktu-dokumen"))
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
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
        for fmt, keluaran, kunci in (
            (FORMAT_HTML, "laporan.html", "quarto_html"),
            (FORMAT_TYPST, "laporan.pdf", "quarto_typst"),
        ):
            perintah = [quarto, "render", nb_path.name, "--to", fmt, "--no-execute"]
            perintah += ["-M", "renderer=quarto"]
            if kertas:
                perintah += ["-M", f"kertas={kertas}"]
            t = time.perf_counter()
            try:
                hasil = subprocess.run(
                    perintah,
                    cwd=month_dir,
                    capture_output=True,
                    text=True,
                    timeout=QUARTO_TIMEOUT,
                    env=env,
                )
            except subprocess.TimeoutExpired:
                raise RenderError(
                    f"`quarto render --to {fmt}` tidak selesai dalam {QUARTO_TIMEOUT} detik."
                ) from None
            waktu[kunci] = time.perf_counter() - t
            if hasil.returncode != 0:
                raise RenderError(
                    f"`quarto render {nb_path.name} --to {fmt}` gagal (kode {hasil.returncode}):\n"
                    f"{_ekor(hasil.stderr or hasil.stdout)}"
                )
            if not (month_dir / keluaran).is_file():
                raise RenderError(f"Quarto selesai tetapi {month_dir / keluaran} tidak ada.")
            peringatan += [b for b in hasil.stderr.splitlines() if "WARN" in b]
    finally:
        if buat_salinan:
            shutil.rmtree(salinan_ext, ignore_errors=True)
        if not ada_sisa:
            shutil.rmtree(sisa_quarto, ignore_errors=True)
        # Quarto copied the layout next to the notebook (format-resources): not an output.
        salinan = month_dir / LAYOUT
        if salinan.is_file() and salinan.read_bytes() == (ext / LAYOUT).read_bytes():
            salinan.unlink()
    return waktu, peringatan
