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
"""

from __future__ import annotations

import base64
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from crmlib.errors import ParamsError, RendererMissingError, RenderError
from crmlib.report.frontmatter import KERTAS, dump_front_matter, front_matter_of

EXTENSION = "laporan-crm"
FORMAT_HTML = f"{EXTENSION}-html"
FORMAT_TYPST = f"{EXTENSION}-typst"
RENDERERS = ("auto", "quarto", "embedded")
NOTEBOOK = "laporan.ipynb"
LAYOUT = "laporan-layout.typ"

# Pandoc's Markdown as Quarto reads it, minus `$...$` math: report text never holds
# formulas, and a stray dollar sign must not swallow a paragraph.
MARKDOWN = "markdown-tex_math_dollars"
PANDOC_TIMEOUT = 300
# Bounds of one Typst compilation (the report takes about 2 s and well under 1 GB).
TYPST_TIMEOUT = 300
TYPST_MEMORY = 3 * 2**30
QUARTO_TIMEOUT = 900

PESAN_PASANG_QUARTO = (
    "Renderer 'quarto' diminta, tetapi perintah `quarto` tidak ditemukan di PATH. "
    "Pasang Quarto (>= 1.5) lewat conda-forge — `conda env update -f environment.yml` "
    "(paket `quarto`) — atau dari https://quarto.org/docs/get-started/, lalu ulangi; "
    "atau jalankan dengan --renderer embedded (tanpa Quarto)."
)


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


def _is_project_root(path: Path) -> bool:
    return (path / "_quarto.yml").is_file() and (
        path / "_extensions" / EXTENSION / "_extension.yml"
    ).is_file()


def find_project_root(start: Path | str) -> Path:
    """Find the folder holding ``_quarto.yml`` and ``_extensions/laporan-crm/``.

    Walks up from ``start``; falls back to the parent of the ``crmlib`` package
    (the source checkout), so month folders outside the project still render.

    Raises
    ------
    RenderError
        If neither place has the extension.
    """
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if _is_project_root(folder):
            return folder
    cadangan = Path(__file__).resolve().parents[2]
    if _is_project_root(cadangan):
        return cadangan
    raise RenderError(
        f"Folder proyek (berisi _quarto.yml dan _extensions/{EXTENSION}/) tidak ditemukan "
        f"dari {start} maupun di {cadangan}."
    )


# --- notebook -> Markdown --------------------------------------------------------------------

_OPSI_SEL = re.compile(r"^\s*#\|\s?(.*)$")


def _teks_sel(nilai: Any) -> str:
    return "".join(nilai) if isinstance(nilai, list) else str(nilai or "")


def cell_options(source: str) -> dict[str, Any]:
    """Read Quarto cell options (leading ``#| key: value`` lines) of a code cell."""
    baris = []
    for line in source.splitlines():
        m = _OPSI_SEL.match(line)
        if not m:
            break
        baris.append(m.group(1))
    if not baris:
        return {}
    try:
        opsi = yaml.safe_load("\n".join(baris))
    except yaml.YAMLError:
        return {}
    return opsi if isinstance(opsi, dict) else {}


def _salah(nilai: Any) -> bool:
    return nilai is False or (isinstance(nilai, str) and nilai.lower() == "false")


def _keterangan(teks: str) -> str:
    # A caption lives inside ![...]: brackets would end it early.
    return " ".join(teks.replace("[", r"\[").replace("]", r"\]").split())


def notebook_to_markdown(
    notebook: Mapping[str, Any],
) -> tuple[dict[str, Any], str, dict[str, bytes]]:
    """Turn an executed notebook into (front matter, Markdown body, images).

    Only what the report shows is kept, with Quarto's ``echo: false`` semantics:
    Markdown cells; ``text/markdown`` display outputs as they are (images they
    reference, e.g. ``grafik/kecamatan.png``, are files beside the notebook);
    ``image/png`` outputs as images, captioned figures when the cell has ``#|
    label: fig-...`` and ``#| fig-cap: ...``; printed text of ``#| output: asis``
    cells. Code, other streams, errors and plain-text results are dropped, as are
    cells with ``#| include: false`` or ``#| output: false``.

    Parameters
    ----------
    notebook : mapping
        The notebook JSON (nbformat 4), e.g. ``json.load(open("laporan.ipynb"))``.

    Returns
    -------
    meta : dict
        The YAML front matter of the first (raw) cell.
    body : str
        Pandoc Markdown of the report body.
    images : dict of str to bytes
        PNG files referenced by ``body``, by file name.
    """
    meta = front_matter_of(notebook)
    blok: list[str] = []
    gambar: dict[str, bytes] = {}
    cells = list(notebook.get("cells") or [])
    if meta:
        cells = cells[1:]
    for nomor, cell in enumerate(cells, start=1):
        jenis = cell.get("cell_type")
        sumber = _teks_sel(cell.get("source"))
        if jenis == "markdown":
            blok.append(sumber)
            continue
        if jenis != "code":
            continue
        opsi = cell_options(sumber)
        if _salah(opsi.get("include")) or _salah(opsi.get("output")):
            continue
        label = str(opsi.get("label") or "")
        cap = opsi.get("fig-cap")
        n_gambar = 0
        asis = str(opsi.get("output", "")).lower() == "asis"
        for keluaran in cell.get("outputs") or []:
            if (
                asis
                and keluaran.get("output_type") == "stream"
                and keluaran.get("name") == "stdout"
            ):
                # Quarto's `output: asis` takes printed text as Markdown too.
                blok.append(_teks_sel(keluaran.get("text")))
                continue
            if keluaran.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = keluaran.get("data") or {}
            if "text/markdown" in data:
                blok.append(_teks_sel(data["text/markdown"]))
            elif "image/png" in data:
                n_gambar += 1
                dasar = re.sub(r"[^A-Za-z0-9_-]", "-", label) or f"gambar-sel-{nomor}"
                nama = f"{dasar}.png" if n_gambar == 1 else f"{dasar}-{n_gambar}.png"
                gambar[nama] = base64.b64decode(_teks_sel(data["image/png"]))
                if cap and n_gambar == 1 and label.startswith("fig-"):
                    blok.append(f"![{_keterangan(str(cap))}]({nama}){{#{label}}}")
                elif cap:
                    blok.append(f"![{_keterangan(str(cap))}]({nama})")
                else:
                    # No caption: a plain image, not a numbered figure.
                    blok.append(f"![]({nama})")
    body = "\n\n".join(b.strip("\n") for b in blok if b.strip()) + "\n"
    return meta, body, gambar


# --- embedded renderer ---------------------------------------------------------------------


_GAMBAR_MD = re.compile(r"(!\[(?:[^\]\\]|\\.)*\]\(\s*<?)([^)\s>]+)")
_JENIS_GAMBAR = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def image_files(body: str, folders: list[Path], outputs: Collection[str] = ()) -> dict[str, Path]:
    """The file behind every image the Markdown references; only files of ``folders``.

    A report embeds its own charts and nothing else: each reference must be a
    relative path to a PNG or JPEG inside one of ``folders`` (the month's folder,
    the renderer's temporary folder), never a URL, an absolute path or a path
    leading out of them.

    ``outputs`` names images of the notebook's own outputs (Quarto embeds those
    itself); they are not looked up.

    Raises
    ------
    RenderError
        For the first reference that breaks the rule.
    """
    hasil: dict[str, Path] = {}
    for alamat in dict.fromkeys(m.group(2) for m in _GAMBAR_MD.finditer(body)):
        if alamat in outputs:
            continue
        for folder in folders:
            dasar = folder.resolve()
            asal = (dasar / alamat).resolve()
            if (
                not re.match(r"^([a-z][a-z0-9+.-]*:|/|\\)", alamat, flags=re.I)
                and asal.is_relative_to(dasar)
                and asal.suffix.lower() in _JENIS_GAMBAR
                and asal.is_file()
            ):
                hasil[alamat] = asal
                break
        else:
            raise RenderError(
                f"Gambar {alamat!r} tidak dimuat: laporan hanya boleh memuat gambar PNG/JPEG "
                "dari folder bulannya sendiri (jalur relatif, mis. grafik/kecamatan.png), "
                "bukan URL, jalur absolut atau berkas di luar folder itu."
            )
    return hasil


def _gambar_data_uri(body: str, berkas: dict[str, Path]) -> str:
    """``body`` with each image reference replaced by the image itself (a data URI).

    The HTML is written by pandoc in its sandbox, which reads no file: the images
    the report may show go into the Markdown instead.
    """

    def ganti(m: re.Match[str]) -> str:
        path = berkas[m.group(2)]
        isi = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"{m.group(1)}data:{_JENIS_GAMBAR[path.suffix.lower()]};base64,{isi}"

    return _GAMBAR_MD.sub(ganti, body)


def _salin_gambar(berkas: dict[str, Path], root: Path) -> None:
    """Copy the report's images below the Typst root (Typst reads nothing else)."""
    for alamat, asal in berkas.items():
        tujuan = root / alamat
        if not tujuan.exists():
            tujuan.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asal, tujuan)


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
        data = yaml.safe_load((ext_dir / "_extension.yml").read_text(encoding="utf-8")) or {}
        common = data["contributes"]["formats"].get("common") or {}
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        common = {}
    return {
        "toc": common.get("toc", True),
        "toc-depth": int(common.get("toc-depth", 2)),
        "toc-title": str(common.get("toc-title", "DAFTAR ISI")),
        "lang": str(common.get("lang", "id")),
    }


def _ekor(teks: str, n: int = 25) -> str:
    baris = [b for b in teks.strip().splitlines() if b.strip()]
    return "\n".join(baris[-n:])


def _typst_error_text(e: Exception) -> str:
    bagian = [getattr(e, "message", "") or str(e)]
    diagnostik = getattr(e, "diagnostic", "")
    if diagnostik and diagnostik not in bagian[0]:
        bagian.append(diagnostik)
    for hint in getattr(e, "hints", None) or []:
        bagian.append(f"petunjuk: {hint}")
    return "\n".join(b for b in bagian if b)


def _timestamp() -> int | None:
    # Reproducible builds: honour SOURCE_DATE_EPOCH for the PDF creation date.
    nilai = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(nilai) if nilai.isdigit() else None


def _typst_anak(batas: int, cpu: int) -> None:
    """Child process of :func:`compile_typst`: bound its own memory and CPU, then compile.

    Reads the job as JSON on stdin; writes ``{"warnings": [...]}`` or
    ``{"error": "..."}`` as JSON on stdout. The CPU bound holds even if the
    parent dies and can no longer enforce its timeout.
    """
    resource.setrlimit(resource.RLIMIT_AS, (batas, batas))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    import typst

    tugas = json.loads(sys.stdin.read())
    try:
        _, warns = typst.compile_with_warnings(
            tugas["input"],
            output=tugas["output"],
            format="pdf",
            root=tugas["root"],
            # Only Typst's bundled fonts: the PDF is the same on every machine
            # (and font discovery is skipped, which is faster).
            ignore_system_fonts=True,
            timestamp=tugas["timestamp"],
            # Final editions: PDF/A (archival); drafts: plain PDF.
            **({"pdf_standards": tugas["standar"]} if tugas.get("standar") else {}),
        )
    except typst.TypstError as e:
        print(json.dumps({"error": _typst_error_text(e)}))
        return
    print(json.dumps({"warnings": [_typst_error_text(w) for w in warns or []]}))


def start_typst(memory: int | None = None, timeout: float | None = None) -> subprocess.Popen:
    """Start the child process that will compile one Typst document (see :func:`compile_typst`).

    Started early, the child imports ``typst`` while pandoc is still writing the
    ``.typ``; it waits for its job on stdin.
    """
    memory = TYPST_MEMORY if memory is None else memory
    # Typst uses every core: CPU seconds may run ahead of the wall clock.
    cpu = int(2 * (TYPST_TIMEOUT if timeout is None else timeout)) + 1
    env = dict(os.environ)
    paket = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (paket, env.get("PYTHONPATH")) if p)
    anak = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from crmlib.render.renderer import _typst_anak; _typst_anak({memory}, {cpu})",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    anak.batas_memori = memory  # type: ignore[attr-defined]
    return anak


def compile_typst(
    source: Path,
    pdf: Path,
    root: Path,
    timeout: float | None = None,
    memory: int | None = None,
    child: subprocess.Popen | None = None,
    standards: list[str] | None = None,
) -> list[str]:
    """Compile ``source`` to ``pdf`` in a child process bounded in time and memory.

    Typst is a programming language: a document could loop or allocate without
    end. The child may read files only below ``root``, gets at most ``memory``
    bytes of address space (:data:`TYPST_MEMORY`) and ``timeout`` seconds
    (:data:`TYPST_TIMEOUT`), and is killed when either runs out.

    Parameters
    ----------
    child : subprocess.Popen, optional
        A child from :func:`start_typst` (``memory`` is then the child's); a new
        one is started when omitted.
    standards : list of str, optional
        Typst PDF standards, e.g. ``["a-3a"]`` (PDF/A-3a) for a final edition.

    Returns
    -------
    list of str
        Typst's warnings.

    Raises
    ------
    RenderError
        Typst's own diagnostic, or which bound was exceeded.
    """
    timeout = TYPST_TIMEOUT if timeout is None else timeout
    anak = child if child is not None else start_typst(memory, timeout)
    memory = anak.batas_memori  # type: ignore[attr-defined]
    tugas = {"input": str(source), "output": str(pdf), "root": str(root), "timestamp": _timestamp()}
    if standards:
        tugas["standar"] = list(standards)
    try:
        keluar, galat = anak.communicate(json.dumps(tugas), timeout=timeout)
    except subprocess.TimeoutExpired:
        anak.kill()
        anak.communicate()
        raise RenderError(
            f"Typst tidak selesai dalam {timeout:g} detik dan dihentikan; dokumen yang "
            "berjalan selama itu hampir pasti memuat perulangan tanpa akhir."
        ) from None
    except BaseException:
        anak.kill()
        anak.wait()
        raise
    try:
        jawaban = json.loads(keluar.strip().splitlines()[-1])
    except (IndexError, ValueError):
        jawaban = None
    if anak.returncode == 0 and isinstance(jawaban, dict) and "error" not in jawaban:
        return list(jawaban.get("warnings") or [])
    if isinstance(jawaban, dict) and "error" in jawaban:
        raise RenderError(jawaban["error"])
    if anak.returncode == -signal.SIGXCPU:
        raise RenderError(
            "Typst melampaui batas waktu CPU dan dihentikan; dokumen yang berjalan selama "
            "itu hampir pasti memuat perulangan tanpa akhir."
        )
    if "memory allocation" in galat or anak.returncode == -signal.SIGABRT:
        raise RenderError(
            f"Typst melampaui batas memori {memory // 2**20} MB dan dihentikan; dokumen "
            "yang memakai memori sebanyak itu hampir pasti memuat perulangan tanpa akhir."
        )
    raise RenderError(f"Typst berhenti tanpa hasil (kode {anak.returncode}):\n{_ekor(galat)}")


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
        (tmp / nama).write_bytes(isi)
    berkas = image_files(body, [tmp, month_dir])
    _salin_gambar(berkas, akar)
    awal = dump_front_matter(meta) + "\n" if meta else ""
    (tmp / "laporan.md").write_text(awal + body, encoding="utf-8")
    (tmp / "laporan-html.md").write_text(awal + _gambar_data_uri(body, berkas), encoding="utf-8")
    css = (ext / "laporan.css").read_text(encoding="utf-8")
    (tmp / "laporan-css.html").write_text(f"<style>\n{css}</style>\n", encoding="utf-8")
    # The same layout file Quarto copies next to its .typ (format-resources).
    shutil.copyfile(ext / LAYOUT, akar / LAYOUT)
    return tmp, akar


# Files a final edition's PDF carries as attachments (front matter ``lampiran: true``).
LAMPIRAN = ("metrics.json", "tabel.xlsx")


def _siapkan_arsip(meta: dict[str, Any], month_dir: Path, akar: Path) -> list[str] | None:
    """The PDF standard a final edition asks for (front matter ``pdf-standar``), attachments copied.

    The attachments are the month's own ``metrics.json`` and ``tabel.xlsx``, copied
    into the Typst root (Typst reads nothing outside it).
    """
    if meta.get("lampiran"):
        for nama in LAMPIRAN:
            shutil.copyfile(month_dir / nama, akar / nama)
    standar = meta.get("pdf-standar")
    return [str(standar)] if standar else None


def _compile_pdf(
    akar: Path, pdf: Path, anak: subprocess.Popen, standar: list[str] | None
) -> list[str]:
    """Compile ``laporan.typ``; a final edition that Typst cannot tag (PDF/A-3a) becomes PDF/A-3b."""
    try:
        return compile_typst(akar / "laporan.typ", pdf, akar, child=anak, standards=standar)
    except RenderError as e:
        if standar != ["a-3a"] or "PDF/A" not in str(e):
            raise
        alasan = str(e).strip().splitlines()[0][:200]
    peringatan = compile_typst(akar / "laporan.typ", pdf, akar, standards=["a-3b"])
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


def _render_embedded(
    nb_path: Path, month_dir: Path, root: Path, kertas: str | None
) -> tuple[dict[str, float], list[str]]:
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
        perintah_typ = [
            *umum,
            md.name,
            "--to=typst",
            f"--template={ext / 'embedded-template.typst'}",
            f"--output={akar / 'laporan.typ'}",
        ]
        # Two cores: pandoc writes the HTML while Typst lays out the PDF.
        t1 = time.perf_counter()
        proses_html = subprocess.Popen(
            perintah_html, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        anak_typst = start_typst()
        try:
            hasil_typ = subprocess.run(
                perintah_typ, cwd=tmp, capture_output=True, text=True, timeout=PANDOC_TIMEOUT
            )
            if hasil_typ.returncode != 0:
                raise RenderError(
                    "pandoc gagal menulis sumber Typst (PDF) dari notebook "
                    f"{nb_path}:\n{_ekor(hasil_typ.stderr)}"
                )
            waktu["pandoc_typst"] = time.perf_counter() - t1

            t2 = time.perf_counter()
            pdf_sementara = month_dir / ".laporan.pdf.tmp"
            standar = _siapkan_arsip(meta, month_dir, akar)
            try:
                peringatan += _compile_pdf(akar, pdf_sementara, anak_typst, standar)
            except RenderError as e:
                pdf_sementara.unlink(missing_ok=True)
                raise RenderError(f"Typst gagal menyusun PDF untuk {nb_path}:\n{e}") from None
            waktu["typst"] = time.perf_counter() - t2

            _, err_html = proses_html.communicate(timeout=PANDOC_TIMEOUT)
        except BaseException:
            for proses in (proses_html, anak_typst):
                proses.kill()
                proses.communicate()
            html_sementara.unlink(missing_ok=True)
            raise
        waktu["pandoc_html"] = time.perf_counter() - t1
        if proses_html.returncode != 0:
            html_sementara.unlink(missing_ok=True)
            pdf_sementara.unlink(missing_ok=True)
            raise RenderError(
                f"pandoc gagal menulis HTML dari notebook {nb_path}:\n{_ekor(err_html)}"
            )
        if err_html.strip():
            peringatan += [b for b in err_html.strip().splitlines() if b.strip()]
        os.replace(html_sementara, html_akhir)
        os.replace(pdf_sementara, pdf_akhir)
    return waktu, peringatan


# --- Quarto ------------------------------------------------------------------------------


def _render_quarto(
    nb_path: Path, month_dir: Path, root: Path, kertas: str | None
) -> tuple[dict[str, float], list[str]]:
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RendererMissingError(PESAN_PASANG_QUARTO)
    waktu: dict[str, float] = {}
    peringatan: list[str] = []
    ext = root / "_extensions" / EXTENSION
    # The same rule as the embedded renderer: the notebook's Markdown may show only
    # images of the month's own folder (Quarto would embed any file or URL).
    try:
        _, body, gambar = notebook_to_markdown(json.loads(nb_path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise RenderError(f"Notebook {nb_path} tidak dapat dibaca: {e}") from None
    image_files(body, [month_dir], outputs=gambar)
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
                    perintah, cwd=month_dir, capture_output=True, text=True, timeout=QUARTO_TIMEOUT
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
